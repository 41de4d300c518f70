// Package bottest is the test kit every package's tests share: an engine
// on a real bbolt file in a temporary folder, with the built-in words and
// a simulated clock, and helpers to talk to it as people do.
//
// It is for tests only; no production code imports it.
package bottest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store"
)

// Options tune New; the zero value is a fresh database, Europe/Berlin,
// Monday 2 March 2026 08:00.
type Options struct {
	// Start is when the simulated clock starts.
	Start time.Time
	// Zone is the engine's default zone (default Europe/Berlin).
	Zone string
	// Path is the database file; default a new file in t.TempDir().
	Path string
	// NoSync skips fsync (fuzzing and large simulations only).
	NoSync bool
	// Configure, if set, changes the engine's configuration before each
	// open (weekly rounds, metrics, escaping).
	Configure func(*bot.Config)
}

// Kit is an engine with its store, words and clock.
type Kit struct {
	T      testing.TB
	Path   string
	DB     *store.DB
	Engine *bot.Engine
	Clock  *bot.SimClock
	Words  *prompts.Set
	opts   Options
}

// DefaultStart is when a kit's clock starts unless told otherwise:
// Monday 2 March 2026, 08:00 in Berlin.
var DefaultStart = time.Date(2026, 3, 2, 8, 0, 0, 0, mustZone("Europe/Berlin"))

// New opens a kit; it is closed when the test ends.
func New(t testing.TB, o Options) *Kit {
	t.Helper()
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	if o.Zone == "" {
		o.Zone = "Europe/Berlin"
	}
	if o.Path == "" {
		o.Path = filepath.Join(t.TempDir(), "t.db")
	}
	words, err := prompts.New("")
	if err != nil {
		t.Fatal(err)
	}
	k := &Kit{T: t, Path: o.Path, Clock: bot.NewSimClock(o.Start), Words: words, opts: o}
	k.open()
	t.Cleanup(func() {
		if k.DB != nil {
			k.DB.Close()
		}
	})
	return k
}

func (k *Kit) open() {
	k.T.Helper()
	db, err := store.Open(k.Path, store.Options{NoSync: k.opts.NoSync})
	if err != nil {
		k.T.Fatal(err)
	}
	c := bot.Config{Store: db, Words: k.Words, Clock: k.Clock, DefaultZone: k.opts.Zone}
	if k.opts.Configure != nil {
		k.opts.Configure(&c)
	}
	e, err := bot.New(c)
	if err != nil {
		db.Close()
		k.T.Fatal(err)
	}
	k.DB, k.Engine = db, e
}

// With is the kit reporting to t (inside a fuzz target, say, where the
// kit's own F must not be used).
func (k *Kit) With(t testing.TB) *Kit {
	c := *k
	c.T = t
	return &c
}

// Restart closes the database and opens it again, as a restart of the
// program would.
func (k *Kit) Restart() {
	k.T.Helper()
	if err := k.DB.Close(); err != nil {
		k.T.Fatal(err)
	}
	k.open()
}

// Reopen opens the database again after the test closed it (to read
// the raw file, say).
func (k *Kit) Reopen() {
	k.T.Helper()
	k.open()
}

// ID is the person id of a test person.
func ID(who string) bot.PersonID { return bot.NewPersonID("test", who) }

// Say sends free text from a test person and returns the reply texts.
func (k *Kit) Say(who, text string) []string {
	k.T.Helper()
	return Texts(k.Send(bot.Event{Person: ID(who), Name: who, Text: text}))
}

// Command sends a command from a test person and returns the reply texts.
func (k *Kit) Command(who, command, args string) []string {
	k.T.Helper()
	return Texts(k.Send(bot.Event{Person: ID(who), Name: who, Command: command, Text: args}))
}

// Send hands an event to the engine, failing the test on an error.
func (k *Kit) Send(ev bot.Event) []bot.Reply {
	k.T.Helper()
	replies, err := k.Engine.Handle(context.Background(), ev)
	if err != nil {
		k.T.Fatalf("handle %+v: %v", ev, err)
	}
	return replies
}

// Person loads a person, failing the test when they do not exist.
func (k *Kit) Person(id bot.PersonID) *bot.Person {
	k.T.Helper()
	p, ok, err := k.DB.Person(context.Background(), id)
	if err != nil || !ok {
		k.T.Fatalf("person %s: ok=%v err=%v", id, ok, err)
	}
	return p
}

// Onboard walks a test person through onboarding to a plan: "open the
// draft and write one sentence" after their coffee, daily at 09:00.
func (k *Kit) Onboard(who string) {
	k.T.Helper()
	for _, line := range []string{"hi", "skip", "Write 300 words every weekday", "skip", "open the draft and write one sentence", "9", "my coffee", "9:00", "daily"} {
		k.Say(who, line)
	}
	if p := k.Person(ID(who)); !p.Plan.Onboarded {
		k.T.Fatalf("%s is not onboarded: %+v", who, p.Talk.Flow)
	}
}

// Wait moves the clock on by d, firing everything due on the way at the
// time it is due, and returns the replies queued meanwhile (and drains
// them from the outbox of every platform it names).
func (k *Kit) Wait(d time.Duration) []bot.Reply {
	k.T.Helper()
	ctx := context.Background()
	target := k.Clock.Now().Add(d)
	for {
		next, ok, err := k.Engine.NextDue(ctx)
		if err != nil {
			k.T.Fatal(err)
		}
		if !ok || next.After(target) {
			break
		}
		k.Clock.Set(next)
		if _, err := k.Engine.FireDue(ctx); err != nil {
			k.T.Fatal(err)
		}
	}
	k.Clock.Set(target)
	return k.Drain("test")
}

// Drain takes everything queued for a platform out of the outbox.
func (k *Kit) Drain(platform string) []bot.Reply {
	k.T.Helper()
	ctx := context.Background()
	var out []bot.Reply
	for {
		batch, err := k.DB.Pending(ctx, platform, 500)
		if err != nil {
			k.T.Fatal(err)
		}
		if len(batch) == 0 {
			return out
		}
		seqs := make([]uint64, len(batch))
		for i, env := range batch {
			out = append(out, env.Reply)
			seqs[i] = env.Seq
		}
		if err := k.DB.Delivered(ctx, platform, seqs...); err != nil {
			k.T.Fatal(err)
		}
	}
}

// Texts are the texts of replies.
func Texts(replies []bot.Reply) []string {
	out := make([]string, len(replies))
	for i, r := range replies {
		out[i] = r.Text
	}
	return out
}

// Joined is texts on one line each.
func Joined(texts []string) string { return strings.Join(texts, "\n") }

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

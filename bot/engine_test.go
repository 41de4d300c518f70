package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store"
)

// rig is an engine on a real bbolt file in a temp dir with a sim clock.
type rig struct {
	t      *testing.T
	path   string
	db     *store.DB
	engine *bot.Engine
	clock  *bot.SimClock
	words  *prompts.Set
	noSync bool
}

func newRig(t testing.TB, start time.Time) *rig {
	t.Helper()
	words, err := prompts.New("")
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{path: filepath.Join(t.TempDir(), "t.db"), clock: bot.NewSimClock(start), words: words}
	r.open(t)
	t.Cleanup(func() { r.db.Close() })
	return r
}

// newFastRig is a rig whose store does not fsync, for fuzzing.
func newFastRig(t testing.TB, start time.Time) *rig {
	r := newRig(t, start)
	r.db.Close()
	r.noSync = true
	r.open(t)
	return r
}

func (r *rig) open(t testing.TB) {
	t.Helper()
	db, err := store.Open(r.path, store.Options{NoSync: r.noSync})
	if err != nil {
		t.Fatal(err)
	}
	e, err := bot.New(bot.Config{Store: db, Words: r.words, Clock: r.clock, DefaultZone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	r.db, r.engine = db, e
}

func (r *rig) restart(t testing.TB) {
	t.Helper()
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}
	r.open(t)
}

// say sends a message from a person and returns the reply texts.
func (r *rig) say(t testing.TB, who, text string) []string {
	t.Helper()
	return r.send(t, bot.Event{Person: bot.NewPersonID("test", who), Name: who, Text: text})
}

func (r *rig) send(t testing.TB, ev bot.Event) []string {
	t.Helper()
	replies, err := r.engine.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("Handle(%+v): %v", ev, err)
	}
	var out []string
	for _, rep := range replies {
		out = append(out, rep.Text)
	}
	return out
}

func (r *rig) person(t testing.TB, who string) *bot.Person {
	t.Helper()
	p, ok, err := r.db.Person(bot.NewPersonID("test", who))
	if err != nil || !ok {
		t.Fatalf("person %s: %v %v", who, ok, err)
	}
	return p
}

var monday8 = time.Date(2026, 3, 2, 8, 0, 0, 0, mustZone("Europe/Berlin"))

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// onboard takes a person through onboarding: daily reminder at 9:00.
func (r *rig) onboard(t testing.TB, who string) {
	t.Helper()
	for _, line := range []string{"hi", "skip", "Write 300 words every weekday", "skip", "open the draft and write one sentence", "9", "my coffee", "9:00", "daily"} {
		r.say(t, who, line)
	}
	if p := r.person(t, who); !p.Onboarded || p.NextReminder.IsZero() {
		t.Fatalf("%s not onboarded: %+v", who, p)
	}
}

func joined(s []string) string { return strings.Join(s, "\n") }

func TestRestartResumesMidFlow(t *testing.T) {
	r := newRig(t, monday8)
	r.say(t, "ana", "hi")
	r.say(t, "ana", "my coach suggested it")
	r.restart(t)
	got := joined(r.say(t, "ana", "be more confident"))
	if !strings.Contains(got, "what would you be doing differently") {
		t.Fatalf("after restart the goal was not taken as the answer to the goal question:\n%s", got)
	}
	if p := r.person(t, "ana"); p.StartingReason != "my coach suggested it" {
		t.Errorf("starting reason = %q", p.StartingReason)
	}
}

func TestDuplicateEventHandledOnce(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana")
	ev := bot.Event{ID: "evt-1", Person: bot.NewPersonID("test", "ana"), Command: "win", Text: "called the bank"}
	if got := r.send(t, ev); len(got) == 0 {
		t.Fatal("first delivery got no reply")
	}
	if got := r.send(t, ev); len(got) != 0 {
		t.Fatalf("redelivery answered again: %v", got)
	}
	wins, err := r.db.Wins(ev.Person, 10)
	if err != nil || len(wins) != 1 {
		t.Fatalf("wins = %v, %v; want exactly one", wins, err)
	}
	// Nor is a redelivery counted as an event handled.
	var m countedEvents
	e, err := bot.New(bot.Config{Store: r.db, Words: r.words, Clock: r.clock, Metrics: &m})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.Handle(context.Background(), ev); err != nil || len(got) != 0 {
		t.Fatalf("third delivery: %v, %v", got, err)
	}
	if _, err := e.Handle(context.Background(), bot.Event{ID: "evt-2", Person: ev.Person, Command: "win", Text: "paid it"}); err != nil {
		t.Fatal(err)
	}
	if m.n.Load() != 1 {
		t.Errorf("%d events counted as handled; want 1 (the new one, not the redelivery)", m.n.Load())
	}
}

// countedEvents counts the events the engine reports handled.
type countedEvents struct{ n atomic.Int64 }

func (c *countedEvents) EventHandled(string, string, time.Duration) { c.n.Add(1) }
func (c *countedEvents) Reminders(int, int, int)                    {}

func TestHugeAndHostileInput(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana")
	huge := strings.Repeat("🙂 word ", 2000) // 10,000+ characters
	got := joined(r.say(t, "ana", "win "+huge))
	if !strings.Contains(got, "kept the first 2000 characters") {
		t.Errorf("no word about trimming:\n%s", short(got))
	}
	wins, _ := r.db.Wins(bot.NewPersonID("test", "ana"), 1)
	if len(wins) != 1 || utf8.RuneCountInString(wins[0].Text) > bot.MaxTextRunes || !strings.HasPrefix(wins[0].Text, "🙂 word") {
		t.Fatalf("win not stored trimmed: %d runes", utf8.RuneCountInString(wins[0].Text))
	}
	for _, text := range []string{"\x00\x01\x02", "\u202Egnirts", "<@everyone> @here", strings.Repeat("\n", 50), "\xff\xfe"} {
		if got := r.say(t, "ana", text); len(got) == 0 {
			t.Errorf("no reply to %q", text)
		}
	}
}

func TestDowntimeGrace(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana") // daily 9:00, first due today 09:00
	id := bot.NewPersonID("test", "ana")
	drain := func() []bot.Envelope {
		t.Helper()
		env, err := r.db.Pending("test", 1000)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []uint64
		for _, e := range env {
			seqs = append(seqs, e.Seq)
		}
		if err := r.db.Delivered("test", seqs...); err != nil {
			t.Fatal(err)
		}
		return env
	}
	drain()

	// Down from 08:59 to 10:30: 90 minutes late, inside the 2h grace.
	r.clock.Set(monday8.Add(150 * time.Minute))
	if _, err := r.engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	env := drain()
	if len(env) != 1 || !env[0].Reply.Late || !strings.Contains(env[0].Reply.Text, "offline") {
		t.Fatalf("want one late reminder, got %+v", env)
	}
	if next := r.person(t, "ana").NextReminder; !next.Equal(time.Date(2026, 3, 3, 9, 0, 0, 0, monday8.Location())) {
		t.Errorf("next reminder %v; want tomorrow 09:00", next)
	}

	// Down for three days: no burst, nothing sent, next one in the future.
	r.clock.Set(time.Date(2026, 3, 6, 12, 0, 0, 0, monday8.Location()))
	if _, err := r.engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if env := drain(); len(env) != 0 {
		t.Fatalf("stale reminders sent after long downtime: %d", len(env))
	}
	p := r.person(t, "ana")
	if want := time.Date(2026, 3, 7, 9, 0, 0, 0, monday8.Location()); !p.NextReminder.Equal(want) {
		t.Errorf("next reminder %v; want %v", p.NextReminder, want)
	}
	if p.ID != id {
		t.Fatal("wrong person")
	}
}

func TestStaleButton(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana")
	id := bot.NewPersonID("test", "ana")
	replies, err := r.engine.Handle(context.Background(), bot.Event{Person: id, Command: "checkin"})
	if err != nil || len(replies) != 1 || replies[0].Token == "" {
		t.Fatalf("checkin question: %+v %v", replies, err)
	}
	old := replies[0]
	r.clock.Set(monday8.Add(time.Minute))
	r.send(t, bot.Event{Person: id, Action: old.Ask, Token: old.Token, Text: "done"})
	r.clock.Set(monday8.Add(2 * time.Minute))
	got := joined(r.send(t, bot.Event{Person: id, Action: old.Ask, Token: old.Token, Text: "done"}))
	if !strings.Contains(got, "earlier question") {
		t.Errorf("second press of an old button: %q", got)
	}
	if ci, _ := r.db.CheckIns(id, time.Time{}); len(ci) != 1 {
		t.Errorf("check-ins = %d; want 1", len(ci))
	}
}

// TestConcurrentPeopleAndReminders runs many people checking in while the
// scheduler fires their reminders: every check-in is kept, and nobody's
// state is lost to a concurrent write (run with -race).
func TestConcurrentPeopleAndReminders(t *testing.T) {
	r := newRig(t, monday8)
	const people, rounds = 20, 15
	for i := 0; i < people; i++ {
		r.onboard(t, fmt.Sprintf("p%d", i))
	}
	r.clock.Set(monday8.Add(time.Hour + time.Minute)) // everyone's reminder is due
	var wg sync.WaitGroup
	errs := make(chan error, people+1)
	for i := 0; i < people; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := bot.NewPersonID("test", fmt.Sprintf("p%d", i))
			for k := 0; k < rounds; k++ {
				if _, err := r.engine.Handle(context.Background(), bot.Event{Person: id, Command: "checkin", Text: "done"}); err != nil {
					errs <- err
					return
				}
			}
		}(i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := r.engine.FireDue(context.Background()); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i := 0; i < people; i++ {
		id := bot.NewPersonID("test", fmt.Sprintf("p%d", i))
		ci, err := r.db.CheckIns(id, time.Time{})
		if err != nil || len(ci) != rounds {
			t.Errorf("%s: %d check-ins, %v; want %d", id, len(ci), err, rounds)
		}
		p := r.person(t, fmt.Sprintf("p%d", i))
		if p.CheckIns != rounds || p.LastReminder.IsZero() {
			t.Errorf("%s: count %d, last reminder %v: a write was lost", id, p.CheckIns, p.LastReminder)
		}
	}
}

// FuzzEngineText sends arbitrary text, at every point of onboarding and
// after it: the engine never fails and always answers.
func FuzzEngineText(f *testing.F) {
	for _, s := range []string{"", "hi", "done", "win 🎉", "/help", "stop", "skip", "\x00", "not yet", "remind daily 9:00", strings.Repeat("a", 3000)} {
		f.Add(s, uint8(3))
	}
	r := newFastRig(f, monday8)
	n := 0
	f.Fuzz(func(t *testing.T, text string, at uint8) {
		n++
		who := fmt.Sprintf("f%d", n)
		script := []string{"hi", "skip", "be more confident", "speak up once a week", "skip", "yes", "a; b", "send one email", "5", "skip", "skip", "coffee", "9:00", "daily"}
		cut := int(at) % (len(script) + 1)
		for _, line := range script[:cut] {
			r.say(t, who, line)
		}
		for _, ev := range []bot.Event{
			{Person: bot.NewPersonID("test", who), Text: text},
			{Person: bot.NewPersonID("test", who), Command: "win", Text: text},
			{Person: bot.NewPersonID("test", who), Action: "checkin", Token: text, Text: text},
		} {
			if got := r.send(t, ev); len(got) == 0 {
				t.Fatalf("no reply to %+v", ev)
			}
		}
	})
}

func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestReminderQueuedOnceAcrossCrash: a reminder fired just before a crash
// is in the outbox after restart, once; firing again sends nothing new.
func TestReminderQueuedOnceAcrossCrash(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana")
	pending := func() []bot.Envelope {
		env, err := r.db.Pending("test", 100)
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	var seqs []uint64
	for _, e := range pending() {
		seqs = append(seqs, e.Seq)
	}
	r.db.Delivered("test", seqs...)

	r.clock.Set(monday8.Add(time.Hour)) // 09:00, due
	if n, err := r.engine.FireDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("FireDue = %d, %v", n, err)
	}
	r.restart(t) // the process dies before anything was delivered
	r.clock.Set(monday8.Add(time.Hour + time.Minute))
	if n, err := r.engine.FireDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("after restart FireDue = %d, %v; want nothing due", n, err)
	}
	env := pending()
	if len(env) != 1 || !strings.Contains(env[0].Reply.Text, "time for") || env[0].Reply.Late {
		t.Fatalf("outbox after restart: %+v", env)
	}
}

// TestCoachSeesOnlyConsentingMembers: a coach sees the members who named
// them, nobody else; withdrawing hides them again; people in another
// group cannot be named at all.
func TestCoachSeesOnlyConsentingMembers(t *testing.T) {
	r := newRig(t, monday8)
	in := func(who, group, text string) string {
		t.Helper()
		return joined(r.send(t, bot.Event{Person: bot.NewPersonID("test", who), Name: who, Place: bot.Place{Group: group}, Text: text}))
	}
	for _, who := range []string{"coach", "ana", "bo"} {
		r.onboard(t, who)
		in(who, "g1", "hi") // joins group g1
	}
	r.onboard(t, "eve")
	in("eve", "g2", "hi")

	r.send(t, bot.Event{Person: bot.NewPersonID("test", "ana"), Place: bot.Place{Group: "g1"}, Command: "win", Text: "wrote every day"})
	r.send(t, bot.Event{Person: bot.NewPersonID("test", "bo"), Place: bot.Place{Group: "g1"}, Command: "win", Text: "bo's secret win"})

	if got := in("coach", "g1", "coach"); strings.Contains(got, "ana") || strings.Contains(got, "bo's") {
		t.Fatalf("coach sees members before consent:\n%s", got)
	}
	in("ana", "g1", "coach coach")
	in("ana", "g1", "yes")
	in("bo", "g1", "coach coach")
	in("bo", "g1", "no")
	got := in("coach", "g1", "coach")
	if !strings.Contains(got, "ana") || !strings.Contains(got, "wrote every day") || strings.Contains(got, "bo") {
		t.Fatalf("coach view after ana's consent and bo's refusal:\n%s", got)
	}
	if got := in("eve", "g2", "coach coach"); !strings.Contains(got, "couldn't find") {
		t.Errorf("someone in another group could name this coach:\n%s", got)
	}
	in("ana", "g1", "coach stop")
	if got := in("coach", "g1", "coach"); strings.Contains(got, "ana") {
		t.Fatalf("coach still sees ana after she withdrew:\n%s", got)
	}
}

// TestPrivateNeverReachesTheGroup: a private person's replies are all
// private; a public person's group posts carry only name and win.
func TestPrivateNeverReachesTheGroup(t *testing.T) {
	r := newRig(t, monday8)
	id := bot.NewPersonID("test", "ana")
	send := func(ev bot.Event) []bot.Reply {
		ev.Person, ev.Place = id, bot.Place{Group: "g1"}
		replies, err := r.engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return replies
	}
	r.onboard(t, "ana")
	for _, rep := range send(bot.Event{Command: "win", Text: "ran 5k"}) {
		if rep.Visibility != bot.Private {
			t.Fatalf("private person's win went to the group: %+v", rep)
		}
	}
	send(bot.Event{Command: "why"})
	send(bot.Event{Text: "my secret reason about my health"})
	send(bot.Event{Command: "share", Text: "public"})
	var group []bot.Reply
	for _, rep := range send(bot.Event{Command: "win", Text: "ran 10k"}) {
		if rep.Visibility == bot.Group {
			group = append(group, rep)
		}
	}
	if len(group) != 1 || group[0].Text != "🎉 ana: ran 10k" || group[0].Place.Group != "g1" {
		t.Fatalf("public win = %+v; want exactly the name and the win, to g1", group)
	}
}

// TestCelebrationsNeverRepeatBackToBack: twenty wins and twenty check-ins
// in a row; no two consecutive celebrations share their wording, and each
// names what was done.
func TestCelebrationsNeverRepeatBackToBack(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana")
	id := bot.NewPersonID("test", "ana")
	// wording strips the specifics, leaving the template's own words.
	wording := func(text, specific string) string { return strings.ReplaceAll(text, specific, "…") }
	var prev string
	for i := 0; i < 20; i++ {
		win := fmt.Sprintf("win number %d", i)
		replies := r.send(t, bot.Event{Person: id, Command: "win", Text: win})
		if len(replies) == 0 || !strings.Contains(replies[0], win) {
			t.Fatalf("celebration does not name the win: %q", replies)
		}
		w := wording(replies[0], win)
		w = strings.ReplaceAll(w, fmt.Sprint(i+1), "#")
		if i > 1 && w == prev {
			t.Fatalf("two celebrations in a row with the same words: %q", w)
		}
		prev = w
	}
	prev = ""
	for i := 0; i < 20; i++ {
		r.clock.Set(monday8.Add(time.Duration(i+1) * 24 * time.Hour))
		replies := r.send(t, bot.Event{Person: id, Command: "checkin", Text: "done"})
		if len(replies) == 0 {
			t.Fatal("no reply to a check-in")
		}
		if replies[0] == prev {
			t.Fatalf("two check-in celebrations in a row with the same words: %q", prev)
		}
		prev = replies[0]
		r.send(t, bot.Event{Person: id, Text: "skip"})
	}
}

// TestForgetLeavesNoTrace: after "forget" and "yes", the raw database
// file — freed pages included — holds neither the person's id nor any of
// their words; other people are untouched, and a coach link to the
// forgotten person is gone.
func TestForgetLeavesNoTrace(t *testing.T) {
	r := newRig(t, monday8)
	const who = "zed7781"
	id := bot.NewPersonID("test", who)
	secrets := []string{"QUOKKA-GOAL-ZED", "PANGOLIN-STEP-ZED", "NARWHAL-REASON-ZED", "AXOLOTL-WIN-ZED", "OKAPI-NOTE-ZED", "TAPIR-HABIT-ZED", "IBEX-MILESTONE-ZED"}
	send := func(who string, ev bot.Event) []bot.Reply {
		t.Helper()
		ev.Person, ev.Name, ev.Place = bot.NewPersonID("test", who), who, bot.Place{Group: "g1"}
		replies, err := r.engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return replies
	}
	for _, line := range []string{"hi", secrets[2] + " is why", secrets[0] + " every weekday by June", secrets[6] + "; second checkpoint", secrets[1] + " for five minutes", "7", "skip", "skip", secrets[5], "9:00", "daily"} {
		send(who, bot.Event{Text: line})
	}
	send(who, bot.Event{Command: "win", Text: secrets[3]})
	send(who, bot.Event{Command: "checkin", Text: "done"})
	send(who, bot.Event{Text: "skip"})
	r.clock.Set(monday8.Add(26 * time.Hour))
	send(who, bot.Event{Command: "checkin", Text: "partly"})
	send(who, bot.Event{Text: secrets[4]})
	r.onboard(t, "coach")
	send("coach", bot.Event{Text: "hi"})
	send(who, bot.Event{Command: "coach", Text: "coach"})
	send(who, bot.Event{Text: "yes"})
	send(who, bot.Event{Command: "share", Text: "public"})
	// Sunday 18:00: the group's digest and the coach's report show their
	// name and win, and stay queued (the platform is down, say).
	r.clock.Set(time.Date(2026, 3, 8, 18, 0, 0, 0, mustZone("Europe/Berlin")))
	if _, err := r.engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	pending, _ := r.db.Pending("test", 1000)
	shown := 0
	for _, env := range pending {
		if strings.HasPrefix(env.Reply.Key, "weekly/") && strings.Contains(env.Reply.Text, who) && env.Reply.To != id {
			shown++
		}
	}
	if shown != 2 {
		t.Fatalf("%d queued weekly replies show %s; want the digest and the coach's report", shown, who)
	}
	if got := send(who, bot.Event{Command: "forget"}); !strings.Contains(got[0].Text, "can't be undone") {
		t.Fatalf("forget did not ask first: %q", got[0].Text)
	}
	farewell := send(who, bot.Event{Text: "yes"})
	if len(farewell) != 1 || !farewell[0].Direct || !strings.Contains(farewell[0].Text, "deleted") {
		t.Fatalf("farewell = %+v", farewell)
	}
	if _, ok, _ := r.db.Person(id); ok {
		t.Fatal("person still there")
	}
	coach := r.person(t, "coach")
	if !coach.Onboarded {
		t.Fatal("another person was harmed")
	}
	r.db.Close()
	raw, err := os.ReadFile(r.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(secrets, string(id), who) {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the database file still contains %q", s)
		}
	}
	r.open(t)
	if _, ok, _ := r.db.Person(bot.NewPersonID("test", "coach")); !ok {
		t.Fatal("the coach is gone after compaction")
	}
}

// TestForgetNeedsAClearYes: anything but yes keeps everything.
func TestForgetNeedsAClearYes(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana")
	r.say(t, "ana", "/forget")
	r.send(t, bot.Event{Person: bot.NewPersonID("test", "ana"), Command: "forget"})
	if got := joined(r.say(t, "ana", "maybe")); !strings.Contains(got, "answer yes") {
		t.Errorf("unclear answer: %q", got)
	}
	if got := joined(r.say(t, "ana", "no")); !strings.Contains(got, "Nothing deleted") {
		t.Errorf("no: %q", got)
	}
	if p := r.person(t, "ana"); p.Goal == "" {
		t.Fatal("data lost after no")
	}
}

// TestExportHasEverything: the JSON export holds the plan, check-ins,
// wins and ratings; the CSV lists the check-ins.
func TestExportHasEverything(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana")
	id := bot.NewPersonID("test", "ana")
	r.send(t, bot.Event{Person: id, Command: "win", Text: "sent the email"})
	r.send(t, bot.Event{Person: id, Command: "checkin", Text: "done"})
	r.send(t, bot.Event{Person: id, Text: "my kids will see me finish something"}) // the values question
	r.clock.Set(monday8.Add(24 * time.Hour))
	r.send(t, bot.Event{Person: id, Command: "checkin", Text: "partly"})
	r.send(t, bot.Event{Person: id, Text: "felt good"}) // the note
	replies, err := r.engine.Handle(context.Background(), bot.Event{Person: id, Command: "export"})
	if err != nil || len(replies) != 1 || len(replies[0].Files) != 2 || replies[0].Visibility != bot.Private {
		t.Fatalf("export = %+v, %v", replies, err)
	}
	var data struct {
		Person   bot.Person    `json:"person"`
		CheckIns []bot.CheckIn `json:"check_ins"`
		Wins     []bot.Win     `json:"wins"`
		Ratings  []bot.Rating  `json:"ratings"`
	}
	if err := json.Unmarshal(replies[0].Files[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Person.Goal != "Write 300 words every weekday" || data.Person.InnerReason != "my kids will see me finish something" ||
		len(data.CheckIns) != 2 || data.CheckIns[1].Note != "felt good" ||
		len(data.Wins) != 1 || len(data.Ratings) != 1 || data.Ratings[0].Value != 9 {
		t.Errorf("export misses data: %+v", data)
	}
	csv := string(replies[0].Files[1].Data)
	if !strings.HasPrefix(csv, "time,local_time,outcome,note\n") || !strings.Contains(csv, ",done,\n") || !strings.Contains(csv, ",partly,felt good") {
		t.Errorf("csv = %q", csv)
	}
}

// TestNobodyReachesAnotherPersonsData: everything an event does is to the
// person who sent it. Replaying someone else's button token, naming them
// in a command, or asking for progress or an export never reads or
// changes their data.
func TestNobodyReachesAnotherPersonsData(t *testing.T) {
	r := newRig(t, monday8)
	r.onboard(t, "ana")
	r.onboard(t, "mallory")
	ana, mal := bot.NewPersonID("test", "ana"), bot.NewPersonID("test", "mallory")
	r.send(t, bot.Event{Person: ana, Command: "win", Text: "ANA-PRIVATE-WIN"})
	q, err := r.engine.Handle(context.Background(), bot.Event{Person: ana, Command: "checkin"})
	if err != nil {
		t.Fatal(err)
	}
	before := r.person(t, "ana")
	for _, ev := range []bot.Event{
		{Person: mal, Action: q[0].Ask, Token: q[0].Token, Text: "done"}, // ana's button token
		{Person: mal, Command: "progress", Text: "ana"},
		{Person: mal, Command: "export", Text: "ana"},
		{Person: mal, Command: "milestone", Text: "done 1"},
		{Person: mal, Command: "coach", Text: "ana"},
		{Person: mal, Command: "forget", Text: "ana"},
		{Person: mal, Text: "no"},
	} {
		replies, err := r.engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, rep := range replies {
			if rep.To != mal {
				t.Fatalf("%+v produced a reply to %s", ev, rep.To)
			}
			for _, f := range rep.Files {
				if bytes.Contains(f.Data, []byte("ANA-PRIVATE-WIN")) {
					t.Fatalf("mallory's export holds ana's win")
				}
			}
			if strings.Contains(rep.Text, "ANA-PRIVATE-WIN") {
				t.Fatalf("mallory saw ana's win: %q", rep.Text)
			}
		}
	}
	after := r.person(t, "ana")
	if after.Version != before.Version || after.CheckIns != before.CheckIns {
		t.Errorf("ana's record changed: version %d -> %d, check-ins %d -> %d", before.Version, after.Version, before.CheckIns, after.CheckIns)
	}
	if ci, _ := r.db.CheckIns(ana, time.Time{}); len(ci) != 0 {
		t.Errorf("a check-in was recorded for ana by someone else: %+v", ci)
	}
}

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/store"
	"followthrough/store/postgres/pgtest"
)

// copyStory fills a bbolt file with a bit of everything a copy moves.
func copyStory(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for i, name := range []string{"ana", "bo", "cy"} {
		p := &bot.Person{ID: bot.NewPersonID("test", name), Identity: bot.Identity{Name: name, Zone: "Europe/Berlin", Joined: at, LastSeen: at.Add(time.Duration(i) * time.Minute)},
			Plan:   bot.Plan{Goal: "walk", Step: "shoes on", Onboarded: true},
			Groups: []bot.Membership{{Group: "g1", Share: bot.Public}}}
		p.Schedule = bot.Schedule{Cron: "0 9 * * *", Next: at.Add(25 * time.Hour)}
		c := bot.Change{Person: p, EventID: "ev-" + name,
			CheckIns: []bot.CheckIn{{At: at, Outcome: bot.Done}, {At: at.Add(time.Hour), Outcome: bot.Partly, Note: "rain"}},
			Wins:     []bot.Win{{At: at, Text: "one"}, {At: at, Text: "two, same instant"}},
			Ratings:  []bot.Rating{{At: at, Value: 7, Why: "time"}},
			Replies:  []bot.Reply{{Key: "r-" + name, To: p.ID, Text: "well done " + name, At: at}}}
		if name == "ana" {
			c.Settings = &bot.GroupChange{Group: "g1", Settings: bot.GroupSettings{Channel: "C1", By: p.ID, At: at}}
		}
		if err := db.Commit(ctx, c); err != nil {
			t.Fatal(err)
		}
		p.Plan.Goal = "walk further" // a second version
		if err := db.Commit(ctx, bot.Change{Person: p, Expect: 1}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetAddress(ctx, p.ID, bot.Address{DM: "D-" + name, Group: "g1"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CommitWeekly(ctx, "g1", at.Add(48*time.Hour), []bot.Reply{{Key: "digest", Platform: "test", Visibility: bot.Public, Place: bot.Place{Group: "g1"}, Text: "the week"}}); err != nil {
		t.Fatal(err)
	}
	q, err := db.Pending(ctx, "test", 10)
	if err != nil || len(q) != 4 {
		t.Fatalf("queued %d, %v", len(q), err)
	}
	// The newest is given up: a copy must number what comes after it
	// past it.
	if err := db.GiveUp(ctx, q[3], "channel gone", at); err != nil {
		t.Fatal(err)
	}
}

// runCmd runs the command line in this process.
func runCmd(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("followthrough %s: exit %d: %s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	}
	return out.String()
}

// TestCopyToPostgresAndBack: a bbolt file copied to PostgreSQL and back
// to a new file loses nothing: every kind counts and sums the same
// three times, and the copy runs.
func TestCopyToPostgresAndBack(t *testing.T) {
	dir := t.TempDir()
	from, back := filepath.Join(dir, "from.db"), filepath.Join(dir, "back.db")
	copyStory(t, from)
	u := pgtest.URL(t)
	there := runCmd(t, "copy", "--from", from, "--to", u)
	again := runCmd(t, "copy", "--from", u, "--to", back)
	table := func(out string) string { return out[strings.Index(out, "kind"):] }
	if table(there) != table(again) {
		t.Fatalf("the two copies differ:\n%s\n%s", there, again)
	}
	for _, want := range []string{"people           3", "check-ins        6", "wins             6", "ratings          3",
		"addresses        3", "group settings   1", "weekly rounds    1", "queued replies   3", "undeliverable replies  1"} {
		if !strings.Contains(strings.Join(strings.Fields(there), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("copy reports no %q:\n%s", want, there)
		}
	}
	if out := runCmd(t, "check", "--db", u); !strings.Contains(out, "is consistent") {
		t.Errorf("check of the PostgreSQL copy: %s", out)
	}
	if out := runCmd(t, "check", "--db", back); !strings.Contains(out, "is consistent") {
		t.Errorf("check of the file copied back: %s", out)
	}
	db, err := store.Open(back, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	ana, ok, err := db.Person(ctx, "test:ana")
	if err != nil || !ok || ana.Version != 2 || ana.Plan.Goal != "walk further" {
		t.Fatalf("ana copied back: %+v, %v, %v", ana, ok, err)
	}
	if p, ok, _ := db.Person(ctx, carrier); ok {
		t.Errorf("the copy's stand-in stayed: %+v", p)
	}
	q, _ := db.Pending(ctx, "test", 10)
	if len(q) != 3 || q[0].Reply.Key != "r-ana" || q[2].Reply.Key != "r-cy" {
		t.Errorf("queued after the round trip: %+v", q)
	}
	if next, ok, _ := db.NextDue(ctx); !ok || next.IsZero() {
		t.Errorf("the schedules did not come back: %v %v", next, ok)
	}
	// In PostgreSQL, a reply queued after the copy is numbered past every
	// reply copied, given up ones included.
	pg, err := openDatabase(ctx, u, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	failed, _ := pg.Undelivered(ctx, "test")
	if err := pg.Commit(ctx, bot.Change{Person: &bot.Person{ID: "test:new"}, Replies: []bot.Reply{{Key: "later", To: "test:new"}}}); err != nil {
		t.Fatal(err)
	}
	later, _ := pg.Pending(ctx, "test", 10)
	if len(failed) != 1 || later[len(later)-1].Seq <= failed[0].Envelope.Seq {
		t.Errorf("a reply queued after the copy is numbered %d, a copied given-up one %+v", later[len(later)-1].Seq, failed)
	}
	// A copy never writes into a database that holds anything.
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"copy", "--from", from, "--to", u}, strings.NewReader(""), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "not empty") {
		t.Errorf("a copy into a full database: exit %d, %s", code, errOut.String())
	}
}

// lossySink loses the last reply of each platform it is given.
type lossySink struct{ sink }

func (l lossySink) outbox(ctx context.Context, queued []bot.Envelope, failed []bot.Undeliverable) error {
	return l.sink.outbox(ctx, queued[:max(len(queued)-1, 0)], failed)
}

// TestCopyCheckedAgainstTheSource: a copy that loses anything is
// reported, kind by kind, and not taken for a good one.
func TestCopyCheckedAgainstTheSource(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	from := filepath.Join(dir, "from.db")
	copyStory(t, from)
	src, err := openDatabase(ctx, from, true)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := openDatabase(ctx, filepath.Join(dir, "to.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	w, err := sinkFor(dst)
	if err != nil {
		t.Fatal(err)
	}
	_, err = copyDatabase(ctx, src, dst, lossySink{w})
	if err == nil || !strings.Contains(err.Error(), "queued replies: 3 in the source, 2 in the copy") || strings.Contains(err.Error(), "people:") {
		t.Fatalf("a lossy copy: %v", err)
	}
}

package storetest

import (
	"testing"
	"time"

	"followthrough/bot"
)

// dueFollowsThePerson: the due index holds each person's
// Schedule.Next: a moved reminder fires at its new time only, a cleared
// one not at all, and a forgotten person's never.
func dueFollowsThePerson(t *testing.T, s Store) {
	ctx := t.Context()
	if _, ok, err := s.NextDue(ctx); ok || err != nil {
		t.Fatalf("NextDue of an empty store = %v, %v", ok, err)
	}
	at := start()
	ana, sam := newPerson("ana"), newPerson("sam")
	ana.Schedule.Next, sam.Schedule.Next = at.Add(time.Hour), at.Add(3*time.Hour)
	commit(t, s, bot.Change{Person: ana})
	commit(t, s, bot.Change{Person: sam})
	ana.Schedule.Next = at.Add(2 * time.Hour) // moved: the old entry must go
	commit(t, s, bot.Change{Person: ana, Expect: 1})
	if next, ok, _ := s.NextDue(ctx); !ok || !next.Equal(at.Add(2*time.Hour)) {
		t.Fatalf("NextDue = %v, %v; want ana's new time", next, ok)
	}
	never := func(p *bot.Person, due time.Time) []bot.Reply {
		t.Errorf("fired %s due %v", p.ID, due)
		return nil
	}
	if _, err := s.FireDue(ctx, at.Add(90*time.Minute), 10, never); err != nil {
		t.Fatal(err)
	}
	ana.Schedule.Next = time.Time{}
	commit(t, s, bot.Change{Person: ana, Expect: 2})
	if err := s.Forget(ctx, sam.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FireDue(ctx, at.Add(24*time.Hour), 10, never); err != nil {
		t.Fatal(err)
	}
	if next, ok, _ := s.NextDue(ctx); ok {
		t.Fatalf("NextDue = %v with no reminder left", next)
	}
}

// dueFiresInOrder: FireDue fires what is due, earliest first, at most
// max at a time, with the time each was due; the person fire returns and
// its replies are written together, at the next version.
func dueFiresInOrder(t *testing.T, s Store) {
	ctx := t.Context()
	at := start()
	names := []string{"cy", "ana", "bo", "later"}
	for i, name := range names {
		p := newPerson(name)
		p.Schedule.Next = at.Add(time.Duration(i%3) * time.Minute) // cy, ana, bo
		if name == "later" {
			p.Schedule.Next = at.Add(time.Hour)
		}
		commit(t, s, bot.Change{Person: p})
	}
	loaded := load(t, s, "test:ana")
	var fired []string
	fire := func(p *bot.Person, due time.Time) []bot.Reply {
		fired = append(fired, p.Identity.Name)
		if !due.Equal(p.Schedule.Next) {
			t.Errorf("%s: due %v, Schedule.Next %v", p.ID, due, p.Schedule.Next)
		}
		p.Schedule.Last, p.Schedule.Next = due, time.Time{}
		p.Counts.Unanswered++
		return []bot.Reply{{Key: "reminder/" + string(p.ID), To: p.ID, Text: "time for your step", At: due, Reminder: true}}
	}
	n, err := s.FireDue(ctx, at.Add(30*time.Minute), 2, fire)
	if err != nil || n != 2 {
		t.Fatalf("FireDue = %d, %v; want 2", n, err)
	}
	fired = nil // a store may call fire again for a retried transaction
	n, err = s.FireDue(ctx, at.Add(30*time.Minute), 10, fire)
	if err != nil || n != 1 || len(fired) != 1 || fired[0] != "bo" {
		t.Fatalf("second FireDue = %d, %v, fired %v; want bo alone", n, err, fired)
	}
	if next, ok, _ := s.NextDue(ctx); !ok || !next.Equal(at.Add(time.Hour)) {
		t.Fatalf("NextDue = %v, %v; want the later one", next, ok)
	}
	q := pending(t, s)
	if len(q) != 3 || q[0].Reply.To != "test:cy" || q[1].Reply.To != "test:ana" || q[2].Reply.To != "test:bo" || !q[2].Reply.Reminder {
		t.Fatalf("queued reminders = %+v; want cy, ana, bo", q)
	}
	ana := load(t, s, "test:ana")
	if ana.Version != 2 || ana.Counts.Unanswered != 1 || !ana.Schedule.Last.Equal(at.Add(time.Minute)) || !ana.Schedule.Next.IsZero() {
		t.Fatalf("ana after her reminder: version %d, %+v, %+v", ana.Version, ana.Counts, ana.Schedule)
	}
	// What the engine loaded before the reminder is now stale.
	wantErr(t, "a commit over a fired reminder", s.Commit(ctx, bot.Change{Person: loaded, Expect: loaded.Version}), bot.ErrConflict)
}

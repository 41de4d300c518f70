package storetest

import (
	"context"
	"testing"
	"time"

	"followthrough/bot"
)

// peopleNew: someone never committed is new, to Person and to Load.
func peopleNew(t *testing.T, s Store) {
	p, ok, err := s.Person(t.Context(), "test:nobody")
	if p != nil || ok || err != nil {
		t.Fatalf("Person of someone new = %+v, %v, %v", p, ok, err)
	}
	p, seen, err := s.Load(t.Context(), "test:nobody", "ev-1")
	if p != nil || seen || err != nil {
		t.Fatalf("Load of someone new = %+v, %v, %v", p, seen, err)
	}
}

// fullPerson is someone with something in every part.
func fullPerson(name string) *bot.Person {
	p := newPerson(name)
	at := start()
	p.Identity.Handle, p.Identity.Zone, p.Identity.OwnZone = name+"_handle", "Europe/Berlin", true
	p.Plan = bot.Plan{StartingReason: "my doctor said so", InnerReason: "to play with my kids",
		Goal: "walk 20 minutes a day", Step: "put on my shoes", Anchor: bot.Anchor{Habit: "coffee", Time: "07:30"},
		Milestones: []bot.Milestone{{Text: "first walk", Done: at}, {Text: "a week"}}, Onboarded: true}
	p.Schedule = bot.Schedule{Cron: "30 7 * * 1-5", Label: "weekdays", Next: at.Add(24 * time.Hour), Last: at,
		Pauses: []bot.Period{{From: at.Add(-48 * time.Hour), Until: at.Add(-24 * time.Hour)}}}
	p.Talk.Flow = bot.FlowState{Flow: "checkin", Step: "note", Asked: at, Token: "tok", Retries: 1,
		Draft: bot.Draft{Rating: 7, RatingAt: at, CheckInAt: at, Outcome: bot.Partly, Coach: "test:coach", CoachName: "Coach"}}
	p.Memory = bot.Memory{LastWin: "walked", LastObstacle: "rain", LastCheckIn: at,
		LastWording: map[string]int{"celebrate": 2}}
	p.Counts = bot.Counters{Wins: 3, CheckIns: 4, Misses: 1, Unanswered: 2, BestStreak: 5, ValuesAsked: 1, ValuesAt: at}
	p.Groups = []bot.Membership{{Group: "g1", Share: bot.Public, Coach: "test:coach"}, {Group: "g2", Share: bot.Private}}
	return p
}

// peopleCommitAndLoad: a committed person loads back whole, at the next
// version, however the caller changes its copy afterwards.
func peopleCommitAndLoad(t *testing.T, s Store) {
	p := fullPerson("ana")
	commit(t, s, bot.Change{Person: p, EventID: "ev-1"})
	want := p.Clone()
	want.Version = 1
	samePerson(t, "after the first commit", load(t, s, p.ID), want)
	got, seen, err := s.Load(t.Context(), p.ID, "ev-2")
	if err != nil || seen {
		t.Fatalf("Load for a new event = %v, %v", seen, err)
	}
	samePerson(t, "Load", got, want)

	got.Plan.Goal, got.Groups[0].Share = "run", bot.Private
	got.Plan.Milestones[0].Text = "changed in the caller's copy only"
	if again := load(t, s, p.ID); again.Plan.Milestones[0].Text != "first walk" || again.Plan.Goal != want.Plan.Goal {
		t.Fatalf("changing a loaded person changed the store: %+v", again.Plan)
	}
	got.Plan.Milestones[0].Text = "first walk"
	commit(t, s, bot.Change{Person: got, Expect: 1})
	want = got.Clone()
	want.Version = 2
	samePerson(t, "after the second commit", load(t, s, p.ID), want)
}

// peopleVersionConflicts: a commit is refused unless it expects the
// stored version (0 for someone new), and a refused commit writes
// nothing of what it carried.
func peopleVersionConflicts(t *testing.T, s Store) {
	ctx := t.Context()
	p := newPerson("ana")
	wantErr(t, "a new person expected at version 3", s.Commit(ctx, bot.Change{Person: p, Expect: 3}), bot.ErrConflict)
	commit(t, s, bot.Change{Person: p})
	wantErr(t, "a second new person with the same id", s.Commit(ctx, bot.Change{Person: p}), bot.ErrConflict)
	stale := bot.Change{Person: p, Expect: 2, EventID: "ev-stale",
		CheckIns: []bot.CheckIn{{At: start(), Outcome: bot.Done}},
		Replies:  []bot.Reply{{Key: "r1", To: p.ID, Text: "hi"}}}
	wantErr(t, "a version from the future", s.Commit(ctx, stale), bot.ErrConflict)
	if got := load(t, s, p.ID); got.Version != 1 {
		t.Fatalf("version after refused commits = %d; want 1", got.Version)
	}
	if ci, _ := s.CheckIns(ctx, p.ID, time.Time{}); len(ci) != 0 {
		t.Errorf("a refused commit's check-in was written: %+v", ci)
	}
	if q := pending(t, s); len(q) != 0 {
		t.Errorf("a refused commit's reply was queued: %+v", q)
	}
	// Its event id was not remembered either.
	commit(t, s, bot.Change{Person: p, Expect: 1, EventID: "ev-stale"})
}

// peopleDuplicateEvents: an event id is handled once; its redelivery is
// refused by Commit whatever the version, changing nothing, and Load
// says so for someone it has to read.
func peopleDuplicateEvents(t *testing.T, s Store) {
	ctx := t.Context()
	p := newPerson("ana")
	commit(t, s, bot.Change{Person: p, EventID: "ev-1"})
	again := bot.Change{Person: p, Expect: 1, EventID: "ev-1", Wins: []bot.Win{{At: start(), Text: "twice?"}},
		Replies: []bot.Reply{{Key: "r", To: p.ID, Text: "twice?"}}}
	wantErr(t, "a redelivered event", s.Commit(ctx, again), bot.ErrDuplicate)
	if got := load(t, s, p.ID); got.Version != 1 {
		t.Fatalf("a duplicate moved the version to %d", got.Version)
	}
	if w, _ := s.Wins(ctx, p.ID, 10); len(w) != 0 {
		t.Errorf("a duplicate's win was written: %+v", w)
	}
	if q := pending(t, s); len(q) != 0 {
		t.Errorf("a duplicate's reply was queued: %+v", q)
	}
	// Event ids are the platform's, not the person's: another person's
	// commit with the same id is a duplicate too.
	wantErr(t, "the same event for someone else", s.Commit(ctx, bot.Change{Person: newPerson("sam"), EventID: "ev-1"}), bot.ErrDuplicate)
	if p, seen, err := s.Load(ctx, "test:sam", "ev-1"); p != nil || !seen || err != nil {
		t.Fatalf("Load with a handled event = %+v, seen %v, %v", p, seen, err)
	}
}

// eventsForgottenByTime: ForgetEventsBefore lets go of event ids handled
// before a time, and only those.
func eventsForgottenByTime(t *testing.T, s Store) {
	ctx := t.Context()
	p := newPerson("ana")
	commit(t, s, bot.Change{Person: p, EventID: "ev-old"})
	p.Identity.LastSeen = start().Add(2 * time.Hour)
	commit(t, s, bot.Change{Person: p, Expect: 1, EventID: "ev-new"})
	n, err := s.ForgetEventsBefore(ctx, start().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("ForgetEventsBefore = %d, %v; want 1", n, err)
	}
	wantErr(t, "an event newer than the limit", s.Commit(ctx, bot.Change{Person: p, Expect: 2, EventID: "ev-new"}), bot.ErrDuplicate)
	commit(t, s, bot.Change{Person: p, Expect: 2, EventID: "ev-old"})
}

// peopleContextDone: a call whose context is already done returns the
// context's error and writes nothing.
func peopleContextDone(t *testing.T, s Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	p := newPerson("ana")
	p.Schedule.Next = start()
	wantErr(t, "Commit", s.Commit(ctx, bot.Change{Person: p, Replies: []bot.Reply{{Key: "r", To: p.ID}}}), context.Canceled)
	_, _, err := s.Load(ctx, p.ID, "")
	wantErr(t, "Load", err, context.Canceled)
	_, err = s.FireDue(ctx, start(), 10, func(*bot.Person, time.Time) []bot.Reply { return nil })
	wantErr(t, "FireDue", err, context.Canceled)
	wantErr(t, "Forget", s.Forget(ctx, p.ID, "ev"), context.Canceled)
	if _, ok, _ := s.Person(t.Context(), p.ID); ok {
		t.Fatal("a cancelled commit was written")
	}
	if q := pending(t, s); len(q) != 0 {
		t.Fatalf("a cancelled commit queued %+v", q)
	}
}

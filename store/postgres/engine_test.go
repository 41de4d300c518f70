package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store/postgres"
	"followthrough/store/postgres/pgtest"
)

// engineOn builds an engine on db, as an instance of the bot would.
func engineOn(t *testing.T, db *postgres.DB, clock bot.Clock) *bot.Engine {
	t.Helper()
	words, err := prompts.New("")
	if err != nil {
		t.Fatal(err)
	}
	e, err := bot.New(bot.Config{Store: db, Words: words, Clock: clock, DefaultZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEnginesShareADatabase: two instances' engines on one database
// answer the same person's messages at once, each message once; a
// message redelivered to both is answered once; and the reminders due
// are fired by the two together, each once.
func TestEnginesShareADatabase(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	dbs := []*postgres.DB{openAt(t, u), openAt(t, u)}
	clock := bot.NewSimClock(t0)
	engines := []*bot.Engine{engineOn(t, dbs[0], clock), engineOn(t, dbs[1], clock)}
	say := func(e *bot.Engine, id, text string) error {
		replies, err := e.Handle(ctx, bot.Event{ID: id, Person: "console:ana", Text: text, Place: bot.Place{Direct: true}, At: clock.Now()})
		if err == nil && len(replies) == 0 {
			err = fmt.Errorf("%s: no reply", id)
		}
		return err
	}
	if err := say(engines[0], "m0", "hi"); err != nil {
		t.Fatal(err)
	}
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = say(engines[i%2], fmt.Sprint("m", i+1), "win: walked to work")
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	p, ok, err := dbs[1].Person(ctx, "console:ana")
	if err != nil || !ok || p.Version != n+1 {
		t.Fatalf("ana after %d messages: version %d, %v, %v", n+1, p.Version, ok, err)
	}
	// The same message redelivered to both instances at once.
	var got [2][]bot.Reply
	for i, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = e.Handle(ctx, bot.Event{ID: "again", Person: "console:ana", Text: "win: read a page", Place: bot.Place{Direct: true}, At: clock.Now()})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:2]...); err != nil {
		t.Fatal(err)
	}
	if (len(got[0]) == 0) == (len(got[1]) == 0) {
		t.Fatalf("a redelivered message was answered %d and %d times", len(got[0]), len(got[1]))
	}

	// Reminders: people due now, fired by both engines at once.
	const due = 40
	people := make([]*bot.Person, due)
	for i := range people {
		people[i] = &bot.Person{ID: bot.NewPersonID("console", fmt.Sprint("p", i)), Version: 1,
			Identity: bot.Identity{Name: fmt.Sprint("p", i), Zone: "UTC", Joined: t0.Add(-48 * time.Hour), LastSeen: t0.Add(-time.Hour)},
			Plan:     bot.Plan{Onboarded: true, Goal: "walk", Step: "shoes on", Anchor: bot.Anchor{Habit: "coffee", Time: "09:00"}},
			Schedule: bot.Schedule{Cron: "0 9 * * *", Label: "daily at 09:00", Next: t0.Add(time.Hour)}}
	}
	if err := dbs[0].Import(ctx, people, 0); err != nil {
		t.Fatal(err)
	}
	before, _ := dbs[0].Pending(ctx, "console", 10000)
	clock.Set(t0.Add(time.Hour + time.Minute))
	fired := make([]int, 2)
	for i, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fired[i], errs[i] = e.FireDue(ctx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:2]...); err != nil {
		t.Fatal(err)
	}
	if fired[0]+fired[1] != due {
		t.Fatalf("fired %d and %d; want %d in all", fired[0], fired[1], due)
	}
	after, _ := dbs[1].Pending(ctx, "console", 10000)
	perPerson := map[bot.PersonID]int{}
	for _, e := range after[len(before):] {
		perPerson[e.Reply.To]++
	}
	for _, p := range people {
		if perPerson[p.ID] != 1 {
			t.Errorf("%s got %d reminders; want 1", p.ID, perPerson[p.ID])
		}
	}
	if next, ok, _ := engines[1].NextDue(ctx); !ok || !next.After(clock.Now()) {
		t.Errorf("next due %v, %v: every reminder should be moved on", next, ok)
	}
}

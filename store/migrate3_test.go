package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/store"
)

// TestMigrateFromSchema3: the file the previous version wrote (three
// people of group "console", their records, a due index, one queued
// reply, the group's settings, an address) opens as schema 4 with every
// field in its new place; opening it again changes nothing.
func TestMigrateFromSchema3(t *testing.T) {
	ctx := context.Background()
	path := fixture(t, "schema3.db")
	if v := schemaOf(t, path); v != 3 {
		t.Fatalf("the fixture is schema %d, not 3", v)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkSchema3People(t, db)
	checkSchema3Rest(t, db)
	migrated, _ := db.Members(ctx, "console")
	db.Close()
	if v := schemaOf(t, path); v != 4 {
		t.Fatalf("schema after migration = %d; want 4", v)
	}

	before, _ := os.ReadFile(path)
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := db.Members(ctx, "console")
	db.Close()
	if !reflect.DeepEqual(again, migrated) {
		t.Errorf("a second open gave other people:\n%+v\nnot\n%+v", again, migrated)
	}
	if after, _ := os.ReadFile(path); sha256.Sum256(after) != sha256.Sum256(before) {
		t.Error("a second open changed the file")
	}

	// The migrated people take commits at their versions, and their
	// reminders fire.
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ana, _, _ := db.Person(ctx, "console:ana")
	if err := db.Commit(ctx, bot.Change{Person: ana, Expect: 21}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("a stale version after migration: %v", err)
	}
	if err := db.Commit(ctx, bot.Change{Person: ana, Expect: 22}); err != nil {
		t.Fatal(err)
	}
	var fired []bot.PersonID
	n, err := db.FireDue(ctx, utc(t, "2026-03-09T12:30:00+01:00"), 10, func(p *bot.Person, due time.Time) []bot.Reply {
		fired = append(fired, p.ID)
		p.Schedule.Next = due.Add(24 * time.Hour)
		return nil
	})
	if err != nil || n != 2 || !slices.Equal(fired, []bot.PersonID{"console:ana", "console:sam"}) {
		t.Errorf("FireDue = %d, %v, fired %v", n, err, fired)
	}
	ana.Groups = nil
	if err := db.Commit(ctx, bot.Change{Person: ana, Expect: 24}); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.Members(ctx, "console"); len(m) != 2 {
		t.Fatalf("members after ana left = %d; want 2", len(m))
	}
}

// checkSchema3People checks the fixture's three people, field by field.
func checkSchema3People(t *testing.T, db *store.DB) {
	t.Helper()
	members, err := db.Members(context.Background(), "console")
	if err != nil || len(members) != 3 {
		t.Fatalf("members = %d, %v", len(members), err)
	}
	ana, bo, sam := members[0], members[1], members[2]
	if ana.ID != "console:ana" || bo.ID != "console:bo" || sam.ID != "console:sam" {
		t.Fatalf("members in id order: %s %s %s", ana.ID, bo.ID, sam.ID)
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"ana version", ana.Version, uint64(22)},
		{"ana identity", ana.Identity, bot.Identity{Name: "ana", Zone: "Europe/Berlin",
			Joined: utc(t, "2026-03-02T07:00:00Z"), LastSeen: utc(t, "2026-03-03T07:00:00Z")}},
		{"ana plan", ana.Plan, bot.Plan{StartingReason: "my manager suggested it", InnerReason: "being someone my kids look up to",
			Goal: "Go for a 20 minute walk three times a week", Step: "lace up my shoes and step outside",
			Anchor: bot.Anchor{Habit: "my morning coffee", Time: "07:30"}, Onboarded: true,
			Milestones: []bot.Milestone{{Text: "first walk", Done: utc(t, "2026-03-03T07:00:00Z")}, {Text: "a week of walks"}, {Text: "a month of walks"}}}},
		{"ana schedule", ana.Schedule, bot.Schedule{Cron: "30 7 * * 1-5", Label: "weekdays at 07:30",
			Next: utc(t, "2026-03-09T07:30:00+01:00"), Last: utc(t, "2026-03-03T06:30:00Z"),
			Pauses: []bot.Period{{From: utc(t, "2026-03-03T07:00:00Z"), Until: utc(t, "2026-03-05T07:00:00Z")}}}},
		{"ana memory", ana.Memory, bot.Memory{LastWin: "walked 2km", LastCheckIn: utc(t, "2026-03-03T07:00:00Z"),
			LastWording: map[string]int{"celebrate.checkin": 3, "celebrate.milestone": 2}}},
		{"ana counts", ana.Counts, bot.Counters{Wins: 1, CheckIns: 1, ValuesAsked: 1, ValuesAt: utc(t, "2026-03-03T07:00:00Z")}},
		{"ana groups", ana.Groups, []bot.Membership{{Group: "console", Share: bot.Public}}},
		{"ana flow", ana.Talk.Flow, bot.FlowState{}},

		{"sam version", sam.Version, uint64(17)},
		{"sam plan", sam.Plan, bot.Plan{Goal: "Write 300 words of my novel every weekday", Step: "open the draft",
			Anchor: bot.Anchor{Habit: "lunch", Time: "12:30"}, Onboarded: true}},
		{"sam schedule", sam.Schedule, bot.Schedule{Cron: "30 12 * * *", Label: "daily at 12:30",
			Next: utc(t, "2026-03-09T12:30:00+01:00"), Last: utc(t, "2026-03-08T13:00:00+01:00")}},
		{"sam flow", sam.Talk.Flow, bot.FlowState{Flow: "adjust", Step: "open", Asked: utc(t, "2026-03-08T12:00:00Z")}},
		{"sam memory", sam.Memory, bot.Memory{LastCheckIn: utc(t, "2026-03-05T07:00:00Z"), LastObstacle: "a meeting"}},
		{"sam counts", sam.Counts, bot.Counters{CheckIns: 1, Misses: 2}},
		{"sam groups", sam.Groups, []bot.Membership{{Group: "console", Coach: "console:ana"}}},

		{"bo version", bo.Version, uint64(3)},
		{"bo plan", bo.Plan, bot.Plan{Goal: "Run a 5k in May"}},
		{"bo flow", bo.Talk.Flow, bot.FlowState{Flow: "onboard", Step: "milestones", Asked: utc(t, "2026-03-05T07:00:00Z")}},
		{"bo schedule", bo.Schedule, bot.Schedule{}},
		{"bo groups", bo.Groups, []bot.Membership{{Group: "console"}}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.what, c.got, c.want)
		}
	}
}

// checkSchema3Rest checks everything of the fixture but its people.
func checkSchema3Rest(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	ci, _ := db.CheckIns(ctx, "console:ana", time.Time{})
	sci, _ := db.CheckIns(ctx, "console:sam", time.Time{})
	wins, _ := db.Wins(ctx, "console:ana", 10)
	ratings, _ := db.Ratings(ctx, "console:ana", 10)
	sratings, _ := db.Ratings(ctx, "console:sam", 10)
	if len(ci) != 1 || ci[0].Outcome != bot.Done || len(sci) != 1 || sci[0].Note != "a meeting" ||
		len(wins) != 1 || wins[0].Text != "walked 2km" || len(ratings) != 1 || ratings[0].Why != "I have the shoes" ||
		ratings[0].Up != "a friend to walk with" || len(sratings) != 1 || sratings[0].Value != 9 {
		t.Errorf("records: %+v %+v %+v %+v %+v", ci, sci, wins, ratings, sratings)
	}
	q, err := db.Pending(ctx, "console", 10)
	if err != nil || len(q) != 1 || q[0].Seq != 48 || q[0].Reply.Key != "console:sam/17/0" || q[0].Reply.To != "console:sam" ||
		q[0].Reply.Visibility != bot.Private || !q[0].Reply.Late || !q[0].Reply.Reminder ||
		!strings.HasPrefix(q[0].Reply.Text, "Let's look at the plan together.") || !q[0].Queued.Equal(utc(t, "2026-03-08T13:00:00+01:00")) {
		t.Errorf("outbox = %+v, %v", q, err)
	}
	g, _ := db.GroupSettings(ctx, "console")
	if g.Channel != "C1" || g.Zone != "Europe/Berlin" || g.DigestDay != "friday" || g.DigestTime != "17:30" || g.By != "ana" ||
		!g.At.Equal(utc(t, "2026-03-07T13:00:00+01:00")) {
		t.Errorf("group settings = %+v", g)
	}
	if a, _ := db.Address(ctx, "discord:42"); a.DM != "D42" {
		t.Errorf("address = %+v", a)
	}
	if groups, _ := db.Groups(ctx); !slices.Equal(groups, []string{"console"}) {
		t.Errorf("groups = %q", groups)
	}
	next, ok, _ := db.NextDue(ctx)
	if !ok || !next.Equal(utc(t, "2026-03-09T07:30:00+01:00")) {
		t.Fatalf("next due = %v, %v; want ana's", next, ok)
	}
}

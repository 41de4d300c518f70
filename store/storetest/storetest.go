// Package storetest is the contract every implementation of bot.Store
// passes: the bbolt store (package store) and the PostgreSQL one
// (store/postgres) run it from their own tests. Run covers people,
// records, the due index, the outbox and addresses, event ids, groups
// and their settings and weekly rounds, forgetting, and concurrent
// commits; RunShared, the work of several instances on one database at
// once (firing reminders, a redelivered event, a weekly round). It speaks only through the interfaces, so it knows
// nothing of how a store keeps its data; a store's own tests check what
// only it can (for bbolt: the bytes of the file after a forget).
//
// Each test gets a fresh, empty store from the open function it is
// given, and closes nothing: open registers its own cleanup.
package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"followthrough/bot"
)

// Store is what the suite exercises: the engine's bot.Store, and the
// delivery methods adapters use.
type Store interface {
	bot.Store
	// Pending returns up to max queued replies for a platform, oldest
	// first.
	Pending(ctx context.Context, platform string, max int) ([]bot.Envelope, error)
	// Delivered removes replies from a platform's outbox.
	Delivered(ctx context.Context, platform string, seqs ...uint64) error
	// GiveUp moves a reply from the outbox to the undeliverable ones.
	GiveUp(ctx context.Context, env bot.Envelope, reason string, at time.Time) error
	// PendingFrom returns up to max queued replies for a platform from
	// a sequence number on.
	PendingFrom(ctx context.Context, platform string, from uint64, max int) ([]bot.Envelope, error)
	// Undelivered lists the replies given up on for a platform.
	Undelivered(ctx context.Context, platform string) ([]bot.Undeliverable, error)
	// Address and SetAddress keep how to reach a person.
	Address(ctx context.Context, id bot.PersonID) (bot.Address, error)
	SetAddress(ctx context.Context, id bot.PersonID, a bot.Address) error
	// SetGroupSettings replaces a group's settings (tools, copies).
	SetGroupSettings(ctx context.Context, group string, g bot.GroupSettings) error
	// ForgetEventsBefore drops remembered event ids older than t.
	ForgetEventsBefore(ctx context.Context, t time.Time) (int, error)
}

// Run runs every contract test, each on a fresh store from open.
func Run(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		run  func(*testing.T, Store)
	}{
		{"People/New", peopleNew},
		{"People/CommitAndLoad", peopleCommitAndLoad},
		{"People/VersionConflicts", peopleVersionConflicts},
		{"People/DuplicateEvents", peopleDuplicateEvents},
		{"People/ContextDone", peopleContextDone},
		{"Events/ForgottenByTime", eventsForgottenByTime},
		{"Records/CheckIns", recordsCheckIns},
		{"Records/WinsAndRatings", recordsWinsAndRatings},
		{"Due/FollowsThePerson", dueFollowsThePerson},
		{"Due/FiresInOrder", dueFiresInOrder},
		{"Outbox/PerPlatform", outboxPerPlatform},
		{"Outbox/GiveUp", outboxGiveUp},
		{"Outbox/PendingFrom", outboxPendingFrom},
		{"Outbox/Addresses", outboxAddresses},
		{"Groups/Memberships", groupsMemberships},
		{"Groups/Settings", groupsSettings},
		{"Groups/WeeklyOnce", groupsWeeklyOnce},
		{"Groups/SetSettings", groupsSetSettings},
		{"Forget/Person", forgetPerson},
		{"Forget/Confirmation", forgetConfirmation},
		{"Forget/Group", forgetGroup},
		{"Forget/Nobody", forgetNobody},
		{"Concurrent/OneOfSameVersion", concurrentOneOfSameVersion},
		{"Concurrent/NoLostUpdate", concurrentNoLostUpdate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open(t)) })
	}
	t.Run("Shared", func(t *testing.T) {
		runShared(t, func(t *testing.T) []Store { return []Store{open(t)} }, knownOnOneStore)
	})
}

// start is when the suite's story begins: a Monday morning.
func start() time.Time { return time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC) }

// platform is the platform of the suite's people.
const platform = "test"

// newPerson is someone new on the test platform, seen at start.
func newPerson(name string) *bot.Person {
	return &bot.Person{ID: bot.NewPersonID(platform, name),
		Identity: bot.Identity{Name: name, Joined: start(), LastSeen: start()}}
}

// commit commits c, failing the test on an error.
func commit(t *testing.T, s Store, c bot.Change) {
	t.Helper()
	if err := s.Commit(t.Context(), c); err != nil {
		t.Fatalf("commit %s (expect %d): %v", c.Person.ID, c.Expect, err)
	}
}

// load loads a person who must be there.
func load(t *testing.T, s Store, id bot.PersonID) *bot.Person {
	t.Helper()
	p, ok, err := s.Person(t.Context(), id)
	if err != nil || !ok {
		t.Fatalf("person %s: ok %v, %v", id, ok, err)
	}
	return p
}

// wantErr fails the test unless err is want.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: %v; want %v", what, err, want)
	}
}

// pending returns everything queued for the test platform.
func pending(t *testing.T, s Store) []bot.Envelope {
	t.Helper()
	envs, err := s.Pending(t.Context(), platform, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return envs
}

// normal is a copy of p as the suite compares people: every time in UTC,
// and empty slices and maps nil, so that a store is held to what it
// keeps, not to how its driver hands times and empty lists back.
func normal(p *bot.Person) *bot.Person {
	c := p.Clone()
	normalize(reflect.ValueOf(c).Elem())
	return c
}

// normalize makes the value v normal (see normal), however deep.
func normalize(v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				normalize(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Map:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		if v.Kind() == reflect.Slice {
			for i := range v.Len() {
				normalize(v.Index(i))
			}
		}
	}
}

// samePerson fails the test unless got holds what want does.
func samePerson(t *testing.T, what string, got, want *bot.Person) {
	t.Helper()
	if g, w := normal(got), normal(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

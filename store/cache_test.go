package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"followthrough/bot"
)

// TestCacheIsDecoded: a person cached as committed is, field for field,
// the person decoding the file gives, so the engine sees the same thing
// whether it was served from the cache or not.
func TestCacheIsDecoded(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		id := bot.PersonID("test:p" + string(rune('a'+i%7)))
		before, _, _ := db.Person(ctx, id)
		var expect uint64
		if before != nil {
			expect = before.Version
		}
		p := randomPerson(r, id)
		if err := db.Commit(ctx, bot.Change{Person: p, Expect: expect}); err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
		cached, ok := db.people.m[id]
		if !ok {
			t.Fatalf("commit %d: not cached", i)
		}
		want := stored(t, db, id)
		if !reflect.DeepEqual(cached.p, want) {
			t.Fatalf("commit %d: cached\n%+v\nbut the file decodes to\n%+v", i, cached.p, want)
		}
		got, _, err := db.Person(ctx, id)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("commit %d: load = %+v, %v", i, got, err)
		}
		// A caller changing what it loaded changes nothing cached.
		fill(reflect.ValueOf(got).Elem(), r)
		if again, _, _ := db.Person(ctx, id); !reflect.DeepEqual(again, want) {
			t.Fatalf("commit %d: changing a loaded person changed the next load", i)
		}
	}
}

// TestCacheFollowsEveryWrite: whichever way a person is written —
// committed, rescheduled by a reminder, imported, unlinked from a coach
// who left, taken out of a group that went, forgotten, compacted — the
// next load gives what the file holds, without a read when it is cached;
// a forgotten person is gone from memory too.
func TestCacheFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ana, coach := bot.PersonID("test:ana"), bot.PersonID("test:coach")
	check := func(step string, id bot.PersonID) {
		t.Helper()
		want := stored(t, db, id)
		got, ok, err := db.Person(ctx, id)
		if err != nil || ok != (want != nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: load = %+v, %v, %v; the file holds %+v", step, got, ok, err, want)
		}
	}
	in := func(coach bot.PersonID, groups ...string) []bot.Membership {
		var ms []bot.Membership
		for _, g := range groups {
			ms = append(ms, bot.Membership{Group: g, Coach: coach})
		}
		return ms
	}
	for _, p := range []*bot.Person{
		{ID: coach, Groups: in("", "g"), Plan: bot.Plan{Goal: "coach"}},
		{ID: ana, Groups: in(coach, "g", "h"), Plan: bot.Plan{Goal: "run"}, Schedule: bot.Schedule{Next: at}},
	} {
		if err := db.Commit(ctx, bot.Change{Person: p}); err != nil {
			t.Fatal(err)
		}
		check("commit", p.ID)
	}
	n, err := db.FireDue(ctx, at, 10, func(p *bot.Person, _ time.Time) []bot.Reply {
		p.Schedule.Next, p.Schedule.Last = at.Add(24*time.Hour), at
		return nil
	})
	if err != nil || n != 1 {
		t.Fatalf("fire due: %d, %v", n, err)
	}
	check("reminder", ana)
	if got, _, _ := db.Person(ctx, ana); got.Version != 2 || !got.Schedule.Last.Equal(at) {
		t.Fatalf("after a reminder: %+v", got)
	}
	imported := &bot.Person{ID: ana, Groups: in(coach, "g", "h"), Plan: bot.Plan{Goal: "swim"}, Version: 9}
	if err := db.Import(ctx, []*bot.Person{imported}, 0); err != nil {
		t.Fatal(err)
	}
	check("import", ana)
	if err := db.Forget(ctx, coach, ""); err != nil {
		t.Fatal(err)
	}
	check("coach forgotten", ana)
	if got, _, _ := db.Person(ctx, ana); got.Groups[0].Coach != "" || got.Groups[1].Coach != "" || got.Plan.Goal != "swim" {
		t.Fatalf("after the coach left: %+v", got)
	}
	check("coach forgotten", coach)
	if _, err := db.ForgetGroup(ctx, "h", ""); err != nil {
		t.Fatal(err)
	}
	check("group forgotten", ana)
	if got, _, _ := db.Person(ctx, ana); len(got.Groups) != 1 || got.Groups[0].Group != "g" {
		t.Fatalf("after group h went: %+v", got.Groups)
	}
	got, _, _ := db.Person(ctx, ana)
	got.Plan.Goal = "walk"
	if err := db.Commit(ctx, bot.Change{Person: got, Expect: got.Version}); err != nil {
		t.Fatal(err)
	}
	if err := db.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	// After Compact the file numbers transactions anew: a write must
	// still reach the cache.
	got.Plan.Goal = "dance"
	if err := db.Commit(ctx, bot.Change{Person: got, Expect: got.Version + 1}); err != nil {
		t.Fatal(err)
	}
	check("compacted", ana)
	if got, _, _ := db.Person(ctx, ana); got.Plan.Goal != "dance" {
		t.Fatalf("after compaction: %+v", got)
	}
	if err := db.Forget(ctx, ana, ""); err != nil {
		t.Fatal(err)
	}
	check("forgotten", ana)
	for id, e := range db.people.m {
		if e.p != nil && (id == ana || id == coach) {
			t.Fatalf("%s is forgotten but still in memory", id)
		}
	}
}

// TestCacheKeepsCommitOrder: bbolt runs commit handlers after the next
// writer may have committed, so they can arrive out of order; an older
// write never replaces a newer one, never brings back a forgotten person,
// and an eviction does not open the door to one either.
func TestCacheKeepsCommitOrder(t *testing.T) {
	var c peopleCache
	id := bot.PersonID("test:ana")
	v := func(n uint64) *bot.Person { return &bot.Person{ID: id, Version: n} }
	c.set(id, 10, v(10))
	c.set(id, 9, v(9))
	if p, _ := c.get(id); p == nil || p.Version != 10 {
		t.Fatalf("an older write replaced a newer one: %+v", p)
	}
	c.set(id, 11, nil)
	c.set(id, 10, v(10))
	if p, ok := c.get(id); ok {
		t.Fatalf("an older write brought a forgotten person back: %+v", p)
	}
	// Fill the cache until an eviction: whoever was pushed out came
	// from transaction 20, so a write from before it, for someone with
	// no entry to compare with, may be stale and is not taken in.
	for i := range cacheMax {
		c.set(bot.NewPersonID("test", strconv.Itoa(i)), 20, v(20))
	}
	if c.floor != 20 {
		t.Fatalf("floor after an eviction = %d, want 20", c.floor)
	}
	late := bot.PersonID("test:late")
	c.set(late, 15, v(15))
	if p, ok := c.get(late); ok {
		t.Fatalf("a write older than an eviction was taken in: %+v", p)
	}
	c.set(late, 21, v(21))
	if p, _ := c.get(late); p == nil || p.Version != 21 {
		t.Fatalf("a newer write was refused: %+v", p)
	}
}

// TestCacheConflictReadsTheFile: bbolt runs a transaction's commit
// handlers after it lets the next writer in, so a load can find a cached
// entry older than the file. The commit it leads to is refused, and the
// retry must then read the file rather than the same stale entry (it used
// to, until the handler ran: eight retries could fail in that window).
func TestCacheConflictReadsTheFile(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	id := bot.PersonID("test:ana")
	if err := db.Commit(ctx, bot.Change{Person: &bot.Person{ID: id, Plan: bot.Plan{Goal: "run"}}}); err != nil {
		t.Fatal(err)
	}
	db.people.mu.Lock()
	before := db.people.m[id]
	db.people.mu.Unlock()
	if err := db.Commit(ctx, bot.Change{Person: &bot.Person{ID: id, Plan: bot.Plan{Goal: "swim"}}, Expect: 1}); err != nil {
		t.Fatal(err)
	}
	db.people.mu.Lock()
	after := db.people.m[id]
	db.people.m[id] = before // as if the second commit's handler had not run yet
	db.people.mu.Unlock()
	p, _, err := db.Load(ctx, id, "")
	if err != nil || p.Version != 1 {
		t.Fatalf("setting up a stale entry: %+v, %v", p, err)
	}
	p.Plan.Goal = "walk"
	if err := db.Commit(ctx, bot.Change{Person: p, Expect: p.Version}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("commit over a moved version: %v, want a conflict", err)
	}
	p, _, err = db.Load(ctx, id, "")
	if err != nil || p.Version != 2 || p.Plan.Goal != "swim" {
		t.Fatalf("load after a conflict = %+v, %v; want version 2 from the file", p, err)
	}
	// The late handler, when it runs, changes nothing.
	db.people.set(id, after.tx, after.p)
	if p, _, _ := db.Load(ctx, id, ""); p.Version != 2 {
		t.Fatalf("a late handler undid the fresh read: %+v", p)
	}
}

// TestCacheStaysBounded: a crowd passing through leaves at most cacheMax
// people in memory.
func TestCacheStaysBounded(t *testing.T) {
	var c peopleCache
	for i := range 3 * cacheMax {
		c.set(bot.NewPersonID("test", strconv.Itoa(i)), uint64(i+1), &bot.Person{})
		if len(c.m) > cacheMax {
			t.Fatalf("%d people cached after %d", len(c.m), i+1)
		}
	}
}

package store

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// fill sets every field of v, however deep, to a random value: times in
// random zones with a monotonic reading, several elements in slices and
// maps. A field added to Person later is filled too, so the tests below
// cover it without being told.
func fill(v reflect.Value, r *rand.Rand) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("X", -7*3600)}
		t := time.Now().Add(time.Duration(r.Int64N(1 << 50))).In(zones[r.IntN(len(zones))])
		if r.IntN(5) == 0 {
			t = time.Time{}
		}
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), r)
			}
		}
	case reflect.String:
		words := []string{"", "ana", "run 5k", "🎉 <@everyone>", "a\x00b", "\"quoted\"", "müde"}
		v.SetString(words[r.IntN(len(words))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.Int, reflect.Int64:
		v.SetInt(r.Int64N(1000) - 10)
	case reflect.Uint64:
		v.SetUint(r.Uint64N(1 << 40))
	case reflect.Slice:
		n := r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(s.Index(i), r)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range r.IntN(4) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, r)
			fill(e, r)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		panic("fill: add a case for " + v.Type().String())
	}
}

func randomPerson(r *rand.Rand, id bot.PersonID) *bot.Person {
	p := &bot.Person{}
	fill(reflect.ValueOf(p).Elem(), r)
	p.ID = id
	return p
}

func openInternal(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "ft.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// stored decodes what the file holds for id, around the cache.
func stored(t *testing.T, db *DB, id bot.PersonID) *bot.Person {
	t.Helper()
	var p *bot.Person
	if err := db.view(func(tx *bolt.Tx) error {
		var err error
		p, err = getPerson(tx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCacheIsDecoded: a person cached as committed is, field for field,
// the person decoding the file gives, so the engine sees the same thing
// whether it was served from the cache or not.
func TestCacheIsDecoded(t *testing.T) {
	db := openInternal(t)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		id := bot.PersonID("test:p" + string(rune('a'+i%7)))
		before, _, _ := db.Person(id)
		var expect uint64
		if before != nil {
			expect = before.Version
		}
		p := randomPerson(r, id)
		if err := db.Commit(bot.Change{Person: p, Expect: expect}); err != nil {
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
		got, _, err := db.Person(id)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("commit %d: load = %+v, %v", i, got, err)
		}
		// A caller changing what it loaded changes nothing cached.
		fill(reflect.ValueOf(got).Elem(), r)
		if again, _, _ := db.Person(id); !reflect.DeepEqual(again, want) {
			t.Fatalf("commit %d: changing a loaded person changed the next load", i)
		}
	}
}

// TestCacheFollowsEveryWrite: whichever way a person is written —
// committed, rescheduled by a reminder, imported, unlinked from a coach
// who left, forgotten, compacted — the next load gives what the file
// holds, without a read when it is cached; a forgotten person is gone
// from memory too.
func TestCacheFollowsEveryWrite(t *testing.T) {
	db := openInternal(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ana, coach := bot.PersonID("test:ana"), bot.PersonID("test:coach")
	check := func(step string, id bot.PersonID) {
		t.Helper()
		want := stored(t, db, id)
		got, ok, err := db.Person(id)
		if err != nil || ok != (want != nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: load = %+v, %v, %v; the file holds %+v", step, got, ok, err, want)
		}
	}
	for _, p := range []*bot.Person{
		{ID: coach, Group: "g", Goal: "coach"},
		{ID: ana, Group: "g", Goal: "run", Coach: coach, NextReminder: at},
	} {
		if err := db.Commit(bot.Change{Person: p}); err != nil {
			t.Fatal(err)
		}
		check("commit", p.ID)
	}
	n, err := db.FireDue(at, 10, func(p *bot.Person, _ time.Time) []bot.Reply {
		p.NextReminder, p.LastReminder = at.Add(24*time.Hour), at
		return nil
	})
	if err != nil || n != 1 {
		t.Fatalf("fire due: %d, %v", n, err)
	}
	check("reminder", ana)
	if got, _, _ := db.Person(ana); got.Version != 2 || !got.LastReminder.Equal(at) {
		t.Fatalf("after a reminder: %+v", got)
	}
	if err := db.Import([]*bot.Person{{ID: ana, Group: "g", Goal: "swim", Coach: coach, Version: 9}}, 0); err != nil {
		t.Fatal(err)
	}
	check("import", ana)
	if err := db.Forget(coach); err != nil {
		t.Fatal(err)
	}
	check("coach forgotten", ana)
	if got, _, _ := db.Person(ana); got.Coach != "" || got.Goal != "swim" {
		t.Fatalf("after the coach left: %+v", got)
	}
	check("coach forgotten", coach)
	if err := db.Commit(bot.Change{Person: &bot.Person{ID: ana, Goal: "walk", Version: 10}, Expect: 10}); err != nil {
		t.Fatal(err)
	}
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	// After Compact the file numbers transactions anew: a write must
	// still reach the cache.
	if err := db.Commit(bot.Change{Person: &bot.Person{ID: ana, Goal: "dance", Version: 11}, Expect: 11}); err != nil {
		t.Fatal(err)
	}
	check("compacted", ana)
	if got, _, _ := db.Person(ana); got.Goal != "dance" {
		t.Fatalf("after compaction: %+v", got)
	}
	if err := db.Forget(ana); err != nil {
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
	db := openInternal(t)
	id := bot.PersonID("test:ana")
	if err := db.Commit(bot.Change{Person: &bot.Person{ID: id, Goal: "run"}}); err != nil {
		t.Fatal(err)
	}
	db.people.mu.Lock()
	before := db.people.m[id]
	db.people.mu.Unlock()
	if err := db.Commit(bot.Change{Person: &bot.Person{ID: id, Goal: "swim"}, Expect: 1}); err != nil {
		t.Fatal(err)
	}
	db.people.mu.Lock()
	after := db.people.m[id]
	db.people.m[id] = before // as if the second commit's handler had not run yet
	db.people.mu.Unlock()
	p, _, err := db.Load(id, "")
	if err != nil || p.Version != 1 {
		t.Fatalf("setting up a stale entry: %+v, %v", p, err)
	}
	p.Goal = "walk"
	if err := db.Commit(bot.Change{Person: p, Expect: p.Version}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("commit over a moved version: %v, want a conflict", err)
	}
	p, _, err = db.Load(id, "")
	if err != nil || p.Version != 2 || p.Goal != "swim" {
		t.Fatalf("load after a conflict = %+v, %v; want version 2 from the file", p, err)
	}
	// The late handler, when it runs, changes nothing.
	db.people.set(id, after.tx, after.p)
	if p, _, _ := db.Load(id, ""); p.Version != 2 {
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

// TestPersonHead: the head says what the person says, and a version
// check or an index move needs nothing else.
func TestPersonHead(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 30, 500, time.FixedZone("", 3600))
	for _, p := range []*bot.Person{
		{ID: "test:a"},
		{ID: "test:b", Version: 1 << 40, NextReminder: at, Group: "guild 1 ✨"},
		{ID: "test:c", Version: 3, NextReminder: time.Unix(-5, 0)},
	} {
		v, err := encodePerson(p)
		if err != nil {
			t.Fatal(err)
		}
		h, body, err := headOf(v)
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		want := headFor(p)
		if h.version != want.version || !h.next.Equal(want.next) || h.next.IsZero() != p.NextReminder.IsZero() || h.group != p.Group {
			t.Errorf("%s: head %+v, want %+v", p.ID, h, want)
		}
		if !bytes.HasPrefix(body, []byte(`{"id":`)) {
			t.Errorf("%s: body %q", p.ID, body)
		}
	}
}

// FuzzHeadOf: no stored bytes, however damaged, make reading a head
// panic or claim more than was there.
func FuzzHeadOf(f *testing.F) {
	v, _ := encodePerson(&bot.Person{ID: "test:a", Version: 9, Group: "g", NextReminder: time.Unix(1e9, 0)})
	f.Add(v)
	f.Add([]byte(`{"id":"test:a"}`))
	f.Add([]byte{personFormat, 0x80})
	f.Add([]byte{personFormat, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, v []byte) {
		h, rest, err := headOf(v)
		if err != nil {
			return
		}
		if len(rest)+len(h.group) > len(v) {
			t.Fatalf("head %+v and %d bytes from %d", h, len(rest), len(v))
		}
	})
}

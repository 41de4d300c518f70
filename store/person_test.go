package store

import (
	"bytes"
	"hash/maphash"
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

// TestCacheNeverServesWhatTheFileNoLongerHolds: bytes changed behind the
// cache's back (another writer, a restore) are decoded, not served from
// memory; a forgotten person is gone from memory too.
func TestCacheNeverServesWhatTheFileNoLongerHolds(t *testing.T) {
	db := openInternal(t)
	id := bot.PersonID("test:ana")
	p := &bot.Person{ID: id, Goal: "run"}
	if err := db.Commit(bot.Change{Person: p}); err != nil {
		t.Fatal(err)
	}
	other := &bot.Person{ID: id, Goal: "swim", Version: 7}
	v, err := encodePerson(other)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketPeople).Put([]byte(id), v) }); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := db.Person(id); got.Goal != "swim" || got.Version != 7 {
		t.Fatalf("after a write behind the cache: %+v", got)
	}
	if err := db.Forget(id); err != nil {
		t.Fatal(err)
	}
	if _, ok := db.people.m[id]; ok {
		t.Fatal("a forgotten person is still in memory")
	}
	if got, ok, _ := db.Person(id); ok {
		t.Fatalf("forgotten person loaded: %+v", got)
	}
}

// TestCacheStaysBounded: a crowd passing through leaves at most cacheMax
// people in memory.
func TestCacheStaysBounded(t *testing.T) {
	c := peopleCache{seed: maphash.MakeSeed()}
	v := []byte("x")
	for i := range 3 * cacheMax {
		c.put(bot.NewPersonID("test", strconv.Itoa(i)), v, &bot.Person{})
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

package store

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
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
	case reflect.Pointer:
		if r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		e := reflect.New(v.Type().Elem())
		fill(e.Elem(), r)
		v.Set(e)
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
	if err := db.view(context.Background(), func(tx *bolt.Tx) error {
		var err error
		p, err = getPerson(tx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPersonHead: the head says what the person says — version, next
// reminder, every group in order — and a version check or an index move
// needs nothing else.
func TestPersonHead(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 30, 500, time.FixedZone("", 3600))
	member := func(groups ...string) []bot.Membership {
		var ms []bot.Membership
		for _, g := range groups {
			ms = append(ms, bot.Membership{Group: g, Share: bot.Public})
		}
		return ms
	}
	for _, p := range []*bot.Person{
		{ID: "test:a"},
		{ID: "test:b", Version: 1 << 40, Schedule: bot.Schedule{Next: at}, Groups: member("guild 1 ✨")},
		{ID: "test:c", Version: 3, Schedule: bot.Schedule{Next: time.Unix(-5, 0)}, Groups: member("b", "a", "", "T01")},
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
		if h.version != want.version || !h.next.Equal(want.next) || h.next.IsZero() != p.Schedule.Next.IsZero() ||
			!slices.Equal(h.groups, p.GroupNames()) || !reflect.DeepEqual(h, want) {
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
	v, _ := encodePerson(&bot.Person{ID: "test:a", Version: 9, Groups: []bot.Membership{{Group: "g"}, {Group: "h"}},
		Schedule: bot.Schedule{Next: time.Unix(1e9, 0)}})
	f.Add(v)
	f.Add([]byte(`{"id":"test:a"}`))
	f.Add([]byte{personFormat, 0x80})
	f.Add([]byte{personFormat, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{personFormat, 1, 0, 2, 5, 'a'})
	f.Fuzz(func(t *testing.T, v []byte) {
		h, rest, err := headOf(v)
		if err != nil {
			return
		}
		claimed := len(rest)
		for _, g := range h.groups {
			claimed += len(g)
		}
		if claimed > len(v) {
			t.Fatalf("head %+v and %d bytes from %d", h, len(rest), len(v))
		}
	})
}

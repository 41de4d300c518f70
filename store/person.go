package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// A person is stored as a short binary head, then their JSON. The head
// holds what a commit must check and index — the version, the next
// reminder and the group — so that a commit checks the version and moves
// the index entries without decoding the JSON of the person it replaces:
// that decoding, inside the one write transaction every commit waits for,
// was a fifth of the engine's time.
//
//	byte     personFormat
//	uvarint  version
//	varint   next reminder, unix seconds; absent when the flag byte is 0
//	uvarint  length of the group, then the group
//	...      the person as JSON (which repeats these fields)
const personFormat = 1

// personHead is the part of a stored person a commit needs.
type personHead struct {
	version uint64
	next    time.Time // second precision, as the due index; zero when none
	group   string
}

// errPersonFormat is a stored person this code cannot read.
var errPersonFormat = errors.New("not a stored person (bad head)")

// encodePerson is p as stored.
func encodePerson(p *bot.Person) ([]byte, error) {
	b := bufs.Get().(*bytes.Buffer)
	defer bufs.Put(b)
	b.Reset()
	var head [1 + 3*binary.MaxVarintLen64]byte
	h := append(head[:0], personFormat)
	h = binary.AppendUvarint(h, p.Version)
	if p.NextReminder.IsZero() {
		h = append(h, 0)
	} else {
		h = append(h, 1)
		h = binary.AppendVarint(h, p.NextReminder.Unix())
	}
	h = binary.AppendUvarint(h, uint64(len(p.Group)))
	b.Write(h)
	b.WriteString(p.Group)
	if err := json.NewEncoder(b).Encode(p); err != nil {
		return nil, fmt.Errorf("store: encode person %s: %w", p.ID, err)
	}
	// One allocation of the exact size (bbolt keeps the value until the
	// transaction commits, so it cannot be the pooled buffer).
	return bytes.Clone(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// bufs are buffers for encoding people.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// headOf reads the head of a stored person; rest is their JSON.
func headOf(v []byte) (h personHead, rest []byte, err error) {
	if len(v) == 0 || v[0] != personFormat {
		return h, nil, errPersonFormat
	}
	v = v[1:]
	var n int
	if h.version, n = binary.Uvarint(v); n <= 0 {
		return h, nil, errPersonFormat
	}
	v = v[n:]
	if len(v) == 0 || v[0] > 1 {
		return h, nil, errPersonFormat
	}
	hasNext := v[0] == 1
	v = v[1:]
	if hasNext {
		var s int64
		if s, n = binary.Varint(v); n <= 0 {
			return h, nil, errPersonFormat
		}
		h.next, v = time.Unix(s, 0), v[n:]
	}
	size, n := binary.Uvarint(v)
	if n <= 0 || size > uint64(len(v)-n) {
		return h, nil, errPersonFormat
	}
	v = v[n:]
	h.group, v = string(v[:size]), v[size:]
	return h, v, nil
}

// decodePerson reads a stored person.
func decodePerson(id bot.PersonID, v []byte) (*bot.Person, error) {
	h, body, err := headOf(v)
	if err != nil {
		return nil, fmt.Errorf("store: decode person %s: %w", id, err)
	}
	var p bot.Person
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("store: decode person %s: %w", id, err)
	}
	p.Version = h.version
	return &p, nil
}

func getPerson(tx *bolt.Tx, id bot.PersonID) (*bot.Person, error) {
	v := tx.Bucket(bucketPeople).Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	return decodePerson(id, v)
}

// getHead reads the head of a stored person; nil when there is no such
// person.
func getHead(tx *bolt.Tx, id bot.PersonID) (*personHead, error) {
	v := tx.Bucket(bucketPeople).Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	h, _, err := headOf(v)
	if err != nil {
		return nil, fmt.Errorf("store: decode person %s: %w", id, err)
	}
	return &h, nil
}

// headFor is the head a person is stored with.
func headFor(p *bot.Person) personHead {
	h := personHead{version: p.Version, group: p.Group}
	if !p.NextReminder.IsZero() {
		h.next = time.Unix(p.NextReminder.Unix(), 0)
	}
	return h
}

// putPerson writes an encoded person (see encodePerson) whose head is
// now, replacing one whose head was old (nil for a new person), and keeps
// the due and group indexes and the cache c in step: once tx commits, c
// holds p, the person v decodes to (nil when the caller has no such
// copy). A reminder time or group that did not change writes nothing to
// its index.
func putPerson(tx *bolt.Tx, c *peopleCache, id bot.PersonID, v []byte, now personHead, old *personHead, p *bot.Person) error {
	var was personHead
	if old != nil {
		was = *old
	}
	if !was.next.Equal(now.next) {
		due := tx.Bucket(bucketDue)
		if !was.next.IsZero() {
			if err := due.Delete(dueKey(was.next, id)); err != nil {
				return err
			}
		}
		if !now.next.IsZero() {
			if err := due.Put(dueKey(now.next, id), nil); err != nil {
				return err
			}
		}
	}
	if was.group != now.group {
		groups := tx.Bucket(bucketGroups)
		if was.group != "" {
			if err := groups.Delete(groupKey(was.group, id)); err != nil {
				return err
			}
		}
		if now.group != "" {
			if err := groups.Put(groupKey(now.group, id), nil); err != nil {
				return err
			}
		}
	}
	if err := tx.Bucket(bucketPeople).Put([]byte(id), v); err != nil {
		return err
	}
	c.wrote(tx, id, p)
	return nil
}

// replacePerson encodes and writes p over old (nil for a new person).
func replacePerson(tx *bolt.Tx, c *peopleCache, p *bot.Person, old *bot.Person) error {
	v, err := encodePerson(p)
	if err != nil {
		return err
	}
	var was *personHead
	if old != nil {
		h := headFor(old)
		was = &h
	}
	return putPerson(tx, c, p.ID, v, headFor(p), was, nil)
}

// migrateHeads (2 to 3) gives every stored person the binary head.
func migrateHeads(tx *bolt.Tx) error {
	b := tx.Bucket(bucketPeople)
	type kv struct{ k, v []byte }
	var all []kv
	err := b.ForEach(func(k, v []byte) error {
		var p bot.Person
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("person %s: %w", k, err)
		}
		nv, err := encodePerson(&p)
		if err != nil {
			return err
		}
		all = append(all, kv{append([]byte(nil), k...), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// asDecoded makes p what decoding its JSON would give: every time in UTC
// without a monotonic reading, and empty slices and maps (which JSON
// leaves out) nil. A person cached as they were committed is then the
// same, field for field, as one decoded from the file, so the cache
// cannot change what the engine sees (TestCacheIsDecoded).
func asDecoded(p *bot.Person) {
	for _, t := range []*time.Time{&p.Joined, &p.LastSeen, &p.NextReminder, &p.LastReminder, &p.LastCheckIn,
		&p.ValuesAt, &p.FadeOffered, &p.Schedule.PausedUntil, &p.Schedule.PausedAt} {
		*t = t.UTC()
	}
	for i := range p.Milestones {
		p.Milestones[i].Done = p.Milestones[i].Done.UTC()
	}
	for i := range p.Pauses {
		p.Pauses[i].From, p.Pauses[i].Until = p.Pauses[i].From.UTC(), p.Pauses[i].Until.UTC()
	}
	if len(p.Milestones) == 0 {
		p.Milestones = nil
	}
	if len(p.Pauses) == 0 {
		p.Pauses = nil
	}
	if len(p.LastWording) == 0 {
		p.LastWording = nil
	}
	if len(p.Flow.Draft) == 0 {
		p.Flow.Draft = nil
	}
}

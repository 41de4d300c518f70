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
// reminder and the groups — so that a commit checks the version and moves
// the index entries without decoding the JSON of the person it replaces:
// that decoding, inside the one write transaction every commit waits for,
// was a fifth of the engine's time.
//
//	byte     personFormat
//	uvarint  version
//	byte     1 when a reminder is due, then its varint unix seconds; else 0
//	uvarint  number of groups, then each as uvarint length and bytes
//	...      the person as JSON (which repeats these fields)
//
// Format 1 (schema 3) held a single group; see migrate.go.
const personFormat = 2

// personHead is the part of a stored person a commit needs.
type personHead struct {
	version uint64
	next    time.Time // second precision, as the due index; zero when none
	groups  []string  // in the person's order
}

// errPersonFormat is a stored person this code cannot read.
var errPersonFormat = errors.New("not a stored person (bad head)")

// encodePerson is p as stored.
func encodePerson(p *bot.Person) ([]byte, error) {
	b := bufs.Get().(*bytes.Buffer)
	defer bufs.Put(b)
	b.Reset()
	var head [1 + 4*binary.MaxVarintLen64]byte
	h := append(head[:0], personFormat)
	h = binary.AppendUvarint(h, p.Version)
	if p.Schedule.Next.IsZero() {
		h = append(h, 0)
	} else {
		h = append(h, 1)
		h = binary.AppendVarint(h, p.Schedule.Next.Unix())
	}
	h = binary.AppendUvarint(h, uint64(len(p.Groups)))
	b.Write(h)
	for _, m := range p.Groups {
		b.Write(binary.AppendUvarint(head[:0], uint64(len(m.Group))))
		b.WriteString(m.Group)
	}
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
	if h.next, v, err = readNext(v[n:]); err != nil {
		return h, nil, err
	}
	count, n := binary.Uvarint(v)
	if n <= 0 || count > uint64(len(v)-n) { // each group takes a byte at least
		return h, nil, errPersonFormat
	}
	v = v[n:]
	if count > 0 {
		h.groups = make([]string, count)
	}
	for i := range h.groups {
		size, n := binary.Uvarint(v)
		if n <= 0 || size > uint64(len(v)-n) {
			return h, nil, errPersonFormat
		}
		h.groups[i], v = string(v[n:n+int(size)]), v[n+int(size):]
	}
	return h, v, nil
}

// readNext reads the flag byte and the next reminder of a head.
func readNext(v []byte) (next time.Time, rest []byte, err error) {
	if len(v) == 0 || v[0] > 1 {
		return next, nil, errPersonFormat
	}
	if v[0] == 0 {
		return next, v[1:], nil
	}
	s, n := binary.Varint(v[1:])
	if n <= 0 {
		return next, nil, errPersonFormat
	}
	return time.Unix(s, 0), v[1+n:], nil
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

// getPerson reads a person inside tx; nil when there is no such person.
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
	h := personHead{version: p.Version, groups: p.GroupNames()}
	if len(h.groups) == 0 {
		h.groups = nil
	}
	if !p.Schedule.Next.IsZero() {
		h.next = time.Unix(p.Schedule.Next.Unix(), 0)
	}
	return h
}

// asDecoded makes p what decoding its JSON would give: every time in UTC
// without a monotonic reading, and empty slices and maps (which JSON
// leaves out) nil. A person cached as they were committed is then the
// same, field for field, as one decoded from the file, so the cache
// cannot change what the engine sees (TestCacheIsDecoded).
func asDecoded(p *bot.Person) {
	f, r := &p.Talk.Flow, &p.Safety.Resume
	for _, t := range []*time.Time{&p.Identity.Joined, &p.Identity.LastSeen,
		&p.Schedule.PausedUntil, &p.Schedule.PausedAt, &p.Schedule.Next, &p.Schedule.Last, &p.Schedule.Check,
		&p.Memory.LastCheckIn, &p.Memory.HelloAt, &p.Counts.ValuesAt, &p.Counts.FadeOffered,
		&f.Asked, &f.Draft.RatingAt, &f.Draft.CheckInAt,
		&p.Safety.Held, &p.Safety.CheckedBack, &r.Asked, &r.Draft.RatingAt, &r.Draft.CheckInAt} {
		*t = t.UTC()
	}
	for _, f := range []*bot.FlowState{f, r} {
		f.Offered = nilIfEmpty(f.Offered)
		if c := f.Draft.Change; c != nil {
			c.Until = c.Until.UTC()
		}
	}
	for i := range p.Safety.Replies {
		p.Safety.Replies[i] = p.Safety.Replies[i].UTC()
	}
	p.Safety.Replies = nilIfEmpty(p.Safety.Replies)
	for i := range p.Plan.Milestones {
		p.Plan.Milestones[i].Done = p.Plan.Milestones[i].Done.UTC()
	}
	for i := range p.Schedule.Pauses {
		s := &p.Schedule.Pauses[i]
		s.From, s.Until = s.From.UTC(), s.Until.UTC()
	}
	p.Plan.Milestones = nilIfEmpty(p.Plan.Milestones)
	p.Schedule.Pauses = nilIfEmpty(p.Schedule.Pauses)
	p.Groups = nilIfEmpty(p.Groups)
	if len(p.Memory.LastWording) == 0 {
		p.Memory.LastWording = nil
	}
}

// nilIfEmpty is s, or nil when s is empty (as JSON decodes it).
func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

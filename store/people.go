package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// The people bucket maps a person's id to their head and JSON (head.go).
// Two indexes follow each person: the due index (due.go) and the group
// index, keyed by group, a 0 byte, then the id, one entry per membership.

// groupKey is a person's entry in the group index.
func groupKey(group string, id bot.PersonID) []byte {
	return append(append([]byte(group), 0), id...)
}

// Person loads one person.
func (db *DB) Person(ctx context.Context, id bot.PersonID) (*bot.Person, bool, error) {
	p, _, err := db.Load(ctx, id, "")
	return p, p != nil, err
}

// Load loads a person for an event. seen reports that the event was
// handled before, and then p is nil; it is a shortcut, checked only when
// the person has to be read from the file anyway: Commit is where a
// redelivered event is refused for certain (bot.ErrDuplicate).
func (db *DB) Load(ctx context.Context, id bot.PersonID, eventID string) (p *bot.Person, seen bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("store: load %s: %w", id, err)
	}
	if p, ok := db.people.get(id); ok {
		return p, false, nil
	}
	var event []byte
	if eventID != "" {
		event = db.eventHash(eventID)
	}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		if event != nil && handled(tx, event) {
			seen = true
			return nil
		}
		v := tx.Bucket(bucketPeople).Get([]byte(id))
		if v == nil {
			return nil
		}
		if p, err = decodePerson(id, v); err != nil {
			return err
		}
		// Cached inside the transaction, so that Compact, which
		// renumbers transactions, cannot come in between.
		db.people.set(id, uint64(tx.ID()), p.Clone())
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: load %s: %w", id, err)
	}
	return p, seen, nil
}

// Commit writes everything one handled event changed, in one transaction.
//
// Everything is encoded before the transaction, which is shared with the
// commits of other people and which each of them waits for: inside it
// are only the checks (the event id, the version in the stored head) and
// the puts.
func (db *DB) Commit(ctx context.Context, c bot.Change) error {
	if c.Person == nil {
		return errors.New("store: commit without a person")
	}
	p := c.Person.Clone()
	p.Version = c.Expect + 1
	asDecoded(p)
	var event []byte
	if c.EventID != "" {
		event = db.eventHash(c.EventID)
	}
	person, puts, err := db.encodeChange(p, c, event)
	if err != nil {
		return err
	}
	head := headFor(p)
	err = db.commit(ctx, func(tx *bolt.Tx) error {
		if event != nil && handled(tx, event) {
			return bot.ErrDuplicate
		}
		old, err := getHead(tx, p.ID)
		if err != nil {
			return err
		}
		if old == nil && c.Expect != 0 || old != nil && old.version != c.Expect {
			return bot.ErrConflict
		}
		if err := putPerson(tx, &db.people, p.ID, person, head, old, p); err != nil {
			return fmt.Errorf("put person: %w", err)
		}
		return putEncoded(tx, puts)
	})
	if errors.Is(err, bot.ErrConflict) {
		db.people.stale(p.ID)
	}
	if err != nil {
		return fmt.Errorf("store: commit %s: %w", p.ID, err)
	}
	return nil
}

// encodeChange encodes the person and everything else a change writes:
// records, replies, group settings, and the event (its hash, or nil).
func (db *DB) encodeChange(p *bot.Person, c bot.Change, event []byte) (person []byte, puts []encoded, err error) {
	if person, err = encodePerson(p); err != nil {
		return nil, nil, err
	}
	if puts, err = encodeRecords(p.ID, c.CheckIns, c.Wins, c.Ratings); err != nil {
		return nil, nil, err
	}
	replies, err := encodeReplies(c.Replies, p.Identity.LastSeen)
	if err != nil {
		return nil, nil, err
	}
	puts = append(puts, replies...)
	if c.Settings != nil {
		s, err := encodeSettings(c.Settings.Group, c.Settings.Settings)
		if err != nil {
			return nil, nil, err
		}
		puts = append(puts, s)
	}
	if event != nil {
		puts = append(puts, eventPuts(event, db.personHash(p.ID), p.Identity.LastSeen)...)
	}
	return person, puts, nil
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
	if err := moveDue(tx, id, was.next, now.next); err != nil {
		return err
	}
	if err := moveGroups(tx, id, was.groups, now.groups); err != nil {
		return err
	}
	if err := tx.Bucket(bucketPeople).Put([]byte(id), v); err != nil {
		return err
	}
	c.wrote(tx, id, p)
	return nil
}

// moveGroups changes a person's group index entries from the groups in
// was to those in now.
func moveGroups(tx *bolt.Tx, id bot.PersonID, was, now []string) error {
	groups := tx.Bucket(bucketGroups)
	for _, g := range was {
		if g != "" && !slices.Contains(now, g) {
			if err := groups.Delete(groupKey(g, id)); err != nil {
				return err
			}
		}
	}
	for _, g := range now {
		if g != "" && !slices.Contains(was, g) {
			if err := groups.Put(groupKey(g, id), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// replacePerson encodes and writes p over the person whose head was old
// (nil for a new person), for writes the store makes itself (a reminder,
// a coach who left); p's version is the caller's to move on.
func replacePerson(tx *bolt.Tx, c *peopleCache, p *bot.Person, old *personHead) error {
	v, err := encodePerson(p)
	if err != nil {
		return err
	}
	return putPerson(tx, c, p.ID, v, headFor(p), old, nil)
}

// Import writes people as they are (versions included), with their index
// entries, in transactions of at most chunk people. It is for bulk loads
// — benchmarks and restores — not for live changes, which go through
// Commit.
func (db *DB) Import(ctx context.Context, people []*bot.Person, chunk int) error {
	if chunk <= 0 {
		chunk = 10000
	}
	for part := range slices.Chunk(people, chunk) {
		err := db.update(ctx, func(tx *bolt.Tx) error {
			for _, p := range part {
				old, err := getHead(tx, p.ID)
				if err != nil {
					return err
				}
				if err := replacePerson(tx, &db.people, p, old); err != nil {
					return fmt.Errorf("%s: %w", p.ID, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
	}
	return nil
}

// PeopleStats counts people, and those seen since a time.
func (db *DB) PeopleStats(ctx context.Context, activeSince time.Time) (all, active int, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPeople).ForEach(func(_, v []byte) error {
			all++
			var p struct {
				Identity struct {
					LastSeen time.Time `json:"last_seen"`
				} `json:"identity"`
			}
			_, body, err := headOf(v)
			if err == nil && json.Unmarshal(body, &p) == nil && p.Identity.LastSeen.After(activeSince) {
				active++
			}
			return nil
		})
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: count people: %w", err)
	}
	return all, active, nil
}

package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// The due index holds one empty entry per person with a reminder due,
// keyed by the fire time (big-endian unix seconds) then the person's id,
// so that the earliest is first. putPerson keeps it in step with each
// person's Schedule.Next.

// dueKey is a person's entry in the due index.
func dueKey(t time.Time, id bot.PersonID) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(t.Unix()))
	return append(k, id...)
}

// moveDue moves a person's due entry from was to now (zero: none).
func moveDue(tx *bolt.Tx, id bot.PersonID, was, now time.Time) error {
	if was.Equal(now) {
		return nil
	}
	due := tx.Bucket(bucketDue)
	if !was.IsZero() {
		if err := due.Delete(dueKey(was, id)); err != nil {
			return err
		}
	}
	if !now.IsZero() {
		return due.Put(dueKey(now, id), nil)
	}
	return nil
}

// NextDue returns the earliest time in the due index.
func (db *DB) NextDue(ctx context.Context) (time.Time, bool, error) {
	var t time.Time
	var ok bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketDue).Cursor().First()
		if len(k) >= 8 {
			t, ok = time.Unix(int64(binary.BigEndian.Uint64(k)), 0), true
		}
		return nil
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next due reminder: %w", err)
	}
	return t, ok, nil
}

// FireDue fires up to max due reminders in one transaction, earliest
// first. n counts the entries taken, stale ones (left behind by a change,
// dropped without a call to fire) included.
func (db *DB) FireDue(ctx context.Context, now time.Time, max int, fire func(p *bot.Person, due time.Time) []bot.Reply) (n int, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		keys := dueBy(tx.Bucket(bucketDue), now, max)
		for _, k := range keys {
			if err := db.fireOne(tx, k, now, fire); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: fire due reminders: %w", err)
	}
	return n, nil
}

// dueBy returns up to max keys of the due index due at or before now.
func dueBy(due *bolt.Bucket, now time.Time, max int) [][]byte {
	limit := uint64(now.Unix())
	var keys [][]byte
	c := due.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < max; k, _ = c.Next() {
		if len(k) < 8 || binary.BigEndian.Uint64(k) > limit {
			break
		}
		keys = append(keys, bytes.Clone(k))
	}
	return keys
}

// fireOne fires the reminder of due entry k: the person fire returns and
// the replies it makes are written in tx, the old entry moved with
// Schedule.Next. An entry the person's head does not match is dropped.
func (db *DB) fireOne(tx *bolt.Tx, k []byte, now time.Time, fire func(p *bot.Person, due time.Time) []bot.Reply) error {
	id := bot.PersonID(k[8:])
	at := time.Unix(int64(binary.BigEndian.Uint64(k)), 0)
	old, err := getHead(tx, id)
	if err != nil {
		return err
	}
	if old == nil || !old.next.Equal(at) {
		return tx.Bucket(bucketDue).Delete(k)
	}
	p, err := getPerson(tx, id)
	if err != nil {
		return err
	}
	replies := fire(p, p.Schedule.Next)
	p.ID, p.Version = id, old.version+1
	if err := replacePerson(tx, &db.people, p, old); err != nil {
		return fmt.Errorf("reschedule %s: %w", id, err)
	}
	if err := queue(tx, replies, now); err != nil {
		return fmt.Errorf("queue the reminder of %s: %w", id, err)
	}
	return nil
}

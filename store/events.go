package store

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// Inbound event ids are remembered for a day or two, so that a
// redelivered event changes nothing. A platform's event id can carry a
// person's platform ids (a Slack message's is its channel and time), so
// none is stored as it came: each is a keyed hash, and so is the person
// whose event it was, so that Forget can delete exactly that person's
// event ids and nothing in these buckets reads as anyone:
//
//	event_ids     hash(event) → 8-byte time, then hash(person) (absent for
//	              the event that confirmed a Forget: nobody's now)
//	event_times   time, hash(event) → nothing: ForgetEventsBefore walks
//	              it oldest first
//	event_people  hash(person), hash(event) → nothing: Forget finds a
//	              person's event ids by it
//
// A hash is HMAC-SHA256 under the file's own random key (the meta
// bucket's event_key, made when the file is created or migrated to
// schema 4), cut to 16 bytes: plenty against collisions among the events
// of a few days.

// hashSize is the size of an event's or a person's hash.
const hashSize = 16

// eventHash is the key an inbound event id is remembered by.
func (db *DB) eventHash(eventID string) []byte { return db.hash('e', eventID) }

// personHash is what an event id remembers of the person it was for.
func (db *DB) personHash(id bot.PersonID) []byte { return db.hash('p', string(id)) }

// hash is the keyed hash of s; kind keeps an event id from hashing like
// the same string as a person's id.
func (db *DB) hash(kind byte, s string) []byte {
	m := hmac.New(sha256.New, db.key)
	m.Write([]byte{kind})
	io.WriteString(m, s)
	return m.Sum(nil)[:hashSize]
}

// eventPuts are the entries that remember event as handled at for person
// (nil: for nobody).
func eventPuts(event, person []byte, at time.Time) []encoded {
	t := u64(nanos(at))
	puts := []encoded{
		{bucket: bucketEvents, key: event, value: append(t[:8:8], person...)},
		{bucket: bucketEventTimes, key: append(t[:8:8], event...)},
	}
	if person != nil {
		puts = append(puts, encoded{bucket: bucketEventPeople, key: append(person[:len(person):len(person)], event...)})
	}
	return puts
}

// handled reports whether the event with this hash was handled before.
func handled(tx *bolt.Tx, event []byte) bool {
	return tx.Bucket(bucketEvents).Get(event) != nil
}

// ForgetEventsBefore drops remembered event ids older than t: platforms
// redeliver within minutes, so a day or two of memory is plenty.
func (db *DB) ForgetEventsBefore(ctx context.Context, t time.Time) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		limit := u64(nanos(t))
		times := tx.Bucket(bucketEventTimes)
		c := times.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.First() {
			k = bytes.Clone(k)
			if err := forgetEvent(tx, k[min(8, len(k)):]); err != nil {
				return err
			}
			// Gone already, unless the event's entry was missing.
			if err := times.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: forget old event ids: %w", err)
	}
	return n, nil
}

// forgetPersonEvents deletes every event id remembered for the person
// with this hash.
func forgetPersonEvents(tx *bolt.Tx, person []byte) error {
	var events [][]byte
	c := tx.Bucket(bucketEventPeople).Cursor()
	for k, _ := c.Seek(person); k != nil && bytes.HasPrefix(k, person); k, _ = c.Next() {
		events = append(events, bytes.Clone(k[len(person):]))
	}
	for _, e := range events {
		if err := forgetEvent(tx, e); err != nil {
			return err
		}
	}
	return nil
}

// forgetEvent deletes one remembered event id from the three buckets.
func forgetEvent(tx *bolt.Tx, event []byte) error {
	events := tx.Bucket(bucketEvents)
	v := bytes.Clone(events.Get(event))
	if err := events.Delete(event); err != nil {
		return err
	}
	if len(v) < 8 {
		return nil
	}
	if err := tx.Bucket(bucketEventTimes).Delete(append(v[:8:8], event...)); err != nil {
		return err
	}
	if person := v[8:]; len(person) > 0 {
		return tx.Bucket(bucketEventPeople).Delete(append(person[:len(person):len(person)], event...))
	}
	return nil
}

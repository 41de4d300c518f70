package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// Keys. A person's records are keyed by their id, a 0 byte, then a
// big-endian time, so that one person's records sit together in time order.

func personPrefix(id bot.PersonID) []byte {
	return append([]byte(id), 0)
}

func timeKey(id bot.PersonID, t time.Time, seq uint64) []byte {
	k := personPrefix(id)
	k = binary.BigEndian.AppendUint64(k, nanos(t))
	if seq > 0 {
		k = binary.BigEndian.AppendUint64(k, seq)
	}
	return k
}

// nanos is t as nanoseconds since 1970, clamped to what fits: UnixNano is
// undefined for the zero time, which callers use to mean "from the start".
func nanos(t time.Time) uint64 {
	if t.Before(time.Unix(0, 0)) {
		return 0
	}
	if t.After(time.Unix(0, 1<<62)) {
		return 1 << 62
	}
	return uint64(t.UnixNano())
}

// dueKey orders the due index by fire time (unix seconds), then person.
func dueKey(t time.Time, id bot.PersonID) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(t.Unix()))
	return append(k, id...)
}

func groupKey(group string, id bot.PersonID) []byte {
	return append(append([]byte(group), 0), id...)
}

func outboxKey(platform string, seq uint64) []byte {
	k := append([]byte(platform), 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// Person loads one person.
func (db *DB) Person(id bot.PersonID) (*bot.Person, bool, error) {
	p, _, err := db.Load(id, "")
	return p, p != nil, err
}

// Load loads a person for an event. seen reports that the event was
// handled before, and then p is nil; it is a shortcut, checked only when
// the person has to be read from the file anyway: Commit is where a
// redelivered event is refused for certain (bot.ErrDuplicate).
func (db *DB) Load(id bot.PersonID, eventID string) (p *bot.Person, seen bool, err error) {
	if p, ok := db.people.get(id); ok {
		return p, false, nil
	}
	err = db.view(func(tx *bolt.Tx) error {
		if eventID != "" && tx.Bucket(bucketEvents).Get([]byte(eventID)) != nil {
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
		return nil, false, err
	}
	return p, seen, nil
}

// Commit writes everything one handled event changed, in one transaction.
//
// Everything is encoded before the transaction, which is shared with the
// commits of other people and which each of them waits for: inside it
// are only the checks (the event id, the version in the stored head) and
// the puts.
func (db *DB) Commit(c bot.Change) error {
	if c.Person == nil {
		return fmt.Errorf("store: commit without a person")
	}
	p := c.Person.Clone()
	p.Version = c.Expect + 1
	asDecoded(p)
	person, err := encodePerson(p)
	if err != nil {
		return err
	}
	head := headFor(p)
	records, err := encodeRecords(p.ID, c.CheckIns, c.Wins, c.Ratings)
	if err != nil {
		return err
	}
	replies, err := encodeReplies(c.Replies, p.LastSeen)
	if err != nil {
		return err
	}
	var eventKey, eventTime []byte
	if c.EventID != "" {
		eventKey, eventTime = []byte(c.EventID), u64(nanos(p.LastSeen))
	}
	err = db.commit(func(tx *bolt.Tx) error {
		events := tx.Bucket(bucketEvents)
		if eventKey != nil && events.Get(eventKey) != nil {
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
			return fmt.Errorf("store: put person %s: %w", p.ID, err)
		}
		if err := putEncoded(tx, records); err != nil {
			return fmt.Errorf("store: put records of %s: %w", p.ID, err)
		}
		if err := putEncoded(tx, replies); err != nil {
			return fmt.Errorf("store: queue replies to %s: %w", p.ID, err)
		}
		if eventKey != nil {
			if err := events.Put(eventKey, eventTime); err != nil {
				return err
			}
			if err := tx.Bucket(bucketEventTime).Put(append(eventTime[:8:8], eventKey...), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, bot.ErrConflict) {
		db.people.stale(p.ID)
	}
	return err
}

// encoded is one record ready to put. When seq is set, the bucket's next
// sequence number is appended to the key as it is put, so that records
// with the same time keep their order.
type encoded struct {
	bucket, key, value []byte
	seq                bool
}

// putEncoded puts records inside tx.
func putEncoded(tx *bolt.Tx, records []encoded) error {
	for _, r := range records {
		b := tx.Bucket(r.bucket)
		key := r.key
		if r.seq {
			n, err := b.NextSequence()
			if err != nil {
				return err
			}
			key = binary.BigEndian.AppendUint64(key[:len(key):len(key)], n)
		}
		if err := b.Put(key, r.value); err != nil {
			return err
		}
	}
	return nil
}

// encodeRecords encodes a person's new check-ins, wins and ratings.
// Check-ins and ratings are keyed by their time alone, so a second one at
// the same instant replaces the first; wins never replace each other.
func encodeRecords(id bot.PersonID, checkIns []bot.CheckIn, wins []bot.Win, ratings []bot.Rating) ([]encoded, error) {
	out := make([]encoded, 0, len(checkIns)+len(wins)+len(ratings))
	add := func(bucket []byte, at time.Time, seq bool, r any, what string) error {
		v, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("store: encode %s of %s: %w", what, id, err)
		}
		out = append(out, encoded{bucket: bucket, key: timeKey(id, at, 0), value: v, seq: seq})
		return nil
	}
	for _, r := range ratings {
		if err := add(bucketRatings, r.At, false, r, "rating"); err != nil {
			return nil, err
		}
	}
	for _, c := range checkIns {
		if err := add(bucketCheckIns, c.At, false, c, "check-in"); err != nil {
			return nil, err
		}
	}
	for _, w := range wins {
		if err := add(bucketWins, w.At, true, w, "win"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// encodeReplies encodes replies for the outbox of the platform of their
// recipient. The entry's sequence number is its key's, given as it is
// put; Pending reads it from there.
func encodeReplies(replies []bot.Reply, now time.Time) ([]encoded, error) {
	out := make([]encoded, 0, len(replies))
	for _, r := range replies {
		env := bot.Envelope{Platform: r.Outbox(), Queued: now, Reply: r}
		v, err := json.Marshal(env)
		if err != nil {
			return nil, fmt.Errorf("store: encode reply %s: %w", r.Key, err)
		}
		out = append(out, encoded{bucket: bucketOutbox, key: append([]byte(env.Platform), 0), value: v, seq: true})
	}
	return out, nil
}

// queue puts replies in the outbox of the platform of their recipient.
func queue(tx *bolt.Tx, replies []bot.Reply, now time.Time) error {
	entries, err := encodeReplies(replies, now)
	if err != nil {
		return err
	}
	return putEncoded(tx, entries)
}

// ForgetEventsBefore drops remembered event ids older than t: platforms
// redeliver within minutes, so a day or two of memory is plenty.
func (db *DB) ForgetEventsBefore(t time.Time) (int, error) {
	n := 0
	err := db.update(func(tx *bolt.Tx) error {
		et, ev := tx.Bucket(bucketEventTime), tx.Bucket(bucketEvents)
		limit := u64(nanos(t))
		c := et.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], limit) < 0; k, _ = c.First() {
			if err := ev.Delete(k[8:]); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// CheckIns returns a person's check-ins since a time, oldest first.
func (db *DB) CheckIns(id bot.PersonID, since time.Time) ([]bot.CheckIn, error) {
	var out []bot.CheckIn
	err := db.view(func(tx *bolt.Tx) error {
		prefix := personPrefix(id)
		c := tx.Bucket(bucketCheckIns).Cursor()
		for k, v := c.Seek(timeKey(id, since, 0)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var ci bot.CheckIn
			if err := json.Unmarshal(v, &ci); err != nil {
				return fmt.Errorf("store: decode check-in of %s: %w", id, err)
			}
			out = append(out, ci)
		}
		return nil
	})
	return out, err
}

// Wins returns a person's most recent wins, newest first.
func (db *DB) Wins(id bot.PersonID, n int) ([]bot.Win, error) {
	return newest[bot.Win](db, bucketWins, id, n, "win")
}

// newest reads up to n of a person's records from a time-keyed bucket,
// newest first.
func newest[T any](db *DB, bucket []byte, id bot.PersonID, n int, what string) ([]T, error) {
	var out []T
	err := db.view(func(tx *bolt.Tx) error {
		prefix := personPrefix(id)
		c := tx.Bucket(bucket).Cursor()
		// Seek past this person's records (id then byte 1), step back.
		k, v := c.Seek(append([]byte(id), 1))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, v = c.Prev() {
			var r T
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("store: decode %s of %s: %w", what, id, err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// NextDue returns the earliest time in the due index.
func (db *DB) NextDue() (time.Time, bool, error) {
	var t time.Time
	var ok bool
	err := db.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketDue).Cursor().First()
		if len(k) >= 8 {
			t, ok = time.Unix(int64(binary.BigEndian.Uint64(k)), 0), true
		}
		return nil
	})
	return t, ok, err
}

// FireDue fires up to max due reminders in one transaction.
func (db *DB) FireDue(now time.Time, max int, fire func(p *bot.Person, due time.Time) []bot.Reply) (int, error) {
	n := 0
	err := db.update(func(tx *bolt.Tx) error {
		n = 0
		due := tx.Bucket(bucketDue)
		limit := uint64(now.Unix())
		var keys [][]byte
		c := due.Cursor()
		for k, _ := c.First(); k != nil && len(keys) < max; k, _ = c.Next() {
			if len(k) < 8 || binary.BigEndian.Uint64(k) > limit {
				break
			}
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			n++
			id := bot.PersonID(k[8:])
			p, err := getPerson(tx, id)
			if err != nil {
				return err
			}
			if p == nil || p.NextReminder.Unix() != int64(binary.BigEndian.Uint64(k)) {
				// An entry left behind by a change: drop it.
				if err := due.Delete(k); err != nil {
					return err
				}
				continue
			}
			old := *p
			replies := fire(p, p.NextReminder)
			p.Version = old.Version + 1
			if err := replacePerson(tx, &db.people, p, &old); err != nil {
				return fmt.Errorf("store: reschedule %s: %w", id, err)
			}
			if err := queue(tx, replies, now); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// Pending returns up to max queued replies for a platform, oldest first.
func (db *DB) Pending(platform string, max int) ([]bot.Envelope, error) {
	var out []bot.Envelope
	err := db.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(platform), 0)
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < max; k, v = c.Next() {
			var e bot.Envelope
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("store: decode outbox entry: %w", err)
			}
			// The key holds the sequence number (see encodeReplies).
			e.Seq = binary.BigEndian.Uint64(k[len(prefix):])
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Delivered removes sent replies from a platform's outbox.
func (db *DB) Delivered(platform string, seqs ...uint64) error {
	return db.update(func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		for _, s := range seqs {
			if err := ob.Delete(outboxKey(platform, s)); err != nil {
				return fmt.Errorf("store: remove delivered reply %d: %w", s, err)
			}
		}
		return nil
	})
}

// Import writes people as they are (versions included), with their due
// index entries, in transactions of at most chunk people. It is for bulk
// loads — benchmarks and restores — not for live changes, which go
// through Commit.
func (db *DB) Import(people []*bot.Person, chunk int) error {
	if chunk <= 0 {
		chunk = 10000
	}
	for len(people) > 0 {
		n := min(chunk, len(people))
		part := people[:n]
		people = people[n:]
		err := db.update(func(tx *bolt.Tx) error {
			for _, p := range part {
				old, err := getHead(tx, p.ID)
				if err != nil {
					return err
				}
				v, err := encodePerson(p)
				if err != nil {
					return err
				}
				if err := putPerson(tx, &db.people, p.ID, v, headFor(p), old, nil); err != nil {
					return fmt.Errorf("store: import %s: %w", p.ID, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Ratings returns a person's most recent ratings, oldest first.
func (db *DB) Ratings(id bot.PersonID, n int) ([]bot.Rating, error) {
	out, err := newest[bot.Rating](db, bucketRatings, id, n, "rating")
	slices.Reverse(out)
	return out, err
}

// Members returns the people of a group, by id order.
func (db *DB) Members(group string) ([]*bot.Person, error) {
	var out []*bot.Person
	err := db.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(group), 0)
		c := tx.Bucket(bucketGroups).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			p, err := getPerson(tx, bot.PersonID(k[len(prefix):]))
			if err != nil {
				return err
			}
			if p != nil {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// OutboxStat is the state of one platform's outbox.
type OutboxStat struct {
	Depth  int
	Oldest time.Time // zero when empty
}

// OutboxStats reports the outbox depth and oldest entry per platform.
func (db *DB) OutboxStats() (map[string]OutboxStat, error) {
	out := map[string]OutboxStat{}
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				return nil
			}
			platform := string(k[:i])
			s := out[platform]
			s.Depth++
			if s.Oldest.IsZero() { // keys are in order: the first is oldest
				var e struct {
					Queued time.Time `json:"queued"`
				}
				if json.Unmarshal(v, &e) == nil {
					s.Oldest = e.Queued
				}
			}
			out[platform] = s
			return nil
		})
	})
	return out, err
}

// PeopleStats counts people, and those seen since a time.
func (db *DB) PeopleStats(activeSince time.Time) (all, active int, err error) {
	err = db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPeople).ForEach(func(_, v []byte) error {
			all++
			var p struct {
				LastSeen time.Time `json:"last_seen"`
			}
			_, body, err := headOf(v)
			if err == nil && json.Unmarshal(body, &p) == nil && p.LastSeen.After(activeSince) {
				active++
			}
			return nil
		})
	})
	return all, active, err
}

package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
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
	var p *bot.Person
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		p, err = getPerson(tx, id)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return p, p != nil, nil
}

func getPerson(tx *bolt.Tx, id bot.PersonID) (*bot.Person, error) {
	v := tx.Bucket(bucketPeople).Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	var p bot.Person
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, fmt.Errorf("store: decode person %s: %w", id, err)
	}
	return &p, nil
}

// putPerson writes p with the next version and keeps the due index in
// step with its NextReminder.
func putPerson(tx *bolt.Tx, p bot.Person, old *bot.Person) error {
	due := tx.Bucket(bucketDue)
	if old != nil && !old.NextReminder.IsZero() {
		if err := due.Delete(dueKey(old.NextReminder, old.ID)); err != nil {
			return err
		}
	}
	if !p.NextReminder.IsZero() {
		if err := due.Put(dueKey(p.NextReminder, p.ID), nil); err != nil {
			return err
		}
	}
	groups := tx.Bucket(bucketGroups)
	if old != nil && old.Group != "" && old.Group != p.Group {
		if err := groups.Delete(groupKey(old.Group, old.ID)); err != nil {
			return err
		}
	}
	if p.Group != "" && (old == nil || old.Group != p.Group) {
		if err := groups.Put(groupKey(p.Group, p.ID), nil); err != nil {
			return err
		}
	}
	v, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store: encode person %s: %w", p.ID, err)
	}
	return tx.Bucket(bucketPeople).Put([]byte(p.ID), v)
}

// Commit writes everything one handled event changed, in one transaction.
func (db *DB) Commit(c bot.Change) error {
	if c.Person == nil {
		return fmt.Errorf("store: commit without a person")
	}
	return db.commit(func(tx *bolt.Tx) error {
		if c.EventID != "" && tx.Bucket(bucketEvents).Get([]byte(c.EventID)) != nil {
			return bot.ErrDuplicate
		}
		old, err := getPerson(tx, c.Person.ID)
		if err != nil {
			return err
		}
		if old == nil && c.Expect != 0 || old != nil && old.Version != c.Expect {
			return bot.ErrConflict
		}
		p := *c.Person
		p.Version = c.Expect + 1
		if err := putPerson(tx, p, old); err != nil {
			return fmt.Errorf("store: put person %s: %w", p.ID, err)
		}
		if err := putRecords(tx, p.ID, c.CheckIns, c.Wins, c.Ratings); err != nil {
			return err
		}
		if err := queue(tx, c.Replies, p.LastSeen); err != nil {
			return err
		}
		if c.EventID != "" {
			now := u64(nanos(p.LastSeen))
			if err := tx.Bucket(bucketEvents).Put([]byte(c.EventID), now); err != nil {
				return err
			}
			if err := tx.Bucket(bucketEventTime).Put(append(now, c.EventID...), nil); err != nil {
				return err
			}
		}
		return nil
	})
}

func putRecords(tx *bolt.Tx, id bot.PersonID, checkIns []bot.CheckIn, wins []bot.Win, ratings []bot.Rating) error {
	rb := tx.Bucket(bucketRatings)
	for _, r := range ratings {
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := rb.Put(timeKey(id, r.At, 0), v); err != nil {
			return fmt.Errorf("store: put rating of %s: %w", id, err)
		}
	}
	cb := tx.Bucket(bucketCheckIns)
	for _, c := range checkIns {
		v, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if err := cb.Put(timeKey(id, c.At, 0), v); err != nil {
			return fmt.Errorf("store: put check-in of %s: %w", id, err)
		}
	}
	wb := tx.Bucket(bucketWins)
	for _, w := range wins {
		v, err := json.Marshal(w)
		if err != nil {
			return err
		}
		seq, err := wb.NextSequence()
		if err != nil {
			return err
		}
		if err := wb.Put(timeKey(id, w.At, seq), v); err != nil {
			return fmt.Errorf("store: put win of %s: %w", id, err)
		}
	}
	return nil
}

// queue puts replies in the outbox of the platform of their recipient.
func queue(tx *bolt.Tx, replies []bot.Reply, now time.Time) error {
	ob := tx.Bucket(bucketOutbox)
	for _, r := range replies {
		seq, err := ob.NextSequence()
		if err != nil {
			return err
		}
		env := bot.Envelope{Seq: seq, Platform: r.Outbox(), Queued: now, Reply: r}
		v, err := json.Marshal(env)
		if err != nil {
			return fmt.Errorf("store: encode reply %s: %w", r.Key, err)
		}
		if err := ob.Put(outboxKey(env.Platform, seq), v); err != nil {
			return fmt.Errorf("store: queue reply %s: %w", r.Key, err)
		}
	}
	return nil
}

// Seen reports whether an event id was already handled.
func (db *DB) Seen(eventID string) (bool, error) {
	var seen bool
	err := db.view(func(tx *bolt.Tx) error {
		seen = tx.Bucket(bucketEvents).Get([]byte(eventID)) != nil
		return nil
	})
	return seen, err
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
			if err := putPerson(tx, *p, &old); err != nil {
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
				old, err := getPerson(tx, p.ID)
				if err != nil {
					return err
				}
				if err := putPerson(tx, *p, old); err != nil {
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
			if json.Unmarshal(v, &p) == nil && p.LastSeen.After(activeSince) {
				active++
			}
			return nil
		})
	})
	return all, active, err
}

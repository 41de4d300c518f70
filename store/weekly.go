package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// bucketWeekly records, per group, when its last weekly digest and coach
// reports were queued, so that each week's are sent once, even across a
// crash or a restart.
var bucketWeekly = []byte("weekly")

// Groups lists the groups that have members, in key order. It seeks from
// one group to the next, so its cost grows with groups, not people.
func (db *DB) Groups() ([]string, error) {
	var out []string
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketGroups).Cursor()
		for k, _ := c.First(); k != nil; {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				k, _ = c.Next()
				continue
			}
			out = append(out, string(k[:i]))
			// The next group starts after every key of this one.
			k, _ = c.Seek(append(bytes.Clone(k[:i]), 1))
		}
		return nil
	})
	return out, err
}

// LastWeekly returns when a group's weekly round was last queued (zero
// when never).
func (db *DB) LastWeekly(group string) (time.Time, error) {
	var at time.Time
	err := db.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketWeekly).Get([]byte(group)); len(v) == 8 {
			at = time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
		}
		return nil
	})
	return at, err
}

// CommitWeekly records that a group's weekly round due at was made and
// queues its replies, in one transaction. It does nothing and reports
// false when a round at or after at was already recorded, so a round
// computed twice is still sent once.
func (db *DB) CommitWeekly(group string, at time.Time, replies []bot.Reply) (bool, error) {
	done := false
	err := db.commit(func(tx *bolt.Tx) error {
		done = false
		b := tx.Bucket(bucketWeekly)
		if v := b.Get([]byte(group)); len(v) == 8 && binary.BigEndian.Uint64(v) >= nanos(at) {
			return nil
		}
		if err := b.Put([]byte(group), u64(nanos(at))); err != nil {
			return fmt.Errorf("store: record weekly round: %w", err)
		}
		if err := queue(tx, replies, at); err != nil {
			return err
		}
		done = true
		return nil
	})
	return done, err
}

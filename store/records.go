package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// A person's records — check-ins, wins and ratings, a bucket each — are
// keyed by their id, a 0 byte, then a big-endian time, so that one
// person's records sit together in time order. Wins add a sequence
// number, so that two at the same instant are both kept.

// personPrefix starts the keys of a person's records.
func personPrefix(id bot.PersonID) []byte {
	return append([]byte(id), 0)
}

// timeKey is the key of a person's record at t (seq, when not 0, is
// appended).
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

// encoded is one entry ready to put. When seq is set, the bucket's next
// sequence number is appended to the key as it is put, so that entries
// with the same key keep their order.
type encoded struct {
	bucket, key, value []byte
	seq                bool
}

// putEncoded puts entries inside tx.
func putEncoded(tx *bolt.Tx, entries []encoded) error {
	for _, r := range entries {
		b := tx.Bucket(r.bucket)
		key := r.key
		if r.seq {
			n, err := b.NextSequence()
			if err != nil {
				return fmt.Errorf("number an entry of %s: %w", r.bucket, err)
			}
			key = binary.BigEndian.AppendUint64(key[:len(key):len(key)], n)
		}
		if err := b.Put(key, r.value); err != nil {
			return fmt.Errorf("put into %s: %w", r.bucket, err)
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

// CheckIns returns a person's check-ins since a time, oldest first.
func (db *DB) CheckIns(ctx context.Context, id bot.PersonID, since time.Time) ([]bot.CheckIn, error) {
	var out []bot.CheckIn
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := personPrefix(id)
		c := tx.Bucket(bucketCheckIns).Cursor()
		for k, v := c.Seek(timeKey(id, since, 0)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var ci bot.CheckIn
			if err := json.Unmarshal(v, &ci); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
			out = append(out, ci)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: check-ins of %s: %w", id, err)
	}
	return out, nil
}

// Wins returns a person's most recent wins, newest first.
func (db *DB) Wins(ctx context.Context, id bot.PersonID, n int) ([]bot.Win, error) {
	return newest[bot.Win](ctx, db, bucketWins, id, n, "wins")
}

// Ratings returns a person's most recent ratings, oldest first.
func (db *DB) Ratings(ctx context.Context, id bot.PersonID, n int) ([]bot.Rating, error) {
	out, err := newest[bot.Rating](ctx, db, bucketRatings, id, n, "ratings")
	slices.Reverse(out)
	return out, err
}

// newest reads up to n of a person's records from a time-keyed bucket,
// newest first.
func newest[T any](ctx context.Context, db *DB, bucket []byte, id bot.PersonID, n int, what string) ([]T, error) {
	var out []T
	err := db.view(ctx, func(tx *bolt.Tx) error {
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
				return fmt.Errorf("decode: %w", err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: %s of %s: %w", what, id, err)
	}
	return out, nil
}

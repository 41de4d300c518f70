package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// The outbox holds the replies waiting to be sent, as bot.Envelope JSON,
// keyed by platform, a 0 byte, then a big-endian sequence number (which
// is the envelope's Seq). Replies a platform refused for good move to the
// undeliverable bucket under the same key. What adapters need to deliver
// — how to reach a person — is kept in the addresses bucket, by id.

// outboxKey is the key of a platform's outbox entry seq.
func outboxKey(platform string, seq uint64) []byte {
	k := append([]byte(platform), 0)
	return binary.BigEndian.AppendUint64(k, seq)
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

// Pending returns up to max queued replies for a platform, oldest first.
func (db *DB) Pending(ctx context.Context, platform string, max int) ([]bot.Envelope, error) {
	return db.PendingFrom(ctx, platform, 0, max)
}

// PendingFrom returns up to max queued replies for a platform whose
// sequence number is at least from, oldest first: a reader that skips
// some (the console, which shows only its own person's) pages on.
func (db *DB) PendingFrom(ctx context.Context, platform string, from uint64, max int) ([]bot.Envelope, error) {
	var out []bot.Envelope
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := append([]byte(platform), 0)
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Seek(outboxKey(platform, from)); k != nil && bytes.HasPrefix(k, prefix) && len(out) < max; k, v = c.Next() {
			var e bot.Envelope
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
			// The key holds the sequence number (see encodeReplies).
			e.Seq = binary.BigEndian.Uint64(k[len(prefix):])
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: pending replies for %s: %w", platform, err)
	}
	return out, nil
}

// Delivered removes sent replies from a platform's outbox.
func (db *DB) Delivered(ctx context.Context, platform string, seqs ...uint64) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		for _, s := range seqs {
			if err := ob.Delete(outboxKey(platform, s)); err != nil {
				return fmt.Errorf("reply %d: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: remove delivered replies for %s: %w", platform, err)
	}
	return nil
}

// GiveUp moves a reply from the outbox to the undeliverable record, in
// one transaction: it is not retried, and the reason is kept.
func (db *DB) GiveUp(ctx context.Context, env bot.Envelope, reason string, at time.Time) error {
	v, err := json.Marshal(bot.Undeliverable{Envelope: env, Reason: reason, At: at})
	if err != nil {
		return fmt.Errorf("store: encode undeliverable reply %d: %w", env.Seq, err)
	}
	err = db.commit(ctx, func(tx *bolt.Tx) error {
		key := outboxKey(env.Platform, env.Seq)
		if err := tx.Bucket(bucketOutbox).Delete(key); err != nil {
			return err
		}
		return tx.Bucket(bucketFailed).Put(key, v)
	})
	if err != nil {
		return fmt.Errorf("store: give up reply %s/%d: %w", env.Platform, env.Seq, err)
	}
	return nil
}

// Undelivered lists the replies given up on for a platform, oldest first.
func (db *DB) Undelivered(ctx context.Context, platform string) ([]bot.Undeliverable, error) {
	var out []bot.Undeliverable
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := append([]byte(platform), 0)
		c := tx.Bucket(bucketFailed).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var u bot.Undeliverable
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
			out = append(out, u)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: undelivered replies for %s: %w", platform, err)
	}
	return out, nil
}

// OutboxStat is the state of one platform's outbox.
type OutboxStat struct {
	Depth  int
	Oldest time.Time // zero when empty
}

// OutboxStats reports the outbox depth and oldest entry per platform.
func (db *DB) OutboxStats(ctx context.Context) (map[string]OutboxStat, error) {
	out := map[string]OutboxStat{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
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
	if err != nil {
		return nil, fmt.Errorf("store: outbox stats: %w", err)
	}
	return out, nil
}

// Address returns what is known of how to reach a person.
func (db *DB) Address(ctx context.Context, id bot.PersonID) (bot.Address, error) {
	var a bot.Address
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketAddress).Get([]byte(id)); v != nil {
			return json.Unmarshal(v, &a)
		}
		return nil
	})
	if err != nil {
		return bot.Address{}, fmt.Errorf("store: address of %s: %w", id, err)
	}
	return a, nil
}

// SetAddress records how to reach a person.
func (db *DB) SetAddress(ctx context.Context, id bot.PersonID, a bot.Address) error {
	v, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("store: encode address of %s: %w", id, err)
	}
	err = db.commit(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAddress).Put([]byte(id), v)
	})
	if err != nil {
		return fmt.Errorf("store: set address of %s: %w", id, err)
	}
	return nil
}

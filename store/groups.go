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

// A group is its members' entries in the group index (people.go), its
// settings (group_settings: JSON by group name), and weekly: per group,
// when its last weekly digest and coach reports were queued (big-endian
// nanoseconds), so that each week's are sent once, even across a crash
// or a restart.

// Members returns the people with a membership of group, in id order.
func (db *DB) Members(ctx context.Context, group string) ([]*bot.Person, error) {
	var out []*bot.Person
	err := db.view(ctx, func(tx *bolt.Tx) error {
		for _, id := range memberIDs(tx, group) {
			p, err := getPerson(tx, id)
			if err != nil {
				return err
			}
			if p != nil {
				out = append(out, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: members of %s: %w", group, err)
	}
	return out, nil
}

// memberIDs lists the ids in group's part of the group index, in order.
func memberIDs(tx *bolt.Tx, group string) []bot.PersonID {
	var ids []bot.PersonID
	prefix := append([]byte(group), 0)
	c := tx.Bucket(bucketGroups).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, bot.PersonID(k[len(prefix):]))
	}
	return ids
}

// Groups lists the groups that have members, in key order. It seeks from
// one group to the next, so its cost grows with groups, not people.
func (db *DB) Groups(ctx context.Context) ([]string, error) {
	var out []string
	err := db.view(ctx, func(tx *bolt.Tx) error {
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
	if err != nil {
		return nil, fmt.Errorf("store: list groups: %w", err)
	}
	return out, nil
}

// GroupSettings returns a group's settings (zero when never set up).
func (db *DB) GroupSettings(ctx context.Context, group string) (bot.GroupSettings, error) {
	var g bot.GroupSettings
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketGroupCfg).Get([]byte(group)); v != nil {
			return json.Unmarshal(v, &g)
		}
		return nil
	})
	if err != nil {
		return bot.GroupSettings{}, fmt.Errorf("store: settings of group %s: %w", group, err)
	}
	return g, nil
}

// SetGroupSettings stores a group's settings. The engine changes them
// with a commit (bot.Change.Settings); this is for tests and tools.
func (db *DB) SetGroupSettings(ctx context.Context, group string, g bot.GroupSettings) error {
	e, err := encodeSettings(group, g)
	if err != nil {
		return err
	}
	if err := db.commit(ctx, func(tx *bolt.Tx) error { return putEncoded(tx, []encoded{e}) }); err != nil {
		return fmt.Errorf("store: set settings of group %s: %w", group, err)
	}
	return nil
}

// encodeSettings encodes a group's settings, ready to put.
func encodeSettings(group string, g bot.GroupSettings) (encoded, error) {
	v, err := json.Marshal(g)
	if err != nil {
		return encoded{}, fmt.Errorf("store: encode settings of group %s: %w", group, err)
	}
	return encoded{bucket: bucketGroupCfg, key: []byte(group), value: v}, nil
}

// LastWeekly returns when a group's weekly round was last queued (zero
// when never).
func (db *DB) LastWeekly(ctx context.Context, group string) (time.Time, error) {
	var at time.Time
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketWeekly).Get([]byte(group)); len(v) == 8 {
			at = time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
		}
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("store: last weekly round of %s: %w", group, err)
	}
	return at, nil
}

// CommitWeekly records that a group's weekly round due at was made and
// queues its replies, in one transaction. It does nothing and reports
// false when a round at or after at was already recorded, so a round
// computed twice is still sent once.
func (db *DB) CommitWeekly(ctx context.Context, group string, at time.Time, replies []bot.Reply) (bool, error) {
	entries, err := encodeReplies(replies, at)
	if err != nil {
		return false, err
	}
	done := false
	err = db.commit(ctx, func(tx *bolt.Tx) error {
		done = false
		b := tx.Bucket(bucketWeekly)
		if v := b.Get([]byte(group)); len(v) == 8 && binary.BigEndian.Uint64(v) >= nanos(at) {
			return nil
		}
		if err := b.Put([]byte(group), u64(nanos(at))); err != nil {
			return err
		}
		if err := putEncoded(tx, entries); err != nil {
			return err
		}
		done = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: commit weekly round of %s: %w", group, err)
	}
	return done, nil
}

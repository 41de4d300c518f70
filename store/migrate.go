package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// migrations[i] upgrades a database from schema i+1 to i+2. All of them
// run in the one transaction that then sets the schema key, so a file is
// migrated entirely or not at all. Each reads the layout its schema had
// (frozen here, never today's types), so an old file goes up step by step.
var migrations = []func(tx *bolt.Tx) error{
	migrateGroups,
	migrateHeads,
	migrateParts,
}

// migrateGroups (1 to 2) adds ratings and the group index, indexing the
// groups people already have.
func migrateGroups(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketRatings); err != nil {
		return err
	}
	groups, err := tx.CreateBucketIfNotExists(bucketGroups)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
		var p struct {
			Group string `json:"group"`
		}
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("person %s: %w", k, err)
		}
		if p.Group == "" {
			return nil
		}
		return groups.Put(append(append([]byte(p.Group), 0), k...), nil)
	})
}

// migrateHeads (2 to 3) puts a binary head (format 1) before every stored
// person's JSON, as schema 3 read them.
func migrateHeads(tx *bolt.Tx) error {
	return rewritePeople(tx, func(_, v []byte) ([]byte, error) {
		var p struct {
			Version uint64    `json:"version"`
			Next    time.Time `json:"next_reminder"`
			Group   string    `json:"group"`
		}
		if err := json.Unmarshal(v, &p); err != nil {
			return nil, err
		}
		return append(headV1(p.Version, p.Next, p.Group), v...), nil
	})
}

// headV1 is the head schema 3 stored before a person's JSON:
//
//	byte     1
//	uvarint  version
//	byte     1 then varint unix seconds of the next reminder; or 0
//	uvarint  length of the group, then the group
func headV1(version uint64, next time.Time, group string) []byte {
	h := binary.AppendUvarint([]byte{1}, version)
	if next.IsZero() {
		h = append(h, 0)
	} else {
		h = binary.AppendVarint(append(h, 1), next.Unix())
	}
	h = binary.AppendUvarint(h, uint64(len(group)))
	return append(h, group...)
}

// bodyV1 reads a schema-3 person: the version in the head, and the JSON
// after it.
func bodyV1(v []byte) (version uint64, body []byte, err error) {
	if len(v) == 0 || v[0] != 1 {
		return 0, nil, errPersonFormat
	}
	version, n := binary.Uvarint(v[1:])
	if n <= 0 {
		return 0, nil, errPersonFormat
	}
	_, v, err = readNext(v[1+n:])
	if err != nil {
		return 0, nil, err
	}
	size, n := binary.Uvarint(v)
	if n <= 0 || size > uint64(len(v)-n) {
		return 0, nil, errPersonFormat
	}
	return version, v[n+int(size):], nil
}

// migrateParts (3 to 4) stores every person in named parts with one
// membership per group (head format 2) and rebuilds the group index from
// the memberships; renames, in queued and given-up replies, the "group"
// visibility to "public" and the place's "reply" to "interaction"; and
// drops the event ids, which schema 3 kept in the clear. They only guard
// against redeliveries for a day or two, and none can be tied to the
// person it came from, as Forget now needs; the new buckets start empty.
func migrateParts(tx *bolt.Tx) error {
	var index [][]byte
	err := rewritePeople(tx, func(k, v []byte) ([]byte, error) {
		p, err := personFromV3(k, v)
		if err != nil {
			return nil, err
		}
		for _, m := range p.Groups {
			if m.Group != "" {
				index = append(index, groupKey(m.Group, p.ID))
			}
		}
		return encodePerson(p)
	})
	if err != nil {
		return err
	}
	if err := rebuildBucket(tx, bucketGroups, index); err != nil {
		return fmt.Errorf("group index: %w", err)
	}
	if err := rewrite(tx, bucketOutbox, envelopeFromV3); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if err := rewrite(tx, bucketFailed, undeliverableFromV3); err != nil {
		return fmt.Errorf("undeliverable replies: %w", err)
	}
	for _, name := range []string{"events", "event_time"} {
		if tx.Bucket([]byte(name)) != nil {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return fmt.Errorf("drop %s: %w", name, err)
			}
		}
	}
	return nil
}

// rewritePeople replaces every stored person with what fn makes of them.
func rewritePeople(tx *bolt.Tx, fn func(k, v []byte) ([]byte, error)) error {
	return rewrite(tx, bucketPeople, func(k, v []byte) ([]byte, error) {
		nv, err := fn(k, v)
		if err != nil {
			return nil, fmt.Errorf("person %s: %w", k, err)
		}
		return nv, nil
	})
}

// rewrite replaces every value of a bucket (if the file has it) with
// what fn makes of it.
func rewrite(tx *bolt.Tx, bucket []byte, fn func(k, v []byte) ([]byte, error)) error {
	b := tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	type entry struct{ k, v []byte }
	var all []entry
	err := b.ForEach(func(k, v []byte) error {
		nv, err := fn(k, v)
		if err != nil {
			return err
		}
		all = append(all, entry{bytes.Clone(k), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// rebuildBucket makes a bucket hold exactly keys, with empty values.
func rebuildBucket(tx *bolt.Tx, name []byte, keys [][]byte) error {
	if tx.Bucket(name) != nil {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
	}
	b, err := tx.CreateBucket(name)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

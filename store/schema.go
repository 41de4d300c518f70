package store

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this code reads and writes. A database with
// a lower version is migrated on open; a higher one is refused.
//
// Schema 4 stores people in named parts with a membership per group (a
// head listing the groups), and event ids as keyed hashes.
const SchemaVersion = 4

// Bucket names. Keys and values are described where each is used.
var (
	bucketMeta        = []byte("meta")
	bucketPeople      = []byte("people")
	bucketCheckIns    = []byte("checkins")
	bucketWins        = []byte("wins")
	bucketRatings     = []byte("ratings")
	bucketDue         = []byte("due")
	bucketGroups      = []byte("groups")
	bucketGroupCfg    = []byte("group_settings")
	bucketWeekly      = []byte("weekly")
	bucketOutbox      = []byte("outbox")
	bucketFailed      = []byte("undeliverable")
	bucketAddress     = []byte("addresses")
	bucketEvents      = []byte("event_ids")
	bucketEventTimes  = []byte("event_times")
	bucketEventPeople = []byte("event_people")

	allBuckets = [][]byte{bucketMeta, bucketPeople, bucketCheckIns, bucketWins, bucketRatings,
		bucketDue, bucketGroups, bucketGroupCfg, bucketWeekly, bucketOutbox, bucketFailed,
		bucketAddress, bucketEvents, bucketEventTimes, bucketEventPeople}
)

// Meta keys: the schema version, and the key event ids are hashed with.
var (
	keySchema   = []byte("schema")
	keyEventKey = []byte("event_key")
)

// eventKeySize is the size of a file's event key.
const eventKeySize = 32

// setUp makes the file ready for this code and reads its event key:
// nothing is written when it already is. It reports whether data of an
// older schema was migrated.
func (db *DB) setUp() (migrated bool, err error) {
	var ready bool
	err = db.bolt.View(func(tx *bolt.Tx) error {
		v, err := schemaOf(tx)
		if err != nil || v == 0 {
			return err
		}
		if db.opt.ReadOnly && v < SchemaVersion {
			db.old = v
			return nil
		}
		db.key, ready = readyKey(tx)
		return nil
	})
	switch {
	case err != nil, ready, db.old != 0:
		return false, err
	case db.opt.ReadOnly:
		return false, errors.New("not a followthrough database (no schema, or not fully set up); it was left untouched")
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		var err error
		db.key, migrated, err = prepare(tx)
		return err
	})
	return migrated, err
}

// readyKey returns a copy of the event key if the file is laid out as
// this code writes it: every bucket there, and the key.
func readyKey(tx *bolt.Tx) ([]byte, bool) {
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			return nil, false
		}
	}
	k := tx.Bucket(bucketMeta).Get(keyEventKey)
	if len(k) != eventKeySize {
		return nil, false
	}
	return bytes.Clone(k), true
}

// schemaOf reads the schema version; 0 means a new, empty database.
func schemaOf(tx *bolt.Tx) (uint64, error) {
	m := tx.Bucket(bucketMeta)
	if m == nil {
		if hasBuckets(tx) {
			return 0, errors.New("database has data but no schema version; it was left untouched")
		}
		return 0, nil
	}
	v := m.Get(keySchema)
	if len(v) != 8 || binary.BigEndian.Uint64(v) == 0 {
		return 0, errors.New("database has no valid schema version; it was left untouched")
	}
	n := binary.BigEndian.Uint64(v)
	if n > SchemaVersion {
		return 0, fmt.Errorf("database was written by a newer followthrough (schema %d; this one reads up to %d): upgrade followthrough; the file was left untouched", n, SchemaVersion)
	}
	return n, nil
}

// hasBuckets reports whether the file holds any bucket at all.
func hasBuckets(tx *bolt.Tx) bool {
	found := errors.New("found")
	return tx.ForEach(func([]byte, *bolt.Bucket) error { return found }) != nil
}

// prepare creates the buckets of a new database, or migrates an old one,
// and returns its event key (made now for a new or migrated file).
func prepare(tx *bolt.Tx) (key []byte, migrated bool, err error) {
	v, err := schemaOf(tx)
	if err != nil {
		return nil, false, err
	}
	if v == 0 {
		v = SchemaVersion
	}
	migrated = v < SchemaVersion
	for ; v < SchemaVersion; v++ {
		if err := migrations[v-1](tx); err != nil {
			return nil, false, fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return nil, false, fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	key = bytes.Clone(meta.Get(keyEventKey))
	if len(key) != eventKeySize {
		key = make([]byte, eventKeySize)
		rand.Read(key) // never fails (crypto/rand)
		if err := meta.Put(keyEventKey, key); err != nil {
			return nil, false, fmt.Errorf("store the event key: %w", err)
		}
	}
	return key, migrated, meta.Put(keySchema, u64(SchemaVersion))
}

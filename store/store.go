// Package store keeps Follow Through's data in one embedded bbolt file:
// people, their check-ins and wins, the reminder due index, the outbox of
// replies waiting to be sent, and the ids of events already handled.
//
// It implements bot.Store with typed methods; every state change and the
// replies it produced are written in one transaction.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"followthrough/bot"
)

var _ bot.Store = (*DB)(nil)

// SchemaVersion is the layout this code reads and writes. A database with
// a lower version is migrated on open; a higher one is refused.
const SchemaVersion = 3

// Bucket names.
var (
	bucketMeta      = []byte("meta")
	bucketPeople    = []byte("people")
	bucketCheckIns  = []byte("checkins")
	bucketWins      = []byte("wins")
	bucketDue       = []byte("due")
	bucketOutbox    = []byte("outbox")
	bucketEvents    = []byte("events")
	bucketEventTime = []byte("event_time")
	bucketRatings   = []byte("ratings")
	bucketGroups    = []byte("groups")
	bucketAddress   = []byte("addresses")
	bucketGroupCfg  = []byte("group_settings")
	bucketFailed    = []byte("undeliverable")
	keySchema       = []byte("schema")
	allBuckets      = [][]byte{bucketMeta, bucketPeople, bucketCheckIns, bucketWins, bucketDue, bucketOutbox, bucketEvents, bucketEventTime, bucketRatings, bucketGroups, bucketAddress, bucketGroupCfg, bucketFailed, bucketWeekly}
)

// migrations[i] upgrades a database from schema i+1 to i+2. Each runs in
// the same transaction as the schema key update.
var migrations = []func(tx *bolt.Tx) error{
	migrateGroups,
	migrateHeads,
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

// ErrInUse means another process holds the database file.
var ErrInUse = errors.New("database is in use by another followthrough process")

// Options tune Open.
type Options struct {
	// LockTimeout is how long to wait for another process to let go of
	// the file. Default 1s.
	LockTimeout time.Duration
	// ReadOnly opens the file for reading only (backups, checks).
	ReadOnly bool
	// NoSync skips fsync on commit. Only for fuzzing and throwaway
	// simulations: a crash can lose acknowledged data.
	NoSync bool
}

// DB is the bbolt-backed store.
type DB struct {
	// mu guards the bolt handle: every use holds it for reading;
	// Compact, which swaps the file, holds it for writing.
	mu     sync.RWMutex
	bolt   *bolt.DB
	path   string
	opt    Options
	group  groupCommit
	people peopleCache
}

// view runs a read transaction.
func (db *DB) view(fn func(*bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.View(fn)
}

// update runs a write transaction of its own.
func (db *DB) update(fn func(*bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.Update(fn)
}

// commit runs fn in a write transaction shared with concurrent commits.
func (db *DB) commit(fn func(*bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.group.run(db.bolt, fn)
}

// Open opens or creates the database at path, migrating an older schema.
// A file held by another process, a damaged file or one from a newer
// version gives an error that says so; the file is left as it was.
func Open(path string, opt Options) (db *DB, err error) {
	if opt.LockTimeout <= 0 {
		opt.LockTimeout = time.Second
	}
	if !opt.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("store: create folder for %s: %w", path, err)
		}
	}
	b, err := openBolt(path, opt)
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("database %s is in use by another followthrough process: %w", path, ErrInUse)
	case err != nil && errors.As(err, new(*fs.PathError)):
		return nil, fmt.Errorf("cannot open database %s: %w", path, err)
	case err != nil:
		// Bad meta pages, a checksum mismatch, a file too short: bbolt
		// has refused it before writing anything.
		return nil, fmt.Errorf("%s is not a followthrough database or is damaged (%v); it was left untouched", path, err)
	}
	db = &DB{bolt: b, path: path, opt: opt}
	// A damaged file can make bbolt panic on first read: turn that into
	// an error rather than a crash.
	defer func() {
		if r := recover(); r != nil {
			b.Close()
			db, err = nil, fmt.Errorf("%s is damaged (%v); it was left untouched", path, r)
		}
	}()
	if opt.ReadOnly {
		err = b.View(func(tx *bolt.Tx) error { _, err := schemaOf(tx); return err })
	} else {
		err = b.Update(prepare)
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, nil
}

// openBolt opens a bbolt file with the options every open here uses.
func openBolt(path string, opt Options) (*bolt.DB, error) {
	return bolt.Open(path, 0o600, BoltOptions(opt))
}

// BoltOptions are the bbolt options a store opened with opt uses; the
// bench gives them to the raw bbolt it compares the store with.
func BoltOptions(opt Options) *bolt.Options {
	return &bolt.Options{Timeout: opt.LockTimeout, ReadOnly: opt.ReadOnly, NoSync: opt.NoSync, FreelistType: bolt.FreelistMapType}
}

// schemaOf reads the schema version; 0 means a new, empty database.
func schemaOf(tx *bolt.Tx) (uint64, error) {
	m := tx.Bucket(bucketMeta)
	if m == nil {
		return 0, nil
	}
	v := m.Get(keySchema)
	if len(v) != 8 {
		return 0, errors.New("database has no valid schema version; it was left untouched")
	}
	n := binary.BigEndian.Uint64(v)
	if n > SchemaVersion {
		return 0, fmt.Errorf("database was written by a newer followthrough (schema %d; this one reads up to %d): upgrade followthrough; the file was left untouched", n, SchemaVersion)
	}
	return n, nil
}

// prepare creates the buckets of a new database, or migrates an old one.
func prepare(tx *bolt.Tx) error {
	v, err := schemaOf(tx)
	if err != nil {
		return err
	}
	if v == 0 {
		if tx.Bucket(bucketPeople) != nil {
			return errors.New("database has data but no schema version; it was left untouched")
		}
		v = SchemaVersion
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v-1](tx); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return tx.Bucket(bucketMeta).Put(keySchema, u64(SchemaVersion))
}

// Close closes the file.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.bolt.Close()
}

// Compact rewrites the database into a fresh file and puts it in place of
// the old one, so that pages freed by deletions — which bbolt leaves in
// the file as they were — hold nothing of what was deleted. Writes wait
// while it runs.
func (db *DB) Compact() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	tmp := db.path + ".compact"
	os.Remove(tmp)
	dst, err := openBolt(tmp, Options{LockTimeout: time.Second})
	if err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := bolt.Compact(dst, db.bolt, 4<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", err)
	}
	dst.Close()
	// The new file numbers its transactions afresh, and the cache
	// orders its entries by those numbers.
	db.people.reset()
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: compact: close: %w", err)
	}
	if err := os.Rename(tmp, db.path); err != nil {
		// The old file is intact; reopen it.
		os.Remove(tmp)
		b, openErr := openBolt(db.path, db.opt)
		if openErr != nil {
			return fmt.Errorf("store: compact: %v; reopen: %w", err, openErr)
		}
		db.bolt = b
		return fmt.Errorf("store: compact: %w", err)
	}
	b, err := openBolt(db.path, db.opt)
	if err != nil {
		return fmt.Errorf("store: compact: reopen: %w", err)
	}
	db.bolt = b
	return nil
}

// Path returns the file's path.
func (db *DB) Path() string { return db.path }

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

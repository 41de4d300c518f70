// Package store keeps Follow Through's data in one embedded bbolt file:
// people, their check-ins, wins and ratings, the reminder due index, the
// group index and settings, the outbox of replies waiting to be sent, and
// (as keyed hashes) the ids of events already handled.
//
// It implements bot.Store with typed methods; every state change and the
// replies it produced are written in one transaction. The files split it
// by bucket: people.go and head.go (people and their indexes), records.go,
// due.go, outbox.go, events.go, groups.go, forget.go; schema.go and
// migrate*.go lay the file out; groupcommit.go and cache.go make commits
// cheap; backup.go copies and checks the file, and damage.go looks at a
// file before bbolt maps it.
package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
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

// ErrInUse means another process holds the database file.
var ErrInUse = errors.New("database is in use by another followthrough process")

// Options tune Open.
type Options struct {
	// LockTimeout is how long to wait for another process to let go of
	// the file. Default 1s.
	LockTimeout time.Duration
	// ReadOnly opens the file for reading only (backups, checks). A file
	// of an older schema can be backed up and checked so, but not read:
	// it is migrated only by a writable open.
	ReadOnly bool
	// NoSync skips fsync on commit. Only for fuzzing and throwaway
	// simulations: a crash can lose acknowledged data.
	NoSync bool
	// Clock stamps what the store times itself: the event that confirmed
	// a Forget, so that ForgetEventsBefore lets it go in its turn.
	// Default: the system clock.
	Clock bot.Clock
}

// DB is the bbolt-backed store. It is safe for concurrent use; the file
// it holds is its alone (bbolt locks it against other processes), which
// is what lets it cache people as they were committed.
type DB struct {
	// mu guards the bolt handle: every use holds it for reading;
	// Compact, which swaps the file, holds it for writing.
	mu   sync.RWMutex
	bolt *bolt.DB
	path string
	opt  Options
	// key hashes event ids and the people they belong to (events.go);
	// it is the file's own, kept in the meta bucket, and never changes.
	key []byte
	// old is the schema of a file opened read-only before it was
	// migrated (0 when current): its data is not read.
	old    uint64
	group  groupCommit
	people peopleCache
}

// view runs a read transaction, if ctx is not done yet.
func (db *DB) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.old != 0 {
		return fmt.Errorf("%s has schema %d: open it once without read-only to migrate it to %d", db.path, db.old, SchemaVersion)
	}
	return db.viewFile(fn)
}

// viewFile runs a read transaction whatever the schema: for copying and
// checking the file.
func (db *DB) viewFile(fn func(*bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.View(fn)
}

// update runs a write transaction of its own, if ctx is not done yet.
func (db *DB) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.Update(fn)
}

// commit runs fn in a write transaction shared with concurrent commits.
// If ctx is done before fn's turn comes, fn is left out, nothing of it
// is written, and the error says why.
func (db *DB) commit(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.group.run(db.bolt, func(tx *bolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(tx)
	})
}

// now is the store's clock.
func (db *DB) now() time.Time {
	if db.opt.Clock == nil {
		return time.Now()
	}
	return db.opt.Clock.Now()
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
	if err := checkFile(path); err != nil {
		// Before bbolt maps it: a page past the end of the file is a
		// fault (SIGBUS) that no recover catches.
		return nil, fmt.Errorf("%s is damaged (%v); it was left untouched", path, err)
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
	migrated, err := db.setUp()
	if err == nil && migrated {
		// The old layout kept event ids in the clear: the pages it
		// freed go too.
		err = db.compact()
	}
	if err != nil {
		db.bolt.Close()
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

// Close closes the file.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.bolt.Close()
}

// Path returns the file's path.
func (db *DB) Path() string { return db.path }

// Compact rewrites the database into a fresh file and puts it in place of
// the old one, so that pages freed by deletions — which bbolt leaves in
// the file as they were — hold nothing of what was deleted. Writes wait
// while it runs.
func (db *DB) Compact(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	return db.compact()
}

// compact is Compact whatever the context: a migration, once committed,
// is always followed by it.
func (db *DB) compact() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	tmp := db.path + ".compact"
	os.Remove(tmp)
	if err := copyCompacted(db.bolt, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", err)
	}
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

// errScrubbed ends scrub's transaction, which changes nothing bbolt
// knows of: a rollback costs no commit.
var errScrubbed = errors.New("scrubbed")

// scrub overwrites with zeros every page of the file that bbolt holds
// free, and whatever lies past the last page, so that nothing deleted
// can be read from the file any more: what Forget owes the person,
// without rewriting the file. Compacting did the same by copying
// everything under the write lock (1.4 s on 206 MB, every other write
// waiting); a scrub reads only the free pages, and writes only those
// not zero already: those freed since the last scrub.
//
// It holds the lock for writing, so that no transaction is open when
// its own begins: bbolt then releases every page freed by earlier
// transactions (none is pending for a reader any more), and no one
// else can allocate one while it writes.
func (db *DB) scrub() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	f, err := os.OpenFile(db.path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("store: scrub: %w", err)
	}
	defer f.Close()
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		size := int64(db.bolt.Info().PageSize)
		pages := tx.Size() / size
		buf, zeros := make([]byte, size), make([]byte, size)
		wrote := false
		clean := func(at int64, n int) error {
			got, err := f.ReadAt(buf[:n], at)
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			if bytes.Equal(buf[:got], zeros[:got]) {
				return nil
			}
			wrote = true
			_, err = f.WriteAt(zeros[:got], at)
			return err
		}
		for id := int64(2); id < pages; id++ {
			info, err := tx.Page(int(id))
			if err != nil {
				return err
			}
			if info != nil && info.Type == "free" {
				if err := clean(id*size, int(size)); err != nil {
					return err
				}
			}
		}
		// Past the last page: the file grows in steps, and a crash
		// between writing pages and the meta page that counts them
		// leaves them there.
		st, err := f.Stat()
		if err != nil {
			return err
		}
		for at := pages * size; at < st.Size(); at += size {
			if err := clean(at, int(min(size, st.Size()-at))); err != nil {
				return err
			}
		}
		if wrote && !db.opt.NoSync {
			if err := f.Sync(); err != nil {
				return err
			}
		}
		return errScrubbed
	})
	if err != nil && !errors.Is(err, errScrubbed) {
		return fmt.Errorf("store: scrub: %w", err)
	}
	return nil
}

// copyCompacted writes a compacted, synced copy of src to path.
func copyCompacted(src *bolt.DB, path string) error {
	dst, err := openBolt(path, Options{LockTimeout: time.Second})
	if err != nil {
		return err
	}
	if err := bolt.Compact(dst, src, 4<<20); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// u64 is n as 8 big-endian bytes.
func u64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n)
}

package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
	"followthrough/store"
	"followthrough/store/storetest"
)

func open(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ft.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func person(id string, version uint64) *bot.Person {
	return &bot.Person{ID: bot.PersonID("test:" + id), Version: version,
		Identity: bot.Identity{Joined: t0, LastSeen: t0}}
}

// TestContract runs the suite every store passes on the bbolt store.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, _ := open(t)
		return db
	})
}

func TestSecondOpenFailsFastWithClearError(t *testing.T) {
	_, path := open(t)
	start := time.Now()
	_, err := store.Open(path, store.Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, store.ErrInUse) || !strings.Contains(err.Error(), "in use by another followthrough process") {
		t.Fatalf("second open: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("second open took %v", time.Since(start))
	}
}

// refusedUntouched opens path, which must be refused with an error
// saying want, and checks the file did not change.
func refusedUntouched(t *testing.T, path, want string) {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("open = %v; want an error saying %q", err, want)
	}
	if after, _ := os.ReadFile(path); sha256.Sum256(after) != sha256.Sum256(before) {
		t.Errorf("a refused file was changed")
	}
}

func TestDamagedFileIsLeftUntouched(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("not a database "), 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	refusedUntouched(t, garbage, "left untouched")

	truncated := filepath.Join(dir, "truncated.db")
	db, err := store.Open(truncated, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	full, _ := os.ReadFile(truncated)
	if err := os.WriteFile(truncated, full[:4096+100], 0o600); err != nil { // first meta page and part of the second
		t.Fatal(err)
	}
	refusedUntouched(t, truncated, "damaged")
}

// rawUpdate changes a closed database's file with bbolt directly.
func rawUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(fn)
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestNewerSchemaRefused: a file from a later followthrough (schema 5)
// is refused, saying to upgrade, and left as it was.
func TestNewerSchemaRefused(t *testing.T) {
	db, path := open(t)
	db.Close()
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, store.SchemaVersion+1))
	})
	refusedUntouched(t, path, "newer followthrough (schema 5; this one reads up to 4): upgrade")
}

// TestDataWithoutSchemaRefused: a bbolt file with data but no schema (a
// damaged meta bucket, another program's file) is refused, untouched.
func TestDataWithoutSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("people"))
		if err != nil {
			return err
		}
		return b.Put([]byte("test:ana"), []byte(`{"id":"test:ana"}`))
	})
	refusedUntouched(t, path, "has data but no schema version")
}

// TestEventIDsOutliveARestart: Commit refuses a redelivery, and Load
// tells it, after the file is closed and opened again.
func TestEventIDsOutliveARestart(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	p := person("ana", 0)
	if err := db.Commit(ctx, bot.Change{Person: p, EventID: "e1"}); err != nil {
		t.Fatal(err)
	}
	// Load says "seen" only when it reads the file anyway.
	if _, seen, _ := db.Load(ctx, p.ID, "e1"); seen {
		t.Error("Load read the file for a person it holds in memory")
	}
	db.Close()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, seen, err := db.Load(ctx, p.ID, "e1"); !seen || got != nil || err != nil {
		t.Fatalf("after a restart, Load = %+v, %v, %v; want seen", got, seen, err)
	}
	if err := db.Commit(ctx, bot.Change{Person: p, Expect: 1, EventID: "e1"}); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("a redelivery after a restart: %v", err)
	}
}

// TestContextDoneChangesNothing: a method called with a context already
// done returns its error and writes nothing.
func TestContextDoneChangesNothing(t *testing.T) {
	db, _ := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.Commit(ctx, bot.Change{Person: person("ana", 0)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit = %v", err)
	}
	if _, _, err := db.Load(ctx, "test:ana", ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load = %v", err)
	}
	if _, err := db.FireDue(ctx, t0, 10, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("FireDue = %v", err)
	}
	if err := db.Forget(ctx, "test:ana", "e"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Forget = %v", err)
	}
	if _, ok, _ := db.Person(context.Background(), "test:ana"); ok {
		t.Fatal("a cancelled commit was written")
	}
}

// TestCutShortFileIsDamagedNotACrash: a file cut short anywhere (as
// `head -c 8192 good.db > t.db` does) is refused as damaged, writable or
// read-only, and left as it was. bbolt maps the file and reads pages in
// place: one past the end was a SIGBUS that killed the process.
func TestCutShortFileIsDamagedNotACrash(t *testing.T) {
	db, path := open(t)
	for i := range 300 {
		p := person(fmt.Sprintf("p%03d", i), 0)
		p.Plan.Goal = strings.Repeat("write every day ", 20)
		if err := db.Commit(context.Background(), bot.Change{Person: p, EventID: fmt.Sprintf("e%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// What the file's pages take up; bbolt grows the file beyond, in
	// steps, and what lies past the last page is not missed.
	var used int
	rawUpdate(t, path, func(tx *bolt.Tx) error { used = int(tx.Size()); return nil })
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if used < 64<<10 || used > len(full) {
		t.Fatalf("the pages take %d bytes of %d: too few to cut", used, len(full))
	}
	dir := t.TempDir()
	for _, n := range []int{8192, 8192 + 100, 3 * 4096, used / 2, used - 4096, used - 1} {
		cut := filepath.Join(dir, fmt.Sprintf("cut-%d.db", n))
		if err := os.WriteFile(cut, full[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		for _, ro := range []bool{false, true} {
			db, err := store.Open(cut, store.Options{ReadOnly: ro})
			if err == nil {
				db.Close()
				t.Errorf("cut at %d bytes (read-only %v): opened", n, ro)
				continue
			}
			if !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "cut short") {
				t.Errorf("cut at %d bytes (read-only %v): %v; want it called damaged and cut short", n, ro, err)
			}
		}
		if after, _ := os.ReadFile(cut); !bytes.Equal(after, full[:n]) {
			t.Errorf("cut at %d bytes: the refused file was changed", n)
		}
	}
}

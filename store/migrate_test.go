package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
	"followthrough/store"
)

// fixture copies a file of testdata into a temporary folder, so that no
// test changes testdata, and returns the copy's path.
func fixture(t *testing.T, name string) string {
	t.Helper()
	src, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), name)
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// schemaOf reads the schema version of a closed file.
func schemaOf(t *testing.T, path string) uint64 {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var v uint64
	b.View(func(tx *bolt.Tx) error {
		v = binary.BigEndian.Uint64(tx.Bucket([]byte("meta")).Get([]byte("schema")))
		return nil
	})
	return v
}

// utc parses an RFC 3339 time of the fixture.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at.UTC()
}

// TestMigrateRepliesAndEventsFromSchema3: queued and given-up replies of
// schema 3 take the new names (visibility "group" is public, the place's
// "reply" its interaction); schema 3's event ids, kept in the clear, are
// dropped, and nothing of them is left in the file.
func TestMigrateRepliesAndEventsFromSchema3(t *testing.T) {
	ctx := context.Background()
	path := fixture(t, "schema3.db")
	const eventID = "slack:m:D0SECRET:1700000000.000100"
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		reply := `{"key":"k","to":"console:ana","visibility":"group","text":"🎉 ana walked","place":{"group":"console","reply":"tok-1"},"at":"2026-03-08T12:00:00Z"}`
		key := append([]byte("console\x00"), binary.BigEndian.AppendUint64(nil, 49)...)
		if err := tx.Bucket([]byte("outbox")).Put(key, []byte(`{"seq":0,"platform":"console","queued":"2026-03-08T12:00:00Z","reply":`+reply+`}`)); err != nil {
			return err
		}
		failed := `{"envelope":{"seq":7,"platform":"console","queued":"2026-03-08T12:00:00Z","reply":` + reply + `},"reason":"gone","at":"2026-03-08T12:00:00Z"}`
		if err := tx.Bucket([]byte("undeliverable")).Put(binary.BigEndian.AppendUint64([]byte("console\x00"), 7), []byte(failed)); err != nil {
			return err
		}
		at := binary.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano()))
		if err := tx.Bucket([]byte("events")).Put([]byte(eventID), at); err != nil {
			return err
		}
		return tx.Bucket([]byte("event_time")).Put(append(at, eventID...), nil)
	})
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := db.Pending(ctx, "console", 10)
	if len(q) != 2 || q[1].Reply.Visibility != bot.Public || q[1].Reply.Place.Interaction != "tok-1" || q[1].Reply.Place.Group != "console" {
		t.Fatalf("a public reply after migration: %+v", q)
	}
	u, _ := db.Undelivered(ctx, "console")
	if len(u) != 1 || u[0].Envelope.Reply.Visibility != bot.Public || u[0].Envelope.Reply.Place.Interaction != "tok-1" || u[0].Reason != "gone" {
		t.Fatalf("a given-up reply after migration: %+v", u)
	}
	bo, _, _ := db.Person(ctx, "console:bo")
	if err := db.Commit(ctx, bot.Change{Person: bo, Expect: bo.Version, EventID: eventID}); err != nil {
		t.Fatalf("schema 3's event ids were not dropped: %v", err)
	}
	db.Close()
	raw, _ := os.ReadFile(path)
	for _, s := range []string{eventID, "D0SECRET", `"visibility":"group"`, `"reply":"tok-1"`} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the migrated file still holds %q", s)
		}
	}
}

// TestReadOnlyOpenOfAnOldSchema: a file not yet migrated can be backed
// up and checked read-only (a stopped bot's, before the upgrade), and is
// not read as if it were new.
func TestReadOnlyOpenOfAnOldSchema(t *testing.T) {
	ctx := context.Background()
	path := fixture(t, "schema3.db")
	before, _ := os.ReadFile(path)
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if errs := db.Check(ctx); len(errs) != 0 {
		t.Fatalf("check: %v", errs)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := db.BackupTo(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if v := schemaOf(t, backup); v != 3 {
		t.Errorf("the backup is schema %d; want the file's 3", v)
	}
	if restored, err := store.Open(backup, store.Options{}); err != nil {
		t.Errorf("the backup does not migrate: %v", err)
	} else {
		if _, ok, err := restored.Person(ctx, "console:ana"); !ok || err != nil {
			t.Errorf("ana is not in the migrated backup: %v", err)
		}
		restored.Close()
	}
	if _, _, err := db.Person(ctx, "console:ana"); err == nil || !strings.Contains(err.Error(), "without read-only to migrate") {
		t.Fatalf("reading an old file read-only: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("a read-only open changed the file")
	}
}

// TestMigrateFromSchema1 builds a schema-1 database by hand (as version 1
// of followthrough wrote it), with a person in a group, and opens it: it
// goes through schemas 2 and 3 to 4.
func TestMigrateFromSchema1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "people", "checkins", "wins", "due", "outbox", "events", "event_time"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 1))
		// Written as schema 1 wrote it: plain JSON, its due entry keyed
		// by unix seconds then id.
		due := binary.BigEndian.AppendUint64(nil, uint64(t0.Unix()))
		if err := tx.Bucket([]byte("due")).Put(append(due, "test:ana"...), nil); err != nil {
			return err
		}
		return tx.Bucket([]byte("people")).Put([]byte("test:ana"), []byte(`{"id":"test:ana","version":3,"group":"g1","share":"group","goal":"run","next_reminder":"`+t0.Format(time.RFC3339)+`"}`))
	})
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	members, err := db.Members(ctx, "g1")
	if err != nil || len(members) != 1 || members[0].Plan.Goal != "run" || !members[0].Membership("g1").Public() {
		t.Fatalf("members after migration = %+v, %v", members, err)
	}
	if r, err := db.Ratings(ctx, "test:ana", 5); err != nil || len(r) != 0 {
		t.Fatalf("ratings after migration = %v, %v", r, err)
	}
	// The version and the due entry carried over: a stale version is
	// refused, the right one moves the reminder, and no entry is left
	// behind.
	p := members[0]
	if p.Version != 3 || !p.Schedule.Next.Equal(t0) {
		t.Fatalf("after migration: version %d, next %v", p.Version, p.Schedule.Next)
	}
	if err := db.Commit(ctx, bot.Change{Person: p, Expect: 2}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("stale version after migration: %v", err)
	}
	p.Schedule.Next = t0.Add(time.Hour)
	if err := db.Commit(ctx, bot.Change{Person: p, Expect: 3}); err != nil {
		t.Fatal(err)
	}
	if next, ok, _ := db.NextDue(ctx); !ok || !next.Equal(t0.Add(time.Hour)) {
		t.Fatalf("next due after migration and a move = %v, %v", next, ok)
	}
}

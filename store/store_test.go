package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
	"followthrough/store"
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
	return &bot.Person{ID: bot.PersonID("test:" + id), Version: version, Joined: t0, LastSeen: t0}
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

func TestDamagedFileIsLeftUntouched(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"garbage":   bytes.Repeat([]byte("not a database "), 2000),
		"truncated": nil, // filled below from a real database
	} {
		path := filepath.Join(dir, name+".db")
		if content == nil {
			db, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			full, _ := os.ReadFile(path)
			content = full[:4096+100] // first meta page and part of the second
		}
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		before := sha256.Sum256(content)
		_, err := store.Open(path, store.Options{})
		if err == nil {
			t.Fatalf("%s: opened a damaged file", name)
		}
		if !strings.Contains(err.Error(), "left untouched") && !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%s: unclear error %q", name, err)
		}
		after, _ := os.ReadFile(path)
		if sha256.Sum256(after) != before {
			t.Errorf("%s: file was changed", name)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	db, path := open(t)
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		v := make([]byte, 8)
		binary.BigEndian.PutUint64(v, store.SchemaVersion+1)
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), v)
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "newer followthrough") {
		t.Fatalf("open of a newer database: %v", err)
	}
}

func TestCommitVersionsAndDuplicates(t *testing.T) {
	db, _ := open(t)
	p := person("ana", 0)
	if err := db.Commit(bot.Change{Person: p, Expect: 0, EventID: "e1"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Commit(bot.Change{Person: p, Expect: 0, EventID: "e2"}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("stale version: %v; want ErrConflict", err)
	}
	if err := db.Commit(bot.Change{Person: p, Expect: 1, EventID: "e1"}); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("same event id: %v; want ErrDuplicate", err)
	}
	got, ok, err := db.Person(p.ID)
	if err != nil || !ok || got.Version != 1 {
		t.Fatalf("person = %+v %v %v", got, ok, err)
	}
	// Commit is the authority on event ids; Load says "seen" only when it
	// reads the file anyway (a person not in memory: a reopened file).
	if err := db.Commit(bot.Change{Person: got, Expect: 1, EventID: "e2"}); err != nil {
		t.Errorf("e2 remembered though its commit failed: %v", err)
	}
	path := db.Path()
	db.Close()
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, seen, _ := db.Load(p.ID, "e1"); !seen {
		t.Error("e1 not remembered after a restart")
	}
	if n, err := db.ForgetEventsBefore(t0.Add(time.Second)); err != nil || n != 2 {
		t.Errorf("ForgetEventsBefore = %d, %v", n, err)
	}
	if _, seen, _ := db.Load(p.ID, "e1"); seen {
		t.Error("e1 still remembered after forgetting")
	}
	if err := db.Commit(bot.Change{Person: got, Expect: 2, EventID: "e1"}); err != nil {
		t.Errorf("e1 refused after forgetting: %v", err)
	}
}

func TestRecordsAndOutboxOrder(t *testing.T) {
	db, _ := open(t)
	a, b := person("ana", 0), person("ana2", 0) // ids sharing a prefix
	var replies []bot.Reply
	for i := 0; i < 5; i++ {
		replies = append(replies, bot.Reply{To: a.ID, Text: string(rune('a' + i))})
	}
	replies = append(replies, bot.Reply{To: "other:x", Text: "elsewhere"})
	err := db.Commit(bot.Change{Person: a, Replies: replies,
		CheckIns: []bot.CheckIn{{At: t0, Outcome: bot.Done}, {At: t0.Add(time.Hour), Outcome: bot.Partly}},
		Wins:     []bot.Win{{At: t0, Text: "one"}, {At: t0, Text: "two, same instant"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Commit(bot.Change{Person: b, Wins: []bot.Win{{At: t0.Add(time.Hour), Text: "not ana's"}}}); err != nil {
		t.Fatal(err)
	}
	ci, _ := db.CheckIns(a.ID, time.Time{})
	if len(ci) != 2 || ci[0].Outcome != bot.Done {
		t.Errorf("check-ins %+v", ci)
	}
	if ci, _ := db.CheckIns(a.ID, t0.Add(time.Minute)); len(ci) != 1 {
		t.Errorf("check-ins since: %+v", ci)
	}
	wins, _ := db.Wins(a.ID, 10)
	if len(wins) != 2 || wins[0].Text != "two, same instant" {
		t.Errorf("wins newest first, both kept: %+v", wins)
	}
	pending, _ := db.Pending("test", 3)
	if len(pending) != 3 || pending[0].Reply.Text != "a" || pending[2].Reply.Text != "c" {
		t.Fatalf("pending = %+v", pending)
	}
	if err := db.Delivered("test", pending[0].Seq, pending[1].Seq); err != nil {
		t.Fatal(err)
	}
	pending, _ = db.Pending("test", 10)
	if len(pending) != 3 || pending[0].Reply.Text != "c" {
		t.Errorf("after delivery: %+v", pending)
	}
	if other, _ := db.Pending("other", 10); len(other) != 1 {
		t.Errorf("other platform's outbox: %+v", other)
	}
}

func TestDueIndexFollowsPerson(t *testing.T) {
	db, _ := open(t)
	p := person("ana", 0)
	p.NextReminder = t0.Add(time.Hour)
	if err := db.Commit(bot.Change{Person: p}); err != nil {
		t.Fatal(err)
	}
	p.NextReminder = t0.Add(2 * time.Hour) // moved: the old entry must go
	if err := db.Commit(bot.Change{Person: p, Expect: 1}); err != nil {
		t.Fatal(err)
	}
	next, ok, _ := db.NextDue()
	if !ok || !next.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("NextDue = %v %v", next, ok)
	}
	calls := 0
	n, err := db.FireDue(t0.Add(3*time.Hour), 100, func(p *bot.Person, due time.Time) []bot.Reply {
		calls++
		if !due.Equal(t0.Add(2 * time.Hour)) {
			t.Errorf("due = %v", due)
		}
		p.NextReminder = time.Time{}
		return []bot.Reply{{To: p.ID, Text: "reminder"}}
	})
	if err != nil || n != 1 || calls != 1 {
		t.Fatalf("FireDue = %d, %v, calls %d", n, err, calls)
	}
	if _, ok, _ := db.NextDue(); ok {
		t.Error("due index not empty after the last reminder")
	}
	if got, _, _ := db.Person(p.ID); got.Version != 3 {
		t.Errorf("version after firing = %d; want 3", got.Version)
	}
	if pending, _ := db.Pending("test", 10); len(pending) != 1 {
		t.Errorf("reminder not queued: %+v", pending)
	}
}

// TestMigrateFromSchema1 builds a schema-1 database by hand (as version 1
// of followthrough wrote it), with a person in a group, and opens it.
func TestMigrateFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "people", "checkins", "wins", "due", "outbox", "events", "event_time"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		v := make([]byte, 8)
		binary.BigEndian.PutUint64(v, 1)
		tx.Bucket([]byte("meta")).Put([]byte("schema"), v)
		// Written as schema 1 wrote it: plain JSON, its due entry keyed
		// by unix seconds then id.
		due := binary.BigEndian.AppendUint64(nil, uint64(t0.Unix()))
		if err := tx.Bucket([]byte("due")).Put(append(due, "test:ana"...), nil); err != nil {
			return err
		}
		return tx.Bucket([]byte("people")).Put([]byte("test:ana"), []byte(`{"id":"test:ana","version":3,"group":"g1","goal":"run","next_reminder":"`+t0.Format(time.RFC3339)+`"}`))
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	members, err := db.Members("g1")
	if err != nil || len(members) != 1 || members[0].Goal != "run" {
		t.Fatalf("members after migration = %+v, %v", members, err)
	}
	if r, err := db.Ratings("test:ana", 5); err != nil || len(r) != 0 {
		t.Fatalf("ratings after migration = %v, %v", r, err)
	}
	// The version and the due entry carried over (schema 3 keeps them in
	// a head before the JSON): a stale version is refused, the right
	// one moves the reminder, and no entry is left behind.
	p := members[0]
	if p.Version != 3 || !p.NextReminder.Equal(t0) {
		t.Fatalf("after migration: version %d, next %v", p.Version, p.NextReminder)
	}
	if err := db.Commit(bot.Change{Person: p, Expect: 2}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("stale version after migration: %v", err)
	}
	p.NextReminder = t0.Add(time.Hour)
	if err := db.Commit(bot.Change{Person: p, Expect: 3}); err != nil {
		t.Fatal(err)
	}
	if next, ok, _ := db.NextDue(); !ok || !next.Equal(t0.Add(time.Hour)) {
		t.Fatalf("next due after migration and a move = %v, %v", next, ok)
	}
}

// TestGroupCommitKeepsOthersWhenOneFails: many writers at once, some of
// them bound to fail (stale versions); every good one is committed, every
// bad one gets its own error.
func TestGroupCommitKeepsOthersWhenOneFails(t *testing.T) {
	db, _ := open(t)
	const n = 200
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		go func(i int) {
			<-start
			expect := uint64(0)
			if i%10 == 0 {
				expect = 7 // a version that does not exist: conflict
			}
			errs <- db.Commit(bot.Change{Person: person(string(rune('a'+i%26))+strings.Repeat("x", i), 0), Expect: expect, EventID: "ev" + strings.Repeat("y", i)})
		}(i)
	}
	close(start)
	conflicts := 0
	for i := 0; i < n; i++ {
		err := <-errs
		switch {
		case errors.Is(err, bot.ErrConflict):
			conflicts++
		case err != nil:
			t.Fatal(err)
		}
	}
	if conflicts != n/10 {
		t.Errorf("conflicts = %d; want %d", conflicts, n/10)
	}
	for i := 0; i < n; i++ {
		_, ok, _ := db.Person(bot.PersonID("test:" + string(rune('a'+i%26)) + strings.Repeat("x", i)))
		if ok == (i%10 == 0) {
			t.Errorf("person %d stored = %v", i, ok)
		}
	}
}

// TestBackupUnderLoadRestoresEveryAcknowledgedRecord: writers keep
// committing while backups are taken; each backup opens as a database
// that passes the consistency check and holds every record acknowledged
// before the backup began.
func TestBackupUnderLoadRestoresEveryAcknowledgedRecord(t *testing.T) {
	db, _ := open(t)
	dir := t.TempDir()
	stop := make(chan struct{})
	acked := make(chan string, 100000)
	done := make(chan struct{})
	for w := 0; w < 4; w++ {
		go func(w int) {
			defer func() { done <- struct{}{} }()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := db.Commit(bot.Change{Person: person(id, 0), CheckIns: []bot.CheckIn{{At: t0, Outcome: bot.Done}}}); err != nil {
					t.Error(err)
					return
				}
				acked <- id
			}
		}(w)
	}
	var before []string
	drain := func() {
		for {
			select {
			case id := <-acked:
				before = append(before, id)
			default:
				return
			}
		}
	}
	var paths []string
	for i := 0; i < 3; i++ {
		for len(acked) < 50 { // let some writes happen
			runtime.Gosched()
		}
		drain()
		path, err := db.BackupRotating(dir, 2, t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
		snapshot := append([]string(nil), before...)
		restored, err := store.Open(path, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if errs := restored.Check(); len(errs) != 0 {
			t.Fatalf("backup fails the consistency check: %v", errs)
		}
		for _, id := range snapshot {
			if _, ok, err := restored.Person(bot.PersonID("test:" + id)); !ok || err != nil {
				t.Fatalf("acknowledged %s missing from backup %d", id, i)
			}
		}
		restored.Close()
	}
	close(stop)
	for w := 0; w < 4; w++ {
		<-done
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 2 || left[0].Name() != filepath.Base(paths[1]) {
		t.Errorf("rotation kept %v; want the newest 2", left)
	}
}

func TestBackupToAnUnwritablePlaceChangesNothing(t *testing.T) {
	db, _ := open(t)
	if _, err := db.BackupTo("/proc/not-a-place/backup.db"); err == nil || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("err = %v", err)
	}
	if err := store.CheckWritable("/proc/not-a-place"); err == nil {
		t.Error("CheckWritable accepted /proc")
	}
	if errs := db.Check(); len(errs) != 0 {
		t.Errorf("check: %v", errs)
	}
}

// TestBackupOnAFullDisk: a backup that runs out of space leaves no file
// behind and the database as it was. Needs a tiny tmpfs (root); skipped
// where one cannot be mounted.
func TestBackupOnAFullDisk(t *testing.T) {
	db, _ := open(t)
	for i := 0; i < 300; i++ {
		p := person(fmt.Sprintf("p%d", i), 0)
		p.Goal = strings.Repeat("a goal worth writing down ", 10)
		if err := db.Commit(bot.Change{Person: p}); err != nil {
			t.Fatal(err)
		}
	}
	full := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", full).Run()
	_, err := db.BackupTo(filepath.Join(full, "backup.db"))
	if err == nil || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("backup onto a full disk: %v", err)
	}
	if left, _ := os.ReadDir(full); len(left) != 0 {
		t.Errorf("a partial backup was left: %v", left)
	}
	if errs := db.Check(); len(errs) != 0 {
		t.Errorf("database damaged: %v", errs)
	}
	if _, ok, _ := db.Person("test:p299"); !ok {
		t.Error("data lost")
	}
}

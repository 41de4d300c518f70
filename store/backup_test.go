package store_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/store"
)

// TestBackupUnderLoadRestoresEveryAcknowledgedRecord: writers keep
// committing while backups are taken; each backup opens as a database
// that passes the consistency check and holds every record acknowledged
// before the backup began.
func TestBackupUnderLoadRestoresEveryAcknowledgedRecord(t *testing.T) {
	ctx := context.Background()
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
				if err := db.Commit(ctx, bot.Change{Person: person(id, 0), CheckIns: []bot.CheckIn{{At: t0, Outcome: bot.Done}}}); err != nil {
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
		path, err := db.BackupRotating(ctx, dir, 2, t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
		snapshot := append([]string(nil), before...)
		restored, err := store.Open(path, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if errs := restored.Check(ctx); len(errs) != 0 {
			t.Fatalf("backup fails the consistency check: %v", errs)
		}
		for _, id := range snapshot {
			if _, ok, err := restored.Person(ctx, bot.PersonID("test:"+id)); !ok || err != nil {
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
	ctx := context.Background()
	db, _ := open(t)
	if _, err := db.BackupTo(ctx, "/proc/not-a-place/backup.db"); err == nil || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("err = %v", err)
	}
	if err := store.CheckWritable("/proc/not-a-place"); err == nil {
		t.Error("CheckWritable accepted /proc")
	}
	if errs := db.Check(ctx); len(errs) != 0 {
		t.Errorf("check: %v", errs)
	}
}

// TestBackupOnAFullDisk: a backup that runs out of space leaves no file
// behind and the database as it was. Needs a tiny tmpfs (root); skipped
// where one cannot be mounted.
func TestBackupOnAFullDisk(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	for i := 0; i < 300; i++ {
		p := person(fmt.Sprintf("p%d", i), 0)
		p.Plan.Goal = strings.Repeat("a goal worth writing down ", 10)
		if err := db.Commit(ctx, bot.Change{Person: p}); err != nil {
			t.Fatal(err)
		}
	}
	full := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", full).Run()
	_, err := db.BackupTo(ctx, filepath.Join(full, "backup.db"))
	if err == nil || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("backup onto a full disk: %v", err)
	}
	if left, _ := os.ReadDir(full); len(left) != 0 {
		t.Errorf("a partial backup was left: %v", left)
	}
	if errs := db.Check(ctx); len(errs) != 0 {
		t.Errorf("database damaged: %v", errs)
	}
	if _, ok, _ := db.Person(ctx, "test:p299"); !ok {
		t.Error("data lost")
	}
}

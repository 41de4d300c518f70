package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BackupTo writes a consistent copy of the database to path while it is
// in use: a read transaction sees one moment, and writers go on. The copy
// is written to a temporary file, synced, then renamed into place, so a
// full disk or a crash never leaves a half backup under the final name.
func (db *DB) BackupTo(ctx context.Context, path string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".backup-*")
	if err != nil {
		return 0, fmt.Errorf("backup: cannot write in %s: %w (the database itself is unchanged)", dir, err)
	}
	var n int64
	err = db.viewFile(func(tx *bolt.Tx) error {
		var werr error
		n, werr = tx.WriteTo(tmp)
		return werr
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, fmt.Errorf("backup to %s: %w (the database itself is unchanged)", path, err)
	}
	return n, nil
}

// Check runs bbolt's consistency check over the whole file and returns
// every problem found.
func (db *DB) Check(ctx context.Context) []error {
	if err := ctx.Err(); err != nil {
		return []error{fmt.Errorf("check %s: %w", db.path, err)}
	}
	var errs []error
	err := db.viewFile(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			errs = append(errs, e)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

// backupPrefix names scheduled backups, which sort by time.
const backupPrefix = "followthrough-"

// BackupRotating writes a timestamped backup into dir and keeps only the
// newest keep backups there. It returns the new file's path.
func (db *DB) BackupRotating(ctx context.Context, dir string, keep int, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: cannot create %s: %w", dir, err)
	}
	path := filepath.Join(dir, backupPrefix+now.UTC().Format("20060102T150405Z")+".db")
	if _, err := db.BackupTo(ctx, path); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return path, fmt.Errorf("backup: list %s: %w", dir, err)
	}
	var backups []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), backupPrefix) && strings.HasSuffix(e.Name(), ".db") {
			backups = append(backups, e.Name())
		}
	}
	sort.Strings(backups)
	var errs []error
	for len(backups) > keep && keep > 0 {
		if err := os.Remove(filepath.Join(dir, backups[0])); err != nil {
			errs = append(errs, err)
		}
		backups = backups[1:]
	}
	return path, errors.Join(errs...)
}

// CheckWritable tells early whether backups can be written to dir.
func CheckWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"followthrough/store"
)

// parseDBFlag parses the --db flag the offline database commands share.
func parseDBFlag(name string, args []string, stderr io.Writer) (*flag.FlagSet, *string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", defaultDBPath(), "database file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, err
		}
		return nil, nil, usageError{err}
	}
	return fs, dbPath, nil
}

// runBackup copies the database of a stopped bot. A running bot holds
// the file and takes its own backups (backup.dir in the config).
func runBackup(args []string, stdout, stderr io.Writer) error {
	fs, dbPath, err := parseDBFlag("backup", args, stderr)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("usage: followthrough backup --db FILE OUT")}
	}
	db, err := store.Open(*dbPath, store.Options{ReadOnly: true, LockTimeout: 500 * time.Millisecond})
	if errors.Is(err, store.ErrInUse) {
		return fmt.Errorf("%w; a running bot takes its own backups: set backup.dir in its config", err)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.BackupTo(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes)\n", *dbPath, fs.Arg(0), n)
	return nil
}

// runCheck runs the consistency check on a database file.
func runCheck(args []string, stdout, stderr io.Writer) error {
	_, dbPath, err := parseDBFlag("check", args, stderr)
	if err != nil {
		return err
	}
	db, err := store.Open(*dbPath, store.Options{ReadOnly: true, LockTimeout: 500 * time.Millisecond})
	if err != nil {
		return err
	}
	defer db.Close()
	if errs := db.Check(); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stdout, "problem:", e)
		}
		return fmt.Errorf("%s has %d consistency problems; restore from a backup", *dbPath, len(errs))
	}
	fmt.Fprintf(stdout, "%s is consistent\n", *dbPath)
	return nil
}

// startBackups takes a hot backup every interval into dir, keeping the
// newest keep, until ctx ends. Failures are logged with their cause; the
// database is never touched by a failed backup.
func startBackups(ctx context.Context, db *store.DB, dir string, every time.Duration, keep int, log *slog.Logger) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				path, err := db.BackupRotating(dir, keep, now)
				if err != nil {
					log.Error("scheduled backup failed", "dir", dir, "err", err)
					continue
				}
				log.Info("backup written", "path", path)
			}
		}
	}()
}

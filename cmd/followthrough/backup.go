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
	"followthrough/store/postgres"
)

// parseDBFlag parses the --db flag the offline database commands share.
func parseDBFlag(name string, args []string, stderr io.Writer) (*flag.FlagSet, *string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", defaultDBPath(), "database file, or a postgres:// URL")
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
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dbPath, err := parseDBFlag("backup", args, stderr)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("usage: followthrough backup --db FILE OUT")}
	}
	if postgres.IsURL(*dbPath) {
		return errBackupPostgres
	}
	db, err := store.Open(*dbPath, store.Options{ReadOnly: true, LockTimeout: 500 * time.Millisecond})
	if errors.Is(err, store.ErrInUse) {
		return fmt.Errorf("%w; a running bot takes its own backups: set backup.dir in its config", err)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.BackupTo(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes)\n", *dbPath, fs.Arg(0), n)
	return nil
}

// runCheck runs the consistency check on a database file.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, dbPath, err := parseDBFlag("check", args, stderr)
	if err != nil {
		return err
	}
	if err := checkDatabase(ctx, *dbPath, func(e error) { fmt.Fprintln(stdout, "problem:", e) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is consistent\n", describeDatabase(*dbPath))
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
				path, err := db.BackupRotating(ctx, dir, keep, now)
				if err != nil {
					log.Error("scheduled backup failed", "dir", dir, "err", err)
					continue
				}
				log.Info("backup written", "path", path)
			}
		}
	}()
}

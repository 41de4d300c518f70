package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"followthrough/adapters/discord"
	"followthrough/bot"
	"followthrough/store"
	"followthrough/store/postgres"
)

// database is what the command needs of the store, whichever keeps the
// data: the engine's bot.Store, what the adapters deliver from, and the
// few calls of housekeeping, metrics, readiness and checks. The config's
// database chooses: a postgres:// URL is PostgreSQL (several instances
// may share it), anything else a bbolt file (one process).
type database interface {
	bot.Store
	discord.Store
	PendingFrom(ctx context.Context, platform string, from uint64, max int) ([]bot.Envelope, error)
	Undelivered(ctx context.Context, platform string) ([]bot.Undeliverable, error)
	SetGroupSettings(ctx context.Context, group string, g bot.GroupSettings) error
	ForgetEventsBefore(ctx context.Context, t time.Time) (int, error)
	OutboxStats(ctx context.Context) (map[string]store.OutboxStat, error)
	PeopleStats(ctx context.Context, activeSince time.Time) (all, active int, err error)
	// Ping tells whether the store answers, for /readyz.
	Ping(ctx context.Context) error
	Check(ctx context.Context) []error
	Close() error
}

// openDatabase opens the store the config names. readOnly opens it for
// checks and copies: a bbolt file shared with other readers, waiting
// half a second for a running bot to let go of it; a PostgreSQL
// database not migrated.
func openDatabase(ctx context.Context, where string, readOnly bool) (database, error) {
	if postgres.IsURL(where) {
		db, err := postgres.Open(ctx, where, postgres.Options{ReadOnly: readOnly})
		if err != nil {
			return nil, err
		}
		return pgDatabase{db}, nil
	}
	opt := store.Options{}
	if readOnly {
		opt = store.Options{ReadOnly: true, LockTimeout: 500 * time.Millisecond}
	}
	db, err := store.Open(where, opt)
	if err != nil {
		return nil, err
	}
	return boltDatabase{db}, nil
}

// boltDatabase is the bbolt file.
type boltDatabase struct{ *store.DB }

// Ping reads the outbox's counts: a file that answers them is there.
func (d boltDatabase) Ping(ctx context.Context) error {
	_, err := d.OutboxStats(ctx)
	return err
}

// pgDatabase is PostgreSQL.
type pgDatabase struct{ *postgres.DB }

// OutboxStats reports the outbox in the form the metrics read.
func (d pgDatabase) OutboxStats(ctx context.Context) (map[string]store.OutboxStat, error) {
	stats, err := d.DB.OutboxStats(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.OutboxStat, len(stats))
	for platform, s := range stats {
		out[platform] = store.OutboxStat{Depth: s.Depth, Oldest: s.Oldest}
	}
	return out, nil
}

// boltFile returns the bbolt store behind db, for what only a file has
// (hot backups); ok is false for PostgreSQL.
func boltFile(db database) (*store.DB, bool) {
	b, ok := db.(boltDatabase)
	return b.DB, ok
}

// describeDatabase names a configured database for logs and messages:
// a URL without its password.
func describeDatabase(where string) string {
	if !postgres.IsURL(where) {
		return where
	}
	u, err := url.Parse(where)
	if err != nil {
		return "postgres://(a URL that cannot be read)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// errBackupPostgres says where PostgreSQL's backups come from.
var errBackupPostgres = errors.New("PostgreSQL is backed up with its own tools: pg_dump (see the README, \"When one machine is not enough\"); followthrough backup is for the bbolt file")

// checkDatabase runs the store's consistency check and reports what it
// found; the error names how many problems there were.
func checkDatabase(ctx context.Context, where string, report func(error)) error {
	db, err := openDatabase(ctx, where, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if errs := db.Check(ctx); len(errs) > 0 {
		for _, e := range errs {
			report(e)
		}
		return fmt.Errorf("%s has %d consistency problems; restore from a backup", describeDatabase(where), len(errs))
	}
	return nil
}

// exportsDir is where the console writes a person's export: beside the
// bbolt file, or beside where the file would be for PostgreSQL.
func exportsDir(where string) string {
	if postgres.IsURL(where) {
		where = defaultDBPath()
	}
	return filepath.Join(filepath.Dir(where), "exports")
}

package postgres

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// migrations are the schema's steps, NNNN_name.sql, applied in order;
// a step, once released, never changes: a new one is added instead.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// steps reads the embedded migrations, in order.
func steps() ([]migration, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, f := range files {
		base := strings.TrimPrefix(f, "migrations/")
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || n != len(out)+1 {
			return nil, fmt.Errorf("migration %s is out of sequence", base)
		}
		b, err := migrations.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: n, name: base, sql: string(b)})
	}
	return out, nil
}

// SchemaVersion is the schema this code reads and writes: the number of
// its migrations.
func SchemaVersion() int {
	s, err := steps()
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return len(s)
}

// ErrNewerSchema means the database was laid out by a newer
// followthrough than this one.
var ErrNewerSchema = errors.New("database schema is newer than this followthrough")

// ErrOlderSchema means a read-only open found a schema this code would
// first migrate.
var ErrOlderSchema = errors.New("database schema is older than this followthrough")

// eventKeySize is the size of a database's event key.
const eventKeySize = 32

// setUp brings the schema up to date (unless read-only) and reads the
// event key. Every step and the key go in one transaction, under a lock
// that instances starting together take in turn.
func (db *DB) setUp(ctx context.Context) error {
	want, err := steps()
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if !db.opt.ReadOnly {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('followthrough migrate ' || coalesce(current_schema(), '')))`); err != nil {
				return fmt.Errorf("lock the schema: %w", err)
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
				version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
				return fmt.Errorf("create schema_version: %w", err)
			}
		}
		have, err := schemaOf(ctx, tx)
		if err != nil {
			return err
		}
		switch {
		case have > len(want):
			return fmt.Errorf("%w (schema %d; this one reads up to %d): upgrade followthrough; the database was left untouched", ErrNewerSchema, have, len(want))
		case have < len(want) && db.opt.ReadOnly:
			return fmt.Errorf("%w (schema %d; this one writes %d): run followthrough once against it to migrate it", ErrOlderSchema, have, len(want))
		}
		for _, m := range want[have:] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migrate to schema %d (%s): %w", m.version, m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
				return fmt.Errorf("record schema %d: %w", m.version, err)
			}
		}
		if !db.opt.ReadOnly {
			key := make([]byte, eventKeySize)
			rand.Read(key) // never fails (crypto/rand)
			if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('event_key', $1) ON CONFLICT (key) DO NOTHING`, key); err != nil {
				return fmt.Errorf("store the event key: %w", err)
			}
		}
		if err := tx.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'event_key'`).Scan(&db.key); err != nil {
			return fmt.Errorf("read the event key: %w", err)
		}
		if len(db.key) != eventKeySize {
			return fmt.Errorf("the event key in meta has %d bytes, not %d", len(db.key), eventKeySize)
		}
		return nil
	})
}

// schemaOf reads the schema version; 0 for a database never set up.
func schemaOf(ctx context.Context, tx pgx.Tx) (int, error) {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var versions []int
	rows, err := tx.Query(ctx, `SELECT version FROM schema_version ORDER BY version`)
	if err == nil {
		versions, err = pgx.CollectRows(rows, pgx.RowTo[int])
	}
	if err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	for i, v := range versions {
		if v != i+1 {
			return 0, fmt.Errorf("schema_version lists %v: a step is missing; the database was left untouched", versions)
		}
	}
	return len(versions), nil
}

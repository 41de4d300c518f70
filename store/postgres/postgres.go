// Package postgres keeps Follow Through's data in PostgreSQL, for an
// operator who needs more than one process: several instances share
// one database, and each event is still handled once, each reminder
// fired once, and each Change written whole or not at all.
//
// It implements bot.Store, and the delivery methods the adapters use,
// with the same contract as the embedded bbolt store (package store):
// both pass store/storetest. What differs is what a database shared by
// several processes needs:
//
//   - No person is cached: another instance may have written them. A
//     commit names the version it read, and an UPDATE guarded by it is
//     what refuses a stale one (bot.ErrConflict).
//   - FireDue takes due people with FOR UPDATE SKIP LOCKED, so that
//     instances firing at the same minute share the work and none fires
//     a reminder another is firing.
//   - Event ids are a primary key, so a redelivery that reaches two
//     instances at once is taken by one (bot.ErrDuplicate for the other).
//
// The schema is embedded SQL (migrations/), applied by Open under an
// advisory lock and recorded in schema_version. The files split the
// package by table: people.go, records.go, due.go, outbox.go,
// groups.go, events.go, forget.go; migrate.go lays the schema out;
// copy.go and check.go serve `followthrough copy` and `check`.
package postgres

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"followthrough/bot"
)

var _ bot.Store = (*DB)(nil)

// Options tune Open.
type Options struct {
	// ReadOnly opens without migrating: a database whose schema is not
	// this code's is refused, and nothing is written (checks).
	ReadOnly bool
	// Clock stamps what the store times itself: the event that confirmed
	// a Forget. Default: the system clock.
	Clock bot.Clock
}

// DB is the PostgreSQL store: a pool of connections to one database.
// It is safe for concurrent use, by any number of processes at once.
type DB struct {
	pool *pgxpool.Pool
	opt  Options
	// key hashes event ids and the people they belong to (events.go);
	// it is the database's own, kept in meta, and never changes.
	key []byte
	// where names the database in errors, without its password.
	where string
}

// IsURL reports whether a configured database names PostgreSQL (a
// postgres:// or postgresql:// URL) rather than a bbolt file.
func IsURL(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// Open connects to the database at url (postgres://user:pass@host/db,
// with any libpq parameter, pool_max_conns among them) and applies the
// migrations it lacks. A database of a newer schema is refused, saying
// so, and left as it was.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error can quote the URL, password included.
		return nil, errors.New("postgres: the database URL cannot be read: write it like postgres://user:password@host:5432/followthrough")
	}
	where := fmt.Sprintf("postgres://%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect to %s: %w", where, err)
	}
	db := &DB{pool: pool, opt: opt, where: where}
	if err := db.setUp(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %s: %w", where, err)
	}
	return db, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// String names the database, without its password.
func (db *DB) String() string { return db.where }

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping %s: %w", db.where, err)
	}
	return nil
}

// now is the store's clock.
func (db *DB) now() time.Time {
	if db.opt.Clock == nil {
		return time.Now()
	}
	return db.opt.Clock.Now()
}

// hashSize is the size of an event's or a person's hash.
const hashSize = 16

// eventHash is the key an inbound event id is remembered by.
func (db *DB) eventHash(eventID string) []byte { return db.hash('e', eventID) }

// personHash is what an event id remembers of the person it was for.
func (db *DB) personHash(id bot.PersonID) []byte { return db.hash('p', string(id)) }

// hash is the keyed hash of s, as the bbolt store makes it; kind keeps
// an event id from hashing like the same string as a person's id.
func (db *DB) hash(kind byte, s string) []byte {
	m := hmac.New(sha256.New, db.key)
	m.Write([]byte{kind})
	io.WriteString(m, s)
	return m.Sum(nil)[:hashSize]
}

// inTx runs fn in a transaction, committed when fn returns nil and
// rolled back otherwise.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op once committed
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// runBatch runs b in a transaction of its own, in one round trip.
func (db *DB) runBatch(ctx context.Context, b *pgx.Batch) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := execBatch(ctx, tx, b)
		return err
	})
}

// execBatch sends b in one round trip and returns the rows each of its
// statements affected, in order; the first error stops it.
func execBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch) ([]int64, error) {
	br := tx.SendBatch(ctx, b)
	n := make([]int64, 0, b.Len())
	for range b.Len() {
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return n, err
		}
		n = append(n, tag.RowsAffected())
	}
	return n, br.Close()
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// nanos is t as nanoseconds since 1970, clamped as the bbolt store
// clamps it: UnixNano is undefined for the zero time, which callers use
// to mean "from the start".
func nanos(t time.Time) int64 {
	if t.Before(time.Unix(0, 0)) {
		return 0
	}
	if t.After(time.Unix(0, 1<<62)) {
		return 1 << 62
	}
	return t.UnixNano()
}

// dueAt is a person's place in the due index: Schedule.Next to the
// second (as the bbolt store keys it), or nil when none is due.
func dueAt(p *bot.Person) *time.Time {
	if p.Schedule.Next.IsZero() {
		return nil
	}
	t := time.Unix(p.Schedule.Next.Unix(), 0).UTC()
	return &t
}

package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"followthrough/bot"
)

// A person's check-ins, wins and ratings are rows of their own tables,
// keyed by the person and the record's time in nanoseconds; a win adds
// a sequence number, so that two at the same instant are both kept,
// while a check-in or a rating at the same instant replaces the other.

// queueRecords queues the writes of a person's new records.
func queueRecords(b *pgx.Batch, id bot.PersonID, checkIns []bot.CheckIn, wins []bot.Win, ratings []bot.Rating) error {
	for _, r := range ratings {
		if err := queueRecord(b, "ratings", "rating", id, r.At, r); err != nil {
			return err
		}
	}
	for _, c := range checkIns {
		if err := queueRecord(b, "checkins", "check-in", id, c.At, c); err != nil {
			return err
		}
	}
	for _, w := range wins {
		if err := queueRecord(b, "wins", "win", id, w.At, w); err != nil {
			return err
		}
	}
	return nil
}

// queueRecord queues the write of one record into table: a win is
// added, a check-in or a rating replaces the one at the same instant.
func queueRecord(b *pgx.Batch, table, what string, id bot.PersonID, at time.Time, r any) error {
	doc, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("postgres: encode %s of %s: %w", what, id, err)
	}
	upsert := ` ON CONFLICT (person, at_ns) DO UPDATE SET doc = EXCLUDED.doc`
	if table == "wins" {
		upsert = ""
	}
	b.Queue(`INSERT INTO `+table+` (person, at_ns, doc) VALUES ($1, $2, $3)`+upsert, string(id), nanos(at), doc)
	return nil
}

// ImportRecords adds a person's records as they are, in one
// transaction: for copying a database, not for live changes.
func (db *DB) ImportRecords(ctx context.Context, id bot.PersonID, checkIns []bot.CheckIn, wins []bot.Win, ratings []bot.Rating) error {
	b := &pgx.Batch{}
	if err := queueRecords(b, id, checkIns, wins, ratings); err != nil {
		return err
	}
	err := db.runBatch(ctx, b)
	if err != nil {
		return fmt.Errorf("postgres: import records of %s: %w", id, err)
	}
	return nil
}

// CheckIns returns a person's check-ins since a time, oldest first.
func (db *DB) CheckIns(ctx context.Context, id bot.PersonID, since time.Time) ([]bot.CheckIn, error) {
	return docs[bot.CheckIn](ctx, db, "check-ins of "+string(id),
		`SELECT doc FROM checkins WHERE person = $1 AND at_ns >= $2 ORDER BY at_ns`, string(id), nanos(since))
}

// Wins returns a person's most recent wins, newest first.
func (db *DB) Wins(ctx context.Context, id bot.PersonID, n int) ([]bot.Win, error) {
	return docs[bot.Win](ctx, db, "wins of "+string(id),
		`SELECT doc FROM wins WHERE person = $1 ORDER BY at_ns DESC, seq DESC LIMIT $2`, string(id), max(n, 0))
}

// Ratings returns a person's most recent ratings, oldest first.
func (db *DB) Ratings(ctx context.Context, id bot.PersonID, n int) ([]bot.Rating, error) {
	out, err := docs[bot.Rating](ctx, db, "ratings of "+string(id),
		`SELECT doc FROM ratings WHERE person = $1 ORDER BY at_ns DESC LIMIT $2`, string(id), max(n, 0))
	slices.Reverse(out)
	return out, err
}

// docs runs a query of one json column and decodes each row.
func docs[T any](ctx context.Context, db *DB, what, query string, args ...any) ([]T, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) {
		var doc []byte
		var v T
		if err := row.Scan(&doc); err != nil {
			return v, err
		}
		return v, json.Unmarshal(doc, &v)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return out, nil
}

package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"followthrough/bot"
)

// The due index is people.next_due, with a partial index on it: a
// person's row and their place in the index are written together, so
// they cannot disagree.

// NextDue returns the earliest reminder time in the due index.
func (db *DB) NextDue(ctx context.Context) (time.Time, bool, error) {
	var t *time.Time
	if err := db.pool.QueryRow(ctx, `SELECT min(next_due) FROM people WHERE next_due IS NOT NULL`).Scan(&t); err != nil {
		return time.Time{}, false, fmt.Errorf("postgres: next due reminder: %w", err)
	}
	if t == nil {
		return time.Time{}, false, nil
	}
	return t.UTC(), true, nil
}

// FireDue fires up to max due reminders in one transaction, earliest
// first. The due people are claimed with FOR UPDATE SKIP LOCKED: an
// instance firing at the same time takes others, and a person another
// instance fired meanwhile is no longer due when their row is locked
// (READ COMMITTED re-reads it), so no reminder fires twice. n counts
// the people fired.
func (db *DB) FireDue(ctx context.Context, now time.Time, max int, fire func(p *bot.Person, due time.Time) []bot.Reply) (n int, err error) {
	limit := time.Unix(now.Unix(), 0).UTC()
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		n = 0
		rows, err := tx.Query(ctx, `SELECT id, version, doc FROM people
			WHERE next_due <= $1 ORDER BY next_due, id LIMIT $2 FOR UPDATE SKIP LOCKED`, limit, max)
		if err != nil {
			return err
		}
		people, err := pgx.CollectRows(rows, scanPerson)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		for _, p := range people {
			id, version := p.ID, p.Version
			replies := fire(p, p.Schedule.Next)
			p.ID, p.Version = id, version+1
			if err := queuePerson(b, p, version); err != nil {
				return err
			}
			if err := queueReplies(b, replies, now); err != nil {
				return err
			}
		}
		if _, err := execBatch(ctx, tx, b); err != nil {
			return err
		}
		n = len(people)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: fire due reminders: %w", err)
	}
	return n, nil
}

// scanPerson reads a row of id, version and doc.
func scanPerson(row pgx.CollectableRow) (*bot.Person, error) {
	var id string
	var version int64
	var doc []byte
	if err := row.Scan(&id, &version, &doc); err != nil {
		return nil, err
	}
	return decodePerson(bot.PersonID(id), version, doc)
}

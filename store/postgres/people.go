package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"followthrough/bot"
)

// Person loads one person.
func (db *DB) Person(ctx context.Context, id bot.PersonID) (*bot.Person, bool, error) {
	p, _, err := db.Load(ctx, id, "")
	return p, p != nil, err
}

// Load loads a person for an event, in one query: seen reports that the
// event was handled before, and then p is nil. Commit is where a
// redelivery is refused for certain (bot.ErrDuplicate): another
// instance may be handling it right now.
func (db *DB) Load(ctx context.Context, id bot.PersonID, eventID string) (p *bot.Person, seen bool, err error) {
	var event []byte
	if eventID != "" {
		event = db.eventHash(eventID)
	}
	var version *int64
	var doc []byte
	err = db.pool.QueryRow(ctx, `SELECT e.seen, p.version, p.doc
		FROM (SELECT $2::bytea IS NOT NULL AND EXISTS (SELECT 1 FROM event_ids WHERE hash = $2) AS seen) e
		LEFT JOIN people p ON p.id = $1`, string(id), event).Scan(&seen, &version, &doc)
	if err != nil {
		return nil, false, fmt.Errorf("postgres: load %s: %w", id, err)
	}
	if seen || version == nil {
		return nil, seen, nil
	}
	if p, err = decodePerson(id, *version, doc); err != nil {
		return nil, false, err
	}
	return p, false, nil
}

// decodePerson reads a person's doc; version is the row's.
func decodePerson(id bot.PersonID, version int64, doc []byte) (*bot.Person, error) {
	var p bot.Person
	if err := json.Unmarshal(doc, &p); err != nil {
		return nil, fmt.Errorf("postgres: decode person %s: %w", id, err)
	}
	p.ID, p.Version = id, uint64(version)
	return &p, nil
}

// Commit writes everything one handled event changed, in one
// transaction and one round trip for its statements: the event id, the
// person (guarded by the version they were loaded at), the group index,
// their records, the replies and the group's settings.
func (db *DB) Commit(ctx context.Context, c bot.Change) error {
	if c.Person == nil {
		return errors.New("postgres: commit without a person")
	}
	p := c.Person.Clone()
	p.Version = c.Expect + 1
	b := &pgx.Batch{}
	checks := 1 // statements whose count of rows must be 1
	if c.EventID != "" {
		queueEvent(b, db.eventHash(c.EventID), db.personHash(p.ID), p.Identity.LastSeen)
		checks++
	}
	if err := queuePerson(b, p, c.Expect); err != nil {
		return err
	}
	if err := queueRecords(b, p.ID, c.CheckIns, c.Wins, c.Ratings); err != nil {
		return err
	}
	if err := queueReplies(b, c.Replies, p.Identity.LastSeen); err != nil {
		return err
	}
	if c.Settings != nil {
		if err := queueSettings(b, c.Settings.Group, c.Settings.Settings); err != nil {
			return err
		}
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		n, err := execBatch(ctx, tx, b)
		for i := range min(checks, len(n)) {
			if n[i] == 1 {
				continue
			}
			if i == 0 && c.EventID != "" {
				return bot.ErrDuplicate
			}
			return bot.ErrConflict
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: commit %s: %w", p.ID, err)
	}
	return nil
}

// queuePerson queues the write of p, whose stored version must be
// expect (0: none is stored), and of its group index rows: the first
// statement affects one row exactly when the version held.
func queuePerson(b *pgx.Batch, p *bot.Person, expect uint64) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("postgres: encode person %s: %w", p.ID, err)
	}
	if expect == 0 {
		b.Queue(`INSERT INTO people (id, version, next_due, doc) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
			string(p.ID), int64(p.Version), dueAt(p), doc)
	} else {
		b.Queue(`UPDATE people SET version = $2, next_due = $3, doc = $4 WHERE id = $1 AND version = $5`,
			string(p.ID), int64(p.Version), dueAt(p), doc, int64(expect))
	}
	queueGroups(b, p)
	return nil
}

// queueGroups queues the statements that make the group index hold
// exactly p's groups.
func queueGroups(b *pgx.Batch, p *bot.Person) {
	groups := groupsOf(p)
	b.Queue(`DELETE FROM memberships WHERE person = $1 AND NOT (grp = ANY ($2))`, string(p.ID), groups)
	if len(groups) > 0 {
		b.Queue(`INSERT INTO memberships (grp, person) SELECT g, $1 FROM unnest($2::text[]) g ON CONFLICT DO NOTHING`, string(p.ID), groups)
	}
}

// groupsOf lists p's groups as the index holds them: each once, none
// empty.
func groupsOf(p *bot.Person) []string {
	out := []string{}
	for _, g := range p.GroupNames() {
		if g != "" && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// Import writes people as they are (versions included), with their
// group index, replacing whoever has their id, in transactions of at
// most chunk people. It is for bulk loads — copies, benchmarks — not
// for live changes, which go through Commit.
func (db *DB) Import(ctx context.Context, people []*bot.Person, chunk int) error {
	if chunk <= 0 {
		chunk = 1000
	}
	for part := range slices.Chunk(people, chunk) {
		b := &pgx.Batch{}
		for _, p := range part {
			doc, err := json.Marshal(p)
			if err != nil {
				return fmt.Errorf("postgres: import: encode %s: %w", p.ID, err)
			}
			b.Queue(`INSERT INTO people (id, version, next_due, doc) VALUES ($1, $2, $3, $4)
				ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, next_due = EXCLUDED.next_due, doc = EXCLUDED.doc`,
				string(p.ID), int64(max(p.Version, 1)), dueAt(p), doc)
			queueGroups(b, p)
		}
		err := db.runBatch(ctx, b)
		if err != nil {
			return fmt.Errorf("postgres: import: %w", err)
		}
	}
	return nil
}

// PeopleStats counts people, and those seen since a time.
func (db *DB) PeopleStats(ctx context.Context, activeSince time.Time) (all, active int, err error) {
	err = db.pool.QueryRow(ctx, `SELECT count(*),
		count(*) FILTER (WHERE (doc->'identity'->>'last_seen')::timestamptz > $1) FROM people`, activeSince).Scan(&all, &active)
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: count people: %w", err)
	}
	return all, active, nil
}

// PeopleIDs lists everyone's id, in order: for copying the database.
func (db *DB) PeopleIDs(ctx context.Context) ([]bot.PersonID, error) {
	return column[bot.PersonID](ctx, db.pool, "people", `SELECT id FROM people ORDER BY id`)
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// column runs a query of one column and collects it.
func column[T any](ctx context.Context, q querier, what, query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list %s: %w", what, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[T])
	if err != nil {
		return nil, fmt.Errorf("postgres: list %s: %w", what, err)
	}
	return out, nil
}

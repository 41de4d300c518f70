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

// maxProblems bounds what Check reports: past it, more of the same
// tells nothing new.
const maxProblems = 100

// Check reads the whole database and returns every problem found, up to
// a hundred: a person's doc that cannot be read or names another id,
// a due index entry or group index rows out of step with the person,
// a queued reply or an address that cannot be read. PostgreSQL checks
// its own pages (data_checksums, amcheck); this checks what this code
// keeps in them. It reads as other instances write, from one snapshot.
func (db *DB) Check(ctx context.Context) []error {
	var errs []error
	add := func(err error) bool {
		errs = append(errs, err)
		return len(errs) < maxProblems
	}
	tx, err := db.pool.BeginTx(ctx, readSnapshot())
	if err != nil {
		return []error{fmt.Errorf("postgres: check: %w", err)}
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT p.id, p.next_due, p.doc,
		coalesce((SELECT array_agg(grp ORDER BY grp) FROM memberships m WHERE m.person = p.id), '{}')
		FROM people p ORDER BY p.id`)
	if err != nil {
		return []error{fmt.Errorf("postgres: check people: %w", err)}
	}
	for rows.Next() {
		var id string
		var due *time.Time
		var doc []byte
		var groups []string
		if err := rows.Scan(&id, &due, &doc, &groups); err != nil {
			add(fmt.Errorf("person: %w", err))
			break
		}
		var p bot.Person
		if err := json.Unmarshal(doc, &p); err != nil {
			if !add(fmt.Errorf("person %s cannot be read: %w", id, err)) {
				break
			}
			continue
		}
		if string(p.ID) != id {
			add(fmt.Errorf("person %s is stored as %q", id, p.ID))
		}
		want := dueAt(&p)
		if (want == nil) != (due == nil) || want != nil && !want.Equal(*due) {
			add(fmt.Errorf("person %s: due index %v, schedule says %v", id, due, want))
		}
		if w := groupsOf(&p); !sameSet(w, groups) {
			add(fmt.Errorf("person %s: group index %q, groups %q", id, groups, w))
		}
		if len(errs) >= maxProblems {
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		add(fmt.Errorf("postgres: check people: %w", err))
	}
	for _, t := range []struct{ name, query string }{
		{"queued reply", `SELECT seq::text, doc FROM outbox ORDER BY seq`},
		{"undeliverable reply", `SELECT seq::text, doc FROM undeliverable ORDER BY seq`},
		{"address", `SELECT person, doc FROM addresses ORDER BY person`},
		{"group's settings", `SELECT grp, doc FROM group_settings ORDER BY grp`},
	} {
		rows, err := tx.Query(ctx, t.query)
		if err != nil {
			add(fmt.Errorf("postgres: check %s: %w", t.name, err))
			continue
		}
		for rows.Next() && len(errs) < maxProblems {
			var key string
			var doc json.RawMessage
			if err := rows.Scan(&key, &doc); err != nil || !json.Valid(doc) {
				add(fmt.Errorf("%s %s cannot be read: %v", t.name, key, err))
			}
		}
		rows.Close()
	}
	return errs
}

// readSnapshot is a read-only transaction that sees one moment.
func readSnapshot() pgx.TxOptions {
	return pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

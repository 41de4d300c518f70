package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"followthrough/bot"
)

// What Forget leaves, and for how long.
//
// Forget deletes every row of the person in one transaction: their
// row (and by cascade their memberships, check-ins, wins and ratings),
// their address, the event ids their events left, the replies queued
// or given up for them or showing them, other people's links to them
// as coach, and their place in groups' settings. From then on no query,
// on any instance, can read any of it.
//
// Then it runs VACUUM (INDEX_CLEANUP ON) on the tables it touched, so
// that the dead rows and their index entries are removed and their
// space marked free. What VACUUM does not do, and what remains:
//
//   - Freed space inside a page is not zeroed: the bytes of a deleted
//     row can stay in the table's or an index's data files until new
//     rows overwrite them. VACUUM skips rows an older snapshot may still
//     see (a long pg_dump, a replica with hot_standby_feedback), so
//     those wait for the next VACUUM (autovacuum comes by in time).
//   - The write-ahead log holds every row as it was written, the
//     person's included, until its segments are recycled: after the
//     checkpoints that follow (max_wal_size, checkpoint_timeout; 5
//     minutes to an hour as configured), later if wal_keep_size or a
//     replication slot keeps them. Archived WAL (archive_command,
//     point-in-time recovery) keeps them for as long as the archive does.
//   - Replicas replay the delete and their own VACUUM; their WAL is as
//     above.
//   - Backups (pg_dump, base backups) taken before the forget hold the
//     person for as long as they are kept: rotate them, and say how
//     long in your privacy notice.
//
// VACUUM FULL would rewrite the tables into new files, but it locks
// each table against every instance while it runs; it is not done here.

// forgetTables are the tables a forget deletes from, vacuumed after.
const forgetTables = "people, memberships, checkins, wins, ratings, addresses, event_ids, outbox, undeliverable, group_settings, weekly"

// Forget deletes everything about a person, in one transaction (see
// above), then vacuums. eventID, if not empty, is remembered as handled
// (for nobody: nothing ties it to them), so that a redelivered
// confirmation changes nothing; it is so even if it was handled
// already: a forget is never skipped.
func (db *DB) Forget(ctx context.Context, id bot.PersonID, eventID string) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if err := forgetsInTurn(ctx, tx); err != nil {
			return err
		}
		gone := []bot.PersonID{id}
		if err := db.forget(ctx, tx, gone); err != nil {
			return err
		}
		if err := clearTraces(ctx, tx, gone); err != nil {
			return err
		}
		if eventID == "" {
			return nil
		}
		event := db.eventHash(eventID)
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM event_ids WHERE hash = $1`, event) // remembered anew, for nobody
		queueEvent(b, event, nil, db.now())
		_, err := execBatch(ctx, tx, b)
		return err
	})
	if err == nil {
		err = db.vacuum(ctx)
	}
	if err != nil {
		return fmt.Errorf("postgres: forget %s: %w", id, err)
	}
	return nil
}

// forgetsInTurn makes the forgets of every instance take turns: each
// locks the rows of everyone who names a coach, and two at once could
// each hold a row the other waits for (deadlock_detected, without it).
func forgetsInTurn(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('followthrough forget ' || coalesce(current_schema(), '')))`)
	return err
}

// vacuum removes the dead rows a forget left, whatever ctx says now:
// the forget is committed, and its traces are to go.
func (db *DB) vacuum(ctx context.Context) error {
	if _, err := db.pool.Exec(context.WithoutCancel(ctx), `VACUUM (INDEX_CLEANUP ON) `+forgetTables); err != nil {
		return fmt.Errorf("vacuum after forgetting: %w", err)
	}
	return nil
}

// forget deletes the rows of the people gone, inside tx (clearTraces
// does the rest).
func (db *DB) forget(ctx context.Context, tx pgx.Tx, gone []bot.PersonID) error {
	ids := make([]string, len(gone))
	hashes := make([][]byte, len(gone))
	for i, id := range gone {
		ids[i], hashes[i] = string(id), db.personHash(id)
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM people WHERE id = ANY ($1)`, ids) // memberships and records by cascade
	b.Queue(`DELETE FROM addresses WHERE person = ANY ($1)`, ids)
	b.Queue(`DELETE FROM event_ids WHERE person = ANY ($1)`, hashes)
	b.Queue(`DELETE FROM outbox WHERE recipient = ANY ($1) OR about && $1::text[]`, ids)
	b.Queue(`DELETE FROM undeliverable WHERE recipient = ANY ($1) OR about && $1::text[]`, ids)
	_, err := execBatch(ctx, tx, b)
	return err
}

// coachNeedle is in the JSON of anyone who names a coach, in a
// membership or in a question about one.
const coachNeedle = `"coach":"`

// clearTraces clears what is left of the people gone in rows not their
// own: in everyone left, every link to them — the coach of a membership
// in any group, a coach being asked about (with the name) — and their
// place in groups' settings.
func clearTraces(ctx context.Context, tx pgx.Tx, gone []bot.PersonID) error {
	rows, err := tx.Query(ctx, `SELECT id, version, doc FROM people WHERE strpos(doc::text, $1) > 0 FOR UPDATE`, coachNeedle)
	if err != nil {
		return err
	}
	linked, err := pgx.CollectRows(rows, scanPerson)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, p := range linked {
		changed := false
		for i := range p.Groups {
			if m := &p.Groups[i]; slices.Contains(gone, m.Coach) {
				m.Coach, changed = "", true
			}
		}
		if d := &p.Talk.Flow.Draft; slices.Contains(gone, d.Coach) {
			d.Coach, d.CoachName, changed = "", "", true
		}
		if !changed {
			continue
		}
		p.Version++
		if err := queuePerson(b, p, p.Version-1); err != nil {
			return err
		}
	}
	if err := scrubSettings(ctx, tx, b, gone); err != nil {
		return err
	}
	_, err = execBatch(ctx, tx, b)
	return err
}

// scrubSettings queues taking the people gone out of every group's
// settings: from its coaches, and as who set it up.
func scrubSettings(ctx context.Context, tx pgx.Tx, b *pgx.Batch, gone []bot.PersonID) error {
	all, err := queryKeyed(ctx, tx, `SELECT grp, doc FROM group_settings FOR UPDATE`)
	if err != nil {
		return err
	}
	for _, s := range all {
		if !slices.ContainsFunc(gone, func(id bot.PersonID) bool { return strings.Contains(string(s.doc), jsonInner(string(id))) }) {
			continue
		}
		g, err := decode[bot.GroupSettings](s.doc)
		if err != nil {
			continue // left as it is, like a record that cannot be read
		}
		n := len(g.Coaches)
		g.Coaches = slices.DeleteFunc(g.Coaches, func(id bot.PersonID) bool { return slices.Contains(gone, id) })
		if len(g.Coaches) == n && !slices.Contains(gone, g.By) {
			continue
		}
		if slices.Contains(gone, g.By) {
			g.By = ""
		}
		if err := queueSettings(b, s.key, g); err != nil {
			return err
		}
	}
	return nil
}

// ForgetGroup deletes a whole group, in one transaction: every member
// of group whose only group it is, every person whose id starts with
// prefix (a Slack workspace's people, members or not); the group's
// membership of everyone else, who keeps their record; the group's
// settings and weekly record; and what is queued or given up for the
// group. Then it vacuums once, as Forget does. It returns how many
// people were forgotten.
func (db *DB) ForgetGroup(ctx context.Context, group string, prefix bot.PersonID) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if err := forgetsInTurn(ctx, tx); err != nil {
			return err
		}
		gone, err := column[bot.PersonID](ctx, tx, "the group's people", `SELECT id FROM people WHERE $2 <> '' AND starts_with(id, $2)
			UNION SELECT m.person FROM memberships m WHERE m.grp = $1
				AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.person = m.person AND o.grp <> $1)
			ORDER BY 1`, group, string(prefix))
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT p.id, p.version, p.doc FROM people p JOIN memberships m ON m.person = p.id
			WHERE m.grp = $1 AND NOT (p.id = ANY ($2)) ORDER BY p.id FOR UPDATE OF p`, group, gone)
		if err != nil {
			return err
		}
		staying, err := pgx.CollectRows(rows, scanPerson)
		if err != nil {
			return err
		}
		if err := leave(ctx, tx, staying, group); err != nil {
			return err
		}
		if err := db.forget(ctx, tx, gone); err != nil {
			return err
		}
		if err := clearTraces(ctx, tx, gone); err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM outbox WHERE grp = $1`, group)
		b.Queue(`DELETE FROM undeliverable WHERE grp = $1`, group)
		b.Queue(`DELETE FROM weekly WHERE grp = $1`, group)
		b.Queue(`DELETE FROM group_settings WHERE grp = $1`, group)
		_, err = execBatch(ctx, tx, b)
		n = len(gone)
		return err
	})
	if err == nil {
		err = db.vacuum(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: forget group %s: %w", group, err)
	}
	return n, nil
}

// leave takes group out of the memberships of the people staying, and
// out of their addresses (where they were last seen).
func leave(ctx context.Context, tx pgx.Tx, staying []*bot.Person, group string) error {
	b := &pgx.Batch{}
	ids := make([]string, len(staying))
	for i, p := range staying {
		ids[i] = string(p.ID)
		p.Groups = slices.DeleteFunc(p.Groups, func(m bot.Membership) bool { return m.Group == group })
		p.Version++
		if err := queuePerson(b, p, p.Version-1); err != nil {
			return err
		}
	}
	addresses, err := queryKeyed(ctx, tx, `SELECT person, doc FROM addresses WHERE person = ANY ($1) FOR UPDATE`, ids)
	if err != nil {
		return err
	}
	for _, a := range addresses {
		addr, err := decode[bot.Address](a.doc)
		if err != nil {
			return fmt.Errorf("address of %s: %w", a.key, err)
		}
		if addr.Group != group {
			continue
		}
		addr.Group = ""
		doc, err := encode(addr)
		if err != nil {
			return fmt.Errorf("address of %s: %w", a.key, err)
		}
		b.Queue(`UPDATE addresses SET doc = $2 WHERE person = $1`, a.key, doc)
	}
	_, err = execBatch(ctx, tx, b)
	return err
}

// keyed is a row of a key and a json doc.
type keyed struct {
	key string
	doc []byte
}

// queryKeyed runs a query of a key and a doc and collects the rows.
func queryKeyed(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]keyed, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (keyed, error) {
		var k keyed
		err := row.Scan(&k.key, &k.doc)
		return k, err
	})
}

// decode decodes a json doc.
func decode[T any](doc []byte) (T, error) {
	var v T
	err := json.Unmarshal(doc, &v)
	return v, err
}

// encode encodes a json doc.
func encode(v any) ([]byte, error) { return json.Marshal(v) }

// jsonInner is s as it appears inside a JSON string.
func jsonInner(s string) string {
	quoted, _ := json.Marshal(s)
	return string(quoted[1 : len(quoted)-1])
}

package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"followthrough/bot"
)

// The outbox holds replies waiting to be sent, one row each, numbered
// by a sequence shared by every platform (the envelope's Seq). A row
// names the reply's conversation, recipient, group and the people it
// shows, so that order can hold per conversation and Forget finds
// what is a person's without reading every reply. Replies a platform
// refused for good move to undeliverable under the same seq.

// envelopeRow is what an outbox row holds besides its seq.
type envelopeRow struct {
	platform, conversation string
	recipient, group       *string
	about                  []string
	doc                    []byte
}

// rowOf is the outbox row of an envelope.
func rowOf(env bot.Envelope) (envelopeRow, error) {
	r := env.Reply
	row := envelopeRow{platform: env.Platform, conversation: Conversation(r)}
	if r.To != "" {
		to := string(r.To)
		row.recipient = &to
	}
	if r.Place.Group != "" {
		g := r.Place.Group
		row.group = &g
	}
	for _, id := range r.About {
		row.about = append(row.about, string(id))
	}
	env.Seq = 0 // the row's seq column is the one
	var err error
	if row.doc, err = json.Marshal(env); err != nil {
		return row, fmt.Errorf("postgres: encode reply %s: %w", r.Key, err)
	}
	return row, nil
}

// Conversation is the key a reply keeps its order by: a public reply's
// group channel, or the DMs of the person it is for. It is the
// adapters' default key (adapters/internal/outbox), kept with each row
// so that senders on several instances can claim whole conversations.
func Conversation(r bot.Reply) string {
	if r.Visibility == bot.Public {
		return "g:" + r.Place.Group
	}
	return "p:" + string(r.To)
}

// queueReplies queues replies into the outbox of the platform of their
// recipient, queued at now.
func queueReplies(b *pgx.Batch, replies []bot.Reply, now time.Time) error {
	for _, r := range replies {
		row, err := rowOf(bot.Envelope{Platform: r.Outbox(), Queued: now, Reply: r})
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO outbox (platform, conversation, recipient, grp, about, queued, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			row.platform, row.conversation, row.recipient, row.group, row.about, now, row.doc)
	}
	return nil
}

// ImportOutbox queues envelopes as they are, their Seq and Queued
// kept, and moves the sequence past them: for copying a database.
func (db *DB) ImportOutbox(ctx context.Context, envs []bot.Envelope) error {
	b := &pgx.Batch{}
	for _, env := range envs {
		row, err := rowOf(env)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO outbox (seq, platform, conversation, recipient, grp, about, queued, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			int64(env.Seq), row.platform, row.conversation, row.recipient, row.group, row.about, env.Queued, row.doc)
	}
	b.Queue(`SELECT setval(pg_get_serial_sequence('outbox', 'seq'), greatest((SELECT max(seq) FROM outbox), (SELECT max(seq) FROM undeliverable), 1))`)
	err := db.runBatch(ctx, b)
	if err != nil {
		return fmt.Errorf("postgres: import the outbox: %w", err)
	}
	return nil
}

// Pending returns up to max queued replies for a platform, oldest first.
func (db *DB) Pending(ctx context.Context, platform string, max int) ([]bot.Envelope, error) {
	return db.PendingFrom(ctx, platform, 0, max)
}

// PendingFrom returns up to max queued replies for a platform whose
// sequence number is at least from, oldest first.
func (db *DB) PendingFrom(ctx context.Context, platform string, from uint64, max int) ([]bot.Envelope, error) {
	rows, err := db.pool.Query(ctx, `SELECT seq, doc FROM outbox WHERE platform = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
		platform, int64(min(from, 1<<63-1)), max)
	if err != nil {
		return nil, fmt.Errorf("postgres: pending replies for %s: %w", platform, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (bot.Envelope, error) {
		var seq int64
		var doc []byte
		var e bot.Envelope
		if err := row.Scan(&seq, &doc); err != nil {
			return e, err
		}
		err := json.Unmarshal(doc, &e)
		e.Seq = uint64(seq)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: pending replies for %s: %w", platform, err)
	}
	return out, nil
}

// Delivered removes sent replies from a platform's outbox.
func (db *DB) Delivered(ctx context.Context, platform string, seqs ...uint64) error {
	s := make([]int64, len(seqs))
	for i, q := range seqs {
		s[i] = int64(q)
	}
	if _, err := db.pool.Exec(ctx, `DELETE FROM outbox WHERE platform = $1 AND seq = ANY ($2)`, platform, s); err != nil {
		return fmt.Errorf("postgres: remove delivered replies for %s: %w", platform, err)
	}
	return nil
}

// GiveUp moves a reply from the outbox to the undeliverable record, in
// one transaction: it is not retried, and the reason is kept.
func (db *DB) GiveUp(ctx context.Context, env bot.Envelope, reason string, at time.Time) error {
	u := bot.Undeliverable{Envelope: env, Reason: reason, At: at}
	doc, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("postgres: encode undeliverable reply %d: %w", env.Seq, err)
	}
	row, err := rowOf(env)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM outbox WHERE platform = $1 AND seq = $2`, env.Platform, int64(env.Seq))
	b.Queue(`INSERT INTO undeliverable (platform, seq, recipient, grp, about, doc) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (platform, seq) DO UPDATE SET recipient = EXCLUDED.recipient, grp = EXCLUDED.grp, about = EXCLUDED.about, doc = EXCLUDED.doc`,
		env.Platform, int64(env.Seq), row.recipient, row.group, row.about, doc)
	err = db.runBatch(ctx, b)
	if err != nil {
		return fmt.Errorf("postgres: give up reply %s/%d: %w", env.Platform, env.Seq, err)
	}
	return nil
}

// Undelivered lists the replies given up on for a platform, oldest first.
func (db *DB) Undelivered(ctx context.Context, platform string) ([]bot.Undeliverable, error) {
	return docs[bot.Undeliverable](ctx, db, "undelivered replies for "+platform,
		`SELECT doc FROM undeliverable WHERE platform = $1 ORDER BY seq`, platform)
}

// OutboxStat is the state of one platform's outbox.
type OutboxStat struct {
	Depth  int
	Oldest time.Time // zero when empty
}

// OutboxStats reports the outbox depth and oldest entry per platform.
func (db *DB) OutboxStats(ctx context.Context) (map[string]OutboxStat, error) {
	rows, err := db.pool.Query(ctx, `SELECT platform, count(*), min(queued) FROM outbox GROUP BY platform`)
	if err != nil {
		return nil, fmt.Errorf("postgres: outbox stats: %w", err)
	}
	defer rows.Close()
	out := map[string]OutboxStat{}
	for rows.Next() {
		var platform string
		var s OutboxStat
		if err := rows.Scan(&platform, &s.Depth, &s.Oldest); err != nil {
			return nil, fmt.Errorf("postgres: outbox stats: %w", err)
		}
		s.Oldest = s.Oldest.UTC()
		out[platform] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: outbox stats: %w", err)
	}
	return out, nil
}

// Platforms lists the platforms with replies queued or given up on:
// for copying a database.
func (db *DB) Platforms(ctx context.Context) ([]string, error) {
	return column[string](ctx, db.pool, "platforms",
		`SELECT platform FROM outbox UNION SELECT platform FROM undeliverable ORDER BY 1`)
}

// Address returns what is known of how to reach a person.
func (db *DB) Address(ctx context.Context, id bot.PersonID) (bot.Address, error) {
	out, err := docs[bot.Address](ctx, db, "address of "+string(id), `SELECT doc FROM addresses WHERE person = $1`, string(id))
	if err != nil || len(out) == 0 {
		return bot.Address{}, err
	}
	return out[0], nil
}

// SetAddress records how to reach a person.
func (db *DB) SetAddress(ctx context.Context, id bot.PersonID, a bot.Address) error {
	doc, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("postgres: encode address of %s: %w", id, err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO addresses (person, doc) VALUES ($1, $2)
		ON CONFLICT (person) DO UPDATE SET doc = EXCLUDED.doc`, string(id), doc); err != nil {
		return fmt.Errorf("postgres: set address of %s: %w", id, err)
	}
	return nil
}

// AddressIDs lists the people whose address is known: for copying a
// database.
func (db *DB) AddressIDs(ctx context.Context) ([]bot.PersonID, error) {
	return column[bot.PersonID](ctx, db.pool, "addresses", `SELECT person FROM addresses ORDER BY person`)
}

//go:build bench

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"followthrough/store/postgres"
)

// postgresResult is the PostgreSQL store's share of the bench: the same
// engine load as on bbolt, and raw PostgreSQL doing the same writes.
type postgresResult struct {
	PgEventsPerS float64 `json:"pg_engine_events_per_s,omitempty"`
	PgRawPerS    float64 `json:"pg_raw_events_per_s,omitempty"`
	PgOfRaw      float64 `json:"pg_engine_of_raw,omitempty"`
	PgP50ms      float64 `json:"pg_engine_p50_ms,omitempty"`
	PgP99ms      float64 `json:"pg_engine_p99_ms,omitempty"`
	PgConns      int     `json:"pg_pool_conns,omitempty"`
	// Shape is what each event wrote, which the raw run writes too.
	PgShape writeShape `json:"pg_writes,omitzero"`
}

// benchConns is the pool both PostgreSQL runs use, unless the URL sets
// pool_max_conns: enough for the workers to keep the server busy.
const benchConns = 16

// benchPostgres measures the engine on the PostgreSQL store at server
// (one instance), in a schema of its own that it drops at the end; then
// raw PostgreSQL doing, per event and in one transaction as the store
// does, what the events wrote: the person's row updated, a win, an
// outbox entry and the event's id inserted, of the same sizes.
func benchPostgres(ctx context.Context, server string, people, events, workers, steady int, steadyFor time.Duration) (postgresResult, error) {
	var res postgresResult
	b := make([]byte, 6)
	rand.Read(b)
	schema := "ft_bench_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		return res, fmt.Errorf("bench: postgres: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return res, fmt.Errorf("bench: postgres: %w", err)
	}
	defer admin.Exec(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
	u, err := url.Parse(server)
	if err != nil {
		return res, fmt.Errorf("bench: postgres: the URL cannot be read")
	}
	q := u.Query()
	q.Set("search_path", schema)
	if q.Get("pool_max_conns") == "" {
		q.Set("pool_max_conns", strconv.Itoa(benchConns))
	}
	res.PgConns, _ = strconv.Atoi(q.Get("pool_max_conns"))
	u.RawQuery = q.Encode()

	db, err := postgres.Open(ctx, u.String(), postgres.Options{})
	if err != nil {
		return res, err
	}
	defer db.Close()
	all, err := fillForEngine(ctx, db, people)
	if err != nil {
		return res, err
	}
	if res.PgEventsPerS, res.PgP50ms, res.PgP99ms, err = loadEngine(ctx, db, all, events, workers, steady, steadyFor); err != nil {
		return res, err
	}
	if err := admin.QueryRow(ctx, fmt.Sprintf(`SELECT
		(SELECT avg(octet_length(doc::text))::int FROM %[1]s.people),
		(SELECT avg(octet_length(doc::text))::int FROM %[1]s.wins),
		(SELECT avg(octet_length(doc::text))::int FROM %[1]s.outbox),
		(SELECT avg(octet_length(hash))::int FROM %[1]s.event_ids)`, schema)).Scan(
		&res.PgShape.Person, &res.PgShape.Win, &res.PgShape.Outbox, &res.PgShape.EventID); err != nil {
		return res, fmt.Errorf("bench: what the events wrote: %w", err)
	}
	ids := make([]string, people)
	for i, p := range all {
		ids[i] = string(p.ID)
	}
	if res.PgRawPerS, err = postgresRaw(ctx, u.String(), res.PgShape, ids, events, workers); err != nil {
		return res, err
	}
	res.PgOfRaw = res.PgEventsPerS / res.PgRawPerS
	return res, nil
}

// postgresRaw is PostgreSQL's own rate for the writes of n events from
// workers goroutines, each event one transaction of one round trip
// (as the store's commit is): the person's row, a win, an outbox entry,
// the event's id, with documents of the engine's sizes and none of its
// work. Its tables are its own, with the keys the store's have. Like
// the engine's run it starts with an untimed round of one per person.
func postgresRaw(ctx context.Context, u string, shape writeShape, people []string, n, workers int) (float64, error) {
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		return 0, fmt.Errorf("bench: raw postgres: %w", err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `
		CREATE TABLE raw_people (id text COLLATE "C" PRIMARY KEY, version bigint NOT NULL, doc json NOT NULL);
		CREATE TABLE raw_wins (person text COLLATE "C" NOT NULL, at_ns bigint NOT NULL, seq bigserial, doc json NOT NULL, PRIMARY KEY (person, at_ns, seq));
		CREATE TABLE raw_outbox (seq bigserial PRIMARY KEY, platform text COLLATE "C" NOT NULL, doc json NOT NULL);
		CREATE TABLE raw_events (hash bytea PRIMARY KEY, at_ns bigint NOT NULL)`); err != nil {
		return 0, fmt.Errorf("bench: raw postgres: %w", err)
	}
	doc := func(size int) []byte { return []byte(`{"x":"` + strings.Repeat("a", max(size-8, 0)) + `"}`) }
	person, win, entry := doc(shape.Person), doc(shape.Win), doc(shape.Outbox)
	for _, id := range people {
		if _, err := pool.Exec(ctx, `INSERT INTO raw_people (id, version, doc) VALUES ($1, 1, $2)`, id, person); err != nil {
			return 0, fmt.Errorf("bench: raw postgres: %w", err)
		}
	}
	var seq atomic.Int64
	write := func(w, i int) error {
		id := people[whose(w, i, workers, len(people))]
		event := make([]byte, max(shape.EventID, 16))
		rand.Read(event)
		at := time.Now().UnixNano()
		tx, err := pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO raw_events (hash, at_ns) VALUES ($1, $2)`, event, at)
		b.Queue(`UPDATE raw_people SET version = version + 1, doc = $2 WHERE id = $1`, id, person)
		b.Queue(`INSERT INTO raw_wins (person, at_ns, doc) VALUES ($1, $2, $3)`, id, at, win)
		b.Queue(`INSERT INTO raw_outbox (platform, doc) VALUES ('bench', $1)`, entry)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		seq.Add(1)
		return tx.Commit(ctx)
	}
	if err := parallel(workers, len(people), write); err != nil {
		return 0, fmt.Errorf("bench: raw postgres: %w", err)
	}
	start := time.Now()
	if err := parallel(workers, n, write); err != nil {
		return 0, fmt.Errorf("bench: raw postgres: %w", err)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"followthrough/bot"
	"followthrough/store/postgres"
	"followthrough/store/postgres/pgtest"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// dump is every row of every table of the schema at u, as text.
func dump(t *testing.T, u string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(names) < 10 {
		t.Fatalf("tables %v, %v", names, err)
	}
	var b strings.Builder
	for _, name := range names {
		rows, err := conn.Query(ctx, fmt.Sprintf(`SELECT t::text FROM %s t`, pgx.Identifier{name}.Sanitize()))
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(lines, "\n"))
	}
	return b.String()
}

// count runs a query of one number on the database at u.
func count(t *testing.T, u, query string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestNoPlatformIDReadable: event ids, which can carry a person's
// platform ids, are kept only as keyed hashes.
func TestNoPlatformIDReadable(t *testing.T) {
	u := pgtest.URL(t)
	db := openAt(t, u)
	p := &bot.Person{ID: "slack:T0TEAM:U0PERSON", Identity: bot.Identity{Joined: t0, LastSeen: t0}}
	if err := db.Commit(t.Context(), bot.Change{Person: p, EventID: "slack:C0CHANNEL:1700000000.000100"}); err != nil {
		t.Fatal(err)
	}
	d := dump(t, u)
	events := d[strings.Index(d, "event_ids:"):]
	events = events[:strings.IndexByte(events, '\n')]
	for _, id := range []string{"C0CHANNEL", "1700000000", "U0PERSON", "T0TEAM"} {
		if strings.Contains(events, id) {
			t.Errorf("event_ids shows %q: %s", id, events)
		}
	}
	if !strings.Contains(events, `\x`) {
		t.Errorf("event_ids holds no hash: %s", events)
	}
}

// TestForgetLeavesNoRow: after Forget, no row of any table holds the
// person's id, their words, or their event's hash.
func TestForgetLeavesNoRow(t *testing.T) {
	ctx := t.Context()
	u := pgtest.URL(t)
	db := openAt(t, u)
	ana := &bot.Person{ID: "test:ana-zz", Identity: bot.Identity{Name: "Ana Zz", Joined: t0, LastSeen: t0},
		Plan:   bot.Plan{Goal: "swim across the quarry lake"},
		Groups: []bot.Membership{{Group: "g1"}}}
	ana.Schedule.Next = t0.Add(time.Hour)
	err := db.Commit(ctx, bot.Change{Person: ana, EventID: "ev-ana-1",
		CheckIns: []bot.CheckIn{{At: t0, Outcome: bot.Done, Note: "quarry lake again"}},
		Wins:     []bot.Win{{At: t0, Text: "quarry lake"}},
		Ratings:  []bot.Rating{{At: t0, Value: 8, Why: "quarry lake"}},
		Replies:  []bot.Reply{{Key: "to-ana", To: ana.ID, Text: "quarry lake, well done"}},
		Settings: &bot.GroupChange{Group: "g1", Settings: bot.GroupSettings{Coaches: []bot.PersonID{ana.ID}, By: ana.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	sam := &bot.Person{ID: "test:sam", Identity: bot.Identity{Joined: t0, LastSeen: t0},
		Groups: []bot.Membership{{Group: "g1", Coach: ana.ID}}}
	if err := db.Commit(ctx, bot.Change{Person: sam, Replies: []bot.Reply{{Key: "about", To: sam.ID, Text: "Ana Zz did it", About: []bot.PersonID{ana.ID}}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetAddress(ctx, ana.ID, bot.Address{DM: "D-ana-zz"}); err != nil {
		t.Fatal(err)
	}
	q, _ := db.Pending(ctx, "test", 10)
	if err := db.GiveUp(ctx, q[0], "closed", t0); err != nil {
		t.Fatal(err)
	}
	before := dump(t, u)
	if !strings.Contains(before, "ana-zz") || !strings.Contains(before, "quarry") {
		t.Fatalf("the story did not write her: %s", before)
	}
	if err := db.Forget(ctx, ana.ID, "ev-forget"); err != nil {
		t.Fatal(err)
	}
	after := dump(t, u)
	for _, trace := range []string{"ana-zz", "Ana Zz", "quarry", "D-ana-zz"} {
		if strings.Contains(after, trace) {
			t.Errorf("after Forget a row still holds %q:\n%s", trace, after)
		}
	}
	if !strings.Contains(after, "test:sam") {
		t.Errorf("sam went too:\n%s", after)
	}
}

// TestNewerSchemaRefused: a database laid out by a later followthrough
// is refused, saying to upgrade, and left as it was.
func TestNewerSchemaRefused(t *testing.T) {
	u := pgtest.URL(t)
	openAt(t, u).Close()
	pgtest.Exec(t, u, `INSERT INTO schema_version (version, name) VALUES ($1, 'from the future')`, postgres.SchemaVersion()+1)
	before := dump(t, u)
	_, err := postgres.Open(context.Background(), u, postgres.Options{})
	want := fmt.Sprintf("schema %d; this one reads up to %d): upgrade followthrough", postgres.SchemaVersion()+1, postgres.SchemaVersion())
	if !errors.Is(err, postgres.ErrNewerSchema) || !strings.Contains(err.Error(), want) {
		t.Fatalf("open = %v; want %q", err, want)
	}
	if after := dump(t, u); after != before {
		t.Errorf("a refused database was changed")
	}
}

// TestReadOnlyDoesNotMigrate: a read-only open of an empty database
// says it is not set up, and creates nothing.
func TestReadOnlyDoesNotMigrate(t *testing.T) {
	u := pgtest.URL(t)
	_, err := postgres.Open(context.Background(), u, postgres.Options{ReadOnly: true})
	if !errors.Is(err, postgres.ErrOlderSchema) {
		t.Fatalf("read-only open of an empty database = %v", err)
	}
	if n := count(t, u, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`); n != 0 {
		t.Fatalf("%d tables; want none", n)
	}
}

// TestInstancesStartTogether: instances starting at once on a new
// database lay the schema out once, and all open.
func TestInstancesStartTogether(t *testing.T) {
	u := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(context.Background(), u, postgres.Options{})
			if err == nil {
				db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if n := count(t, u, `SELECT count(*) FROM schema_version`); n != postgres.SchemaVersion() {
		t.Fatalf("schema_version has %d rows; want %d", n, postgres.SchemaVersion())
	}
}

// TestBadURLHidesPassword: a URL that cannot be read is refused without
// quoting it (it may hold a password).
func TestBadURLHidesPassword(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://ana:s3cret@host:notaport/db", postgres.Options{})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("open = %v", err)
	}
}

// TestCheck: a database written through the store is consistent, and a
// due index or group index out of step with the person is reported.
func TestCheck(t *testing.T) {
	ctx := t.Context()
	u := pgtest.URL(t)
	db := openAt(t, u)
	p := &bot.Person{ID: "test:ana", Identity: bot.Identity{Joined: t0, LastSeen: t0}, Groups: []bot.Membership{{Group: "g"}}}
	p.Schedule.Next = t0.Add(time.Hour)
	if err := db.Commit(ctx, bot.Change{Person: p, Replies: []bot.Reply{{Key: "r", To: p.ID}}}); err != nil {
		t.Fatal(err)
	}
	if errs := db.Check(ctx); len(errs) != 0 {
		t.Fatalf("Check of a sound database = %v", errs)
	}
	pgtest.Exec(t, u, `UPDATE people SET next_due = next_due + interval '1 minute'`)
	pgtest.Exec(t, u, `INSERT INTO memberships (grp, person) VALUES ('other', 'test:ana')`)
	errs := db.Check(ctx)
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "due index") || !strings.Contains(errs[1].Error(), "group index") {
		t.Fatalf("Check = %v; want the due index and the group index", errs)
	}
}

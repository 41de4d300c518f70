// Package pgtest gives tests a PostgreSQL database of their own: a
// fresh schema in the server that FOLLOWTHROUGH_TEST_POSTGRES names,
// dropped when the test ends. It is for tests only.
//
// Without the variable the tests that need PostgreSQL skip, saying how
// to run them; under CI (CI=true) they fail instead: CI must never
// skip them.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the variable that names the test server, as a URL:
// postgres://postgres@localhost:5432/postgres, or with a socket folder,
// postgres:///postgres?host=/tmp/pg&user=postgres.
const Env = "FOLLOWTHROUGH_TEST_POSTGRES"

// Server returns the server's URL, or skips the test (fails it under CI).
func Server(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests (.ci/run starts a server and sets it)", Env)
		}
		t.Skipf("PostgreSQL tests skipped: set %s=postgres://user@host/db to a server they may create schemas in (.ci/run does)", Env)
	}
	return u
}

// URL returns the URL of a new, empty schema on the test server,
// dropped when the test ends: a store opened on it sees only its own
// tables.
func URL(t testing.TB) string {
	t.Helper()
	base := Server(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "ft_test_" + hex.EncodeToString(b)
	exec(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec(t, base, "DROP SCHEMA "+schema+" CASCADE") })
	return WithParam(t, base, "search_path", schema)
}

// WithParam is u with a query parameter set: a run-time setting pgx
// sends when it connects (search_path), or one of its own.
func WithParam(t testing.TB, u, key, value string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	q := parsed.Query()
	q.Set(key, value)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

// Exec runs statements on the database at u, failing the test on an
// error.
func Exec(t testing.TB, u, sql string, args ...any) {
	t.Helper()
	exec(t, u, sql, args...)
}

func exec(t testing.TB, u, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

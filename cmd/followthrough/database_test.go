package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"followthrough/store/postgres/pgtest"
)

// TestDatabaseFromConfig: a postgres:// URL chooses PostgreSQL, and
// the file-only backup keys are refused with it; the URL's password
// never reaches a message.
func TestDatabaseFromConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	write := func(yaml string) {
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("database: postgres://ft@db.example/followthrough\n")
	if c, err := loadConfig(path); err != nil || c.Database != "postgres://ft@db.example/followthrough" {
		t.Fatalf("config = %+v, %v", c.Database, err)
	}
	write("database: postgres://ft@db.example/followthrough\nbackup:\n  dir: /var/backups/ft\n")
	if _, err := loadConfig(path); err == nil || !strings.Contains(err.Error(), "line 3: backup.dir: is for the bbolt file: back PostgreSQL up with pg_dump") {
		t.Fatalf("backup.dir with PostgreSQL: %v", err)
	}
	if d := describeDatabase("postgres://ft:s3cret@db.example/followthrough"); strings.Contains(d, "s3cret") || !strings.Contains(d, "db.example") {
		t.Errorf("described as %q", d)
	}
	if d := describeDatabase("/var/lib/ft.db"); d != "/var/lib/ft.db" {
		t.Errorf("a file described as %q", d)
	}
}

// TestReadyzPingsPostgres: /readyz is ready while PostgreSQL answers,
// and says the database is what is wrong once it does not.
func TestReadyzPingsPostgres(t *testing.T) {
	u := pgtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := openDatabase(ctx, u, false)
	if err != nil {
		t.Fatal(err)
	}
	addr, _, err := serveHTTP(ctx, listeners{addr: "127.0.0.1:0", health: healthMux(newMetrics(db), db, func() error { return nil })},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		t.Helper()
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get(); code != http.StatusOK {
		t.Fatalf("/readyz = %d %s", code, body)
	}
	db.Close()
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "postgres") {
		t.Fatalf("/readyz with the database gone = %d %s", code, body)
	}
}

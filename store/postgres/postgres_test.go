package postgres_test

import (
	"context"
	"testing"

	"followthrough/store/postgres"
	"followthrough/store/postgres/pgtest"
	"followthrough/store/storetest"
)

// open opens a store on a fresh schema, closed when the test ends.
func open(t *testing.T) *postgres.DB {
	t.Helper()
	return openAt(t, pgtest.URL(t))
}

// openAt opens another store on the database at u.
func openAt(t *testing.T, u string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), u, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestContract runs the suite every store passes on PostgreSQL.
func TestContract(t *testing.T) {
	pgtest.Server(t)
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
}

// TestShared runs the shared-work tests with three instances on one
// database, as three processes would be.
func TestShared(t *testing.T) {
	pgtest.Server(t)
	storetest.RunShared(t, func(t *testing.T) []storetest.Store {
		u := pgtest.URL(t)
		return []storetest.Store{openAt(t, u), openAt(t, u), openAt(t, u)}
	})
}

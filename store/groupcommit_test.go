package store

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"followthrough/bot"
)

// waitPending returns once n writers are queued behind the running
// transaction (it yields rather than sleeps while it waits).
func waitPending(g *groupCommit, n int) {
	for {
		g.mu.Lock()
		queued := len(g.pending)
		g.mu.Unlock()
		if queued >= n {
			return
		}
		runtime.Gosched()
	}
}

// TestGroupCommitTakesInLateWriters: writers who arrive while a shared
// transaction is still running its functions are committed in it, not in
// the next one; one of them failing keeps neither the others out nor its
// own writes in.
func TestGroupCommitTakesInLateWriters(t *testing.T) {
	db := openInternal(t)
	var g groupCommit
	put := func(key string, txid *int) func(*bolt.Tx) error {
		return func(tx *bolt.Tx) error {
			*txid = tx.ID()
			return tx.Bucket(bucketMeta).Put([]byte(key), []byte("v"))
		}
	}
	var first, late, failing int
	inFirst := make(chan struct{})
	var once bool
	firstDone := make(chan error)
	go func() {
		firstDone <- g.run(db.bolt, func(tx *bolt.Tx) error {
			if !once { // the first run waits for company; a rerun need not
				once = true
				close(inFirst)
				waitPending(&g, 2)
			}
			return put("first", &first)(tx)
		})
	}()
	<-inFirst
	lateDone, failDone := make(chan error), make(chan error)
	go func() { lateDone <- g.run(db.bolt, put("late", &late)) }()
	waitPending(&g, 1)
	go func() {
		failDone <- g.run(db.bolt, func(tx *bolt.Tx) error {
			if err := put("failing", &failing)(tx); err != nil {
				return err
			}
			return errors.New("refused")
		})
	}()
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if err := <-lateDone; err != nil {
		t.Fatal(err)
	}
	if err := <-failDone; err == nil || err.Error() != "refused" {
		t.Fatalf("the failing writer got %v", err)
	}
	if first != late || failing != first {
		t.Errorf("transactions: first %d, late %d, failing %d; want one shared", first, late, failing)
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta)
		if b.Get([]byte("first")) == nil || b.Get([]byte("late")) == nil {
			t.Error("a good writer's put is missing")
		}
		if b.Get([]byte("failing")) != nil {
			t.Error("the failing writer's put was committed")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitKeepsOthersWhenOneFails: many writers at once, some of
// them bound to fail (stale versions); every good one is committed, every
// bad one gets its own error.
func TestGroupCommitKeepsOthersWhenOneFails(t *testing.T) {
	ctx := context.Background()
	db := openInternal(t)
	const n = 200
	id := func(i int) bot.PersonID {
		return bot.PersonID("test:" + string(rune('a'+i%26)) + strings.Repeat("x", i))
	}
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			expect := uint64(0)
			if i%10 == 0 {
				expect = 7 // a version that does not exist: conflict
			}
			errs <- db.Commit(ctx, bot.Change{Person: &bot.Person{ID: id(i)}, Expect: expect, EventID: "ev" + strings.Repeat("y", i)})
		}()
	}
	close(start)
	conflicts := 0
	for range n {
		switch err := <-errs; {
		case errors.Is(err, bot.ErrConflict):
			conflicts++
		case err != nil:
			t.Fatal(err)
		}
	}
	if conflicts != n/10 {
		t.Errorf("conflicts = %d; want %d", conflicts, n/10)
	}
	for i := range n {
		if _, ok, _ := db.Person(ctx, id(i)); ok == (i%10 == 0) {
			t.Errorf("person %d stored = %v", i, ok)
		}
	}
}

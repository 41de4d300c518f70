package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"followthrough/bot"
)

// concurrentOneOfSameVersion: of many commits from the same version at
// once, exactly one is taken and every other is told of the conflict.
func concurrentOneOfSameVersion(t *testing.T, s Store) {
	ana := newPerson("ana")
	commit(t, s, bot.Change{Person: ana})
	const n = 32
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			p := ana.Clone()
			p.Plan.Goal = fmt.Sprint("goal ", i)
			errs <- s.Commit(t.Context(), bot.Change{Person: p, Expect: 1, EventID: fmt.Sprint("ev-", i)})
		}()
	}
	close(start)
	ok, conflicts := 0, 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, bot.ErrConflict):
			conflicts++
		default:
			t.Errorf("commit: %v", err)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Fatalf("%d taken, %d conflicts; want 1 and %d", ok, conflicts, n-1)
	}
	if got := load(t, s, ana.ID); got.Version != 2 {
		t.Fatalf("version = %d; want 2", got.Version)
	}
}

// concurrentNoLostUpdate: writers who each reload and retry on a
// conflict, on one person and on people of their own at once, lose no
// update.
func concurrentNoLostUpdate(t *testing.T, s Store) {
	const writers, each = 8, 12
	shared := newPerson("shared")
	commit(t, s, bot.Change{Person: shared})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := newPerson(fmt.Sprint("own", w))
			for i := range each {
				if err := increment(t, s, shared.ID, fmt.Sprintf("shared-%d-%d", w, i)); err != nil {
					t.Error(err)
					return
				}
				c := bot.Change{Person: own, Expect: uint64(i), EventID: fmt.Sprintf("own-%d-%d", w, i)}
				if err := s.Commit(t.Context(), c); err != nil {
					t.Error(err)
					return
				}
				own.Counts.Wins++
			}
		}()
	}
	wg.Wait()
	got := load(t, s, shared.ID)
	if got.Counts.Wins != writers*each || got.Version != writers*each+1 {
		t.Fatalf("shared: %d wins at version %d; want %d at %d", got.Counts.Wins, got.Version, writers*each, writers*each+1)
	}
	for w := range writers {
		if own := load(t, s, bot.NewPersonID(platform, fmt.Sprint("own", w))); own.Version != each || own.Counts.Wins != each-1 {
			t.Errorf("own%d: version %d, %d wins", w, own.Version, own.Counts.Wins)
		}
	}
}

// increment adds a win to a person's count, reloading on conflicts.
func increment(t *testing.T, s Store, id bot.PersonID, event string) error {
	for tries := 0; tries < 1000; tries++ {
		p, seen, err := s.Load(t.Context(), id, event)
		if err != nil || seen {
			return fmt.Errorf("load %s for %s: seen %v, %w", id, event, seen, err)
		}
		p.Counts.Wins++
		err = s.Commit(t.Context(), bot.Change{Person: p, Expect: p.Version, EventID: event})
		if !errors.Is(err, bot.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("%s: still conflicting after 1000 tries", event)
}

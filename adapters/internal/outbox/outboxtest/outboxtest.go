// Package outboxtest helps adapter tests wait on the outbox rather than
// on time.
package outboxtest

import (
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/store"
)

// Watched is a store, as an adapter sees it, that tells the test each
// time a reply leaves the outbox (delivered or given up).
type Watched struct {
	*store.DB
	left chan struct{}
}

// Watch wraps db.
func Watch(db *store.DB) *Watched { return &Watched{DB: db, left: make(chan struct{}, 1)} }

// Delivered removes replies from the outbox, and tells the test.
func (w *Watched) Delivered(platform string, seqs ...uint64) error {
	defer w.poke()
	return w.DB.Delivered(platform, seqs...)
}

// GiveUp records a reply as undeliverable, and tells the test.
func (w *Watched) GiveUp(env bot.Envelope, reason string, at time.Time) error {
	defer w.poke()
	return w.DB.GiveUp(env, reason, at)
}

func (w *Watched) poke() {
	select {
	case w.left <- struct{}{}:
	default:
	}
}

// Drained waits until a platform's outbox is empty: every reply
// delivered or given up. It fails the test after timeout.
func (w *Watched) Drained(t testing.TB, platform string, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		left, err := w.Pending(platform, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) == 0 {
			return
		}
		select {
		case <-w.left:
		case <-deadline:
			t.Fatalf("the outbox did not drain within %v; still queued: %q", timeout, left[0].Reply.Text)
		}
	}
}

// Package outboxtest helps adapter tests wait on the outbox rather than
// on time.
package outboxtest

import (
	"context"
	"testing"
	"time"

	"followthrough/adapters/internal/outbox"
	"followthrough/bot"
)

// Watched is a delivery store, as an adapter sees it, that tells the
// test each time a reply leaves the outbox (delivered or given up).
type Watched struct {
	outbox.DeliveryStore
	left chan struct{}
}

// Watch wraps s.
func Watch(s outbox.DeliveryStore) *Watched {
	return &Watched{DeliveryStore: s, left: make(chan struct{}, 1)}
}

// Delivered removes replies from the outbox, and tells the test.
func (w *Watched) Delivered(ctx context.Context, platform string, seqs ...uint64) error {
	defer w.poke()
	return w.DeliveryStore.Delivered(ctx, platform, seqs...)
}

// GiveUp records a reply as undeliverable, and tells the test.
func (w *Watched) GiveUp(ctx context.Context, env bot.Envelope, reason string, at time.Time) error {
	defer w.poke()
	return w.DeliveryStore.GiveUp(ctx, env, reason, at)
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
		left, err := w.Pending(context.Background(), platform, 1)
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

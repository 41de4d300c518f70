package bot

import (
	"context"
	"fmt"
	"time"
)

// The scheduler: reminders and weekly rounds fire from the due index in
// the store, never from one timer per person. What a due reminder
// becomes is decided in reminders.go (fire); the weekly round is in
// weekly.go.

// fireBatch is how many due reminders are fired in one transaction.
const fireBatch = 1000

// FireDue sends every reminder due by now: each is fired, its next time
// computed and the reminder queued in the outbox in one transaction, so a
// crash can neither lose a reminder nor send it twice from here. Then it
// makes the weekly rounds due (see fireWeekly). It returns how many
// people were handled (fired, skipped or rescheduled).
func (e *Engine) FireDue(ctx context.Context) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		now := e.clock.Now()
		sent, late, skipped := 0, 0, 0
		n, err := e.store.FireDue(ctx, now, fireBatch, func(p *Person, due time.Time) []Reply {
			r := e.fire(ctx, p, due, now)
			switch {
			case len(r) == 0 && now.Sub(due) > e.grace:
				skipped++
			case len(r) > 0 && r[len(r)-1].Late:
				late++
			case len(r) > 0:
				sent++
			}
			return r
		})
		e.metrics.Reminders(sent, late, skipped)
		total += n
		if err != nil {
			return total, fmt.Errorf("bot: fire reminders: %w", err)
		}
		if sent+late > 0 && e.queued != nil {
			e.queued()
		}
		if n < fireBatch {
			break
		}
	}
	if _, err := e.fireWeekly(ctx, e.clock.Now()); err != nil {
		return total, err
	}
	return total, nil
}

// NextDue returns when the next reminder or weekly round is due.
func (e *Engine) NextDue(ctx context.Context) (time.Time, bool, error) {
	next, ok, err := e.store.NextDue(ctx)
	if err != nil {
		return next, ok, err
	}
	if w, wok := e.nextWeekly(ctx, e.clock.Now()); wok && (!ok || w.Before(next)) {
		next, ok = w, true
	}
	return next, ok, nil
}

// RunScheduler fires reminders as they come due until ctx ends. It sleeps
// until the earliest due time, or until wake says a schedule changed. It
// is for real clocks; simulations call FireDue themselves.
func (e *Engine) RunScheduler(ctx context.Context, wake <-chan struct{}) error {
	for {
		if _, err := e.FireDue(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("fire reminders", "err", err)
		}
		wait := time.Minute
		if next, ok, err := e.NextDue(ctx); err == nil && ok {
			if d := next.Sub(e.clock.Now()); d < wait {
				wait = d
			}
		}
		if wait < 0 {
			wait = 0
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
			timer.Stop()
		case <-timer.C:
		}
	}
}

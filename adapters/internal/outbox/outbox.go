// Package outbox is the sending half every platform adapter shares: a
// loop that drains a platform's outbox in bbolt through the adapter's
// Deliver, under the platform's limits, and never loses or repeats a
// reply on its own account.
//
//   - A reply leaves the outbox only when the platform accepted it, or
//     refused it for good (recorded with the reason, not retried).
//   - Order holds per conversation: a reply waits while an earlier one to
//     the same conversation waits; other conversations go on.
//   - Proactive sends are paced: Rate per second in all, and PerKey
//     between two sends to one conversation.
//   - A rate limit is waited out exactly as the platform said; other
//     failures back off exponentially with jitter, up to a minute.
//   - Nothing is retried forever: after MaxAttempts failed tries, or once
//     a reply has waited MaxAge, it is given up with the reason. A
//     reminder older than Grace is dropped: it would arrive at the wrong
//     time (the scheduler's own rule for reminders missed in downtime).
//
// The backlog lives in bbolt, not in memory: the loop reads it in pages.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"followthrough/bot"
)

// Permanent is a refusal that retrying cannot fix; Kind names it for
// metrics (dms_closed, not_found, channel_not_found, ...).
type Permanent struct{ Kind, Reason string }

func (p Permanent) Error() string { return p.Reason }

// RetryLater is a failure worth retrying after a wait. A rate limit says
// how long (RateLimited); other failures back off exponentially.
type RetryLater struct {
	After       time.Duration
	RateLimited bool
	Err         error
}

func (r RetryLater) Error() string { return fmt.Sprintf("retry in %v: %v", r.After, r.Err) }

func (r RetryLater) Unwrap() error { return r.Err }

// Store is the outbox in the store.
type Store interface {
	Pending(platform string, max int) ([]bot.Envelope, error)
	Delivered(platform string, seqs ...uint64) error
	GiveUp(env bot.Envelope, reason string, at time.Time) error
}

// Loop drains one platform's outbox.
type Loop struct {
	Platform string
	Store    Store
	// Deliver sends one reply; it returns nil once the platform accepted
	// all of it, a Permanent, a RetryLater, or another error (retried).
	Deliver func(ctx context.Context, env bot.Envelope) error
	// Key names a reply's conversation, for order and PerKey (default
	// Conversation).
	Key func(bot.Reply) string
	// Rate is sends per second in all (default 40).
	Rate float64
	// PerKey is the least time between two sends to one conversation.
	PerKey time.Duration
	// MaxAttempts and MaxAge bound retries (defaults 10 and 24h).
	MaxAttempts int
	MaxAge      time.Duration
	// Grace drops reminders queued longer ago than this (0: never).
	Grace   time.Duration
	Queued  <-chan struct{}
	Metrics bot.DeliveryMetrics
	Log     *slog.Logger
	Now     func() time.Time

	// The loop's own state: Run is its only goroutine.
	next      time.Time            // earliest start of the next send
	notBefore time.Time            // a rate limit's end: nothing goes before it
	lastKey   map[string]time.Time // last send per conversation
	attempts  map[uint64]int       // failed tries per queued reply
}

func (l *Loop) defaults() {
	if l.Rate <= 0 {
		l.Rate = 40
	}
	if l.MaxAttempts <= 0 {
		l.MaxAttempts = 10
	}
	if l.MaxAge <= 0 {
		l.MaxAge = 24 * time.Hour
	}
	if l.Metrics == nil {
		l.Metrics = bot.NoDeliveryMetrics{}
	}
	if l.Log == nil {
		l.Log = slog.New(slog.DiscardHandler)
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.Key == nil {
		l.Key = Conversation
	}
	l.lastKey = map[string]time.Time{}
	l.attempts = map[uint64]int{}
}

// Run delivers until ctx ends.
func (l *Loop) Run(ctx context.Context) {
	l.defaults()
	backoff := time.Duration(0)
	for {
		wait, err := l.drain(ctx)
		if wait <= 0 {
			wait = time.Second
		}
		var later RetryLater
		switch {
		case err == nil:
			backoff = 0
		case errors.As(err, &later) && later.RateLimited:
			// The platform said how long: nothing is sent before then,
			// however much new work arrives meanwhile.
			wait = max(later.After, 10*time.Millisecond)
			l.notBefore = time.Now().Add(wait)
			l.Log.Info(l.Platform+": rate limited", "retry_after", wait)
		case errors.As(err, &later):
			backoff = min(2*backoff+time.Second, time.Minute)
			wait = backoff + time.Duration(rand.Int64N(int64(backoff/4)+1))
			l.Log.Warn(l.Platform+": delivery will be retried", "in", wait, "err", later.Err)
		default:
			backoff = min(2*backoff+time.Second, time.Minute)
			wait = backoff
			l.Log.Error(l.Platform+": outbox", "err", err)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-l.Queued:
			timer.Stop()
			if err != nil {
				// Woken by new work during a back-off: let a short wait
				// pass first (a rate limit's end is kept by notBefore).
				select {
				case <-ctx.Done():
					return
				case <-time.After(min(wait, time.Second)):
				}
			}
		case <-timer.C:
		}
	}
}

// page is how many queued replies one read of the outbox takes.
const page = 200

// drain sends what is pending. A conversation that must wait (paced, or
// a reply ahead of it failed) is skipped for now with all its later
// replies; drain then says how long until it may go on. A rate limit or
// an unreachable platform stops the pass.
func (l *Loop) drain(ctx context.Context) (time.Duration, error) {
	if wait := time.Until(l.notBefore); wait > 0 {
		return wait, nil
	}
	blocked := map[string]bool{}
	soonest := time.Duration(0)
	later := func(d time.Duration) {
		if soonest == 0 || d < soonest {
			soonest = d
		}
	}
	for {
		batch, err := l.Store.Pending(l.Platform, page)
		if err != nil || len(batch) == 0 {
			return soonest, err
		}
		progressed := false
		for _, env := range batch {
			if ctx.Err() != nil {
				return 0, nil
			}
			key := l.Key(env.Reply)
			if blocked[key] {
				continue
			}
			if why := l.expired(env); why != "" {
				l.giveUp(env, "expired", why)
				progressed = true
				continue
			}
			if wait := l.keyWait(key); wait > 0 {
				blocked[key] = true
				later(wait)
				continue
			}
			if !l.paceWait(ctx) {
				return 0, nil
			}
			err := l.Deliver(ctx, env)
			l.sent(key)
			var p Permanent
			var rl RetryLater
			switch {
			case err == nil:
				l.Metrics.Sent(l.Platform)
				delete(l.attempts, env.Seq)
				if err := l.Store.Delivered(l.Platform, env.Seq); err != nil {
					return 0, err
				}
			case errors.As(err, &p):
				l.giveUp(env, p.Kind, p.Reason)
			case ctx.Err() != nil:
				return 0, nil
			case errors.As(err, &rl) && rl.RateLimited:
				l.Metrics.Failed(l.Platform, "rate_limited")
				return 0, err
			default:
				l.Metrics.Failed(l.Platform, "retry")
				l.attempts[env.Seq]++
				if n := l.attempts[env.Seq]; n >= l.MaxAttempts {
					l.giveUp(env, "attempts", fmt.Sprintf("gave up after %d failed attempts: %v", n, err))
					break
				}
				// Keep this conversation's order; the others can go on
				// unless the platform itself is unreachable.
				blocked[key] = true
				if !errors.As(err, &rl) || rl.After >= time.Second {
					return 0, err
				}
				later(rl.After)
				continue
			}
			progressed = true
		}
		if !progressed {
			return soonest, nil
		}
	}
}

// expired says why a reply should not be sent any more, or "".
func (l *Loop) expired(env bot.Envelope) string {
	queued := env.Queued
	if queued.IsZero() {
		queued = env.Reply.At
	}
	if queued.IsZero() {
		return "" // no way to tell its age
	}
	age := l.Now().Sub(queued)
	switch {
	case env.Reply.Reminder && l.Grace > 0 && age > l.Grace:
		return fmt.Sprintf("a reminder queued %v ago, past the grace window (%v): it would come at the wrong time", age.Round(time.Second), l.Grace)
	case age > l.MaxAge:
		return fmt.Sprintf("waited %v, longer than %v", age.Round(time.Second), l.MaxAge)
	}
	return ""
}

func (l *Loop) giveUp(env bot.Envelope, kind, reason string) {
	l.Metrics.Failed(l.Platform, kind)
	delete(l.attempts, env.Seq)
	l.Log.Warn(l.Platform+": reply undeliverable", "to", env.Reply.To, "reason", reason)
	if err := l.Store.GiveUp(env, reason, l.Now()); err != nil {
		l.Log.Error(l.Platform+": record undeliverable", "err", err)
	}
}

// paceWait waits for the next send slot; slots are 1/Rate apart, counted
// from the start of the previous send, so slow requests do not slow the
// rate further.
func (l *Loop) paceWait(ctx context.Context) bool {
	now := time.Now()
	start := now
	if l.next.After(now) {
		start = l.next
	}
	l.next = start.Add(time.Duration(float64(time.Second) / l.Rate))
	if d := start.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// keyWait is how long until a conversation may be sent to again.
func (l *Loop) keyWait(key string) time.Duration {
	if l.PerKey <= 0 {
		return 0
	}
	last, ok := l.lastKey[key]
	if !ok {
		return 0
	}
	wait := l.PerKey - time.Since(last)
	if wait <= 0 {
		delete(l.lastKey, key) // keep the map small
		return 0
	}
	return wait
}

func (l *Loop) sent(key string) {
	if l.PerKey > 0 {
		l.lastKey[key] = time.Now()
	}
}

// Conversation names the stream a reply belongs to, for order and
// pacing: the group's channel, or the person.
func Conversation(r bot.Reply) string {
	if r.Visibility == bot.Group {
		return "g:" + r.Place.Group
	}
	return "p:" + string(r.To)
}

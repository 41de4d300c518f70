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
//     failures back off exponentially, up to a minute: a reply that
//     failed waits its own back-off and holds back only its own
//     conversation, while the others go on; a few failures in a row, in
//     different conversations, mean the platform itself is down, and
//     then everything waits (with jitter) until it accepts a reply.
//   - Nothing is retried forever: after MaxAttempts failed tries, or once
//     a reply has waited MaxAge, it is given up with the reason. A try
//     counts against a reply only when the platform accepted some other
//     reply since its previous failed try: an outage, when nothing gets
//     through, is nobody's fault and costs no reply its tries, so an
//     hour-long outage loses nothing; MaxAge bounds it. A reminder older
//     than Grace is dropped: it would arrive at the wrong time (the
//     scheduler's own rule for reminders missed in downtime).
//   - A reply the platform takes in parts (a long text split in several
//     messages, files after the text) is resumed after the parts already
//     accepted: see PartsSent.
//
// The backlog lives in bbolt, not in memory: the loop reads it in pages.
//
// All waiting goes through Now and After, so a test can run the loop on
// a simulated clock.
package outbox

import (
	"cmp"
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

// Store is the outbox in the store: what the Loop reads and records.
type Store interface {
	// Pending returns up to max queued replies for a platform, oldest
	// first.
	Pending(ctx context.Context, platform string, max int) ([]bot.Envelope, error)
	// Delivered removes replies the platform accepted.
	Delivered(ctx context.Context, platform string, seqs ...uint64) error
	// GiveUp records a reply the platform refused for good, with why,
	// and takes it out of the outbox.
	GiveUp(ctx context.Context, env bot.Envelope, reason string, at time.Time) error
}

// DeliveryStore is everything an adapter keeps in the store: the outbox
// (Store), how to reach people (their DM channel, whether DMs are
// closed, the group they last wrote from) and, read only, the groups'
// settings (the channel a group's public posts go to). Group settings
// and workspaces change only through the engine (setup, ForgetWorkspace),
// never through an adapter. store.DB implements it.
type DeliveryStore interface {
	Store
	// Address returns how to reach a person (zero when not known).
	Address(ctx context.Context, id bot.PersonID) (bot.Address, error)
	// SetAddress records how to reach a person.
	SetAddress(ctx context.Context, id bot.PersonID, a bot.Address) error
	// GroupSettings returns a group's settings (zero when never set up).
	GroupSettings(ctx context.Context, group string) (bot.GroupSettings, error)
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
	// Backoff is the first wait after a failure that is not a rate
	// limit (default 1s). A reply waits it after its first failed try,
	// then twice as long plus Backoff after each, up to MaxBackoff
	// (default a minute); while the platform accepts nothing at all,
	// the whole loop backs off the same way, with jitter.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Grace drops reminders queued longer ago than this (0: never).
	Grace   time.Duration
	Queued  <-chan struct{}
	Metrics bot.DeliveryMetrics
	Log     *slog.Logger
	// Now and After are the clock the loop paces, ages and waits by
	// (defaults time.Now and time.After). After must move Now on by
	// the time it waits: a simulated Now comes with its own After.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time

	// The loop's own state: Run is its only goroutine.
	next      time.Time            // earliest start of the next send
	notBefore time.Time            // a rate limit's end: nothing goes before it
	lastKey   map[string]time.Time // last send per conversation
	failures  map[uint64]*failure  // failed tries per queued reply
	accepted  uint64               // replies accepted so far
	parts     map[uint64]int       // parts accepted per reply, for a retry to resume
}

// failure is a queued reply's record of failed tries.
type failure struct {
	tries    int       // the tries counted against it
	accepted uint64    // Loop.accepted at its last failed try
	next     time.Time // not tried again before this
}

// outageAfter is how many failures in a row, each in a conversation of
// its own, make a pass stop: the platform, not one reply, is failing.
const outageAfter = 3

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
	if l.Backoff <= 0 {
		l.Backoff = time.Second
	}
	if l.MaxBackoff <= 0 {
		l.MaxBackoff = time.Minute
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
	if l.After == nil {
		l.After = time.After
	}
	if l.Key == nil {
		l.Key = Conversation
	}
	l.lastKey = map[string]time.Time{}
	l.failures = map[uint64]*failure{}
	l.parts = map[uint64]int{}
}

// Run delivers until ctx ends.
func (l *Loop) Run(ctx context.Context) {
	l.defaults()
	backoff := time.Duration(0)
	for {
		accepted := l.accepted
		wait, err := l.drain(ctx)
		if wait <= 0 {
			wait = time.Second
		}
		if l.accepted != accepted {
			// The platform took replies: whatever failed, it is up, and
			// the back-off starts over rather than growing.
			backoff = 0
		}
		var later RetryLater
		switch {
		case err == nil:
			backoff = 0
		case errors.As(err, &later) && later.RateLimited:
			// The platform said how long: nothing is sent before then,
			// however much new work arrives meanwhile.
			wait = max(later.After, 10*time.Millisecond)
			l.notBefore = l.Now().Add(wait)
			l.Log.Info(l.Platform+": rate limited", "retry_after", wait)
		case errors.As(err, &later):
			backoff = min(2*backoff+l.Backoff, l.MaxBackoff)
			wait = backoff + time.Duration(rand.Int64N(int64(backoff/4)+1))
			l.Log.Warn(l.Platform+": delivery will be retried", "in", wait, "err", later.Err)
		default:
			backoff = min(2*backoff+l.Backoff, l.MaxBackoff)
			wait = backoff
			l.Log.Error(l.Platform+": outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-l.Queued:
			if err != nil {
				// Woken by new work during a back-off: let a short wait
				// pass first (a rate limit's end is kept by notBefore).
				select {
				case <-ctx.Done():
					return
				case <-l.After(min(wait, time.Second)):
				}
			}
		case <-l.After(wait):
		}
	}
}

// page is how many queued replies one read of the outbox takes.
const page = 200

// drain sends what is pending, a page at a time from the oldest reply.
// A conversation that must wait (paced, or its oldest reply waiting out
// its back-off) is skipped for now with all its later replies; once one
// may go on, the outbox is read again from the oldest, so it goes
// first. With nothing more to send now, drain says how long until a
// conversation may go on. A rate limit stops the pass, and so do
// outageAfter failures in a row: the platform is unreachable. A pass
// that saw a failure returns it, for the back-off.
func (l *Loop) drain(ctx context.Context) (time.Duration, error) {
	if wait := l.notBefore.Sub(l.Now()); wait > 0 {
		return wait, nil
	}
	var failed error // the last failure worth a back-off
	inARow := 0      // failures since the last reply the platform answered
	for {
		batch, err := l.Store.Pending(ctx, l.Platform, page)
		if err != nil || len(batch) == 0 {
			return 0, cmp.Or(err, failed)
		}
		// A conversation whose oldest reply may not go now: its later
		// replies wait too, to keep the order. due is when the first
		// of them may go on.
		blocked := map[string]bool{}
		var due time.Time
		later := func(d time.Duration) {
			if at := l.Now().Add(d); due.IsZero() || at.Before(due) {
				due = at
			}
		}
		progressed := false
		for _, env := range batch {
			if ctx.Err() != nil {
				return 0, nil
			}
			if progressed && !due.IsZero() && !l.Now().Before(due) {
				break // a conversation skipped may go on: read again
			}
			key := l.Key(env.Reply)
			if blocked[key] {
				continue
			}
			if l.dropExpired(ctx, env) {
				progressed = true
				continue
			}
			if wait := l.keyWait(key); wait > 0 {
				blocked[key] = true
				later(wait)
				continue
			}
			if f := l.failures[env.Seq]; f != nil {
				if wait := f.next.Sub(l.Now()); wait > 0 {
					blocked[key] = true // its back-off, and its conversation's
					later(wait)
					continue
				}
			}
			if !l.paceWait(ctx) {
				return 0, nil
			}
			if l.dropExpired(ctx, env) { // it aged past its time waiting for its slot
				progressed = true
				continue
			}
			err := l.deliver(ctx, env)
			l.sent(key)
			var p Permanent
			var rl RetryLater
			switch {
			case err == nil:
				l.Metrics.Sent(l.Platform)
				l.accepted++
				inARow = 0
				l.forget(env.Seq)
				// The platform took it: recorded even while shutting down,
				// or it would be sent again at the next start.
				if err := l.Store.Delivered(context.WithoutCancel(ctx), l.Platform, env.Seq); err != nil {
					return 0, err
				}
			case errors.As(err, &p):
				inARow = 0 // the platform answered: it is up
				l.giveUp(ctx, env, p.Kind, p.Reason)
			case ctx.Err() != nil:
				return 0, nil
			case errors.As(err, &rl) && rl.RateLimited:
				l.Metrics.Failed(l.Platform, "rate_limited")
				return 0, err
			default:
				l.Metrics.Failed(l.Platform, "retry")
				if n := l.charge(env.Seq); n >= l.MaxAttempts {
					l.giveUp(ctx, env, "attempts", fmt.Sprintf("gave up after %d failed attempts: %v", n, err))
					break
				}
				// Keep this conversation's order; the others go on,
				// unless the platform itself is unreachable.
				blocked[key] = true
				if errors.As(err, &rl) && rl.After < time.Second {
					// Soon, as the platform said.
					l.failures[env.Seq].next = l.Now().Add(rl.After)
					later(rl.After)
					continue
				}
				later(l.backOff(env.Seq))
				failed = err
				if inARow++; inARow >= outageAfter {
					return 0, err
				}
				continue
			}
			progressed = true
		}
		if !progressed {
			if due.IsZero() {
				return 0, failed
			}
			return max(due.Sub(l.Now()), time.Millisecond), failed
		}
	}
}

// finishGrace is how long a send in progress may go on after shutdown
// began.
const finishGrace = 5 * time.Second

// deliver sends one reply. A shutdown does not cut it off half way (for
// up to finishGrace): a post the platform made but that was not yet
// recorded as delivered would be sent again at the next start.
func (l *Loop) deliver(ctx context.Context, env bot.Envelope) error {
	dctx, cancel := context.WithCancel(context.WithValue(context.WithoutCancel(ctx), partsKey{}, &progress{l, env.Seq}))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		select {
		case <-dctx.Done():
		case <-l.After(finishGrace):
			cancel()
		}
	})
	defer stop()
	return l.Deliver(dctx, env)
}

// charge counts a failed try against a reply and returns how many
// count. The first always does; a later one only if the platform
// accepted another reply since: while nothing gets through (an outage)
// a reply keeps its tries, and MaxAge alone bounds its wait.
func (l *Loop) charge(seq uint64) int {
	f := l.failures[seq]
	if f == nil {
		f = &failure{}
		l.failures[seq] = f
	} else if f.accepted == l.accepted {
		return f.tries
	}
	f.tries++
	f.accepted = l.accepted
	return f.tries
}

// backOff sets when a reply that failed may be tried again, and returns
// how long that is: Backoff after its first counted try, then twice as
// long plus Backoff each time, up to MaxBackoff.
func (l *Loop) backOff(seq uint64) time.Duration {
	f := l.failures[seq]
	wait := time.Duration(0)
	for i := 0; i < f.tries && wait < l.MaxBackoff; i++ {
		wait = 2*wait + l.Backoff
	}
	wait = min(wait, l.MaxBackoff)
	f.next = l.Now().Add(wait)
	return wait
}

// forget drops what the loop kept about a reply that left the outbox.
func (l *Loop) forget(seq uint64) {
	delete(l.failures, seq)
	delete(l.parts, seq)
}

// dropExpired gives up a reply that should not be sent any more, and
// reports whether it did.
func (l *Loop) dropExpired(ctx context.Context, env bot.Envelope) bool {
	why := l.expired(env)
	if why != "" {
		l.giveUp(ctx, env, "expired", why)
	}
	return why != ""
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

// giveUp records a reply as undeliverable, with why; the record is made
// even while shutting down.
func (l *Loop) giveUp(ctx context.Context, env bot.Envelope, kind, reason string) {
	l.Metrics.Failed(l.Platform, kind)
	l.forget(env.Seq)
	l.Log.Warn(l.Platform+": reply undeliverable", "to", env.Reply.To, "reason", reason)
	if err := l.Store.GiveUp(context.WithoutCancel(ctx), env, reason, l.Now()); err != nil {
		l.Log.Error(l.Platform+": record undeliverable", "err", err)
	}
}

// paceWait waits for the next send slot; slots are 1/Rate apart, counted
// from the start of the previous send, so slow requests do not slow the
// rate further.
func (l *Loop) paceWait(ctx context.Context) bool {
	now := l.Now()
	start := now
	if l.next.After(now) {
		start = l.next
	}
	l.next = start.Add(time.Duration(float64(time.Second) / l.Rate))
	if d := start.Sub(now); d > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-l.After(d):
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
	wait := l.PerKey - l.Now().Sub(last)
	if wait <= 0 {
		delete(l.lastKey, key) // keep the map small
		return 0
	}
	return wait
}

func (l *Loop) sent(key string) {
	if l.PerKey > 0 {
		l.lastKey[key] = l.Now()
	}
}

// Conversation names the stream a reply belongs to, for order and
// pacing: the group's channel, or the person.
func Conversation(r bot.Reply) string {
	if r.Visibility == bot.Public {
		return "g:" + r.Place.Group
	}
	return "p:" + string(r.To)
}

type partsKey struct{}

// progress is the reply being delivered, for PartsSent and PartSent.
type progress struct {
	l   *Loop
	seq uint64
}

// PartsSent is how many parts of the reply being delivered (its
// messages, then its files, in the order the adapter sends them) the
// platform accepted on earlier tries that failed further on. Deliver
// skips them: sending them again would repeat them. It is 0 outside a
// Loop's Deliver.
func PartsSent(ctx context.Context) int {
	if p, ok := ctx.Value(partsKey{}).(*progress); ok {
		return p.l.parts[p.seq]
	}
	return 0
}

// PartSent records that the platform accepted the next part of the
// reply being delivered. Deliver calls it on its own goroutine, after
// each part; outside a Loop's Deliver it does nothing.
func PartSent(ctx context.Context) {
	if p, ok := ctx.Value(partsKey{}).(*progress); ok {
		p.l.parts[p.seq]++
	}
}

package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Config holds what an Engine needs.
type Config struct {
	Store Store
	Words Words
	Clock Clock
	Log   *slog.Logger
	// Grace is how late a reminder missed during downtime may still be
	// sent (once, marked late). Default 2h.
	Grace time.Duration
	// CheckAfter is how long after a reminder "how did it go?" follows,
	// unless the person reported first or chose their own delay. Default
	// two hours; negative for never.
	CheckAfter time.Duration
	// DefaultZone is used for people whose platform does not tell their
	// zone. Default UTC.
	DefaultZone string
	// Queued, if set, is called after replies were committed to the
	// outbox, so that senders can wake up.
	Queued func()
	// Rescheduled, if set, is called when a reminder time was set or moved,
	// so that a sleeping scheduler can wake up.
	Rescheduled func()
	// Metrics, if set, is told what the engine did.
	Metrics Metrics
	// Weekly sets the weekly digests and coach reports.
	Weekly Weekly
	// Escape, per platform, makes text a person wrote inert when the bot
	// echoes it there (no markdown, no mentions); a platform without
	// one gets the text as it is.
	Escape map[string]func(string) string
	// Safety is where a safety reply points people.
	Safety SafetyConfig
}

// Metrics receives counts of what the engine does, for monitoring. The
// engine knows nothing of how they are exported.
type Metrics interface {
	// EventHandled is called for each event handled (kind: message,
	// command or action), with how long it took.
	EventHandled(platform, kind string, took time.Duration)
	// Reminders is called after a round of due reminders: how many were
	// sent on time, sent late (after downtime) and skipped.
	Reminders(onTime, late, skipped int)
}

// DeliveryMetrics receives what platform senders deliver and fail to.
type DeliveryMetrics interface {
	Sent(platform string)
	// Failed counts a failed attempt: kind is a short reason
	// (rate_limited, retry, dms_closed, forbidden, not_found, ...).
	Failed(platform, kind string)
}

// NoDeliveryMetrics counts nothing.
type NoDeliveryMetrics struct{}

// Sent does nothing.
func (NoDeliveryMetrics) Sent(string) {}

// Failed does nothing.
func (NoDeliveryMetrics) Failed(string, string) {}

type noMetrics struct{}

func (noMetrics) EventHandled(string, string, time.Duration) {}
func (noMetrics) Reminders(int, int, int)                    {}

// Engine handles events and fires reminders. It is safe for concurrent
// use; events of one person are handled one at a time.
type Engine struct {
	store       Store
	words       Words
	clock       Clock
	log         *slog.Logger
	grace       time.Duration
	checkAfter  time.Duration
	defaultZone string
	zones       *Zones
	crons       *Crons
	flows       map[FlowID]*Flow
	commands    map[string]*Command
	queued      func()
	rescheduled func()
	metrics     Metrics
	weekly      Weekly
	weeklyState weeklyState
	locks       personLocks
	escape      map[string]func(string) string
	safety      SafetyConfig
}

// New builds an engine from its configuration.
func New(c Config) (*Engine, error) {
	if c.Store == nil || c.Words == nil {
		return nil, errors.New("bot: engine needs a store and words")
	}
	e := &Engine{
		store: c.Store, words: c.Words, clock: c.Clock, log: c.Log,
		grace: c.Grace, checkAfter: c.CheckAfter, defaultZone: c.DefaultZone, zones: NewZones(), crons: NewCrons(),
		queued: c.Queued, rescheduled: c.Rescheduled, metrics: c.Metrics, weekly: c.Weekly, escape: c.Escape, safety: c.Safety,
	}
	if e.weekly.Time == "" {
		e.weekly.Time = "18:00"
	}
	if _, _, err := ParseClock(e.weekly.Time); err != nil {
		return nil, fmt.Errorf("bot: weekly time %q: use a time of day like 18:00", e.weekly.Time)
	}
	if e.weekly.Grace <= 0 {
		e.weekly.Grace = 12 * time.Hour
	}
	if e.metrics == nil {
		e.metrics = noMetrics{}
	}
	if e.clock == nil {
		e.clock = SystemClock{}
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.checkAfter == 0 {
		e.checkAfter = 2 * time.Hour
	}
	if e.grace <= 0 {
		e.grace = 2 * time.Hour
	}
	if e.defaultZone == "" {
		e.defaultZone = "UTC"
	}
	if _, err := e.zones.Load(e.defaultZone); err != nil {
		return nil, fmt.Errorf("bot: default zone: %w", err)
	}
	e.flows = flows()
	for _, f := range e.flows {
		if err := f.check(); err != nil {
			return nil, err
		}
	}
	e.commands = commandIndex()
	return e, nil
}

// Clock returns the engine's clock.
func (e *Engine) Clock() Clock { return e.clock }

// escaper is the platform's escape for echoed text (identity if none).
func (e *Engine) escaper(platform string) func(string) string {
	if f := e.escape[platform]; f != nil {
		return f
	}
	return func(s string) string { return s }
}

// personLocks serialises the events of each person and nobody else's:
// a lock is held while an event waits for its commit, so a lock shared
// by two people (as striped locks are) would make each wait a whole
// commit for the other. Unused locks are dropped.
type personLocks struct {
	mu sync.Mutex
	m  map[PersonID]*personLock
}

type personLock struct {
	sync.Mutex
	users int // holders and waiters; guarded by personLocks.mu
}

// lock takes id's lock and returns what releases it.
func (l *personLocks) lock(id PersonID) (unlock func()) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[PersonID]*personLock{}
	}
	pl := l.m[id]
	if pl == nil {
		pl = &personLock{}
		l.m[id] = pl
	}
	pl.users++
	l.mu.Unlock()
	pl.Lock()
	return func() {
		pl.Unlock()
		l.mu.Lock()
		if pl.users--; pl.users == 0 {
			delete(l.m, id)
		}
		l.mu.Unlock()
	}
}

// maxAttempts bounds retries when the scheduler changed a person while an
// event of theirs was being handled.
const maxAttempts = 8

// Handle answers one event. The person's new state and the replies are
// committed together (replies go to the outbox); the replies are also
// returned. A redelivered event (same ID) returns no replies and changes
// nothing.
func (e *Engine) Handle(ctx context.Context, ev Event) ([]Reply, error) {
	if ev.Person == "" || ev.Person.Platform() == string(ev.Person) {
		return nil, fmt.Errorf("bot: event without a person id")
	}
	defer e.locks.lock(ev.Person)()
	start := time.Now()
	redelivered := false
	defer func() {
		if !redelivered { // a redelivery is not an event handled
			e.metrics.EventHandled(ev.Person.Platform(), eventKind(ev), time.Since(start))
		}
	}()
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, seen, err := e.store.Load(ctx, ev.Person, ev.ID)
		if err != nil {
			return nil, fmt.Errorf("bot: load %s: %w", ev.Person, err)
		}
		if seen {
			redelivered = true
			return nil, nil
		}
		if p == nil && lateForgetYes(ev) {
			redelivered = true
			return nil, nil
		}
		now := e.clock.Now()
		if p == nil {
			p = &Person{ID: ev.Person, Identity: Identity{Joined: now}}
		}
		before := p.Schedule.Next
		t := e.newTurn(ctx, p, ev, now)
		t.handle()
		if t.forget {
			return e.forget(ctx, t)
		}
		err = e.store.Commit(ctx, Change{
			Person: p, Expect: p.Version, EventID: ev.ID, Settings: t.settings,
			CheckIns: t.checkIns, Wins: t.wins, Ratings: t.ratings, Replies: t.replies,
		})
		switch {
		case errors.Is(err, ErrConflict):
			continue
		case errors.Is(err, ErrDuplicate):
			redelivered = true
			return nil, nil
		case err != nil:
			return nil, fmt.Errorf("bot: commit %s: %w", ev.Person, err)
		}
		if len(t.replies) > 0 && e.queued != nil {
			e.queued()
		}
		if !p.Schedule.Next.Equal(before) && e.rescheduled != nil {
			e.rescheduled()
		}
		return t.replies, nil
	}
	return nil, fmt.Errorf("bot: %s: %w after %d attempts", ev.Person, ErrConflict, maxAttempts)
}

// forget deletes everything about the person of t; its replies (the
// farewell) are not queued, so that nothing of them stays behind.
func (e *Engine) forget(ctx context.Context, t *turn) ([]Reply, error) {
	if err := e.store.Forget(ctx, t.p.ID, t.ev.ID); err != nil {
		return nil, fmt.Errorf("bot: forget %s: %w", t.p.ID, err)
	}
	for i := range t.replies {
		t.replies[i].Direct = true
	}
	if e.rescheduled != nil {
		e.rescheduled()
	}
	return t.replies, nil
}

func eventKind(ev Event) string {
	switch {
	case ev.Action != "":
		return "action"
	case ev.Command != "":
		return "command"
	}
	return "message"
}

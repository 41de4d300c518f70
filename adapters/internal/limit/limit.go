// Package limit is what the platform adapters check before they hand an
// event to the engine, so that no one person, and no flood, can grow the
// event store and the outbox without bound:
//
//   - People: each person has a token bucket of events (Burst at once,
//     refilled at PerMinute). An event past it is not handled; the
//     person is told once per Window, in the words of the prompts
//     ("limit"), and the rest is dropped quietly.
//   - The outbox: Backlog reports when the replies waiting for a
//     platform are past a bound, so that the adapter refuses new events
//     in a way the platform sends them again later (Slack: 503 or no
//     ack; Discord: the gateway is read no further until it drains).
package limit

import (
	"context"
	"sync"
	"time"

	"followthrough/bot"
)

// Message is the name of the notice a limited person gets, in the
// prompts (prompts/text/limit.tmpl).
const Message bot.Msg = "limit"

// Defaults of People.
const (
	DefaultBurst     = 20
	DefaultPerMinute = 30
	DefaultWindow    = 10 * time.Minute
)

// Verdict is what People.Take decided about one event.
type Verdict struct {
	// Allow: hand the event to the engine.
	Allow bool
	// Notice: not allowed, and the person has not been told in this
	// window: tell them now (once).
	Notice bool
}

// People limits each person's inbound events. The zero value is not
// ready: use NewPeople. It is safe for concurrent use.
type People struct {
	burst  float64
	rate   float64 // tokens per second
	window time.Duration
	now    func() time.Time

	mu     sync.Mutex
	people map[bot.PersonID]*bucket
	takes  int // since the last sweep
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was counted
	told   time.Time // when the person was last told they are limited
}

// NewPeople makes a limiter: burst events at once, perMinute on average,
// a notice at most once per window; zero values take the defaults, and
// now defaults to time.Now.
func NewPeople(burst int, perMinute float64, window time.Duration, now func() time.Time) *People {
	if burst <= 0 {
		burst = DefaultBurst
	}
	if perMinute <= 0 {
		perMinute = DefaultPerMinute
	}
	if window <= 0 {
		window = DefaultWindow
	}
	if now == nil {
		now = time.Now
	}
	return &People{burst: float64(burst), rate: perMinute / 60, window: window, now: now, people: map[bot.PersonID]*bucket{}}
}

// Take spends one of id's tokens, if there is one.
func (l *People) Take(id bot.PersonID) Verdict {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.takes++; l.takes >= 4096 {
		l.sweep(now)
	}
	b := l.people[id]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.people[id] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return Verdict{Allow: true}
	}
	if b.told.IsZero() || now.Sub(b.told) >= l.window {
		b.told = now
		return Verdict{Notice: true}
	}
	return Verdict{}
}

func (l *People) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.at = now
	}
}

// sweep forgets the people whose bucket is full again and who were not
// told anything in the window: they are as new. It keeps the map as
// large as the people active lately, not everyone ever seen.
func (l *People) sweep(now time.Time) {
	l.takes = 0
	for id, b := range l.people {
		l.refill(b, now)
		if b.tokens >= l.burst && (b.told.IsZero() || now.Sub(b.told) >= l.window) {
			delete(l.people, id)
		}
	}
}

// Len is how many people the limiter keeps a bucket for.
func (l *People) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.people)
}

// Backlog tells whether a platform's outbox is past its bound. Reading
// the depth costs a scan of the outbox, so it is read at most once per
// Every (default 100ms), by one caller at a time; the others use the
// last figure.
type Backlog struct {
	// Depth reads the number of replies waiting.
	Depth func(ctx context.Context) (int, error)
	// Max is the bound: past it, Full reports true. 0: no bound.
	Max   int
	Every time.Duration
	Now   func() time.Time

	mu      sync.Mutex
	reading bool
	at      time.Time
	depth   int
	since   int // events let through since depth was read
	peak    int
}

// Full reports whether the outbox holds more than Max replies. Each
// false answer lets an event through, which counts as one reply more
// until the depth is read again: a flood between two reads cannot take
// the outbox far past Max.
func (b *Backlog) Full(ctx context.Context) bool {
	if b == nil || b.Max <= 0 || b.Depth == nil {
		return false
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	every := b.Every
	if every <= 0 {
		every = 100 * time.Millisecond
	}
	b.mu.Lock()
	stale := !b.reading && now().Sub(b.at) >= every
	if stale {
		b.reading = true
	}
	b.mu.Unlock()
	if stale {
		d, err := b.Depth(ctx)
		b.mu.Lock()
		b.reading, b.at = false, now()
		if err == nil {
			b.depth, b.since, b.peak = d, 0, max(b.peak, d)
		}
		b.mu.Unlock()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.depth+b.since > b.Max {
		return true
	}
	b.since++
	return false
}

// Peak is the deepest the outbox was seen.
func (b *Backlog) Peak() int {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peak
}

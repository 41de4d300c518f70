package bot

import (
	"sync"
	"time"
)

// Clock tells the time. The engine never calls time.Now itself.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// SimClock is a clock that only moves when told to: used by tests, golden
// transcripts and the console's simulated mode.
type SimClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewSimClock returns a clock standing at start.
func NewSimClock(start time.Time) *SimClock { return &SimClock{now: start} }

// Now returns the simulated time.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t. Moving backwards is ignored: time in a
// simulation only runs forward, as it does for the people in it.
func (c *SimClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

package limit_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"followthrough/adapters/internal/limit"
	"followthrough/bot"
)

// TestAFloodingPersonGetsOneNotice: a person sending 1,000 events in a
// minute has the burst handled, is told once, and the rest dropped;
// someone else is not held up; after the window, a notice again.
func TestAFloodingPersonGetsOneNotice(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	l := limit.NewPeople(20, 30, 10*time.Minute, func() time.Time { return now })
	flood, calm := bot.PersonID("slack:T1:UFLOOD"), bot.PersonID("slack:T1:UCALM")
	allowed, notices := 0, 0
	for i := range 1000 {
		now = now.Add(60 * time.Millisecond)
		v := l.Take(flood)
		if v.Allow {
			allowed++
		}
		if v.Notice {
			notices++
		}
		if i%100 == 0 && !l.Take(calm).Allow {
			t.Fatalf("someone else was limited at event %d", i)
		}
	}
	// 20 at once, then 30 a minute over the minute it took.
	if allowed < 45 || allowed > 52 {
		t.Errorf("%d of 1,000 events in a minute allowed; want about 20 + 30", allowed)
	}
	if notices != 1 {
		t.Errorf("%d notices; want one", notices)
	}
	now = now.Add(10 * time.Minute)
	for range 100 {
		if v := l.Take(flood); v.Notice {
			notices++
		}
	}
	if notices != 2 {
		t.Errorf("after the window: %d notices in all; want one more", notices)
	}
}

// TestPeopleGoneQuietAreForgotten: the limiter keeps only the people
// active lately.
func TestPeopleGoneQuietAreForgotten(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	l := limit.NewPeople(5, 60, time.Minute, func() time.Time { return now })
	for i := range 10000 {
		l.Take(bot.PersonID(fmt.Sprintf("discord:%d", i)))
	}
	now = now.Add(time.Hour)
	for range 5000 {
		l.Take("discord:active")
		now = now.Add(time.Second)
	}
	if n := l.Len(); n > 10 {
		t.Errorf("%d people kept after an hour of quiet", n)
	}
}

// TestBacklogReadsTheDepthSparingly: Full says so past the bound, and
// reads the depth at most once per interval however often it is asked.
func TestBacklogReadsTheDepthSparingly(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	var depth, reads atomic.Int64
	b := &limit.Backlog{Max: 100, Every: time.Second, Now: func() time.Time { return now },
		Depth: func(context.Context) (int, error) { reads.Add(1); return int(depth.Load()), nil }}
	ctx := context.Background()
	if b.Full(ctx) {
		t.Error("full when empty")
	}
	depth.Store(150)
	for range 1000 {
		b.Full(ctx)
	}
	if reads.Load() != 1 {
		t.Errorf("%d reads within one interval", reads.Load())
	}
	now = now.Add(time.Second)
	if !b.Full(ctx) || b.Peak() != 150 {
		t.Errorf("past the bound: full %v, peak %d", b.Full(ctx), b.Peak())
	}
	var off *limit.Backlog
	if off.Full(ctx) {
		t.Error("no backlog is never full")
	}
}

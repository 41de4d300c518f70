package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"followthrough/adapters/internal/outbox"
	"followthrough/bot"
	"followthrough/store"
)

// runUntil runs l until drained is closed (or, failing the test with
// failure, until within has passed), then stops it and waits for it to
// return, so that the loop's writes happen before the caller looks.
func runUntil(t *testing.T, l *outbox.Loop, drained <-chan struct{}, within time.Duration, failure string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.Run(ctx) }()
	select {
	case <-drained:
	case <-time.After(within):
		t.Error(failure)
	}
	cancel()
	<-done
}

// simClock is a clock that moves only when the loop waits on it: every
// wait jumps ahead by its length. An hour's outage passes in moments,
// and the loop's pacing is measured in simulated time.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// arrivals is the outbox as the loop sees it during an outage: before
// each read, the replies due by the simulated clock arrive (queued in
// bbolt with the minute they arrived), and once the last has arrived
// and all are dealt with, it says so on drained.
type arrivals struct {
	*store.DB
	t       *testing.T
	clock   *simClock
	start   time.Time
	minutes int // one batch a minute
	each    int // replies per batch
	pad     int // bytes of text per reply
	arrived int // batches queued so far
	drained chan struct{}
	once    sync.Once
}

const (
	conversations = 50   // replies go to this many people in turn
	pad           = 1000 // bytes of text per reply, so RAM would notice
	grace         = 30 * time.Minute
	rate          = 40.0      // the loop's default
	hour          = time.Hour // the outage
)

func (a *arrivals) Pending(ctx context.Context, platform string, max int) ([]bot.Envelope, error) {
	for a.arrived < a.minutes && !a.start.Add(time.Duration(a.arrived)*time.Minute).After(a.clock.Now()) {
		a.queue(a.arrived)
		a.arrived++
	}
	out, err := a.DB.Pending(ctx, platform, max)
	if err == nil && len(out) == 0 && a.arrived == a.minutes {
		a.once.Do(func() { close(a.drained) })
	}
	return out, err
}

// queue puts batch b in the outbox: replies to every conversation in
// turn, one in four a reminder, each text naming its key.
func (a *arrivals) queue(b int) {
	at := a.start.Add(time.Duration(b) * time.Minute)
	sender := bot.NewPersonID("test", "sender")
	p, _, err := a.Person(bg, sender)
	if err != nil {
		a.t.Error(err)
		return
	}
	if p == nil {
		p = &bot.Person{ID: sender}
	}
	expect := p.Version
	p.Identity.LastSeen = at
	replies := make([]bot.Reply, a.each)
	for i := range replies {
		key := fmt.Sprintf("%02d-%04d", b, i)
		replies[i] = bot.Reply{Key: key, To: bot.NewPersonID("test", fmt.Sprint((b*a.each+i)%conversations)), Visibility: bot.Private,
			Text: key + " " + strings.Repeat(".", a.pad), At: at, Reminder: i%4 == 0}
	}
	if err := a.Commit(bg, bot.Change{Person: p, Expect: expect, Replies: replies}); err != nil {
		a.t.Error(err)
	}
}

// sent is one accepted reply.
type sent struct {
	key string
	seq uint64
	at  time.Time // simulated
}

// outcome is what an outage run saw.
type outcome struct {
	db         *store.DB
	start, end time.Time // the outage
	queued     int
	heap       uint64 // live heap with the whole backlog queued
	inRAM      uint64 // what holding the backlog in memory takes
	tries      int    // failed tries during the outage
	sent       []sent
}

// runOutage queues each replies a minute for an hour while the platform
// fails every send, then lets it recover and drains the backlog through
// a Loop on the simulated clock, with a real bbolt store.
func runOutage(t *testing.T, each int) outcome {
	t.Helper()
	db := newDB(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := &simClock{now: start}
	src := &arrivals{DB: db, t: t, clock: clock, start: start, minutes: 60, each: each, pad: 300, drained: make(chan struct{})}
	o := outcome{db: db, start: start, end: start.Add(hour), queued: 60 * each}
	measured := false
	l := &outbox.Loop{Platform: "test", Store: src, Rate: rate, Grace: grace, Now: clock.Now, After: clock.After,
		Deliver: func(_ context.Context, env bot.Envelope) error {
			now := clock.Now()
			if now.Before(o.end) {
				o.tries++
				return outbox.RetryLater{After: time.Second, Err: errors.New("503 Service Unavailable")}
			}
			if !measured {
				// Back: the whole backlog is queued, and the loop holds
				// a page of it. What is live now is what it costs.
				measured = true
				o.heap = liveHeap()
				// For scale: the backlog read into memory, as a sender
				// that kept it there would hold it.
				all, err := db.Pending(bg, "test", o.queued)
				if err != nil || len(all) < o.queued/2 {
					t.Errorf("read the backlog: %d, %v", len(all), err)
				}
				o.inRAM = liveHeap() - o.heap
				runtime.KeepAlive(all)
			}
			o.sent = append(o.sent, sent{env.Reply.Key, env.Seq, now})
			return nil
		}}
	runUntil(t, l, src.drained, 60*time.Second, "the backlog did not drain")
	if src.arrived != src.minutes {
		t.Fatalf("%d of %d batches arrived", src.arrived, src.minutes)
	}
	return o
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestAnHourLongOutage: the platform is down for an hour while replies
// keep coming (20,400 of them, a quarter reminders). Memory stays flat:
// the backlog is in bbolt, not in RAM. The loop does not hammer the
// platform meanwhile, and no reply is given up for the outage's sake.
// When the platform returns, the backlog drains at the limiter's rate,
// oldest first; every reply is sent once, except reminders past the
// grace window, which are recorded as dropped and not sent.
func TestAnHourLongOutage(t *testing.T) {
	small := runOutage(t, 34) // 2,040 replies
	big := runOutage(t, 340)  // 20,400 replies
	// The loop holds a page of the backlog whatever its size. Ten times
	// the backlog may cost a little more (bbolt's freelist grows with
	// its file), but far less than holding the extra replies would.
	if small.heap == 0 || big.heap == 0 || big.inRAM < 4<<20 {
		t.Fatalf("heap not measured (%d, %d) or the replies too small to tell (%d KB in memory)", small.heap, big.heap, big.inRAM>>10)
	}
	extra := big.inRAM - small.inRAM // the 18,360 more replies, held in memory
	if big.heap > small.heap+extra/4 {
		t.Errorf("live heap %d KB with %d queued against %d KB with %d: it grows with the backlog (holding the difference would take %d KB)",
			big.heap>>10, big.queued, small.heap>>10, small.queued, extra>>10)
	}
	t.Logf("live heap with the backlog queued: %d KB for %d replies, %d KB for %d; holding them would add %d KB and %d KB",
		small.heap>>10, small.queued, big.heap>>10, big.queued, small.inRAM>>10, big.inRAM>>10)

	for _, o := range []outcome{small, big} {
		checkOutage(t, o)
	}
}

func checkOutage(t *testing.T, o outcome) {
	t.Helper()
	// During the outage the loop backed off (to a minute between
	// passes, a few tries a pass) rather than retrying in a hot loop.
	if o.tries < 10 || o.tries > 300 {
		t.Errorf("%d failed tries during an hour's outage; want a back-off's worth (10 to 300)", o.tries)
	}
	queuedAt := func(key string) time.Time {
		var b int
		fmt.Sscanf(key, "%02d-", &b)
		return o.start.Add(time.Duration(b) * time.Minute)
	}
	reminder := func(key string) bool {
		var b, i int
		fmt.Sscanf(key, "%02d-%04d", &b, &i)
		return i%4 == 0
	}
	seen := map[string]bool{}
	var last uint64
	for _, s := range o.sent {
		if seen[s.key] {
			t.Fatalf("%s sent twice", s.key)
		}
		seen[s.key] = true
		if s.seq <= last {
			t.Fatalf("%s (seq %d) sent after seq %d: not oldest first", s.key, s.seq, last)
		}
		last = s.seq
		if age := s.at.Sub(queuedAt(s.key)); reminder(s.key) && age > grace {
			t.Errorf("reminder %s sent %v after it fired, past the grace window", s.key, age)
		}
	}
	failed, err := o.db.Undelivered(bg, "test")
	if err != nil {
		t.Fatal(err)
	}
	dropped := 0
	for _, u := range failed {
		k := u.Envelope.Reply.Key
		if seen[k] {
			t.Errorf("%s both sent and recorded undeliverable", k)
		}
		seen[k] = true
		if !reminder(k) {
			t.Errorf("%s, not a reminder, was given up: %s", k, u.Reason)
			continue
		}
		if age := u.At.Sub(queuedAt(k)); age <= grace || !strings.Contains(u.Reason, "past the grace window") {
			t.Errorf("reminder %s dropped at age %v: %s", k, age, u.Reason)
		}
		dropped++
	}
	if len(seen) != o.queued {
		t.Errorf("%d of %d replies accounted for (sent or recorded)", len(seen), o.queued)
	}
	if left, _ := o.db.Pending(bg, "test", 1); len(left) != 0 {
		t.Errorf("the outbox is not empty: %+v", left[0].Reply.Key)
	}
	// Reminders that fired in the outage's first half were stale by its
	// end; those of the last minutes were not.
	if dropped < o.queued/4/2 || dropped == o.queued/4 {
		t.Errorf("%d of %d reminders dropped", dropped, o.queued/4)
	}
	n := len(o.sent)
	if n == 0 {
		t.Fatal("nothing sent")
	}
	first, lastAt := o.sent[0].at, o.sent[n-1].at
	// The first pass after the outage comes within one back-off (a
	// minute, plus a quarter of jitter); then the limiter sets the pace:
	// never faster than the rate, and not much slower either.
	if d := first.Sub(o.end); d < 0 || d > 76*time.Second {
		t.Errorf("the first send came %v after the platform returned", d)
	}
	span := lastAt.Sub(first)
	least := time.Duration(float64(n-1) / rate * float64(time.Second))
	if span < least || span > least+2*time.Second {
		t.Errorf("%d sends took %v of simulated time; at %v/s they take %v", n, span, rate, least)
	}
	t.Logf("%d queued: %d tries in the outage; %d sent in %v (simulated) after it, %d stale reminders dropped",
		o.queued, o.tries, n, span.Round(time.Second), dropped)
}

// TestADayLongOutageGivesUpAtMaxAge: nothing is retried forever. When
// the platform stays down past MaxAge (24h), the replies that waited
// that long are given up, with the reason, and the outbox is empty.
func TestADayLongOutageGivesUpAtMaxAge(t *testing.T) {
	db := newDB(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := &simClock{now: start}
	src := &arrivals{DB: db, t: t, clock: clock, start: start, minutes: 1, each: 30, pad: 10, drained: make(chan struct{})}
	tries := 0
	l := &outbox.Loop{Platform: "test", Store: src, Now: clock.Now, After: clock.After,
		Deliver: func(context.Context, bot.Envelope) error {
			tries++
			return outbox.RetryLater{After: time.Second, Err: errors.New("connection refused")}
		}}
	runUntil(t, l, src.drained, 60*time.Second, "the outbox was not emptied")
	failed, _ := db.Undelivered(bg, "test")
	if len(failed) != 30 {
		t.Fatalf("%d of 30 replies given up", len(failed))
	}
	for _, u := range failed {
		if age := u.At.Sub(start); !strings.Contains(u.Reason, "longer than 24h0m0s") || age < 24*time.Hour || age > 25*time.Hour {
			t.Errorf("%s given up at %v: %s", u.Envelope.Reply.Key, age, u.Reason)
		}
	}
	// A day of passes about a minute apart (the back-off's cap), a few
	// tries each: the platform is not hammered while it is down.
	if tries < 24*60/2 || tries > 24*60*outageTriesPerPass {
		t.Errorf("%d tries in a day's outage", tries)
	}
}

// outageTriesPerPass is how many failures in a row stop a pass.
const outageTriesPerPass = 3

// TestAFailingReplyWaitsItsOwnBackOff: one reply fails every time while
// the platform takes everything else. It is tried again after a growing
// back-off (1s, 3s, 7s, ...), holding back only its own conversation;
// the others go on at the limiter's pace; after MaxAttempts it is given
// up with the reason, and its conversation goes on, in order.
func TestAFailingReplyWaitsItsOwnBackOff(t *testing.T) {
	db := queue(t, 3, 200, false) // person 0's first reply, "0-0", always fails
	clock := &simClock{now: time.Now()}
	src := &arrivals{DB: db, t: t, clock: clock, drained: make(chan struct{})}
	var tries []time.Time
	var sentAt []time.Time
	got := map[bot.PersonID][]string{}
	const rate = 10
	l := &outbox.Loop{Platform: "test", Store: src, Rate: rate, MaxAttempts: 5, Now: clock.Now, After: clock.After,
		Deliver: func(_ context.Context, env bot.Envelope) error {
			if env.Reply.Key == "0-0" {
				tries = append(tries, clock.Now())
				return outbox.RetryLater{After: time.Second, Err: errors.New("500 for this one")}
			}
			sentAt = append(sentAt, clock.Now())
			got[env.Reply.To] = append(got[env.Reply.To], env.Reply.Text)
			return nil
		}}
	runUntil(t, l, src.drained, 20*time.Second, "the outbox did not drain")
	if len(tries) != 5 {
		t.Fatalf("%d tries; want 5", len(tries))
	}
	for i, want := range []time.Duration{time.Second, 3 * time.Second, 7 * time.Second, 15 * time.Second} {
		if gap := tries[i+1].Sub(tries[i]); gap < want || gap > want+time.Second {
			t.Errorf("try %d came %v after the one before; want its back-off, %v", i+2, gap, want)
		}
	}
	// The others were never held up: one send per slot of the limiter,
	// a slot now and then taken by the failing reply's try.
	for i := 1; i < len(sentAt); i++ {
		if gap := sentAt[i].Sub(sentAt[i-1]); gap > 2*time.Second/rate {
			t.Errorf("sends %d and %d were %v apart", i, i+1, gap)
		}
	}
	for p := 0; p < 3; p++ {
		var want []string
		for i := 0; i < 200; i++ {
			if p != 0 || i != 0 {
				want = append(want, fmt.Sprintf("message %d", i))
			}
		}
		if g := got[bot.NewPersonID("test", fmt.Sprint(p))]; strings.Join(g, ",") != strings.Join(want, ",") {
			t.Errorf("person %d got %d replies: %.80v…", p, len(g), g)
		}
	}
	failed, _ := db.Undelivered(bg, "test")
	if len(failed) != 1 || failed[0].Envelope.Reply.Key != "0-0" || !strings.Contains(failed[0].Reason, "gave up after 5 failed attempts") {
		t.Errorf("undelivered = %+v", failed)
	}
}

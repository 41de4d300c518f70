package slack_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"followthrough/adapters/slack"
	"followthrough/adapters/slack/slacktest"
)

// serveHTTPMode serves the rig's adapter as followthrough does: the
// hardened server on a bounded listener. open counts the connections
// the server holds (a goroutine each, and their buffers).
func serveHTTPMode(t *testing.T, r *rig) string {
	addr, _ := serveCounted(t, r)
	return addr
}

func serveCounted(t *testing.T, r *rig) (string, *counted) {
	t.Helper()
	inner, err := slack.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &counted{Listener: inner}
	srv := slack.NewServer(r.a.Handler())
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		srv.Close()
	})
	return ln.Addr().String(), ln
}

// counted counts the connections open, and the most at once.
type counted struct {
	net.Listener
	open, peak atomic.Int64
}

func (l *counted) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	n := l.open.Add(1)
	for p := l.peak.Load(); n > p && !l.peak.CompareAndSwap(p, n); p = l.peak.Load() {
	}
	return &countedConn{Conn: c, l: l}, nil
}

type countedConn struct {
	net.Conn
	l    *counted
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.l.open.Add(-1) })
	return c.Conn.Close()
}

// request is the head of a POST to /slack/events.
func request(addr, ts, sig string, length int) string {
	return fmt.Sprintf("POST /slack/events HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Slack-Request-Timestamp: %s\r\nX-Slack-Signature: %s\r\nContent-Length: %d\r\n\r\n",
		addr, ts, sig, length)
}

// liveHeap is the memory the process holds, after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestHeadersAreCheckedBeforeTheBodyIsRead: a request with a stale
// timestamp is refused at once, though its body never comes. It used to
// wait for the body (up to 1 MiB) before looking at the headers.
func TestHeadersAreCheckedBeforeTheBodyIsRead(t *testing.T) {
	r := start(t, slack.HTTP)
	addr := serveHTTPMode(t, r)
	for _, h := range []struct{ name, ts, sig string }{
		{"stale", fmt.Sprint(time.Now().Add(-time.Hour).Unix()), "v0=" + strings.Repeat("a", 64)},
		{"no signature", fmt.Sprint(time.Now().Unix()), ""},
		{"a signature of the wrong shape", fmt.Sprint(time.Now().Unix()), "v0=nothex"},
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, request(addr, h.ts, h.sig, 1<<20)) // and no body
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Errorf("%s: no answer before the body: %v", h.name, err)
		} else if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d; want 401", h.name, resp.StatusCode)
		}
		c.Close()
	}
}

// TestSlowBodiesHoldLittle: 400 connections with signatures that look
// right send all but the last byte of a 1 MiB body and stall. Before,
// every body was read whole before its signature was checked, for as
// long as the sender liked: 500-740 MB held. Now at most InFlight bodies
// are read at once, the others are answered 503 before theirs, and a
// body that has not come within BodyTimeout is cut off.
func TestSlowBodiesHoldLittle(t *testing.T) {
	r := start(t, slack.HTTP, func(o *slack.Options) { o.BodyTimeout = time.Second })
	addr := serveHTTPMode(t, r)
	const conns, size = 400, 1 << 20
	body := make([]byte, size-1)
	before, goroutines := liveHeap(), runtime.NumGoroutine()
	var (
		wg            sync.WaitGroup
		mu            sync.Mutex
		codes         = map[int]int{}
		slowest       time.Duration
		written, held atomic.Int64
	)
	release := make(chan struct{})
	for range conns {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			at := time.Now()
			stamp, _ := slacktest.Sign(secret, at, nil)
			io.WriteString(c, request(addr, stamp, "v0="+strings.Repeat("0", 64), size))
			go func() { // the body, all but its last byte, and then nothing
				if _, err := c.Write(body); err == nil {
					written.Add(1)
				}
			}()
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			code := 0
			if err == nil {
				code = resp.StatusCode
			}
			mu.Lock()
			codes[code]++
			slowest = max(slowest, time.Since(at))
			mu.Unlock()
			held.Add(1)
			<-release
		})
	}
	// Sampled while the bodies trickle, until every connection has its
	// answer (and is still open).
	var heap uint64
	g := 0
	for held.Load() < conns {
		time.Sleep(20 * time.Millisecond) // a sample, not a wait for an event
		heap = max(heap, liveHeap()-min(before, liveHeap()))
		g = max(g, runtime.NumGoroutine()-goroutines)
	}
	close(release)
	wg.Wait()
	t.Logf("%d slow 1 MiB bodies: answers %v, the slowest after %v; %d bodies written whole; at most %d MiB held and %d goroutines more (%d of them the test's)",
		conns, codes, slowest.Round(10*time.Millisecond), written.Load(), heap>>20, g, 2*conns)
	if heap > 96<<20 {
		t.Errorf("%d MiB held while %d connections sent slow bodies", heap>>20, conns)
	}
	// Bodies are read InFlight (32) at a time and cut off after
	// BodyTimeout, so a slot frees each second: how many connections get
	// one depends on how fast the 400 arrive, which the race detector
	// slows several times over. The bound is on what the server holds
	// (above) and on every connection being answered, in time.
	turnedAway, limit := conns-2*32, 3*time.Second
	if raceDetector {
		turnedAway, limit = conns/2, 8*time.Second
	}
	if codes[http.StatusServiceUnavailable] < turnedAway || codes[0] > 0 {
		t.Errorf("answers %v: want at least %d answered 503 before their body, and every one answered", codes, turnedAway)
	}
	if slowest > limit {
		t.Errorf("a slow body held its connection %v", slowest)
	}
}

// TestAFloodIsTurnedAwayAndTheOutboxBounded: 2,500 senders with valid
// signatures, each a different person, post as fast as they can for 2
// seconds while the sender drains slowly. Before, every request was
// taken: 5,000 goroutines, 279 MB, answers up to 6.6 s late (past
// Slack's 3 s, so Slack retried and added load) and the outbox grew by
// 47,739 in 15 s. Now requests past InFlight are answered 503 at once,
// and past the outbox's bound every event is, until it drains.
func TestAFloodIsTurnedAwayAndTheOutboxBounded(t *testing.T) {
	const senders, bound = 2500, 300
	var r *rig
	r = start(t, slack.HTTP, func(o *slack.Options) {
		o.Rate = 5
		o.OutboxMax = bound
		o.OutboxDepth = func(ctx context.Context) (int, error) {
			stats, err := r.DB.OutboxStats(ctx)
			return stats[slack.Platform].Depth, err
		}
	})
	addr, ln := serveCounted(t, r)
	before, goroutines := liveHeap(), runtime.NumGoroutine()
	stop := make(chan struct{})
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		codes      = map[int]int{}
		latencies  []time.Duration
		peakDepth  int
		peakG      int
		peakHeap   uint64
		sampleDone = make(chan struct{})
	)
	go func() { // samples, for the figures
		defer close(sampleDone)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			stats, _ := r.DB.OutboxStats(context.Background())
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			mu.Lock()
			peakDepth, peakG, peakHeap = max(peakDepth, stats[slack.Platform].Depth), max(peakG, runtime.NumGoroutine()-goroutines), max(peakHeap, m.HeapInuse)
			mu.Unlock()
		}
	}()
	for s := range senders {
		wg.Go(func() {
			user := fmt.Sprintf("UF%05d", s)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c, err := net.Dial("tcp", addr)
				if err != nil {
					continue
				}
				event := dmEvent(user, "hi", fmt.Sprintf("1700000000.%06d", i))
				stamp, sig := slacktest.Sign(secret, time.Now(), event)
				at := time.Now()
				io.WriteString(c, request(addr, stamp, sig, len(event))+string(event))
				c.SetReadDeadline(time.Now().Add(15 * time.Second))
				resp, err := http.ReadResponse(bufio.NewReader(c), nil)
				code := 0
				if err == nil {
					code = resp.StatusCode
					io.Copy(io.Discard, resp.Body)
				}
				c.Close()
				mu.Lock()
				codes[code]++
				latencies = append(latencies, time.Since(at))
				mu.Unlock()
			}
		})
	}
	time.Sleep(2 * time.Second) // the flood's length
	close(stop)
	wg.Wait()
	<-sampleDone
	slices.Sort(latencies)
	p99, worst := latencies[len(latencies)*99/100], latencies[len(latencies)-1]
	t.Logf("%d senders for 2 s: %d requests, answers %v; latency p99 %v, max %v; outbox at most %d (bound %d); at most %d connections open; at most %d goroutines more (%d of them the senders, and the fake Slack's); heap in use at most %d MiB (%d MiB live before)",
		senders, len(latencies), codes, p99.Round(time.Millisecond), worst.Round(time.Millisecond), peakDepth, bound, ln.peak.Load(), peakG, senders, peakHeap>>20, before>>20)
	if codes[http.StatusServiceUnavailable] == 0 {
		t.Errorf("no request turned away: %v", codes)
	}
	if worst > 3*time.Second && !raceDetector { // the race detector's slowdown is not the server's
		t.Errorf("an answer took %v, past Slack's 3 s", worst)
	}
	if peakDepth > 2*bound {
		t.Errorf("the outbox reached %d; bound %d", peakDepth, bound)
	}
	if n := ln.peak.Load(); n > slack.MaxConns {
		t.Errorf("%d connections open at once; at most %d", n, slack.MaxConns)
	}
}

// TestAFloodingPersonOnSlackIsToldOnce: 40 DMs at once from one person:
// a burst is answered, the person is told once, the rest dropped.
func TestAFloodingPersonOnSlackIsToldOnce(t *testing.T) {
	r := start(t, slack.HTTP, func(o *slack.Options) { o.Burst, o.PerMinute = 5, 1 })
	srv := serveHTTPMode(t, r)
	for i := range 40 {
		event := dmEvent("UANA", fmt.Sprintf("/win number %d", i), fmt.Sprintf("1700000001.%06d", i))
		if code, _ := signedPost(t, "http://"+srv, "/slack/events", "application/json", event, secret, time.Now(), nil); code != 200 {
			t.Fatalf("event %d: %d", i, code)
		}
	}
	// count counts the notices and the other answers in Ana's DM.
	count := func(calls []slacktest.Call) (notices, answers int) {
		for _, c := range postsTo(calls, "DUANA") {
			if strings.Contains(textOf(c), "That's a lot at once") {
				notices++
			} else {
				answers++
			}
		}
		return notices, answers
	}
	r.fake.WaitFor(t, wait, "the notice", func(calls []slacktest.Call) bool { n, _ := count(calls); return n > 0 })
	// Someone else, as usual.
	signedPost(t, "http://"+srv, "/slack/events", "application/json", dmEvent("UBEN", "hi", "1700000002.000001"), secret, time.Now(), nil)
	r.expect(t, "DUBEN", 0, "what brought you here")
	notices, answers := count(r.fake.Calls())
	if notices != 1 || answers > 6 {
		t.Errorf("%d notices and %d answers to 40 DMs; want one notice and about 5 answers", notices, answers)
	}
}

// TestSocketModeLeavesEventsForSlackWhileTheOutboxIsFull: past the
// outbox's bound, a Socket Mode event is not acknowledged (Slack sends
// it again); once it drains, the next is.
func TestSocketModeLeavesEventsForSlackWhileTheOutboxIsFull(t *testing.T) {
	var depth atomic.Int64
	depth.Store(1_000_000)
	reads := make(chan struct{}, 100)
	r := start(t, slack.Socket, func(o *slack.Options) {
		o.OutboxMax, o.OutboxEvery = 1000, time.Nanosecond
		o.OutboxDepth = func(context.Context) (int, error) {
			d := int(depth.Load())
			reads <- struct{}{}
			return d, nil
		}
	})
	full, _ := r.fake.DM(t, "UANA", "hi")
	select {
	case <-reads: // read for the first event, and found full
	case <-time.After(wait):
		t.Fatal("the outbox's depth was not read")
	}
	depth.Store(0)
	ok, _ := r.fake.DM(t, "UANA", "hi again")
	r.fake.WaitAck(t, ok, wait)
	if r.fake.Acked(full) {
		t.Error("an event taken while the outbox was full was acknowledged")
	}
}

// TestTheOutboxBoundTurnsEventsAway: people write one after another,
// each for the first time, while the sender drains one reply a second:
// once the outbox is past its bound, events are answered 503 (Slack
// sends them again later), and the outbox stops growing near the bound.
func TestTheOutboxBoundTurnsEventsAway(t *testing.T) {
	const people, bound = 400, 100
	var r *rig
	r = start(t, slack.HTTP, func(o *slack.Options) {
		o.Rate, o.OutboxMax = 1, bound
		o.OutboxDepth = func(ctx context.Context) (int, error) {
			stats, err := r.DB.OutboxStats(ctx)
			return stats[slack.Platform].Depth, err
		}
	})
	base := "http://" + serveHTTPMode(t, r)
	codes := map[int]int{}
	for p := range people {
		event := dmEvent(fmt.Sprintf("UB%04d", p), "hi", "1700000003.000001")
		code, _ := signedPost(t, base, "/slack/events", "application/json", event, secret, time.Now(), nil)
		codes[code]++
	}
	stats, err := r.DB.OutboxStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	depth := stats[slack.Platform].Depth
	t.Logf("%d people writing in turn: answers %v; the outbox holds %d (bound %d)", people, codes, depth, bound)
	if codes[http.StatusServiceUnavailable] == 0 || depth > bound+50 {
		t.Errorf("answers %v, outbox %d: want events refused past the bound of %d", codes, depth, bound)
	}
}

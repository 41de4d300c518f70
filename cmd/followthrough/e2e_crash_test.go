package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"followthrough/adapters/slack/slacktest"
	"followthrough/bot"
	"followthrough/bot/bottest"
	"followthrough/store"
)

// The crash test's knobs. The CI run needs none of them; the flags go
// after the package: go test -run TestEndToEndCrash ./cmd/followthrough/ -crash.long
var (
	crashLong   = flag.Bool("crash.long", false, "TestEndToEndCrash: minutes of load with a kill every few seconds and a long outage (or FT_CRASH_LONG=1)")
	crashSeed   = flag.Uint64("crash.seed", 0, "TestEndToEndCrash: replay the kill delays and the people's choices of this seed (or FT_CRASH_SEED)")
	crashFor    = flag.Duration("crash.for", 0, "TestEndToEndCrash with -crash.long: how long the load runs (default 5m; or FT_CRASH_FOR)")
	crashStrict = flag.Bool("crash.strict", false, "TestEndToEndCrash: fail on a reply Slack got twice across a kill too (or FT_CRASH_STRICT=1)")
)

// TestEndToEndCrash runs the built binary in Socket Mode against a fake
// Slack under steady load — two dozen people checking in and recording
// wins by DM, slash command and App Home button, one event at a time
// each, every one of them with a reminder falling due during the run —
// and SIGKILLs it at random points, several times, restarting it on the
// same database while the fake Slack stays up. Each kill comes a few
// milliseconds after a burst of events, so that it lands in the middle
// of their handling. After a clean stop it checks, against the database
// and what the fake saw:
//
//   - every check-in and win whose event the bot acknowledged is stored,
//     once; nothing is stored twice, acknowledged or not (DMs that were not
//     acknowledged are sent again after the restart, as Slack does). A
//     stored check-in is matched to its event by time: it must fall
//     between the event's sending and its ack (a person sends the next
//     only then); a win by its text;
//   - every reminder that fell due while the bot was up was fired once and
//     posted (or still waits in the outbox); of the reminders due while it
//     was down, the first of each outage fires once, marked late when it is
//     over a minute late, and one past the grace window never fires;
//   - the database passes bbolt's consistency check after every kill.
//
// Replies have at-least-once delivery: one Slack accepted just before a
// kill, but not yet marked delivered in the outbox, is posted again after
// the restart. The test tells those apart from real duplicates (twice from
// one process, or a reminder fired twice) and reports them; -crash.strict
// fails on them too.
//
// The CI run spans one minute boundary with kills before, around and
// after it (about a minute in all); -crash.long runs minutes with a kill
// every few seconds and one outage of over a minute. The seed is logged;
// -crash.seed replays its choices.
func TestEndToEndCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bot for a minute or more")
	}
	r := newCrashRun(t)
	r.prepare()
	t.Logf("seed %d (replay with -crash.seed %d or FT_CRASH_SEED=%d); %d people; long=%v", r.seed, r.seed, r.seed, r.people, r.long)
	t.Logf("a bbolt commit with fsync takes %v here (median of 20): the least time between Slack accepting a reply and the outbox marking it delivered, "+
		"when a kill makes it be posted again (add the answer's way back and, under load, the wait for bbolt's one writer)", measureCommit(t))

	r.start()
	plan := r.plan()
	for i := 0; i < r.people; i++ {
		r.persons.Go(func() { r.person(i) })
	}
	for _, k := range plan.kills {
		time.Sleep(time.Until(k.at)) // the experiment's random delay, not synchronisation
		r.killAndRestart(k.upAt)
	}
	time.Sleep(time.Until(plan.end))
	var kills strings.Builder
	for _, p := range r.procs[:len(r.procs)-1] {
		fmt.Fprintf(&kills, " %+.3fs", p.kill.Sub(r.boundary).Seconds())
	}
	t.Logf("killed at%s from the boundary (each just after a burst of events)", kills.String())
	close(r.stop)
	r.persons.Wait()
	r.waitForReplies()
	r.stopAt = time.Now()
	last := r.procs[len(r.procs)-1]
	stopCleanly(t, last.cmd, last.exited, last.logs)
	last.exitedOK = true
	r.lingering.Wait()
	if _, errOut, code := runBinary(t, "", "check", "--db", r.dbPath); code != 0 {
		t.Errorf("after the clean stop, followthrough check: exit %d: %s", code, errOut)
	}
	r.verify()
	if t.Failed() {
		for k, p := range r.procs {
			lines := strings.Split(strings.TrimSpace(p.logs.String()), "\n")
			t.Logf("run %d (%s to %s), the end of its log:\n%s", k+1, p.start.Format("15:04:05.000"), p.kill.Format("15:04:05.000"),
				strings.Join(lines[max(0, len(lines)-40):], "\n"))
		}
	}
}

// crashRun is one run of the crash test.
type crashRun struct {
	t                  *testing.T
	seed               uint64
	long, strict       bool
	people             int
	loadFor            time.Duration
	rng                *rand.Rand
	dir, dbPath, cfg   string
	fake               *slacktest.Fake
	prepAt             time.Time
	boundary           time.Time     // the first minute boundary the kills are placed around
	boundaries         int           // how many boundaries get reminders (one in CI)
	first              []time.Time   // each person's first due reminder, as prepared
	minute             []int         // the minute of the hour each person is reminded at
	ackWait            time.Duration // an ack not seen this long after sending, with no kill, is a failure
	minUp              time.Duration // the least a process lives: its scheduler's first round has run
	thinkMin, thinkMax time.Duration

	// gate: senders hold it for reading while they send, so a kill never
	// lands between "the process is up" and the envelope being written;
	// the killer holds it for writing while the bot is down.
	gate   sync.RWMutex
	procs  []*crashProc
	killed chan struct{} // closed when the current process is killed
	burst  chan struct{} // closed to make every idle person send at once (before a kill)

	stop      chan struct{}
	persons   sync.WaitGroup
	lingering sync.WaitGroup // ack waits outliving a kill

	mu     sync.Mutex
	events []*crashEvent
	seen   []seenCall // posts and auth.tests, as the fake accepted them
	stopAt time.Time
	// problems counts failed checks by kind (see problem).
	problems map[string]int
}

// crashProc is one life of the bot process.
type crashProc struct {
	cmd      *exec.Cmd
	exited   chan error
	logs     *syncBuffer
	start    time.Time // just before exec: the scheduler runs after this
	up       time.Time // connected and ready
	kill     time.Time // just before SIGKILL; zero for the last one
	exitedOK bool
}

// crashEvent is one check-in or win a person sent, with every envelope
// it took (a DM not acknowledged before a kill is sent again).
type crashEvent struct {
	person     int
	kind       string
	checkIn    bool
	tag        string // a win's text carries it
	envs       []string
	start, end time.Time // the record's time falls in here
	resent     time.Time // when it was first sent again, after a kill
	acked      bool
	apology    bool // acknowledged with an apology: not kept, and the person was told
}

// seenCall is a call the fake accepted: a post, or an auth.test (each
// process makes one as it starts).
type seenCall struct {
	at                            time.Time
	method, channel, text, blocks string
}

type crashKill struct {
	at   time.Time
	upAt time.Time // the restart waits until then (an outage); zero: at once
}

type crashPlan struct {
	kills []crashKill
	end   time.Time
}

func envBool(name string) bool { v, _ := strconv.ParseBool(os.Getenv(name)); return v }

func newCrashRun(t *testing.T) *crashRun {
	r := &crashRun{t: t, long: *crashLong || envBool("FT_CRASH_LONG"), strict: *crashStrict || envBool("FT_CRASH_STRICT"),
		seed: *crashSeed, people: 24, ackWait: 15 * time.Second, minUp: 250 * time.Millisecond,
		thinkMin: 300 * time.Millisecond, thinkMax: 1500 * time.Millisecond, stop: make(chan struct{}), killed: make(chan struct{}),
		burst: make(chan struct{})}
	if s := os.Getenv("FT_CRASH_SEED"); s != "" && r.seed == 0 {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FT_CRASH_SEED=%q: %v", s, err)
		}
		r.seed = n
	}
	if r.seed == 0 {
		r.seed = uint64(time.Now().UnixNano())
	}
	r.rng = rand.New(rand.NewPCG(r.seed, 0x5eed))
	if r.long {
		r.people = 40
		r.loadFor = 5 * time.Minute
		if *crashFor > 0 {
			r.loadFor = *crashFor
		} else if d, err := time.ParseDuration(os.Getenv("FT_CRASH_FOR")); err == nil && d > 0 {
			r.loadFor = d
		}
	}
	t.Cleanup(func() {
		for _, p := range r.procs {
			if !p.exitedOK && p.kill.IsZero() {
				p.cmd.Process.Kill()
				select {
				case <-p.exited:
				case <-time.After(10 * time.Second):
				}
			}
		}
	})
	return r
}

func (r *crashRun) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.rng.Int64N(int64(hi-lo)))
}

func crashUser(i int) string         { return fmt.Sprintf("U%03d", i) }
func crashPerson(i int) bot.PersonID { return bot.NewPersonID("slack", "T0001", crashUser(i)) }
func crashStep(i int) string         { return fmt.Sprintf("stretch for one minute (p%02d)", i) }
func personOfChannel(ch string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(ch, "DU"))
	return n, err == nil && strings.HasPrefix(ch, "DU")
}

// prepare starts the fake Slack and writes the people into a new
// database, as a bot that ran for a while would have them: onboarded,
// with an hourly reminder (the engine refuses schedules that remind more
// than once an hour) at a minute that falls due during the run — in CI
// everyone's at the one boundary the kills are placed around; in the
// long run spread over its boundaries. Every sixth person's reminder was
// due ten minutes ago (within the grace window: it must come once,
// marked late, then the hourly one); every eighth's three hours ago (past
// it: it must not come at all).
func (r *crashRun) prepare() {
	t := r.t
	r.dir = t.TempDir()
	r.dbPath = filepath.Join(r.dir, "ft.db")
	r.fake = slacktest.New(t, slackBot, slackApp)
	r.fake.Fail = func(c slacktest.Call) *slacktest.Failure {
		switch c.Method {
		case "chat.postMessage", "chat.postEphemeral", "response_url", "auth.test":
			r.mu.Lock()
			r.seen = append(r.seen, seenCall{at: time.Now(), method: c.Method, channel: c.Params["channel"], text: c.Params["text"], blocks: c.Params["blocks"]})
			r.mu.Unlock()
		}
		return nil
	}
	db, err := store.Open(r.dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.prepAt = time.Now()
	r.boundary = r.prepAt.Add(15 * time.Second).Truncate(time.Minute).Add(time.Minute)
	r.boundaries = 1
	if r.long {
		r.boundaries = max(1, int((r.loadFor-25*time.Second)/time.Minute))
	}
	minute := r.prepAt.Truncate(time.Minute)
	var people []*bot.Person
	for i := 0; i < r.people; i++ {
		r.fake.AddUser(slacktest.User{ID: crashUser(i), Name: fmt.Sprintf("person%02d", i), TZ: "UTC"})
		next := r.boundary.Add(time.Duration(i%r.boundaries) * time.Minute)
		r.minute = append(r.minute, next.Minute())
		switch {
		case i%6 == 1:
			next = minute.Add(-10 * time.Minute)
		case i%8 == 3:
			next = minute.Add(-3 * time.Hour)
		}
		r.first = append(r.first, next)
		people = append(people, &bot.Person{
			ID: crashPerson(i), Version: 1,
			Identity: bot.Identity{Name: fmt.Sprintf("person%02d", i), Zone: "UTC",
				Joined: r.prepAt.Add(-48 * time.Hour), LastSeen: r.prepAt.Add(-time.Hour)},
			Plan: bot.Plan{InnerReason: "I want my back to stop hurting", Goal: "Move every working hour", Step: crashStep(i),
				Anchor: bot.Anchor{Habit: "my morning coffee", Time: "09:00"}, Onboarded: true},
			Schedule: bot.Schedule{Cron: fmt.Sprintf("%d * * * *", r.minute[i]), Label: "hourly", Next: next},
			Groups:   []bot.Membership{{Group: "T0001"}},
		})
	}
	if err := db.Import(bg, people, 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < r.people; i++ {
		if err := db.SetAddress(bg, crashPerson(i), bot.Address{DM: "D" + crashUser(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	r.cfg = filepath.Join(r.dir, "bot.yaml")
	cfg := fmt.Sprintf("database: %s\nzone: UTC\nlog:\n  level: info\nreminders:\n  grace: 2h\n"+
		"slack:\n  enabled: true\n  api_url: %s\n  channel: CTEAM\n  send_per_second: 100\n  per_channel: 100ms\n"+
		"http:\n  addr: 127.0.0.1:0\n"+
		// Each person here sends far more than anyone types: the
		// limits that keep one person from flooding are not what this
		// test is about.
		"limits:\n  per_minute: 6000\n  burst: 10000\n", r.dbPath, r.fake.APIURL)
	if err := os.WriteFile(r.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// start runs the bot and waits until it is connected and ready. The
// caller holds the gate, or nothing runs yet.
func (r *crashRun) start() {
	t := r.t
	conns := r.fake.Connections()
	cmd := exec.Command(binary, "run", "--config", r.cfg)
	cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN="+slackBot, "SLACK_APP_TOKEN="+slackApp)
	logs := newSyncBuffer()
	cmd.Stdout, cmd.Stderr = logs, logs
	p := &crashProc{cmd: cmd, exited: make(chan error, 1), logs: logs, start: time.Now()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.procs = append(r.procs, p)
	go func() { p.exited <- cmd.Wait() }()
	r.fake.WaitConnections(t, conns+1, 20*time.Second)
	addr := waitForLog(t, logs, "http listening")
	waitForLog(t, logs, "socket mode connected")
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("run %d: /readyz = %d after connecting", len(r.procs), resp.StatusCode)
	}
	p.up = time.Now()
	r.killed = make(chan struct{})
}

// killAndRestart SIGKILLs the bot, checks the database file, and starts
// it again on it, not before upAt.
func (r *crashRun) killAndRestart(upAt time.Time) {
	t := r.t
	p := r.procs[len(r.procs)-1]
	// Let the new process's scheduler run its first round (see minUp),
	// then aim at events being handled: every idle person sends at once,
	// and the kill comes a random few milliseconds into their handling
	// (see the ack latency in the log), so that it lands between receipt
	// and commit, and between commit and ack, too.
	time.Sleep(time.Until(p.up.Add(r.minUp)))
	r.gate.Lock()
	close(r.burst)
	r.burst = make(chan struct{})
	r.gate.Unlock()
	time.Sleep(r.between(0, 25*time.Millisecond))
	r.gate.Lock()
	defer r.gate.Unlock()
	select {
	case err := <-p.exited:
		t.Fatalf("run %d ended by itself (%v):\n%s", len(r.procs), err, p.logs.String())
	default:
	}
	p.kill = time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the process outlived SIGKILL by 10s")
	}
	close(r.killed)
	if out, errOut, code := runBinary(t, "", "check", "--db", r.dbPath); code != 0 || !strings.Contains(out, "is consistent") {
		t.Errorf("after kill %d, followthrough check: exit %d\n%s%s", len(r.procs), code, out, errOut)
	}
	time.Sleep(time.Until(upAt)) // the outage the plan asked for
	r.start()
}

// plan places the kills. The CI run: the load runs until 16s past the
// first minute boundary at least 15s away, with kills before it, just
// before it (the bot stays down past it, so the reminders due then fire
// when it comes back), just after it (while reminders are being fired
// and posted) and a few seconds after.
// The long run adds a kill every 4 to 20 seconds, one just after every
// boundary, and an outage of over a minute across the second boundary,
// so that a reminder is due a minute before the bot comes back.
func (r *crashRun) plan() crashPlan {
	up := r.procs[0].up
	m := r.boundary
	if !r.long {
		var p crashPlan
		if m.Sub(up) > 11*time.Second {
			p.kills = append(p.kills, crashKill{at: up.Add(r.between(3*time.Second, m.Sub(up)-7*time.Second))})
		}
		p.kills = append(p.kills,
			crashKill{at: m.Add(-r.between(300*time.Millisecond, 2500*time.Millisecond)), upAt: m.Add(r.between(200*time.Millisecond, 1500*time.Millisecond))},
			crashKill{at: m.Add(r.between(0, 600*time.Millisecond))},
			crashKill{at: m.Add(r.between(2500*time.Millisecond, 8*time.Second))})
		p.end = m.Add(16 * time.Second)
		r.logPlan(p, m)
		return p
	}
	p := crashPlan{end: up.Add(r.loadFor)}
	for at := up.Add(r.between(3*time.Second, 10*time.Second)); at.Before(p.end.Add(-12 * time.Second)); at = at.Add(r.between(4*time.Second, 20*time.Second)) {
		p.kills = append(p.kills, crashKill{at: at})
	}
	n := 0
	for b := m; b.Before(p.end.Add(-10 * time.Second)); b = b.Add(time.Minute) {
		p.kills = append(p.kills, crashKill{at: b.Add(r.between(0, 600*time.Millisecond))})
		if n++; n == 2 {
			at := b.Add(-r.between(time.Second, 4*time.Second))
			p.kills = append(p.kills, crashKill{at: at, upAt: at.Add(70 * time.Second)})
		}
	}
	sort.Slice(p.kills, func(i, j int) bool { return p.kills[i].at.Before(p.kills[j].at) })
	// No kill during the long outage; the load runs longer by it.
	var kept []crashKill
	for _, k := range p.kills {
		if len(kept) > 0 && k.at.Before(kept[len(kept)-1].upAt.Add(time.Second)) {
			continue
		}
		if !k.upAt.IsZero() {
			p.end = p.end.Add(k.upAt.Sub(k.at))
		}
		kept = append(kept, k)
	}
	p.kills = kept
	r.logPlan(p, m)
	return p
}

func (r *crashRun) logPlan(p crashPlan, m time.Time) {
	var b strings.Builder
	for _, k := range p.kills {
		fmt.Fprintf(&b, " %+.1fs", k.at.Sub(m).Seconds())
		if !k.upAt.IsZero() {
			fmt.Fprintf(&b, "(down until %+.1fs)", k.upAt.Sub(m).Seconds())
		}
	}
	r.t.Logf("kills at%s from the minute boundary %s; load until %+.1fs", b.String(), m.Format("15:04:05"), p.end.Sub(m).Seconds())
}

// softT turns the fake's Fatalf into an error the sender can handle: the
// senders run on their own goroutines, and a connection closing under
// them is part of the experiment.
type softT struct{ testing.TB }

type softFailure struct{ msg string }

func (softT) Helper()                          {}
func (softT) Fatalf(format string, a ...any)   { panic(softFailure{fmt.Sprintf(format, a...)}) }
func (softT) Fatal(a ...any)                   { panic(softFailure{fmt.Sprint(a...)}) }
func (softT) FailNow()                         { panic(softFailure{"FailNow"}) }
func (s softT) Errorf(format string, a ...any) { s.Fatalf(format, a...) }

func soft(fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			f, ok := p.(softFailure)
			if !ok {
				panic(p)
			}
			err = errors.New(f.msg)
		}
	}()
	fn()
	return nil
}

// person sends check-ins and wins, one at a time, until the load stops.
// Each event's record must carry a time between its sending and its
// end, so the database can be matched to the events one by one.
func (r *crashRun) person(i int) {
	rng := rand.New(rand.NewPCG(r.seed, uint64(i)+1))
	user := crashUser(i)
	for seq := 1; ; seq++ {
		select {
		case <-r.stop:
			return
		default:
		}
		ev := &crashEvent{person: i}
		outcome := []string{"done", "partly"}[rng.IntN(2)]
		ts := fmt.Sprintf("%d.%06d", r.prepAt.Unix(), seq)
		eventID := fmt.Sprintf("Ev%03d%06d", i, seq)
		var send func(attempt int) string
		switch k := rng.IntN(10); {
		case k < 3:
			ev.kind, ev.checkIn = "dm-checkin", true
			send = func(attempt int) string {
				return r.fake.EventCallback(softT{r.t}, r.dm(user, "/checkin "+outcome, ts), attempt, eventID)
			}
		case k < 5:
			ev.kind, ev.checkIn = "slash-checkin", true
			send = func(int) string { return r.fake.Slash(softT{r.t}, user, "CTEAM", "checkin "+outcome) }
		case k < 7:
			ev.kind, ev.checkIn = "button-checkin", true
			send = func(int) string {
				// The App Home's check-in button: ft|cmd|COMMAND|TEXT.
				id := "ft|cmd|checkin|" + outcome
				return r.fake.Click(softT{r.t}, user, "D"+user, id, id)
			}
		case k < 9:
			ev.kind, ev.tag = "dm-win", fmt.Sprintf("W%02d-%05d", i, seq)
			send = func(attempt int) string {
				return r.fake.EventCallback(softT{r.t}, r.dm(user, "/win did the set "+ev.tag, ts), attempt, eventID)
			}
		default:
			ev.kind, ev.tag = "slash-win", fmt.Sprintf("W%02d-%05d", i, seq)
			send = func(int) string { return r.fake.Slash(softT{r.t}, user, "CTEAM", "win did the set "+ev.tag) }
		}
		// Slack sends an Events API event again until it is acknowledged;
		// a slash command or a button press it does not.
		redeliver := strings.HasPrefix(ev.kind, "dm-")
		for attempt := 0; attempt < 3; attempt++ {
			r.gate.RLock()
			killed := r.killed
			switch attempt {
			case 0:
				ev.start = time.Now()
			case 1:
				ev.resent = time.Now()
			}
			var env string
			err := soft(func() { env = send(attempt) })
			r.gate.RUnlock()
			if err != nil {
				r.t.Errorf("person %d: sending %s while the bot was up: %v", i, ev.kind, err)
				break
			}
			ev.envs = append(ev.envs, env)
			acked, payload, timedOut := r.awaitAck(env, killed)
			if timedOut {
				r.t.Errorf("person %d: %s (envelope %s) not acknowledged within %v while the bot was up", i, ev.kind, env, r.ackWait)
			}
			if acked {
				ev.apology = strings.Contains(string(payload), "something went wrong")
				break
			}
			if !redeliver || timedOut {
				break
			}
		}
		ev.end = time.Now()
		r.mu.Lock()
		r.events = append(r.events, ev)
		r.mu.Unlock()
		r.gate.RLock()
		burst := r.burst
		r.gate.RUnlock()
		select {
		case <-r.stop:
			return
		case <-burst:
		case <-time.After(r.thinkMin + time.Duration(rng.Int64N(int64(r.thinkMax-r.thinkMin)))): // the person's pace
		}
	}
}

func (r *crashRun) dm(user, text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel_type": "im", "channel": "D" + user, "user": user,
		"text": text, "ts": ts, "event_ts": ts, "team": r.fake.TeamID}
}

// awaitAck waits for the bot's ack of env, or for the process it was sent
// to being killed (the final word on acks is Acked, at the end: the dead
// process's last ack may still be read after the kill). It reports a
// timeout when neither came within ackWait.
func (r *crashRun) awaitAck(env string, killed <-chan struct{}) (acked bool, payload json.RawMessage, timedOut bool) {
	type result struct {
		payload json.RawMessage
		err     error
	}
	res := make(chan result, 1)
	r.lingering.Add(1)
	go func() {
		defer r.lingering.Done()
		// WaitAck wakes on every change the fake sees; its timeout, in
		// slices of a second, only bounds how long this outlives a kill.
		deadline := time.Now().Add(r.ackWait)
		for {
			var p json.RawMessage
			err := soft(func() { p = r.fake.WaitAck(softT{r.t}, env, min(time.Second, time.Until(deadline))) })
			if err == nil {
				res <- result{p, nil}
				return
			}
			select {
			case <-killed:
				res <- result{nil, err}
				return
			default:
			}
			if !time.Now().Before(deadline) {
				res <- result{nil, err}
				return
			}
		}
	}()
	select {
	case a := <-res:
		if a.err == nil {
			return true, a.payload, false
		}
		select {
		case <-killed:
			return false, nil, false
		default:
			return false, nil, true
		}
	case <-killed:
		return false, nil, false
	}
}

// waitForReplies waits until the celebration of every acknowledged win
// was posted: the outbox has caught up with the load. If that does not
// happen, the checks after the stop tell which were lost.
func (r *crashRun) waitForReplies() {
	r.mu.Lock()
	var tags []string
	for _, ev := range r.events {
		if ev.tag != "" && r.ackedAny(ev) {
			tags = append(tags, ev.tag)
		}
	}
	r.mu.Unlock()
	missing := func() []string {
		r.mu.Lock()
		defer r.mu.Unlock()
		var text strings.Builder
		for _, c := range r.seen {
			text.WriteString(c.text)
		}
		all := text.String()
		var out []string
		for _, tag := range tags {
			if !strings.Contains(all, tag) {
				out = append(out, tag)
			}
		}
		return out
	}
	err := soft(func() {
		r.fake.WaitFor(softT{r.t}, 20*time.Second, "", func([]slacktest.Call) bool { return len(missing()) == 0 })
	})
	if err != nil {
		m := missing()
		r.t.Logf("20s after the load stopped, %d acknowledged wins had no celebration posted (%v…); the checks below say whether they were lost", len(m), m[:min(5, len(m))])
	}
}

func (r *crashRun) ackedAny(ev *crashEvent) bool {
	for _, env := range ev.envs {
		if r.fake.Acked(env) {
			return true
		}
	}
	return false
}

// procAt is the index of the process that made a call the fake accepted
// at t: each process calls auth.test first.
func procAt(authTests []time.Time, at time.Time) int {
	n := 0
	for _, a := range authTests {
		if !a.After(at) {
			n++
		}
	}
	return n - 1
}

var (
	// A check-in button's action id: ft|choice|ASK|TOKEN|VALUE.
	reminderToken = regexp.MustCompile(`ft\|choice\|checkin\|checkin-(\d+)\|`)
	dueText       = regexp.MustCompile(`this was due (?:today|\w{3} \d{1,2} \w{3}) at (\d\d):(\d\d) UTC, while I was offline`)
)

// reminder is one fired reminder, known by the token its buttons carry
// (the instant it fired).
type reminder struct {
	person     int
	fired, due time.Time
	late       bool
	copies     []time.Time // when the fake accepted each post of it
	pending    bool        // still in the outbox after the stop
}

func isReminderText(s string) bool {
	return strings.Contains(s, ": time for “")
}

// parseReminder reads the fire time, due time and lateness of a
// reminder from its text and its buttons' action ids.
func parseReminder(text, blocks, token string) (fired, due time.Time, late bool, err error) {
	if token == "" {
		m := reminderToken.FindStringSubmatch(blocks)
		if m == nil {
			return fired, due, false, fmt.Errorf("a reminder without check-in buttons: %q", text)
		}
		token = "checkin-" + m[1]
	}
	nanos, err := strconv.ParseInt(strings.TrimPrefix(token, "checkin-"), 10, 64)
	if err != nil {
		return fired, due, false, fmt.Errorf("token %q: %v", token, err)
	}
	fired = time.Unix(0, nanos).UTC()
	late = strings.Contains(text, "while I was offline")
	if !late {
		return fired, fired.Truncate(time.Minute), false, nil
	}
	m := dueText.FindStringSubmatch(text)
	if m == nil {
		return fired, due, late, fmt.Errorf("a late reminder that does not say when it was due: %q", text)
	}
	hh, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	due = time.Date(fired.Year(), fired.Month(), fired.Day(), hh, mm, 0, 0, time.UTC)
	if due.After(fired) {
		due = due.AddDate(0, 0, -1)
	}
	return fired, due, true, nil
}

// boundaries lists the minute boundaries m with from < m < to.
func boundaries(from, to time.Time) []time.Time {
	var out []time.Time
	for m := from.Truncate(time.Minute).Add(time.Minute); m.Before(to); m = m.Add(time.Minute) {
		out = append(out, m)
	}
	return out
}

func (r *crashRun) verify() {
	t := r.t
	db, err := store.Open(r.dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pending, err := db.Pending(bg, "slack", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var authTests []time.Time
	for _, c := range r.seen {
		if c.method == "auth.test" {
			authTests = append(authTests, c.at)
		}
	}
	if len(authTests) != len(r.procs) {
		t.Errorf("the fake saw %d auth.test calls for %d process starts", len(authTests), len(r.procs))
	}
	for _, ev := range r.events {
		ev.acked = r.ackedAny(ev)
	}
	dups := r.verifyRecords(db, pending)
	dups = append(dups, r.verifyReminders(db, pending)...)
	r.reportDuplicates(dups, authTests)
	for kind, n := range r.problems {
		if n > 10 {
			t.Errorf("%d problems of kind %q in all (the first 10 are above)", n, kind)
		}
	}
}

// duplicate is a reply the fake accepted more than once.
type duplicate struct {
	what    string
	copies  []time.Time // when the fake accepted each
	pending bool        // and still in the outbox after the clean stop
}

// problem reports a failed check; past ten of a kind it only counts
// them, for summary.
func (r *crashRun) problem(kind, format string, args ...any) {
	r.t.Helper()
	if r.problems == nil {
		r.problems = map[string]int{}
	}
	if r.problems[kind]++; r.problems[kind] <= 10 {
		r.t.Errorf(format, args...)
	}
}

// unmatched reports a stored check-in that falls in no check-in's
// sending; evs[j] is the first event that ended at or after it.
func (r *crashRun) unmatched(i int, what string, at time.Time, evs []*crashEvent, j int) {
	var prev *crashEvent
	if j > 0 && (j == len(evs) || at.Before(evs[j].start)) {
		prev = evs[j-1]
	}
	hint := ""
	if prev != nil {
		hint = afterAck(at, prev)
	}
	r.problem("unmatched", "person %d: a %s stored at %s matches no check-in they sent%s", i, what, at.Format("15:04:05.000000"), hint)
}

// afterAck explains a record stored after its event's sending ended.
func afterAck(at time.Time, ev *crashEvent) string {
	if !at.After(ev.end) {
		return ""
	}
	return fmt.Sprintf(" — %v after the %s sent at %s was acknowledged or given up: acknowledged before it was committed?",
		at.Sub(ev.end).Round(time.Microsecond), ev.kind, ev.start.Format("15:04:05.000000"))
}

// verifyRecords matches the stored check-ins and wins to the events.
func (r *crashRun) verifyRecords(db *store.DB, pending []bot.Envelope) []duplicate {
	t := r.t
	byPerson := make([][]*crashEvent, r.people)
	for _, ev := range r.events {
		byPerson[ev.person] = append(byPerson[ev.person], ev)
	}
	var sent, acked, apologies, redelivered, deduplicated, unackedKept, unackedLost, checkIns, wins int
	kinds := map[string]int{}
	var dups []duplicate
	for i := 0; i < r.people; i++ {
		evs := byPerson[i]
		sort.Slice(evs, func(a, b int) bool { return evs[a].start.Before(evs[b].start) })
		records := map[*crashEvent]int{}
		recordAt := map[*crashEvent]time.Time{}
		stored, err := db.CheckIns(bg, crashPerson(i), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		checkIns += len(stored)
		for _, c := range stored {
			j := sort.Search(len(evs), func(j int) bool { return !evs[j].end.Before(c.At) })
			if j == len(evs) || c.At.Before(evs[j].start) || !evs[j].checkIn {
				r.unmatched(i, "check-in", c.At, evs, j)
				continue
			}
			records[evs[j]]++
			recordAt[evs[j]] = c.At
		}
		storedWins, err := db.Wins(bg, crashPerson(i), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		wins += len(storedWins)
		byTag := map[string]*crashEvent{}
		for _, ev := range evs {
			if ev.tag != "" {
				byTag[ev.tag] = ev
			}
		}
		for _, w := range storedWins {
			tag := w.Text[strings.LastIndexByte(w.Text, ' ')+1:]
			ev := byTag[tag]
			if ev == nil {
				r.problem("unmatched", "person %d: a win %q matches no win they sent", i, w.Text)
				continue
			}
			if w.At.Before(ev.start) || w.At.After(ev.end) {
				r.problem("outside", "person %d: win %s stored at %s, outside its sending (%s to %s)%s", i, tag, w.At.Format("15:04:05.000000"),
					ev.start.Format("15:04:05.000000"), ev.end.Format("15:04:05.000000"), afterAck(w.At, ev))
			}
			records[ev]++
			recordAt[ev] = w.At
		}
		for _, ev := range evs {
			sent++
			kinds[ev.kind]++
			if len(ev.envs) > 1 {
				redelivered++
				if records[ev] > 0 && recordAt[ev].Before(ev.resent) {
					deduplicated++ // kept by the killed process, not acknowledged; sent again, kept once
				}
			}
			n := records[ev]
			switch {
			case n > 1:
				r.problem("twice", "person %d: %s %v stored %d times (envelopes %v, acknowledged %v)", i, ev.kind, ev.tag, n, ev.envs, ev.acked)
			case ev.acked && !ev.apology && n == 0:
				r.problem("lost", "LOST: person %d: %s %s sent %s, acknowledged (envelopes %v), not in the database", i, ev.kind, ev.tag, ev.start.Format("15:04:05.000"), ev.envs)
			}
			switch {
			case ev.apology:
				apologies++
			case ev.acked:
				acked++
			case n > 0:
				unackedKept++
			default:
				unackedLost++
			}
			if ev.tag != "" && n > 0 {
				dups = append(dups, r.replyCopies(i, ev, pending)...)
			}
		}
	}
	took := map[string][]time.Duration{}
	for _, ev := range r.events {
		if ev.acked && len(ev.envs) == 1 {
			took[ev.kind] = append(took[ev.kind], ev.end.Sub(ev.start))
		}
	}
	var lat []string
	for _, kind := range slices.Sorted(maps.Keys(took)) {
		d := took[kind]
		slices.Sort(d)
		lat = append(lat, fmt.Sprintf("%s %v/%v", kind, d[len(d)/2].Round(10*time.Microsecond), d[len(d)*99/100].Round(10*time.Microsecond)))
	}
	t.Logf("ack latency, send to ack seen (median/p99): %s", strings.Join(lat, ", "))
	t.Logf("events: %d sent %v; %d acknowledged and stored; %d DMs sent again after a kill (%d of them already stored by the killed process: the redelivery was dropped); "+
		"never acknowledged (slash commands and buttons, which Slack does not resend): %d stored anyway, %d not stored; %d acknowledged with an apology",
		sent, kinds, acked, redelivered, deduplicated, unackedKept, unackedLost, apologies)
	t.Logf("database: %d check-ins and %d wins, each matched to exactly one event", checkIns, wins)
	if acked < sent/2 {
		t.Errorf("only %d of %d events were acknowledged: the load did not get through", acked, sent)
	}
	return dups
}

// replyCopies checks that a stored win was celebrated (posted, or still
// in the outbox) and returns its celebration's copies if there were more
// than one.
func (r *crashRun) replyCopies(i int, ev *crashEvent, pending []bot.Envelope) []duplicate {
	var copies []time.Time
	for _, c := range r.seen {
		if c.method != "auth.test" && strings.Contains(c.text, ev.tag) {
			copies = append(copies, c.at)
		}
	}
	queued := false
	for _, env := range pending {
		if strings.Contains(env.Reply.Text, ev.tag) {
			queued = true
		}
	}
	if len(copies) == 0 && !queued {
		r.problem("lost-reply", "LOST: person %d: win %s is stored but its celebration was neither posted nor queued", i, ev.tag)
	}
	if len(copies) > 1 || len(copies) > 0 && queued {
		return []duplicate{{what: fmt.Sprintf("person %d: the celebration of win %s", i, ev.tag), copies: copies, pending: queued}}
	}
	return nil
}

// due reports whether a reminder may fall due for person i at m: their
// hourly minute, or the first due time the database was prepared with.
func (r *crashRun) due(i int, m time.Time) bool {
	return m.Minute() == r.minute[i] || m.Equal(r.first[i])
}

// verifyReminders checks every reminder against the process lives.
func (r *crashRun) verifyReminders(db *store.DB, pending []bot.Envelope) []duplicate {
	t := r.t
	type key struct {
		person int
		token  string
	}
	fired := map[key]*reminder{}
	get := func(person int, token, text, blocks string) *reminder {
		if token == "" {
			if m := reminderToken.FindStringSubmatch(blocks); m != nil {
				token = "checkin-" + m[1]
			}
		}
		k := key{person, token}
		if rem := fired[k]; rem != nil {
			return rem
		}
		f, d, late, err := parseReminder(text, blocks, token)
		if err != nil {
			r.problem("parse", "person %d: %v", person, err)
			return nil
		}
		rem := &reminder{person: person, fired: f, due: d, late: late}
		fired[k] = rem
		return rem
	}
	other := 0
	for _, c := range r.seen {
		i, ok := personOfChannel(c.channel)
		if c.method != "chat.postMessage" || !ok {
			continue
		}
		switch {
		case isReminderText(c.text):
			if rem := get(i, "", c.text, c.blocks); rem != nil {
				rem.copies = append(rem.copies, c.at)
			}
		case strings.Contains(c.text, "getting in the way — the time") || strings.Contains(c.text, "I haven't heard from you"):
			other++
			r.problem("other", "person %d got %q: the load was meant to keep everyone answering", i, c.text)
		}
	}
	for _, env := range pending {
		if env.Reply.Reminder && isReminderText(env.Reply.Text) {
			i, _ := strconv.Atoi(strings.TrimPrefix(string(env.Reply.To), "slack:T0001:U"))
			if rem := get(i, env.Reply.Token, env.Reply.Text, ""); rem != nil {
				rem.pending = true
			}
		}
	}
	// The process lives: a reminder due inside one (after its start,
	// before its kill or stop) must fire once, by that process or, if the
	// kill came first, by the next; of those due in an outage between two
	// lives, the first fires once, and none past the grace window.
	type life struct{ from, to time.Time }
	var lives []life
	for i, p := range r.procs {
		to := p.kill
		if i == len(r.procs)-1 {
			to = r.stopAt
		}
		lives = append(lives, life{p.start, to})
	}
	byPerson := make([]map[int64][]*reminder, r.people) // by due time
	for i := range byPerson {
		byPerson[i] = map[int64][]*reminder{}
	}
	var posted, late, pend int
	var dups []duplicate
	for _, rem := range fired {
		i := rem.person
		byPerson[i][rem.due.Unix()] = append(byPerson[i][rem.due.Unix()], rem)
		if !r.due(i, rem.due) {
			r.problem("not-due", "person %d: a reminder fired for %s, when none was due", i, rem.due.Format("15:04:05"))
		}
		if want := rem.fired.Sub(rem.due) > time.Minute; rem.late != want {
			r.problem("late-flag", "person %d: the reminder due %s, fired %s, is marked late=%v", i, rem.due.Format("15:04:05"), rem.fired.Format("15:04:05.000"), rem.late)
		}
		if rem.fired.Before(rem.due) {
			r.problem("early", "person %d: a reminder due %s fired early, at %s", i, rem.due.Format("15:04:05"), rem.fired.Format("15:04:05.000"))
		}
		if len(rem.copies) > 0 {
			posted++
		}
		if rem.late {
			late++
		}
		if rem.pending {
			pend++
		}
		if len(rem.copies) > 1 || len(rem.copies) > 0 && rem.pending {
			dups = append(dups, duplicate{what: fmt.Sprintf("person %d: the reminder due %s (fired %s)", i, rem.due.Format("15:04"), rem.fired.Format("15:04:05.000")),
				copies: rem.copies, pending: rem.pending})
		}
	}
	expected, skipped, caughtUp, afterKill := 0, 0, 0, 0
	for i := 0; i < r.people; i++ {
		p, _, err := db.Person(bg, crashPerson(i))
		if err != nil || p == nil {
			t.Fatalf("person %d: %v", i, err)
		}
		dues := byPerson[i]
		for due, rems := range dues {
			if len(rems) > 1 {
				var at []string
				for _, rem := range rems {
					at = append(at, rem.fired.Format("15:04:05.000"))
				}
				r.problem("fired-twice", "person %d: the reminder due %s fired %d times (at %v)", i, time.Unix(due, 0).UTC().Format("15:04:05"), len(rems), at)
			}
		}
		dueIn := func(from, to time.Time) []time.Time { // fired, due in [from, to)
			var out []time.Time
			for d := range dues {
				if m := time.Unix(d, 0); !m.Before(from) && m.Before(to) {
					out = append(out, m)
				}
			}
			slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
			return out
		}
		scheduled := func(from, to time.Time) []time.Time { // due in (from, to)
			var out []time.Time
			for _, m := range boundaries(from, to) {
				if !m.Before(r.first[i]) && r.due(i, m) {
					out = append(out, m)
				}
			}
			return out
		}
		for k, l := range lives {
			// Due while this process lived: fired once, and posted or
			// queued — or, at the very end, still due.
			for _, m := range scheduled(l.from, l.to) {
				expected++
				rems := dues[m.Unix()]
				switch {
				case len(rems) == 0 && k == len(lives)-1 && p.Schedule.Next.Equal(m):
				case len(rems) == 0:
					r.problem("never-fired", "person %d: the reminder due %s, while run %d was up, never fired", i, m.Format("15:04:05"), k+1)
				case len(rems[0].copies) == 0 && !rems[0].pending:
					r.problem("not-posted", "person %d: the reminder due %s fired but was neither posted nor queued", i, m.Format("15:04:05"))
				}
			}
			// Due in the outage before it (for the first, since the
			// prepared first due time).
			from := r.first[i]
			firedLate := false // the last one due in the previous life fired only after its kill
			if k > 0 {
				from = lives[k-1].to
				for _, m := range dueIn(lives[k-1].from, lives[k-1].to) {
					if dues[m.Unix()][0].fired.After(lives[k-1].to) {
						firedLate = true
						afterKill++
					}
				}
			}
			in := dueIn(from, l.from)
			missed := scheduled(from.Add(-time.Nanosecond), l.from)
			switch {
			case len(in) > 1:
				r.problem("outage", "person %d: %d reminders due in the outage before run %d fired (due %v); at most the first may", i, len(in), k+1, in)
			case firedLate && len(in) > 0:
				r.problem("outage", "person %d: the reminder due last before kill %d fired after it, and so did one due in the outage (%v)", i, k, in)
			case k == 0 && len(missed) > 0 && r.prepAt.Sub(missed[0]) > 2*time.Hour:
				skipped++
				if len(in) > 0 {
					r.problem("grace", "person %d: the reminder due %s, past the grace window when the bot started, fired", i, in[0].Format("15:04"))
				}
			case len(missed) > 0 && !firedLate:
				expected++
				if len(in) == 1 {
					caughtUp++
				}
				if len(in) != 1 || !in[0].Equal(missed[0]) {
					r.problem("outage-missed", "person %d: the bot was down at %s (before run %d); want the reminder due then once, got dues %v", i, missed[0].Format("15:04:05"), k+1, in)
				}
			}
		}
	}
	t.Logf("reminders: %d fired (%d posted, %d marked late, %d still queued at the stop); %d expected from the process lives, "+
		"of which %d were due while the bot was down and fired when it came back, and %d were due just before a kill and fired by the next run; "+
		"%d skipped past the grace window; %d other scheduler messages",
		len(fired), posted, late, pend, expected, caughtUp, afterKill, skipped, other)
	if posted < r.people/2 {
		t.Errorf("only %d reminders were posted: the run did not cover the due times", posted)
	}
	return dups
}

// reportDuplicates sorts the replies Slack got more than once. A copy on
// each side of a restart is the at-least-once window: Slack accepted the
// post and the process died before the outbox recorded it. So is a
// reply posted that the clean stop left in the outbox (it will be posted
// again at the next start). Two copies from one process are a bug.
func (r *crashRun) reportDuplicates(dups []duplicate, authTests []time.Time) {
	t := r.t
	across := 0
	for _, d := range dups {
		runs := map[int]bool{}
		var how []string
		bug := false
		for n, at := range d.copies {
			k := procAt(authTests, at)
			if runs[k] {
				bug = true
			}
			runs[k] = true
			what := fmt.Sprintf("copy %d by run %d", n+1, k+1)
			if n < len(d.copies)-1 && k >= 0 && k < len(r.procs) && !r.procs[k].kill.IsZero() {
				what += fmt.Sprintf(", %v before its kill", r.procs[k].kill.Sub(at).Round(10*time.Microsecond))
			}
			how = append(how, what)
		}
		if d.pending {
			how = append(how, "and still in the outbox after the clean stop")
		}
		msg := fmt.Sprintf("%s: %s", d.what, strings.Join(how, "; "))
		switch {
		case bug:
			r.problem("dup-one-process", "DUPLICATE from one process: %s", msg)
		case r.strict:
			across++
			r.problem("dup-strict", "DUPLICATE across a kill (-crash.strict): %s", msg)
		default:
			across++
			t.Logf("at-least-once: %s", msg)
		}
	}
	t.Logf("%d kills; %d replies identifiable by content (reminders, win celebrations) reached Slack twice or will: the at-least-once window", len(r.procs)-1, across)
}

// measureCommit times a small bbolt commit (the one that marks a reply
// delivered) on the test's disk, in a store of the shared test kit.
func measureCommit(t *testing.T) time.Duration {
	db := bottest.New(t, bottest.Options{}).DB
	var took []time.Duration
	for i := 0; i < 20; i++ {
		start := time.Now()
		if err := db.SetAddress(bg, bot.PersonID(fmt.Sprintf("slack:T:U%d", i)), bot.Address{DM: "D"}); err != nil {
			t.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	return took[len(took)/2]
}

package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Words renders what the bot says. prompts.Set implements it; the engine
// only knows message names, never the wording.
type Words interface {
	// Say renders variant v (0-based, below Variants(name)) of the named
	// message, choosing a platform-specific version when one exists.
	Say(name, platform string, v int, data map[string]any) (string, error)
	// Variants reports how many wordings a message has (at least 1 for
	// any message that exists, 0 for an unknown name).
	Variants(name string) int
}

// Config holds what an Engine needs.
type Config struct {
	Store Store
	Words Words
	Clock Clock
	Log   *slog.Logger
	// Grace is how late a reminder missed during downtime may still be
	// sent (once, marked late). Default 2h.
	Grace time.Duration
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
	defaultZone string
	zones       *Zones
	crons       *Crons
	flows       map[string]*Flow
	commands    map[string]command
	queued      func()
	rescheduled func()
	metrics     Metrics
	weekly      Weekly
	weeklyState weeklyState
	locks       personLocks
}

// New builds an engine from its configuration.
func New(c Config) (*Engine, error) {
	if c.Store == nil || c.Words == nil {
		return nil, errors.New("bot: engine needs a store and words")
	}
	e := &Engine{
		store: c.Store, words: c.Words, clock: c.Clock, log: c.Log,
		grace: c.Grace, defaultZone: c.DefaultZone, zones: NewZones(), crons: NewCrons(),
		queued: c.Queued, rescheduled: c.Rescheduled, metrics: c.Metrics, weekly: c.Weekly,
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
	if e.grace <= 0 {
		e.grace = 2 * time.Hour
	}
	if e.defaultZone == "" {
		e.defaultZone = "UTC"
	}
	if _, err := e.zones.Load(e.defaultZone); err != nil {
		return nil, fmt.Errorf("bot: default zone: %w", err)
	}
	e.flows = builtinFlows()
	e.commands = builtinCommands()
	for _, f := range e.flows {
		if err := f.check(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Clock returns the engine's clock.
func (e *Engine) Clock() Clock { return e.clock }

// Messages lists every message name the engine may render, for tests that
// check each one exists and renders.
func (e *Engine) Messages() []string {
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, n := range fixedMessages {
		add(n)
	}
	for _, f := range e.flows {
		for _, s := range f.Steps {
			add(s.Prompt)
			add(s.ReAsk)
		}
	}
	return names
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
		if !redelivered { // as before Load checked ids: a redelivery is not an event handled
			e.metrics.EventHandled(ev.Person.Platform(), eventKind(ev), time.Since(start))
		}
	}()
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, seen, err := e.store.Load(ev.Person, ev.ID)
		if err != nil {
			return nil, fmt.Errorf("bot: load %s: %w", ev.Person, err)
		}
		if seen {
			redelivered = true
			return nil, nil
		}
		now := e.clock.Now()
		if p == nil {
			p = &Person{ID: ev.Person, Joined: now}
		}
		before := p.NextReminder
		t := e.newTurn(p, ev, now)
		t.handle()
		if t.forget {
			if err := e.store.Forget(p.ID); err != nil {
				return nil, fmt.Errorf("bot: forget %s: %w", p.ID, err)
			}
			for i := range t.replies {
				t.replies[i].Direct = true
			}
			if e.rescheduled != nil {
				e.rescheduled()
			}
			return t.replies, nil
		}
		err = e.store.Commit(Change{
			Person: p, Expect: p.Version, EventID: ev.ID,
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
		if !p.NextReminder.Equal(before) && e.rescheduled != nil {
			e.rescheduled()
		}
		return t.replies, nil
	}
	return nil, fmt.Errorf("bot: %s: %w after %d attempts", ev.Person, ErrConflict, maxAttempts)
}

// turn is the handling of one event for one person: it reads and changes
// the person and collects the records and replies to commit.
type turn struct {
	e        *Engine
	p        *Person
	ev       Event
	now      time.Time
	loc      *time.Location
	replies  []Reply
	checkIns []CheckIn
	wins     []Win
	ratings  []Rating
	// returned is set when the person comes back after a quiet spell.
	returned bool
	// forget is set when the person confirmed that everything about them
	// is to be deleted.
	forget bool
}

func (e *Engine) newTurn(p *Person, ev Event, now time.Time) *turn {
	t := &turn{e: e, p: p, ev: ev, now: now}
	if ev.Name != "" {
		name, _ := CleanText(ev.Name)
		p.Name = short(name, 80)
	}
	if p.Name == "" {
		p.Name = "friend"
	}
	if ev.Place.Group != "" {
		p.Group = ev.Place.Group
	}
	zoneChanged := false
	if ev.Zone != "" && ev.Zone != p.Zone && !p.OwnZone {
		if _, err := e.zones.Load(ev.Zone); err == nil {
			zoneChanged = p.Zone != ""
			p.Zone = ev.Zone
		}
	}
	if p.Zone == "" {
		p.Zone = e.defaultZone
	}
	loc, err := e.zones.Load(p.Zone)
	if err != nil {
		p.Zone = e.defaultZone
		loc, _ = e.zones.Load(p.Zone)
	}
	t.loc = loc
	if p.Unanswered >= quietAsk {
		// Back after a quiet spell: the old question is not waiting for
		// an answer any more.
		t.returned = true
		if p.Flow.Flow == "checkin" || p.Flow.Flow == "stillwant" {
			p.Flow = FlowState{}
		}
	}
	if p.Unanswered > 0 {
		// They are back: the usual rhythm returns, even after the quiet
		// pause the scheduler made.
		if p.Unanswered >= quietPause {
			p.resume(now)
		}
		p.Unanswered = 0
		zoneChanged = true
	}
	if zoneChanged {
		t.reschedule()
	}
	p.LastSeen = now
	return t
}

// say queues a private reply rendered from the named message.
func (t *turn) say(name string, vars map[string]any) {
	t.sayVariant(name, 0, vars)
}

// sayVariant renders a chosen wording of a message.
func (t *turn) sayVariant(name string, v int, vars map[string]any) {
	t.add(Reply{Text: t.render(name, v, vars)})
}

// ask queues a question with choices the person can press.
func (t *turn) ask(name, ask string, choices []Choice, vars map[string]any) {
	token := fmt.Sprintf("%s-%d", ask, t.now.UnixNano())
	t.p.Flow.Token = token
	t.add(Reply{Text: t.render(name, 0, vars), Ask: ask, Token: token, Choices: choices})
}

func (t *turn) add(r Reply) {
	r.To = t.p.ID
	r.At = t.now
	if r.Visibility == "" {
		r.Visibility = Private
	}
	if r.Place == (Place{}) {
		r.Place = t.ev.Place
	}
	r.Key = fmt.Sprintf("%s/%d/%d", t.p.ID, t.p.Version+1, len(t.replies))
	t.replies = append(t.replies, r)
}

// render fills a message with the person's details and vars. A template
// that fails is a bug: it is logged and the person gets a plain apology
// rather than nothing.
func (t *turn) render(name string, v int, vars map[string]any) string {
	data := t.vars()
	defer func() {
		clear(data) // nobody's words wait in the pool
		varsPool.Put(data)
	}()
	for k, val := range vars {
		data[k] = val
	}
	s, err := t.e.words.Say(name, t.p.ID.Platform(), v, data)
	if err != nil {
		t.e.log.Error("render message", "message", name, "err", err)
		return "Sorry — I tripped over my own words there. Your answer is saved; say /help to see what you can do next."
	}
	return s
}

// varsPool holds maps for vars, sized for every key and a caller's few.
var varsPool = sync.Pool{New: func() any { return make(map[string]any, 48) }}

// vars are the details every message may use. Return the map to varsPool
// when the message is rendered.
func (t *turn) vars() map[string]any {
	p := t.p
	// Made once and reused: it is filled for every message rendered.
	m := varsPool.Get().(map[string]any)
	m["Name"], m["Goal"], m["Step"] = p.Name, p.Goal, p.Step
	m["Habit"], m["After"], m["Time"] = p.Anchor.Habit, AnchorPhrase(p.Anchor.Habit), p.Anchor.Time
	m["Days"], m["StartingReason"], m["InnerReason"] = p.Schedule.Label, p.StartingReason, p.InnerReason
	m["LastWin"], m["Wins"], m["Next"], m["Zone"] = p.LastWin, p.Wins, "", p.Zone
	if !p.NextReminder.IsZero() {
		m["Next"] = t.when(p.NextReminder)
	}
	// Answers given so far in an open flow.
	m["Vague"] = p.Flow.Draft["vague"]
	m["Doing"] = asGoal(p.Flow.Draft["doing"])
	m["Notice"] = youForm(p.Flow.Draft["notice"])
	m["BigStep"] = p.Flow.Draft["big"]
	m["Rating"] = p.Flow.Draft["rating"]
	r, _ := strconv.Atoi(p.Flow.Draft["rating"])
	m["RatingUp"] = strconv.Itoa(min(r+1, 10))
	m["Obstacle"] = p.LastObstacle
	m["Misses"] = p.Misses
	m["ValuesKind"] = (p.ValuesAsked-1+valueKinds)%valueKinds + 1
	m["Weekly"] = p.Faded
	m["Group"] = p.Group
	m["Coach"] = p.Flow.Draft["coach_name"]
	// Values some messages are given; defaults keep a re-asked question
	// from failing on a missing one.
	m["Late"], m["Due"], m["Missed"], m["Win"], m["Milestone"], m["Streak"] = false, "", false, "", "", 0
	return m
}

// when formats an instant in the person's zone for people to read.
func (t *turn) when(at time.Time) string {
	return formatWhen(at, t.loc, t.now)
}

func formatWhen(at time.Time, loc *time.Location, now time.Time) string {
	l := at.In(loc)
	n := now.In(loc)
	switch {
	case sameDay(l, n):
		return "today at " + l.Format("15:04 MST")
	case sameDay(l, n.AddDate(0, 0, 1)):
		return "tomorrow at " + l.Format("15:04 MST")
	}
	return l.Format("Mon 2 Jan at 15:04 MST")
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// handle decides what the event is and answers it.
func (t *turn) handle() {
	ev := t.ev
	text, cut := CleanText(ev.Text)
	text = oneLine(text)
	if cut {
		t.say("text.trimmed", map[string]any{"Max": MaxTextRunes})
	}
	switch {
	case ev.Action != "":
		t.action(ev.Action, ev.Token, text)
	case ev.Command != "":
		t.command(strings.ToLower(ev.Command), text)
	default:
		t.message(text)
	}
}

// message answers free text: an answer to the current question, a command
// typed without its slash, a check-in or win said in passing, or a hello.
func (t *turn) message(text string) {
	p := t.p
	if name, args, ok := t.e.spokenCommand(text, p.Flow.Flow != ""); ok {
		t.command(name, args)
		return
	}
	if p.Flow.Flow != "" {
		if t.e.flows[p.Flow.Flow] != nil && !t.staleSoftStep() {
			t.answer(text)
			return
		}
		p.Flow = FlowState{}
	}
	if !p.Onboarded {
		t.start("onboard")
		return
	}
	if text == "" {
		t.say("empty", nil)
		return
	}
	if o, ok := ParseOutcome(text); ok && len(strings.Fields(text)) <= 3 {
		t.enter("checkin", "outcome")
		t.recordOutcome(o)
		return
	}
	if t.returned {
		t.say("quiet.back", nil)
		return
	}
	t.say("hello.back", nil)
}

// spokenCommand recognises a command typed as a plain word ("help",
// "win sent the email"). In the middle of a flow only the words that must
// always work ("stop", "pause", "help", "cancel") count, said alone, so
// that an answer like "win the contract" is taken as an answer.
func (e *Engine) spokenCommand(text string, inFlow bool) (name, args string, ok bool) {
	first, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
	first = strings.TrimPrefix(strings.ToLower(first), "/")
	first = strings.TrimSuffix(first, ":")
	if inFlow {
		switch n := normal(text); n {
		case "stop", "pause", "help", "cancel", "/stop", "/pause", "/help", "/cancel":
			return strings.TrimPrefix(n, "/"), "", true
		case "hi", "hello", "hey", "hiya", "good morning", "morning", "hi there", "hello there":
			return "hi", "", true
		}
		if strings.HasPrefix(strings.TrimSpace(text), "/") {
			if _, known := e.commands[first]; known {
				return first, strings.TrimSpace(rest), true
			}
		}
		return "", "", false
	}
	if _, known := e.commands[first]; !known {
		return "", "", false
	}
	rest = strings.TrimSpace(rest)
	// "stop" or "help" alone are commands; "stop smoking" is conversation.
	switch first {
	case "win", "remind", "share", "pause", "zone", "checkin", "goal", "step", "milestone", "coach":
		return first, rest, true
	}
	return first, rest, rest == ""
}

// staleSoftStep reports whether the person is on an optional step (a note
// after a check-in) that they left long ago, so fresh text is not taken as
// an answer to an old question.
func (t *turn) staleSoftStep() bool {
	f := t.e.flows[t.p.Flow.Flow]
	s := f.step(t.p.Flow.Step)
	if s == nil || !s.Soft {
		return false
	}
	asked, err := time.Parse(time.RFC3339, t.p.Flow.Draft["asked"])
	return err == nil && t.now.Sub(asked) > 6*time.Hour
}

// action answers a press on a choice the bot offered.
func (t *turn) action(ask, token, value string) {
	p := t.p
	if token != "" && token == p.Flow.Token && p.Flow.Flow != "" {
		t.answer(value)
		return
	}
	// A check-in button on an older reminder still counts, unless that
	// day was already checked in since the button was offered.
	if o, ok := ParseOutcome(value); ok && ask == "checkin" && p.Onboarded && !t.answeredSince(token) {
		t.enter("checkin", "outcome")
		t.recordOutcome(o)
		return
	}
	t.say("stale.button", nil)
}

// answeredSince reports whether the person checked in after the question
// that carried token was asked (tokens end in the asking time).
func (t *turn) answeredSince(token string) bool {
	i := strings.LastIndexByte(token, '-')
	if i < 0 {
		return true
	}
	var nanos int64
	if _, err := fmt.Sscan(token[i+1:], &nanos); err != nil {
		return true
	}
	return !t.p.LastCheckIn.Before(time.Unix(0, nanos))
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

package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// turn is the handling of one event (or one fired reminder) for one
// person: it reads and changes the person and collects the records and
// replies to commit.
type turn struct {
	ctx      context.Context
	e        *Engine
	p        *Person
	ev       Event
	now      time.Time
	loc      *time.Location
	replies  []Reply
	checkIns []CheckIn
	wins     []Win
	ratings  []Rating
	settings *GroupChange
	// returned is set when the person comes back after a quiet spell.
	returned bool
	// forget is set when the person confirmed that everything about them
	// is to be deleted.
	forget bool
	// coachHere caches whether the person coaches in the event's group.
	coachHere *bool
}

// newTurn starts handling ev for p: it takes in what the platform says
// about the person (name, zone, the group the event came from) and what
// their coming back means for a quiet spell.
func (e *Engine) newTurn(ctx context.Context, p *Person, ev Event, now time.Time) *turn {
	t := &turn{ctx: ctx, e: e, p: p, ev: ev, now: now}
	id := &p.Identity
	if ev.Name != "" {
		name, _ := CleanText(ev.Name)
		id.Name = short(name, 80)
	}
	if ev.Handle != "" {
		handle, _ := CleanText(ev.Handle)
		id.Handle = short(handle, 80)
	}
	if ev.Place.Group != "" {
		p.Join(ev.Place.Group)
	}
	zoneChanged := false
	if ev.Zone != "" && ev.Zone != id.Zone && !id.OwnZone {
		if _, err := e.zones.Load(ev.Zone); err == nil {
			zoneChanged = id.Zone != ""
			id.Zone = ev.Zone
		}
	}
	if id.Zone == "" {
		id.Zone = e.defaultZone
	}
	loc, err := e.zones.Load(id.Zone)
	if err != nil {
		id.Zone = e.defaultZone
		loc, _ = e.zones.Load(id.Zone)
	}
	t.loc = loc
	if e.comeBack(t) {
		zoneChanged = true
	}
	if zoneChanged {
		t.reschedule()
	}
	id.LastSeen = now
	return t
}

// say queues a private reply rendered from a line.
func (t *turn) say(l Line) {
	if l.Public {
		t.post(l)
		return
	}
	if len(l.Choices) > 0 {
		t.ask(l)
		return
	}
	t.add(Reply{Text: t.render(l.Msg, l.Variant, l.With)})
}

// ask queues a question with choices the person can press; a press on
// an older question's choices is then recognised as stale.
func (t *turn) ask(l Line) {
	token := fmt.Sprintf("%s-%d", l.Ask, t.now.UnixNano())
	t.p.Talk.Flow.Token = token
	t.add(Reply{Text: t.render(l.Msg, l.Variant, l.With), Ask: l.Ask, Token: token, Choices: t.labels(l.Choices)})
}

// labels renders the choices' labels: a label is a message name.
func (t *turn) labels(choices []Choice) []Choice {
	out := make([]Choice, len(choices))
	for i, c := range choices {
		if text, ok := strings.CutPrefix(c.Label, "="); ok { // already in words
			out[i] = Choice{Label: text, Value: c.Value}
			continue
		}
		out[i] = Choice{Label: t.render(Msg(c.Label), 0, Extra{}), Value: c.Value}
	}
	return out
}

// add queues a reply to the person (or, when Public, to their group).
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

// render fills a message with the person's details and x. A template
// that fails is a bug: it is logged and the person gets a plain apology
// rather than nothing.
func (t *turn) render(name Msg, v int, x Extra) string {
	s, err := t.e.words.Say(string(name), t.p.ID.Platform(), v, t.data(x))
	if err != nil {
		t.e.log.Error("render message", "message", name, "err", err)
		s, err = t.e.words.Say("render.failed", t.p.ID.Platform(), 0, Data{})
		if err != nil {
			return "…"
		}
	}
	return s
}

// data is what every message may use: the person's details, escaped for
// their platform, and x.
func (t *turn) data(x Extra) Data {
	p := t.p
	esc := t.e.escaper(p.ID.Platform())
	d := Data{
		Name: esc(p.Identity.Name), Goal: esc(p.Plan.Goal), Step: esc(p.Plan.Step),
		Habit: esc(p.Plan.Anchor.Habit), After: esc(AnchorPhrase(p.Plan.Anchor.Habit)), Time: p.Plan.Anchor.Time,
		Days: t.e.scheduleWords(p.Schedule.Cron, p.ID.Platform()), StartingReason: esc(p.Plan.StartingReason), InnerReason: esc(p.Plan.InnerReason),
		LastWin: esc(p.Memory.LastWin), Wins: p.Counts.Wins, Zone: p.Identity.Zone,
		Obstacle: esc(p.Memory.LastObstacle), Misses: p.Counts.Misses,
		ValuesKind: (p.Counts.ValuesAsked-1+valueKinds)%valueKinds + 1, Weekly: p.Plan.Faded,
		Extra: x,
	}
	if d.Name == "" {
		d.Name = t.e.phrase("name.unknown", p.ID.Platform(), Extra{})
	}
	if len(p.Groups) > 0 {
		d.Group = esc(p.Groups[0].Group)
	}
	if next := t.e.nextReminder(p, t.loc, t.now); !next.IsZero() {
		d.Next = t.when(next)
	}
	draft := &p.Talk.Flow.Draft
	if d.Coach == "" {
		d.Coach = esc(draft.CoachName) // the coach a consent question is about
	}
	d.Vague, d.Doing, d.Notice, d.BigStep = esc(draft.Vague), esc(asGoal(draft.Doing)), esc(youForm(draft.Notice)), esc(draft.Big)
	if draft.Rating > 0 {
		d.Rating = strconv.Itoa(draft.Rating)
	}
	d.RatingUp = strconv.Itoa(min(draft.Rating+1, 10))
	return d
}

// when says an instant in the person's zone for people to read: "today
// at 09:00 CET", "tomorrow at …", "Mon 2 Mar at …".
func (t *turn) when(at time.Time) string {
	return t.e.when(at, t.loc, t.now, t.p.ID.Platform())
}

// when says an instant in loc, as seen at now.
func (e *Engine) when(at time.Time, loc *time.Location, now time.Time, platform string) string {
	l := at.In(loc)
	n := now.In(loc)
	x := Extra{Value: l.Format("15:04 MST")}
	switch {
	case sameDay(l, n):
		return e.phrase("when.today", platform, x)
	case sameDay(l, n.AddDate(0, 0, 1)):
		return e.phrase("when.tomorrow", platform, x)
	}
	x.Due = l.Format("Mon 2 Jan")
	return e.phrase("when.later", platform, x)
}

// Phrase renders a message that needs no person (a form's title, a
// notice an adapter sends by itself) in a platform's words, from the
// prompts like everything else the bot says.
func (e *Engine) Phrase(name Msg, platform string, x Extra) string {
	return e.phrase(name, platform, x)
}

// phrase renders a short message that needs no person (a date, a
// label); a failure is logged and gives "".
func (e *Engine) phrase(name Msg, platform string, x Extra) string {
	s, err := e.words.Say(string(name), platform, 0, Data{Extra: x})
	if err != nil {
		e.log.Error("render message", "message", name, "err", err)
	}
	return s
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

package bot

import (
	"strings"
	"time"
)

// Check-ins and tracking (technique 8): every check-in is recorded at
// once (done, partly or not yet, with an optional note); "not yet" meets
// curiosity (what got in the way?), a kept day is celebrated, and the
// check-in may lead on to a values question or an offer to fade.

const flowCheckin FlowID = "checkin"

const (
	stepOutcome  StepID = "outcome"
	stepNote     StepID = "note"
	stepObstacle StepID = "obstacle"
)

func checkinFlow() *Flow {
	return &Flow{ID: flowCheckin, First: stepOutcome, Done: func(*turn) []Line { return []Line{say("checkin.noted")} }, Steps: []*Step{
		{ID: stepOutcome, Prompt: "checkin.ask", Ask: askCheckIn, Choice: outcomes, ReAsk: "checkin.reask", Expect: ExpectCheckIn,
			Parse: parseOutcomeAnswer, Unsure: unsureOutcome},
		{ID: stepNote, Prompt: "checkin.note", ReAsk: "checkin.note.reask", Expect: ExpectNote, Soft: true, Parse: parseNote, Unsure: noNote},
		{ID: stepObstacle, Prompt: "checkin.obstacle", ReAsk: "checkin.note.reask", Expect: ExpectObstacle, Soft: true,
			Parse: parseObstacle, Unsure: unknownObstacle},
	}}
}

func cmdCheckIn(t *turn, args string) {
	if t.needsPlan() {
		return
	}
	if args != "" {
		if r := ReadReply(ExpectCheckIn, args); r.Kind == Report {
			t.enter(flowCheckin, stepOutcome)
			t.apply(t.recordReport(r))
			return
		}
	}
	t.start(flowCheckin)
}

// checkInNow records a check-in said without being asked (a button on an
// older reminder) and goes on from there.
func (t *turn) checkInNow(o Outcome) {
	t.enter(flowCheckin, stepOutcome)
	t.apply(t.recordOutcome(o))
}

func parseOutcomeAnswer(t *turn, r Reading) Next {
	if r.Kind == Report {
		return t.recordReport(r)
	}
	if r.Sorry {
		return jump(flowAdjust, stepAdjustOffer).saying(say("sorry.heard"))
	}
	if words(r.Text) >= 3 {
		// An explanation rather than an answer: what got in the way.
		t.p.Memory.LastObstacle = short(r.Value, 300)
		if t.p.Counts.Misses > 0 {
			return jump(flowAdjust, stepAdjustOffer).saying(say("adjust.heard"))
		}
		return goStep(stepOutcome).saying(say("checkin.heard"))
	}
	return reask("problem.checkin.unread")
}

// unsureOutcome: "skip" leaves today's check-in; anything else unsure
// is asked again with the choices.
func unsureOutcome(t *turn, r Reading) Next {
	if r.Skip || r.Non == Refusal {
		// Skipped: not asked again later today, nor counted as missed.
		t.p.Schedule.Check, t.p.Schedule.Last = time.Time{}, time.Time{}
		t.reschedule()
		return leave().saying(say("checkin.skipped"))
	}
	_, s := t.current()
	return t.unsure(s, r)
}

// recordOutcome records a check-in of just an outcome.
func (t *turn) recordOutcome(o Outcome) Next {
	return t.recordReport(Reading{Kind: Report, Outcome: o})
}

// recordReport records a check-in at once (so nothing is lost if the
// person never answers the follow-up), with what else they said, answers
// it, and says where the conversation goes next.
func (t *turn) recordReport(r Reading) Next {
	p := t.p
	o := r.Outcome
	at := t.now
	if !at.After(p.Memory.LastCheckIn) { // two check-ins in one instant stay two records
		at = p.Memory.LastCheckIn.Add(time.Nanosecond)
	}
	note := short(r.Note, 500)
	if noteIsEmpty(note) {
		note = ""
	}
	t.checkIns = append(t.checkIns, CheckIn{At: at, Outcome: o, Note: note})
	k := kept{first: p.Counts.CheckIns == 0, note: note, specific: specificIn(note)}
	if !p.Memory.LastCheckIn.IsZero() && at.Sub(p.Memory.LastCheckIn) >= returnGap {
		k.back = true
	}
	p.Counts.CheckIns++
	p.Memory.LastCheckIn = at
	if !p.Schedule.Check.IsZero() { // no need to ask how it went
		p.Schedule.Check = time.Time{}
		t.reschedule()
	}
	d := &p.Talk.Flow.Draft
	d.CheckInAt, d.Outcome = at, o
	if o == NotYet {
		p.Counts.Misses++
		if note != "" && !r.Sorry {
			// "not today, meetings all day": what got in the way, said.
			return t.obstacleHeard(Reading{Kind: Answer, Value: note, Text: note, Pressure: pressure(note)}, false)
		}
		return goStep(stepObstacle).saying(say("checkin.notyet"))
	}
	return t.afterKept(o, k)
}

// returnGap is how long without a check-in makes the next one a return.
const returnGap = 10 * 24 * time.Hour

// kept is what makes a kept check-in worth naming: the first ever, a
// return after a silence, what was done.
type kept struct {
	first, back    bool
	note, specific string
}

// noteIsEmpty reports a note that says nothing ("!", "lol") or only
// says the outcome again ("yep did it").
func noteIsEmpty(note string) bool {
	if note == "" || nonAnswer(note) == Filler && words(plain(note)) <= 2 {
		return true
	}
	switch plain(note) {
	case "did it", "done", "done it", "i did it", "did", "i did", "yes", "finished", "completed", "all done", "not yet", "no",
		"nope", "partly", "sort of", "kind of", "a bit", "did it today", "done today":
		return true
	}
	return false
}

// afterKept runs after a done or partly check-in: misses end, the
// check-in is celebrated as what it is (the first, a return, a streak,
// a streak regained, what was done), and the follow-up is chosen: an
// offer to fade, a note, or a values question once the report is done.
func (t *turn) afterKept(o Outcome, k kept) Next {
	p := t.p
	p.Counts.Misses = 0
	var lines []Line
	streak := t.streak()
	x := Extra{Streak: streak, Specific: t.esc(k.specific), Partly: o == Partly}
	if k.note != "" && words(k.note) <= 20 {
		x.Note = t.esc(k.note)
	}
	switch {
	case k.first:
		lines = append(lines, sayWith("celebrate.first", x))
	case k.back:
		lines = append(lines, sayWith("celebrate.return", x))
	case streakMoments[streak] && streak > p.Counts.BestStreak:
		p.Counts.BestStreak = streak
		lines = append(lines, t.celebrate("celebrate.streak", x), t.publicLine("public.streak", x))
	case streakMoments[streak] && streak >= 3 && p.Counts.BestStreak >= streak:
		lines = append(lines, sayWith("celebrate.regained", x))
	case o == Done:
		lines = append(lines, t.celebrate("celebrate.checkin", x))
	default:
		lines = append(lines, sayWith("checkin.partly", x))
	}
	values := o == Done && t.shouldAskValues()
	switch {
	case t.shouldOfferFade(streak):
		p.Counts.FadeOffered = t.now
		return jump(flowFade, stepFadeOffer).saying(lines...)
	case k.note != "" && values:
		// The report is complete: now is a moment for the bigger question.
		t.valuesAsked()
		return jump(flowValues, stepValues).saying(lines...)
	case k.note != "":
		return leave().saying(append(lines, say("checkin.noted"))...)
	}
	p.Talk.Flow.Draft.ValuesNext = values
	return goStep(stepNote).saying(lines...)
}

// noteOnCheckIn rewrites the check-in just recorded with the person's note.
func (t *turn) noteOnCheckIn(text string) bool {
	d := t.p.Talk.Flow.Draft
	if d.CheckInAt.IsZero() || text == "" {
		return false
	}
	t.checkIns = append(t.checkIns, CheckIn{At: d.CheckInAt, Outcome: d.Outcome, Note: short(text, 500)})
	return true
}

func parseNote(t *turn, r Reading) Next {
	if !t.noteOnCheckIn(r.Value) {
		return reask("problem.checkin.lost")
	}
	n := t.afterNote()
	if sp := specificIn(r.Value); sp != "" {
		return n.saying(sayWith("checkin.note.specific", Extra{Specific: t.esc(sp)}))
	}
	if n.move == moveJump { // the values question follows: the note is heard first
		return n.saying(say("checkin.note.kept"))
	}
	return n
}

// noNote: "no", "nothing", "skip" to the note is fine.
func noNote(t *turn, _ Reading) Next { return t.afterNote() }

// afterNote ends the check-in, with the values question when it is due:
// the person has finished reporting.
func (t *turn) afterNote() Next {
	if t.p.Talk.Flow.Draft.ValuesNext && t.shouldAskValues() {
		t.valuesAsked()
		return jump(flowValues, stepValues)
	}
	return next()
}

func parseObstacle(t *turn, r Reading) Next { return t.obstacleHeard(r, true) }

// obstacleHeard takes what got in the way: kept for the next reminder,
// and met as what it is — outside pressure gets a question about what
// the person wants for themselves; twice in a row, an offer to adjust.
func (t *turn) obstacleHeard(r Reading, note bool) Next {
	if note && !t.noteOnCheckIn(r.Value) {
		return reask("problem.checkin.lost")
	}
	t.p.Memory.LastObstacle = short(r.Value, 300)
	if r.Pressure {
		t.p.Memory.Pressure = true
		return jump(flowOwn, stepOwn).saying(say("pressure.heard"))
	}
	if t.p.Counts.Misses >= 2 {
		// Twice in a row: normalise, and offer to change the plan.
		return jump(flowAdjust, stepAdjustOffer).saying(say("adjust.normalise"))
	}
	if !note {
		// Said with the "not yet": one answer for both.
		return leave().saying(say("checkin.notyet.heard"))
	}
	return leave().saying(say("checkin.obstacle.thanks"))
}

// unknownObstacle: not knowing what got in the way is an answer too;
// nothing is stored.
func unknownObstacle(t *turn, _ Reading) Next {
	if t.p.Counts.Misses >= 2 {
		return jump(flowAdjust, stepAdjustOffer).saying(say("adjust.normalise"))
	}
	return leave().saying(say("checkin.obstacle.unknown"))
}

// ParseOutcome reads a check-in answer: done, partly or not yet, in the
// many ways people say them.
func ParseOutcome(s string) (Outcome, bool) {
	n := normal(s)
	switch n {
	case "done", "did it", "yes", "y", "yep", "yeah", "complete", "completed", "finished",
		"✅", "✔", "✔️", "👍", "i did it", "i did", "did", "all done":
		return Done, true
	case "partly", "partially", "part", "some", "a bit", "a little", "half", "sort of",
		"kind of", "kinda", "somewhat", "🟡", "partial", "halfway":
		return Partly, true
	case "not yet", "no", "n", "nope", "not", "didn't", "did not", "not done", "notyet",
		"not_yet", "❌", "👎", "nah", "missed", "skipped", "not today":
		return NotYet, true
	}
	for _, p := range []struct {
		prefix string
		o      Outcome
	}{{"not yet", NotYet}, {"didn't", NotYet}, {"did not", NotYet}, {"no,", NotYet},
		{"partly", Partly}, {"partially", Partly}, {"done", Done}, {"yes,", Done}, {"i did it", Done}} {
		if strings.HasPrefix(n, p.prefix) {
			return p.o, true
		}
	}
	return "", false
}

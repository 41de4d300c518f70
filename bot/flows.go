package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Step is one question in a flow, as data: the message that asks it, the
// choices offered, the parser for the answer, the friendly re-ask used when
// the answer cannot be used, and the step that follows.
type Step struct {
	ID      string
	Prompt  string   // message that asks the question
	Ask     string   // names the choices, when there are any
	Choices []Choice // offered as buttons or numbered options
	ReAsk   string   // message when the answer can't be used; gets .Problem
	// Skip accepts "skip" as an answer and moves on without parsing.
	Skip bool
	// Soft marks an optional follow-up (a note): if the person leaves it
	// for hours, their next message starts afresh instead.
	Soft bool
	// Parse uses the answer. It returns the next step ("" for Next,
	// endFlow to finish here) or a problem to re-ask with.
	Parse func(t *turn, text string) (next string, problem error)
	Next  string
}

// Flow is a conversation with a goal (onboarding, a check-in): named steps
// and what to say when it is complete.
type Flow struct {
	Name  string
	First string
	Steps []*Step
	Done  func(t *turn)
}

const (
	endFlow = "$end"
	// stay keeps the person where Parse put them (it asked its own question).
	stay = "."
)

func (f *Flow) step(id string) *Step {
	for _, s := range f.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// check verifies a flow's wiring at start-up: every step named exists and
// every step can be parsed and re-asked.
func (f *Flow) check() error {
	if f.step(f.First) == nil {
		return fmt.Errorf("bot: flow %s: first step %q missing", f.Name, f.First)
	}
	for _, s := range f.Steps {
		if s.Parse == nil || s.Prompt == "" || s.ReAsk == "" {
			return fmt.Errorf("bot: flow %s: step %s incomplete", f.Name, s.ID)
		}
		if s.Next != "" && s.Next != endFlow && f.step(s.Next) == nil {
			return fmt.Errorf("bot: flow %s: step %s goes to missing %q", f.Name, s.ID, s.Next)
		}
	}
	return nil
}

// problem is an answer the bot can't use, said kindly.
type problem string

func (p problem) Error() string { return string(p) }

// start begins a flow and asks its first question.
func (t *turn) start(name string) {
	f := t.e.flows[name]
	t.p.Flow = FlowState{Flow: name, Step: f.First, Draft: map[string]string{}}
	t.prompt(f.step(f.First))
}

// enter puts the person on a step without asking it, for when their
// message already answered it (a "done" said out of the blue).
func (t *turn) enter(name, step string) {
	t.p.Flow = FlowState{Flow: name, Step: step, Draft: map[string]string{}}
}

// prompt asks a step's question.
func (t *turn) prompt(s *Step) {
	if t.p.Flow.Draft == nil {
		t.p.Flow.Draft = map[string]string{}
	}
	t.p.Flow.Draft["asked"] = t.now.UTC().Format(time.RFC3339)
	if s.Ask != "" {
		t.ask(s.Prompt, s.Ask, s.Choices, nil)
		return
	}
	t.p.Flow.Token = "" // buttons offered before no longer answer this
	t.say(s.Prompt, nil)
}

// answer feeds text to the current step.
func (t *turn) answer(text string) {
	f := t.e.flows[t.p.Flow.Flow]
	s := f.step(t.p.Flow.Step)
	if s == nil { // a step removed by an upgrade: start the flow again
		t.start(f.Name)
		return
	}
	var next string
	var err error
	switch {
	case strings.TrimSpace(text) == "":
		err = problem("I didn't catch anything there.")
	case s.Skip && normal(text) == "skip":
		next = s.Next
	default:
		next, err = s.Parse(t, text)
	}
	if err != nil {
		t.p.Flow.Retries++
		var pr problem
		msg := "I couldn't use that answer."
		if errors.As(err, &pr) {
			msg = string(pr)
		}
		vars := map[string]any{"Problem": msg, "Stuck": t.p.Flow.Retries >= 3, "CanSkip": s.Skip}
		if s.Ask != "" {
			t.ask(s.ReAsk, s.Ask, s.Choices, vars)
		} else {
			t.say(s.ReAsk, vars)
		}
		return
	}
	t.goTo(f, s, next)
}

// goTo moves to the next step and asks it, or finishes the flow.
func (t *turn) goTo(f *Flow, s *Step, next string) {
	if next == stay {
		return
	}
	if next == "" {
		next = s.Next
	}
	if next == "" || next == endFlow {
		t.p.Flow = FlowState{}
		if f.Done != nil {
			f.Done(t)
		}
		return
	}
	t.p.Flow.Step = next
	t.p.Flow.Retries = 0
	t.prompt(f.step(next))
}

var (
	yesNo     = []Choice{{Label: "Yes", Value: "yes"}, {Label: "No", Value: "no"}}
	outcomes  = []Choice{{Label: "Done", Value: "done"}, {Label: "Partly", Value: "partly"}, {Label: "Not yet", Value: "not yet"}}
	stillWant = []Choice{{Label: "Yes, keep going", Value: "yes"}, {Label: "Pause for now", Value: "pause"}}
	howOften  = []Choice{{Label: "Daily", Value: "daily"}, {Label: "Weekdays", Value: "weekdays"}, {Label: "Weekends", Value: "weekends"}}
)

// builtinFlows returns the conversation flows. Steps shared between flows
// (the goal questions) are defined once and linked differently.
func builtinFlows() map[string]*Flow {
	goalSteps := func(after string) []*Step {
		return []*Step{
			{ID: "goal", Prompt: "goal.ask", ReAsk: "goal.reask", Parse: parseGoal, Next: after},
			{ID: "doing", Prompt: "goal.doing", ReAsk: "goal.doing.reask", Parse: parseDoing, Next: "notice"},
			{ID: "notice", Prompt: "goal.notice", ReAsk: "goal.notice.reask", Skip: true, Parse: parseNotice, Next: "confirm"},
			{ID: "confirm", Prompt: "goal.confirm", Ask: "confirm", Choices: yesNo, ReAsk: "goal.confirm.reask", Parse: parseConfirm, Next: after},
			{ID: "rephrase", Prompt: "goal.rephrase", ReAsk: "goal.reask", Parse: parseOwnGoal, Next: after},
		}
	}
	onboard := &Flow{Name: "onboard", First: "reason", Done: onboardDone}
	onboard.Steps = append([]*Step{
		{ID: "reason", Prompt: "onboard.welcome", ReAsk: "onboard.reason.reask", Skip: true, Parse: parseReason, Next: "goal"},
	}, goalSteps("milestones")...)
	onboard.Steps = append(onboard.Steps,
		&Step{ID: "milestones", Prompt: "milestones.ask", ReAsk: "milestones.reask", Skip: true, Parse: parseMilestonesAnswer, Next: "step"},
		&Step{ID: "step", Prompt: "step.ask", ReAsk: "step.reask", Parse: parseStep, Next: "scale"},
		&Step{ID: "smaller", Prompt: "step.smaller", ReAsk: "step.reask", Parse: parseSmallerStep, Next: "scale"},
	)
	onboard.Steps = append(onboard.Steps, scaleSteps("anchor")...)
	onboard.Steps = append(onboard.Steps,
		&Step{ID: "anchor", Prompt: "anchor.ask", ReAsk: "anchor.reask", Skip: true, Parse: parseAnchor, Next: "time"},
		&Step{ID: "time", Prompt: "anchor.time", ReAsk: "anchor.time.reask", Parse: parseAnchorTime, Next: "days"},
		&Step{ID: "days", Prompt: "anchor.days", Ask: "days", Choices: howOften, ReAsk: "anchor.days.reask", Parse: parseDaysAnswer, Next: endFlow},
	)

	goal := &Flow{Name: "goal", First: "goal", Steps: goalSteps(endFlow), Done: func(t *turn) {
		t.say("goal.set", nil)
	}}

	step := &Flow{Name: "step", First: "step", Done: func(t *turn) { t.say("step.set", nil) }, Steps: append([]*Step{
		{ID: "step", Prompt: "step.ask", ReAsk: "step.reask", Parse: parseStep, Next: "scale"},
		{ID: "smaller", Prompt: "step.smaller", ReAsk: "step.reask", Parse: parseSmallerStep, Next: "scale"},
	}, scaleSteps(endFlow)...)}
	rate := &Flow{Name: "rate", First: "scale", Steps: scaleSteps(endFlow)}
	values := &Flow{Name: "values", First: "ask", Steps: []*Step{
		{ID: "ask", Prompt: "values.ask", ReAsk: "values.reask", Skip: true, Soft: true, Parse: parseValues, Next: endFlow},
	}}
	adjust := &Flow{Name: "adjust", First: "offer", Done: adjustDone, Steps: append([]*Step{
		{ID: "open", Prompt: "adjust.open", ReAsk: "adjust.open.reask", Skip: true, Soft: true, Parse: func(t *turn, text string) (string, error) {
			t.p.LastObstacle = text
			return "", nil
		}, Next: "offer"},
		{ID: "offer", Prompt: "adjust.offer", Ask: "adjust", Choices: adjustChoices, ReAsk: "adjust.offer.reask", Parse: parseAdjust},
		{ID: "adj_step", Prompt: "adjust.step", ReAsk: "step.reask", Parse: parseAdjustStep, Next: endFlow},
		{ID: "adj_anchor", Prompt: "anchor.ask", ReAsk: "anchor.reask", Parse: parseAnchor, Next: "adj_anchor_time"},
		{ID: "adj_anchor_time", Prompt: "anchor.time", ReAsk: "anchor.time.reask", Parse: parseAdjustTime, Next: endFlow},
		{ID: "adj_time", Prompt: "adjust.time", ReAsk: "anchor.time.reask", Parse: parseAdjustTime, Next: endFlow},
		{ID: "adj_days", Prompt: "anchor.days", Ask: "days", Choices: howOften, ReAsk: "anchor.days.reask", Parse: parseAdjustDays, Next: endFlow},
	}, goalSteps(endFlow)...)}
	fade := &Flow{Name: "fade", First: "offer", Steps: []*Step{
		{ID: "offer", Prompt: "fade.offer", Ask: "fade", Choices: fadeChoices, ReAsk: "fade.reask", Parse: parseFade, Next: endFlow},
	}}
	coach := &Flow{Name: "coachconsent", First: "confirm", Steps: []*Step{
		{ID: "confirm", Prompt: "coach.consent", Ask: "consent", Choices: yesNo, ReAsk: "coach.consent.reask", Parse: parseCoachConsent, Next: endFlow},
	}}

	checkin := &Flow{Name: "checkin", First: "outcome", Steps: []*Step{
		{ID: "outcome", Prompt: "checkin.ask", Ask: "checkin", Choices: outcomes, ReAsk: "checkin.reask", Parse: parseOutcomeAnswer},
		{ID: "note", Prompt: "checkin.note", ReAsk: "checkin.note.reask", Skip: true, Soft: true, Parse: parseNote, Next: endFlow},
		{ID: "obstacle", Prompt: "checkin.obstacle", ReAsk: "checkin.note.reask", Soft: true, Parse: parseObstacle, Next: endFlow},
	}, Done: func(t *turn) { t.say("checkin.noted", nil) }}

	win := &Flow{Name: "win", First: "text", Steps: []*Step{
		{ID: "text", Prompt: "win.ask", ReAsk: "win.reask", Parse: func(t *turn, text string) (string, error) {
			t.recordWin(text)
			return endFlow, nil
		}},
	}}
	stillwant := &Flow{Name: "stillwant", First: "answer", Steps: []*Step{
		{ID: "answer", Prompt: "quiet.stillwant", Ask: "stillwant", Choices: stillWant, ReAsk: "quiet.stillwant.reask", Parse: parseStillWant, Next: endFlow},
	}}
	forget := &Flow{Name: "forget", First: "confirm", Steps: []*Step{
		{ID: "confirm", Prompt: "forget.confirm", Ask: "forget", Choices: []Choice{{Label: "Yes, delete everything", Value: "yes"}, {Label: "No, keep it", Value: "no"}},
			ReAsk: "forget.confirm.reask", Parse: parseForget, Next: endFlow},
	}}
	return map[string]*Flow{forget.Name: forget, rate.Name: rate, values.Name: values, adjust.Name: adjust, fade.Name: fade, coach.Name: coach,
		stillwant.Name: stillwant, onboard.Name: onboard, goal.Name: goal, step.Name: step, checkin.Name: checkin, win.Name: win}
}

func words(s string) int { return len(strings.Fields(s)) }

func parseReason(t *turn, text string) (string, error) {
	t.p.StartingReason = text
	return "", nil
}

func parseGoal(t *turn, text string) (string, error) {
	if words(text) < 2 && !strings.ContainsAny(text, "0123456789") {
		return "", problem("Tell me a little more than one word, so I can picture it.")
	}
	if IsVagueGoal(text) {
		t.p.Flow.Draft["vague"] = text
		return "doing", nil
	}
	t.p.Goal = text
	return "", nil
}

func parseDoing(t *turn, text string) (string, error) {
	if words(text) < 2 {
		return "", problem("Paint me a slightly bigger picture.")
	}
	t.p.Flow.Draft["doing"] = text
	return "", nil
}

func parseNotice(t *turn, text string) (string, error) {
	switch normal(text) {
	case "ok", "okay", "yes", "no", "idk", "dunno", "not sure", "i don't know", "i dont know",
		"nobody", "no one", "noone", "none", "nothing", "n/a", "na":
		return "", nil // nobody in particular: the goal stands on its own
	}
	t.p.Flow.Draft["notice"] = text
	return "", nil
}

func parseConfirm(t *turn, text string) (string, error) {
	if yes, ok := ParseYesNo(text); ok {
		if !yes {
			return "rephrase", nil
		}
		t.p.Goal = asGoal(t.p.Flow.Draft["doing"])
		return "", nil
	}
	// Anything longer is their own wording of the goal.
	if words(text) >= 3 {
		t.p.Goal = text
		return "", nil
	}
	return "", problem("Just say yes if that's your goal, or write it the way you'd put it.")
}

func parseOwnGoal(t *turn, text string) (string, error) {
	if words(text) < 2 {
		return "", problem("A few words will do — how would you put your goal?")
	}
	t.p.Goal = text
	return "", nil
}

func parseStep(t *turn, text string) (string, error) {
	if words(text) < 2 && !strings.ContainsAny(text, "0123456789") {
		return "", problem("What's one small thing you could actually do — a couple of words is enough.")
	}
	if IsBigStep(text) {
		t.p.Flow.Draft["big"] = text
		return "smaller", nil
	}
	t.p.Step = text
	return "", nil
}

// parseSmallerStep takes whatever they answer: the bot asks for a smaller
// version once and does not argue.
func parseSmallerStep(t *turn, text string) (string, error) {
	switch normal(text) {
	case "no", "keep", "keep it", "same", "it's fine", "its fine", "fine", "that's fine", "no, keep it":
		t.p.Step = t.p.Flow.Draft["big"]
		return "", nil
	}
	if words(text) < 2 && !strings.ContainsAny(text, "0123456789") {
		return "", problem("A couple of words is enough — or say keep to stay with your first idea.")
	}
	t.p.Step = text
	return "", nil
}

func parseAnchor(t *turn, text string) (string, error) {
	h := oneLine(text)
	for _, prefix := range []string{"right after ", "just after ", "after "} {
		if strings.HasPrefix(strings.ToLower(h), prefix) {
			h = h[len(prefix):]
			break
		}
	}
	if h == "" {
		return "", problem("Which thing you already do could this follow?")
	}
	t.p.Anchor.Habit = short(h, 120)
	return "", nil
}

func parseAnchorTime(t *turn, text string) (string, error) {
	h, m, err := ParseClock(text)
	if err != nil {
		return "", problem("I couldn't read that as a time.")
	}
	t.p.Anchor.Time = fmt.Sprintf("%02d:%02d", h, m)
	return "", nil
}

func parseDaysAnswer(t *turn, text string) (string, error) {
	dow, label, err := ParseDays(text)
	if err != nil {
		return "", problem(err.Error() + ".")
	}
	t.setSchedule(dailyCron(t.p.Anchor.Time, dow), label+" at "+t.p.Anchor.Time)
	return "", nil
}

func onboardDone(t *turn) {
	t.p.Onboarded = true
	t.say("onboard.done", nil)
}

func parseOutcomeAnswer(t *turn, text string) (string, error) {
	o, ok := ParseOutcome(text)
	if !ok && words(text) >= 3 {
		// An explanation rather than an answer: what got in the way.
		t.p.LastObstacle = text
		if t.p.Misses > 0 {
			t.say("adjust.heard", nil)
			t.enter("adjust", "offer")
			t.prompt(t.e.flows["adjust"].step("offer"))
			return stay, nil
		}
		t.say("checkin.heard", nil)
		t.prompt(t.e.flows["checkin"].step("outcome"))
		return stay, nil
	}
	if !ok {
		return "", problem("I didn't get that.")
	}
	return t.recordOutcome(o), nil
}

// recordOutcome records a check-in at once (so nothing is lost if the
// person never answers the follow-up), answers it, and returns the
// follow-up step.
func (t *turn) recordOutcome(o Outcome) string {
	at := t.now
	if !at.After(t.p.LastCheckIn) { // two check-ins in one instant stay two records
		at = t.p.LastCheckIn.Add(time.Nanosecond)
	}
	c := CheckIn{At: at, Outcome: o}
	t.checkIns = append(t.checkIns, c)
	t.p.CheckIns++
	t.p.LastCheckIn = at
	t.p.Flow.Draft["checkin_at"] = at.UTC().Format(time.RFC3339Nano)
	t.p.Flow.Draft["outcome"] = string(o)
	next := "obstacle"
	if o == NotYet {
		t.p.Misses++
		t.say("checkin.notyet", nil)
	} else if next = t.afterKept(o); next == "" {
		return stay // another flow took over (fade offer, values question)
	}
	t.p.Flow.Step = next
	t.prompt(t.e.flows["checkin"].step(next))
	return stay
}

// noteOnCheckIn rewrites the check-in just recorded with the person's note.
func (t *turn) noteOnCheckIn(text string) error {
	at, err := time.Parse(time.RFC3339Nano, t.p.Flow.Draft["checkin_at"])
	if err != nil {
		return problem("I lost track of which check-in that was — your check-in itself is saved.")
	}
	t.checkIns = append(t.checkIns, CheckIn{At: at, Outcome: Outcome(t.p.Flow.Draft["outcome"]), Note: text})
	return nil
}

func parseNote(t *turn, text string) (string, error) {
	return "", t.noteOnCheckIn(text)
}

func parseObstacle(t *turn, text string) (string, error) {
	if normal(text) != "skip" {
		if err := t.noteOnCheckIn(text); err != nil {
			return "", err
		}
		t.p.LastObstacle = text
	}
	if t.p.Misses >= 2 {
		// Twice in a row: normalise, and offer to change the plan.
		t.say("adjust.normalise", nil)
		t.enter("adjust", "offer")
		t.prompt(t.e.flows["adjust"].step("offer"))
		return stay, nil
	}
	t.p.Flow = FlowState{}
	t.say("checkin.obstacle.thanks", nil)
	return stay, nil
}

// recordWin records a win and celebrates it.
func (t *turn) recordWin(text string) {
	w := Win{At: t.now, Text: text}
	t.wins = append(t.wins, w)
	t.p.Wins++
	first := t.p.Wins == 1
	t.p.LastWin = text
	vars := map[string]any{"Win": text}
	if first {
		t.say("celebrate.firstwin", vars)
	} else {
		t.celebrate("celebrate.win", vars)
	}
	t.public("public.win", vars)
}

// celebrate says a message in a wording different from the last one of
// its kind. The choice is a pure function of the person's history, so a
// transcript replays the same way.
func (t *turn) celebrate(name string, vars map[string]any) {
	n := t.e.words.Variants(name)
	if n < 1 {
		n = 1
	}
	if t.p.LastWording == nil {
		t.p.LastWording = map[string]int{}
	}
	v := int((uint64(t.p.Wins)*7 + uint64(t.p.CheckIns)*3 + uint64(len(t.p.ID))) % uint64(n))
	if last := t.p.LastWording[name]; n > 1 && last == v+1 {
		v = (v + 1) % n
	}
	t.p.LastWording[name] = v + 1
	t.sayVariant(name, v, vars)
}

// setSchedule sets the person's reminder schedule and the next reminder.
func (t *turn) setSchedule(spec, label string) {
	t.p.Schedule = Schedule{Cron: spec, Label: label}
	t.reschedule()
}

// reschedule recomputes the next reminder from the schedule, zone and pause.
func (t *turn) reschedule() {
	p := t.p
	p.NextReminder = time.Time{}
	if p.Schedule.Cron == "" || p.Schedule.Paused && p.Schedule.PausedUntil.IsZero() {
		return
	}
	s, err := t.e.crons.Parse(p.Schedule.Cron)
	if err != nil {
		t.e.log.Warn("stored schedule no longer parses", "person", p.ID, "err", err)
		return
	}
	from := t.now
	if p.Schedule.Paused && p.Schedule.PausedUntil.After(from) {
		from = p.Schedule.PausedUntil
	}
	p.NextReminder = NextFire(s, from, t.loc)
}

// parseStillWant answers "do you still want reminders?" after a quiet spell.
func parseStillWant(t *turn, text string) (string, error) {
	switch n := normal(text); {
	case n == "pause" || n == "pause for now" || n == "stop" || n == "not now" || n == "later":
		cmdPause(t, "")
		return stay, nil
	default:
		yes, ok := ParseYesNo(text)
		if !ok && (strings.HasPrefix(n, "yes") || strings.HasPrefix(n, "keep")) {
			yes, ok = true, true
		}
		if !ok {
			return "", problem("I didn't get that.")
		}
		if !yes {
			cmdPause(t, "")
			return stay, nil
		}
		t.say("quiet.welcome", nil)
		return endFlow, nil
	}
}

// parseForget deletes everything only on a clear yes.
func parseForget(t *turn, text string) (string, error) {
	switch normal(text) {
	case "yes", "yes, delete everything", "delete", "delete everything":
		t.forget = true
		t.p.Flow = FlowState{}
		t.say("forget.done", nil)
		return stay, nil
	case "no", "no, keep it", "keep", "cancel":
		t.say("forget.kept", nil)
		return endFlow, nil
	}
	return "", problem("To delete everything, answer yes; to keep it, no.")
}

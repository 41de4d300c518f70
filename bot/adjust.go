package bot

import (
	"strings"
	"time"
)

// When they hit the wall (technique 11): after two misses the bot
// normalises (setbacks are information, not a verdict), asks what got in
// the way, and offers to adjust the plan — a smaller step, another time
// or anchor, fewer days, a rethought goal — and does it on the spot.

const flowAdjust FlowID = "adjust"

const (
	stepAdjustOpen       StepID = "open"
	stepAdjustOffer      StepID = "offer"
	stepAdjustStep       StepID = "adj_step"
	stepAdjustAnchor     StepID = "adj_anchor"
	stepAdjustAnchorTime StepID = "adj_anchor_time"
	stepAdjustTime       StepID = "adj_time"
	stepAdjustDays       StepID = "adj_days"
)

const askAdjust = "adjust"

var adjustChoices = []Choice{
	{Label: "label.adjust.smaller", Value: "smaller"}, {Label: "label.adjust.time", Value: "time"},
	{Label: "label.adjust.anchor", Value: "anchor"}, {Label: "label.adjust.days", Value: "days"},
	{Label: "label.adjust.goal", Value: "goal"}, {Label: "label.adjust.keep", Value: "keep"},
}

func adjustFlow() *Flow {
	f := &Flow{ID: flowAdjust, First: stepAdjustOffer, Done: adjustDone, Steps: []*Step{
		{ID: stepAdjustOpen, Prompt: "adjust.open", ReAsk: "adjust.open.reask", Expect: ExpectObstacle, Skip: true, Soft: true, Parse: parseAdjustOpen, Next: stepAdjustOffer},
		{ID: stepAdjustOffer, Prompt: "adjust.offer", Ask: askAdjust, Choice: adjustChoices, ReAsk: "adjust.offer.reask", Expect: ExpectChoice,
			Parse: parseAdjust, Unsure: unsureAdjust},
		{ID: stepAdjustStep, Prompt: "adjust.step", ReAsk: "step.reask", Expect: ExpectStep, Examples: "step", Parse: parseAdjustStep},
		{ID: stepAdjustAnchor, Prompt: "anchor.ask", ReAsk: "anchor.reask", Expect: ExpectHabit, Examples: "habit", Parse: parseAnchor, Next: stepAdjustAnchorTime},
		{ID: stepAdjustAnchorTime, Prompt: "anchor.time", ReAsk: "anchor.time.reask", Expect: ExpectTime, Examples: "time", Parse: parseAdjustTime, With: hourExtra},
		{ID: stepAdjustTime, Prompt: "adjust.time", ReAsk: "anchor.time.reask", Expect: ExpectTime, Examples: "time", Parse: parseAdjustTime, With: hourExtra},
		{ID: stepAdjustDays, Prompt: "anchor.days", Ask: askDays, Choice: howOften, ReAsk: "anchor.days.reask", Expect: ExpectDays, Parse: parseAdjustDays},
	}}
	f.Steps = append(f.Steps, goalSteps("")...)
	return f
}

func cmdAdjust(t *turn, _ string) {
	if t.needsPlan() {
		return
	}
	t.start(flowAdjust)
}

func parseAdjustOpen(t *turn, r Reading) Next {
	t.p.Memory.LastObstacle = short(r.Value, 300)
	if r.Pressure {
		t.p.Memory.Pressure = true
		return jump(flowOwn, stepOwn).saying(say("pressure.heard"))
	}
	return next()
}

// unsureAdjust: "no", "nothing", "the same" to "what shall we change?"
// keep the plan as it is; any other doubt gets the choices again.
func unsureAdjust(t *turn, r Reading) Next {
	switch r.Non {
	case Refusal, Nothing, Same:
		t.settleMisses()
		return leave().saying(say("adjust.keep"))
	}
	_, s := t.current()
	return t.unsure(s, r)
}

func parseAdjust(t *turn, r Reading) Next {
	n := normal(r.Text)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(n, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("smaller", "step", "easier"):
		return goStep(stepAdjustStep)
	case has("anchor", "habit", "after"):
		return goStep(stepAdjustAnchor)
	case has("time", "later", "earlier", "hour"):
		return goStep(stepAdjustTime)
	case has("days", "fewer", "less often", "timeline", "longer", "slower"):
		return goStep(stepAdjustDays)
	case has("goal", "rethink", "refine"):
		return goStep(stepGoal)
	case has("keep", "as is", "no change", "nothing", "fine"), n == "no":
		t.settleMisses()
		return leave().saying(say("adjust.keep"))
	}
	if words(r.Value) >= 3 {
		// "work was insane": more about what got in the way, not a choice.
		t.p.Memory.LastObstacle = short(r.Value, 300)
		return reask("problem.adjust.heard")
	}
	return reask("problem.adjust.which")
}

func parseAdjustStep(t *turn, r Reading) Next {
	if words(r.Value) < 2 && !strings.ContainsAny(r.Value, "0123456789") {
		return reask("problem.step.couple")
	}
	t.p.Plan.Step = short(r.Value, 300)
	return next()
}

// parseAdjustTime moves the reminder to a new time on the same days.
func parseAdjustTime(t *turn, r Reading) Next {
	if n, ok := t.setAnchorTime(r); !ok {
		return n
	}
	dow := "*"
	if f := strings.Fields(t.p.Schedule.Cron); len(f) == 5 {
		dow = f[4]
	}
	spec := dailyCron(t.p.Plan.Anchor.Time, dow)
	t.setSchedule(spec, describeCron(spec))
	return next()
}

func parseAdjustDays(t *turn, r Reading) Next {
	if t.p.Plan.Anchor.Time == "" {
		t.p.Plan.Anchor.Time = "09:00"
	}
	return parseDaysAnswer(t, r)
}

// settleMisses starts afresh after the plan was talked through: the
// reminder outstanding is answered by the conversation, not missed.
func (t *turn) settleMisses() {
	t.p.Counts.Misses = 0
	t.p.Schedule.Last = time.Time{}
}

func adjustDone(t *turn) []Line {
	t.settleMisses()
	return []Line{say("adjust.done")}
}

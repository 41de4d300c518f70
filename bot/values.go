package bot

import "time"

// Values (technique 6): one values question at a time, never a
// questionnaire — how does this connect to what matters most to you?
// The answer is the inner reason (technique 1), quoted back at the
// moments that need it.

const flowValues FlowID = "values"

const stepValues StepID = "ask"

// valueKinds is how many kinds of values question take turns.
const valueKinds = 3

func valuesFlow() *Flow {
	return &Flow{ID: flowValues, First: stepValues, Steps: []*Step{
		{ID: stepValues, Prompt: "values.ask", ReAsk: "values.reask", Expect: ExpectValues, Skip: true, Soft: true,
			Parse: parseValues, Unsure: valuesLater, Other: valuesOther},
	}}
}

// Outside pressure ("HR made me"): a person who did not choose the goal
// is asked what they would want from it for themselves — autonomy, not
// a smaller step. Their answer, if they have one, is their own reason.

const flowOwn FlowID = "own"

const stepOwn StepID = "own"

func ownFlow() *Flow {
	return &Flow{ID: flowOwn, First: stepOwn, Steps: []*Step{
		{ID: stepOwn, Prompt: "pressure.own", ReAsk: "values.reask", Expect: ExpectValues, Skip: true, Soft: true,
			Parse: parseOwn, Unsure: func(t *turn, _ Reading) Next { return finish().saying(say("pressure.none")) }},
	}}
}

func parseOwn(t *turn, r Reading) Next {
	if r.Pressure && !isReason(r.Text) {
		return finish().saying(say("pressure.none"))
	}
	t.p.Plan.InnerReason = short(r.Value, 300)
	return finish().saying(say("values.thanks"))
}

// valuesLater: the values question can wait; nothing is stored.
func valuesLater(t *turn, r Reading) Next {
	return finish().saying(sayWith("values.later", Extra{Non: r.Non.String()}))
}

// valuesOther: a report of how the step went is not a reason; it is
// kept with the check-in when there is one, and the question waits.
func valuesOther(t *turn, r Reading) (Next, bool) {
	switch r.Other {
	case ExpectNote, ExpectCheckIn:
		return finish().saying(say("values.notnow")), true
	case ExpectReason:
		if r.Pressure {
			t.p.Memory.Pressure = true
			return jump(flowOwn, stepOwn).saying(say("pressure.heard")), true
		}
	}
	return Next{}, false
}

// shouldAskValues: after a real check-in, while the inner reason is
// unknown, at most every three days.
func (t *turn) shouldAskValues() bool {
	c := t.p.Counts
	return t.p.Plan.InnerReason == "" && (c.ValuesAt.IsZero() || t.now.Sub(c.ValuesAt) > 72*time.Hour)
}

// valuesAsked counts a values question about to be asked, so the next
// one is of another kind.
func (t *turn) valuesAsked() {
	t.p.Counts.ValuesAsked++
	t.p.Counts.ValuesAt = t.now
}

func cmdWhy(t *turn, _ string) {
	if t.needsPlan() {
		return
	}
	t.valuesAsked()
	t.start(flowValues)
}

func parseValues(t *turn, r Reading) Next {
	if r.Pressure && !isReason(r.Text) {
		t.p.Memory.Pressure = true
		return jump(flowOwn, stepOwn).saying(say("pressure.heard"))
	}
	if words(r.Value) < 2 && !isReason(r.Text) && len([]rune(r.Value)) < 6 {
		return reask("problem.values.short")
	}
	t.p.Plan.InnerReason = short(r.Value, 300)
	return finish().saying(say("values.thanks"))
}

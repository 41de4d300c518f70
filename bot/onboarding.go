package bot

// Onboarding (technique 1 and the start of 2-7): what brought the person
// here (their starting reason), then the goal, milestones, the smallest
// step, how likely they are to take it, the habit it rides on, its time
// and its days. The goal, step, scale and anchor questions are shared
// with the flows that change them later (goal.go, step.go, scaling.go,
// reminders.go).

const flowOnboard FlowID = "onboard"

const (
	stepReason StepID = "reason"
	stepOwnWhy StepID = "own"
)

func onboardFlow() *Flow {
	f := &Flow{ID: flowOnboard, First: stepReason, Done: onboardDone}
	f.Steps = append(f.Steps,
		&Step{ID: stepReason, Prompt: "onboard.welcome", ReAsk: "onboard.reason.reask", Expect: ExpectReason,
			Skip: true, Parse: parseReason, Next: stepGoal},
		&Step{ID: stepOwnWhy, Prompt: "pressure.own", ReAsk: "onboard.reason.reask", Expect: ExpectValues,
			Skip: true, Parse: parseOwnWhy, Next: stepGoal})
	f.Steps = append(f.Steps, goalSteps(stepMilestones)...)
	f.Steps = append(f.Steps, milestonesStep(stepStep))
	f.Steps = append(f.Steps, stepSteps(stepScale)...)
	f.Steps = append(f.Steps, scaleSteps(stepAnchor)...)
	f.Steps = append(f.Steps, anchorSteps()...)
	return f
}

func parseReason(t *turn, r Reading) Next {
	t.p.Plan.StartingReason = short(r.Value, 300)
	if r.Pressure {
		// Someone else's idea: ask what they would want from it.
		t.p.Memory.Pressure = true
		return goStep(stepOwnWhy).saying(say("pressure.heard"))
	}
	return next()
}

// parseOwnWhy keeps what a person who did not choose this wants from it
// for themselves: their own reason.
func parseOwnWhy(t *turn, r Reading) Next {
	if r.Pressure && !isReason(r.Text) {
		return next().saying(say("pressure.none"))
	}
	t.p.Plan.InnerReason = short(r.Value, 300)
	return next()
}

func onboardDone(t *turn) []Line {
	t.p.Plan.Onboarded = true
	return []Line{say("onboard.done")}
}

// cmdStart greets: a newcomer starts onboarding, someone halfway through
// it is taken back to their question, anyone else is welcomed back.
func cmdStart(t *turn, _ string) {
	if !t.p.Plan.Onboarded && t.p.Talk.Flow.Flow == "" {
		if t.ev.Command == "" && t.isCoachHere() {
			t.say(say("coach.welcome")) // a hello from a coach: no plan is asked of them
			return
		}
		t.start(flowOnboard)
		return
	}
	if t.needsPlan() {
		return
	}
	t.hello()
	if _, s := t.current(); s != nil {
		if !s.Soft {
			t.say(say("back.to.question"))
			t.prompt(s)
			return
		}
	}
	t.p.Talk.Flow = FlowState{} // an optional note can wait for another day
}

// needsPlan answers people who ask for something that needs a plan they
// have not made yet, and offers to make it. It reports whether it did.
func (t *turn) needsPlan() bool {
	if t.p.Plan.Onboarded {
		return false
	}
	if t.p.Talk.Flow.Flow != flowOnboard && t.isCoachHere() {
		t.say(say("coach.noplan")) // a coach coaches without a plan of their own
		return true
	}
	if t.p.Talk.Flow.Flow == flowOnboard {
		t.say(say("onboard.resume"))
		if _, s := t.current(); s != nil {
			t.prompt(s)
		} else {
			t.start(flowOnboard)
		}
		return true
	}
	t.say(say("need.plan"))
	t.start(flowOnboard)
	return true
}

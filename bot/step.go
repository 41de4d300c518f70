package bot

import "strings"

// Start ridiculously small (technique 4): the bot asks for the smallest,
// easiest next step, and when it sounds like a project asks once for a
// smaller version, without arguing.

const flowStep FlowID = "step"

const (
	stepStep    StepID = "step"
	stepSmaller StepID = "smaller"
)

// stepSteps ask for the next step; after is what follows it.
func stepSteps(after StepID) []*Step {
	return []*Step{
		{ID: stepStep, Prompt: "step.ask", ReAsk: "step.reask", Expect: ExpectStep, Examples: "step", Parse: parseStep, Next: after},
		{ID: stepSmaller, Prompt: "step.smaller", ReAsk: "step.reask", Expect: ExpectSmaller, Parse: parseSmallerStep, Next: after,
			Unsure: keepBigStep},
	}
}

func stepFlow() *Flow {
	f := &Flow{ID: flowStep, First: stepStep, Done: func(*turn) []Line { return []Line{say("step.set")} }}
	f.Steps = append(stepSteps(stepScale), scaleSteps("")...)
	return f
}

func cmdStep(t *turn, args string) { t.startWith(flowStep, args) }

func parseStep(t *turn, r Reading) Next {
	v := r.Value
	if v == "keep" {
		if t.p.Plan.Step != "" {
			return next()
		}
		return reask("problem.step.short")
	}
	if words(v) < 2 && !strings.ContainsAny(v, "0123456789") {
		return reask("problem.step.short")
	}
	if IsBigStep(v) {
		t.p.Talk.Flow.Draft.Big = short(v, 300)
		return goStep(stepSmaller)
	}
	t.p.Plan.Step = short(v, 300)
	return next()
}

// parseSmallerStep takes whatever they answer: the bot asks for a smaller
// version once and does not argue.
func parseSmallerStep(t *turn, r Reading) Next {
	if r.Value == "keep" {
		return keepBigStep(t, r)
	}
	if words(r.Value) < 2 && !strings.ContainsAny(r.Value, "0123456789") {
		return reask("problem.step.keep")
	}
	t.p.Plan.Step = short(r.Value, 300)
	return next()
}

// keepBigStep keeps the step as the person first said it: asked once
// for a smaller one, "no" or "not sure" is their answer.
func keepBigStep(t *turn, _ Reading) Next {
	if big := t.p.Talk.Flow.Draft.Big; big != "" {
		t.p.Plan.Step = big
		return next().saying(say("step.kept"))
	}
	if t.p.Plan.Step != "" {
		return next().saying(say("step.kept"))
	}
	return reask("problem.step.keep")
}

// IsBigStep reports whether a step sounds like a project rather than a
// five-minute action: long, several parts, or "finish the whole…".
func IsBigStep(step string) bool {
	n := " " + strings.ToLower(oneLine(step)) + " "
	if len(strings.Fields(n)) > 14 {
		return true
	}
	for _, big := range []string{
		" finish ", " complete ", " the whole ", " entire ", " all of ", " all the ",
		" and then ", " then ", " launch ", " build ", " rewrite ", " every ",
	} {
		if strings.Contains(n, big) {
			return true
		}
	}
	return strings.Count(n, ",") >= 2 || strings.Count(n, " and ") >= 2
}

package bot

import (
	"strings"
	"unicode"
)

// Clear goals (technique 3): a vague goal ("be more confident") is
// sharpened with concrete questions (what would you be doing
// differently? who would notice?) into a statement the person confirms.

const flowGoal FlowID = "goal"

const (
	stepGoal     StepID = "goal"
	stepDoing    StepID = "doing"
	stepNotice   StepID = "notice"
	stepConfirm  StepID = "confirm"
	stepRephrase StepID = "rephrase"
)

const askConfirm = "confirm"

// goalSteps are the goal questions; after is the step that follows a
// goal settled (empty: the flow ends).
func goalSteps(after StepID) []*Step {
	return []*Step{
		{ID: stepGoal, Prompt: "goal.ask", ReAsk: "goal.reask", Expect: ExpectGoal, Examples: "goal", Parse: parseGoal, Next: after},
		{ID: stepDoing, Prompt: "goal.doing", ReAsk: "goal.doing.reask", Expect: ExpectGoal, Examples: "doing", Parse: parseDoing, Next: stepNotice},
		{ID: stepNotice, Prompt: "goal.notice", ReAsk: "goal.notice.reask", Expect: ExpectWho, Skip: true, Parse: parseNotice, Next: stepConfirm,
			Unsure: func(*turn, Reading) Next { return next() }}, // nobody in particular: the goal stands on its own
		{ID: stepConfirm, Prompt: "goal.confirm", Ask: askConfirm, Choice: yesNo, ReAsk: "goal.confirm.reask", Expect: ExpectConfirm, Parse: parseConfirm, Next: after},
		{ID: stepRephrase, Prompt: "goal.rephrase", ReAsk: "goal.reask", Expect: ExpectGoal, Examples: "goal", Parse: parseOwnGoal, Next: after},
	}
}

func goalFlow() *Flow {
	return &Flow{ID: flowGoal, First: stepGoal, Steps: goalSteps(""), Done: func(*turn) []Line {
		return []Line{say("goal.set")}
	}}
}

func cmdGoal(t *turn, args string) { t.startWith(flowGoal, args) }

func parseGoal(t *turn, r Reading) Next {
	v := r.Value
	if words(v) < 2 && !strings.ContainsAny(v, "0123456789") {
		return reask("problem.goal.short")
	}
	if IsVagueGoal(v) {
		t.p.Talk.Flow.Draft.Vague = short(v, 300)
		return goStep(stepDoing)
	}
	t.p.Plan.Goal = short(asGoal(v), 300)
	return next()
}

func parseDoing(t *turn, r Reading) Next {
	if words(r.Value) < 2 {
		return reask("problem.goal.bigger")
	}
	t.p.Talk.Flow.Draft.Doing = short(r.Value, 300)
	return next()
}

func parseNotice(t *turn, r Reading) Next {
	if r.Value != "" {
		t.p.Talk.Flow.Draft.Notice = short(r.Value, 120)
	}
	return next()
}

func parseConfirm(t *turn, r Reading) Next {
	if r.Kind == NonAnswer && !r.IsYesNo {
		return reask("problem.goal.confirm")
	}
	if r.IsYesNo {
		if !r.Yes {
			return goStep(stepRephrase)
		}
		t.p.Plan.Goal = asGoal(t.p.Talk.Flow.Draft.Doing)
		return next()
	}
	// Anything longer is their own wording of the goal.
	if words(r.Value) >= 3 {
		t.p.Plan.Goal = short(r.Value, 300)
		return next()
	}
	return reask("problem.goal.confirm")
}

func parseOwnGoal(t *turn, r Reading) Next {
	if words(r.Value) < 2 {
		return reask("problem.goal.own")
	}
	t.p.Plan.Goal = short(r.Value, 300)
	return next()
}

var numberWords = map[string]bool{
	"one": true, "two": true, "three": true, "four": true, "five": true, "six": true,
	"seven": true, "eight": true, "nine": true, "ten": true, "twenty": true, "thirty": true,
	"once": true, "twice": true, "daily": true, "weekly": true, "every": true, "each": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "weekday": true, "weekdays": true, "minutes": true,
	"pages": true, "km": true, "by": true,
}

var vagueWords = []string{
	"better", "more ", "less ", "confident", "happier", "healthier", "happy", "healthy",
	"improve", "fit", "productive", "organized", "organised", "balance", "motivated",
	"successful", "sort out", "sort my", "get my life", "be a better", "figure out",
	"work on", "stuff", "things",
}

// IsVagueGoal reports whether a goal needs sharpening: it names a feeling
// or a direction rather than something a person could see being done
// (no number, no rhythm, no date), or it is just a few words.
func IsVagueGoal(goal string) bool {
	n := " " + strings.ToLower(oneLine(goal)) + " "
	words := strings.Fields(n)
	for _, w := range words {
		w = strings.Trim(w, ".,;:!?")
		if numberWords[w] || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			return false
		}
	}
	if len(words) < 4 {
		return true
	}
	for _, v := range vagueWords {
		if strings.Contains(n, v) {
			return true
		}
	}
	return false
}

// asGoal turns an answer to "what would you be doing differently?" into a
// goal statement: "I'd speak up in meetings" becomes "Speak up in meetings".
func asGoal(s string) string {
	g := oneLine(s)
	lower := strings.ToLower(g)
	for _, p := range []string{"i'd be ", "i would be ", "i'm ", "i am ", "i'd ", "i would ", "i’d ", "i'll ", "i will "} {
		if strings.HasPrefix(lower, p) {
			g = g[len(p):]
			if strings.HasSuffix(p, "be ") || p == "i'm " || p == "i am " {
				g = "be " + g
			}
			break
		}
	}
	if g == "" {
		return g
	}
	r := []rune(g)
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

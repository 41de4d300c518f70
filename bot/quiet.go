package bot

import (
	"strings"
	"time"
)

// Quiet people (technique 11): someone who goes quiet gets fewer
// reminders, not more. After quietAsk unanswered reminders the bot asks
// once whether they still want this; then it reminds every other day,
// then weekly; at quietPause it pauses quietly. Whoever comes back is
// welcomed, and the usual rhythm returns.

const flowStillWant FlowID = "stillwant"

const stepStillWant StepID = "answer"

const askStillWant = "stillwant"

var stillWantChoices = []Choice{{Label: "label.stillwant.yes", Value: "yes"}, {Label: "label.stillwant.pause", Value: "pause"}}

const (
	quietAsk   = 3
	quietPause = 8
)

func stillWantFlow() *Flow {
	return &Flow{ID: flowStillWant, First: stepStillWant, Steps: []*Step{
		{ID: stepStillWant, Prompt: "quiet.stillwant", Ask: askStillWant, Choice: stillWantChoices, ReAsk: "quiet.stillwant.reask", Expect: ExpectYesNo, Parse: parseStillWant},
	}}
}

// quietGap is the least time to the next reminder after n unanswered ones.
func quietGap(n int) time.Duration {
	switch {
	case n < quietAsk:
		return 0
	case n < quietAsk+2:
		return 2 * 24 * time.Hour
	default:
		return 7 * 24 * time.Hour
	}
}

// comeBack takes in that the person wrote again: after a quiet spell the
// old question is not waiting for an answer any more, and a quiet pause
// ends. It reports whether reminders need rescheduling.
func (e *Engine) comeBack(t *turn) bool {
	p := t.p
	if p.Counts.Unanswered >= quietAsk {
		t.returned = true
		if p.Talk.Flow.Flow == flowCheckin || p.Talk.Flow.Flow == flowStillWant {
			p.Talk.Flow = FlowState{}
		}
	}
	if p.Counts.Unanswered == 0 {
		return false
	}
	// They are back: the usual rhythm returns, even after the quiet
	// pause the scheduler made.
	if p.Counts.Unanswered >= quietPause {
		p.Schedule.resume(t.now)
	}
	p.Counts.Unanswered = 0
	return true
}

// parseStillWant answers "do you still want reminders?" after a quiet spell.
func parseStillWant(t *turn, r Reading) Next {
	n := normal(r.Text)
	switch n {
	case "pause", "pause for now", "stop", "not now", "later":
		return leave().saying(t.pauseReminders(time.Time{})...)
	}
	yes, ok := ParseYesNo(r.Text)
	if !ok && (strings.HasPrefix(n, "yes") || strings.HasPrefix(n, "keep")) {
		yes, ok = true, true
	}
	if !ok {
		return reask("problem.stillwant.unread")
	}
	if !yes {
		return leave().saying(t.pauseReminders(time.Time{})...)
	}
	return finish().saying(say("quiet.welcome"))
}

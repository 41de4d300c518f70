package bot

import (
	"regexp"
	"strings"
	"time"
)

// Changes said in words (technique 14): "can we do every day", "remind me
// at 8 instead", "can we pause for a week". What the person asked for is
// said back, and done on a yes; a change that needs more than a yes (a
// new goal, a smaller step, a time said without one) goes to the
// conversation that makes it.

const flowChange FlowID = "change"

const stepChangeConfirm StepID = "confirm"

const askChange = "change"

func changeFlow() *Flow {
	return &Flow{ID: flowChange, First: stepChangeConfirm, Steps: []*Step{
		{ID: stepChangeConfirm, Prompt: "change.confirm", Ask: askChange, Choice: yesNo, ReAsk: "change.confirm.reask",
			Expect: ExpectYesNo, Parse: parseChange, With: func(t *turn) Extra {
				if c := t.p.Talk.Flow.Draft.Change; c != nil {
					return t.changeExtra(c)
				}
				return Extra{}
			}},
	}}
}

// proposeChange offers back a change asked for in words.
func (t *turn) proposeChange(r Reading) Next {
	p := t.p
	c := &PlanChange{Ask: r.Asks}
	switch r.Asks {
	case AskGoal:
		return jump(flowGoal, stepGoal).saying(say("change.goal"))
	case AskStep:
		return jump(flowStep, stepStep).saying(say("change.step"))
	case AskLighter:
		return jump(flowAdjust, stepAdjustOffer).saying(say("change.lighter"))
	case AskDays:
		if r.Days == "" {
			if r.DaysNote != "" {
				return jump(flowAdjust, stepAdjustDays).saying(sayWith("change.days.note", Extra{Value: r.DaysNote}))
			}
			return jump(flowAdjust, stepAdjustDays)
		}
		c.Days, c.DaysLabel = r.Days, r.DaysLabel
		if r.HasTime && !r.TimeOpen {
			c.Time = clock(r.Hour, r.Minute)
		}
	case AskTime:
		if !r.HasTime || r.TimeOpen {
			return jump(flowAdjust, stepAdjustTime)
		}
		c.Time = clock(r.Hour, r.Minute)
		if r.Days != "" {
			c.Days, c.DaysLabel = r.Days, r.DaysLabel
		}
	case AskPause:
		if p.Schedule.Cron == "" {
			return leave().saying(say("remind.none"))
		}
		if d, ok := pauseLength(r.Text); ok {
			c.Until = t.now.Add(d)
		}
	default:
		return leave().saying(say("free.heard"))
	}
	n := jump(flowChange, stepChangeConfirm)
	n.change = c
	return n
}

// pauseFor finds how long a pause asked for in words is: "for a week",
// "till monday" is not read (an open pause is offered instead).
var pauseFor = regexp.MustCompile(`\bfor (a |an |one |two |three |four |\d+ )?(couple of |few )?(days?|weeks?|months?|hours?)\b`)

func pauseLength(text string) (time.Duration, bool) {
	m := pauseFor.FindString(plain(text))
	if m == "" {
		return 0, false
	}
	s := strings.TrimPrefix(m, "for ")
	s = strings.NewReplacer("couple of ", "2 ", "few ", "3 ", "a ", "1 ", "an ", "1 ", "one ", "1 ", "two ", "2 ",
		"three ", "3 ", "four ", "4 ").Replace(s)
	if !strings.ContainsAny(s[:1], "0123456789") {
		s = "1 " + s
	}
	d, err := ParseDuration(s)
	if err != nil || d < time.Hour || d > 366*24*time.Hour {
		return 0, false
	}
	return d, true
}

// changeExtra says a change in words for its question.
func (t *turn) changeExtra(c *PlanChange) Extra {
	x := Extra{Command: c.Ask.String()}
	if c.Days != "" {
		x.Value = t.daysWords(c.Days)
	}
	if c.Time != "" {
		x.Due = c.Time
	}
	if !c.Until.IsZero() {
		x.Until = t.when(c.Until)
	}
	return x
}

func parseChange(t *turn, r Reading) Next {
	c := t.p.Talk.Flow.Draft.Change
	if c == nil {
		return leave()
	}
	yes, ok := r.Yes, r.IsYesNo
	switch {
	case !ok && c.Ask == AskTime && r.HasTime && !r.TimeOpen:
		// "10:30" to "shall I move them to 12:00?": yes, at 10:30.
		c.Time, yes, ok = clock(r.Hour, r.Minute), true, true
	case !ok && (c.Ask == AskDays || c.Ask == AskTime) && r.Days != "":
		c.Days, c.DaysLabel, yes, ok = r.Days, r.DaysLabel, true, true
	}
	if !ok {
		return reask("problem.yesno")
	}
	if !yes {
		return leave().saying(say("change.kept"))
	}
	p := t.p
	switch c.Ask {
	case AskPause:
		return leave().saying(t.pauseReminders(c.Until)...)
	case AskDays, AskTime:
		at := p.Plan.Anchor.Time
		if c.Time != "" {
			at = c.Time
		}
		if at == "" {
			at = "09:00"
		}
		dow := c.Days
		if dow == "" {
			dow = "*"
			if f := strings.Fields(p.Schedule.Cron); len(f) == 5 {
				dow = f[4]
			}
		}
		p.Plan.Anchor.Time = at
		if p.Schedule.Paused {
			p.Schedule.resume(t.now)
		}
		spec := dailyCron(at, dow)
		t.setSchedule(spec, describeCron(spec))
		t.settleMisses()
		return leave().saying(say("change.done"))
	}
	return leave()
}

func (a Ask) String() string {
	return [...]string{"", "days", "time", "pause", "goal", "step", "skip", "question", "lighter"}[a]
}

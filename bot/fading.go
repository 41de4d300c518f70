package bot

import (
	"strconv"
	"strings"
	"time"
)

// The long game (technique 12): the aim is independence. After two weeks
// in a row the bot offers to step back to a weekly reflection, and hands
// the person their own system; at most once a month it asks again.

const flowFade FlowID = "fade"

const stepFadeOffer StepID = "offer"

const askFade = "fade"

var fadeChoices = []Choice{{Label: "label.fade.weekly", Value: "weekly"}, {Label: "label.fade.keep", Value: "keep"}}

func fadeFlow() *Flow {
	return &Flow{ID: flowFade, First: stepFadeOffer, Steps: []*Step{
		{ID: stepFadeOffer, Prompt: "fade.offer", Ask: askFade, Choice: fadeChoices, ReAsk: "fade.reask", Expect: ExpectChoice, Parse: parseFade,
			Unsure: unsureFade},
	}}
}

// shouldOfferFade: after 14 days in a row, if not faded already and not
// offered in the last 30 days.
func (t *turn) shouldOfferFade(streak int) bool {
	p := t.p
	return streak >= 14 && !p.Plan.Faded && (p.Counts.FadeOffered.IsZero() || t.now.Sub(p.Counts.FadeOffered) > 30*24*time.Hour)
}

// unsureFade: "no", "skip", "not now" keep the daily reminders; a
// doubt gets the choices again.
func unsureFade(t *turn, r Reading) Next {
	switch r.Non {
	case Refusal, Nothing, Same:
		return finish().saying(say("fade.keep"))
	}
	_, s := t.current()
	return t.unsure(s, r)
}

// parseFade answers the offer to step back after sustained consistency.
func parseFade(t *turn, r Reading) Next {
	n := normal(r.Text)
	yes, ok := ParseYesNo(r.Text)
	switch {
	case strings.Contains(n, "week") || ok && yes:
		hhmm := t.p.Plan.Anchor.Time
		if hhmm == "" {
			hhmm = "09:00"
		}
		day := int(t.now.In(t.loc).Weekday())
		t.p.Plan.Faded = true
		t.setSchedule(dailyCron(hhmm, strconv.Itoa(day)), "")
		// The first reflection is a week from now, not later today.
		if sched, err := t.e.crons.Parse(t.p.Schedule.Cron); err == nil {
			t.p.Schedule.Next = NextFire(sched, t.now.Add(24*time.Hour), t.loc)
		}
		return finish().saying(say("fade.done"))
	case strings.Contains(n, "keep") || strings.Contains(n, "daily") || ok && !yes:
		return finish().saying(say("fade.keep"))
	}
	return reask("problem.fade.which")
}

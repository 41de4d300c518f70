package bot

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Scaling questions (technique 5): how likely are you to take the step,
// 1 to 10? Then never "why only a 4?" but "what makes it a 4 and not a
// 1 or 2?" and "what would move it from 4 to 5?"; curiosity and a
// smaller step for 1 or 2, a short confirmation for 9 or 10. Ratings
// are stored, and their trend is part of progress.

const flowRate FlowID = "rate"

const (
	stepScale        StepID = "scale"
	stepScaleWhy     StepID = "scale_why"
	stepScaleUp      StepID = "scale_up"
	stepScaleLow     StepID = "scale_low"
	stepScaleSmaller StepID = "scale_smaller"
)

const askScale = "scale"

var scaleChoices = func() []Choice {
	c := make([]Choice, 10)
	for i := range c {
		c[i] = Choice{Label: "label.n" + strconv.Itoa(i+1), Value: strconv.Itoa(i + 1)}
	}
	return c
}()

// scaleSteps are the scaling questions; after is what follows them.
func scaleSteps(after StepID) []*Step {
	return []*Step{
		{ID: stepScale, Prompt: "scale.ask", Ask: askScale, Choice: scaleChoices, ReAsk: "scale.reask", Expect: ExpectRating, Parse: parseScale, Next: after},
		{ID: stepScaleWhy, Prompt: "scale.why", ReAsk: "scale.why.reask", Expect: ExpectReason, Skip: true, Parse: parseScaleWhy, Next: stepScaleUp,
			With: ratingExtra, Other: func(t *turn, r Reading) (Next, bool) {
				if r.Other != ExpectUp {
					return Next{}, false
				}
				// "if i had someone to do it with it'd be higher": the
				// answer to the next question; it is not asked again.
				n := parseScaleUp(t, r)
				if n.move == moveNext {
					n.move, n.step = moveStep, after
					if after == "" {
						n.move = moveFinish
					}
				}
				return n, true
			}},
		{ID: stepScaleUp, Prompt: "scale.up", ReAsk: "scale.why.reask", Expect: ExpectUp, Skip: true, Parse: parseScaleUp, Next: after,
			Unsure: func(t *turn, r Reading) Next {
				return next().saying(sayWith("scale.up.unsure", Extra{Non: r.Non.String()}))
			}},
		{ID: stepScaleLow, Prompt: "scale.low", ReAsk: "scale.why.reask", Expect: ExpectObstacle, Skip: true, Parse: parseScaleLow, Next: stepScaleSmaller,
			With: ratingExtra},
		{ID: stepScaleSmaller, Prompt: "scale.smaller", ReAsk: "step.reask", Expect: ExpectSmaller, Parse: parseSmallerStep, Next: after,
			Unsure: keepBigStep},
	}
}

func rateFlow() *Flow {
	return &Flow{ID: flowRate, First: stepScale, Steps: scaleSteps("")}
}

func cmdRate(t *turn, args string) { t.startWith(flowRate, args) }

var ratingWords = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

// RatingProblem says why an answer is not a rating from 1 to 10: its
// message names the problem (a message in the prompts), N the number
// that was off the scale.
type RatingProblem struct {
	Msg Msg
	N   int
}

func (p RatingProblem) Error() string { return string(p.Msg) }

// ParseRating reads a 1 to 10 answer the ways people give it: "4",
// "4/10", "four", " 4 ", "I'd say 6", "7 out of 10". It refuses 0, 11,
// halves and answers with no number, with a RatingProblem that says why.
func ParseRating(s string) (int, error) {
	n := strings.ToLower(s)
	for _, scale := range []string{"out of 10", "out of ten", "/ 10", "/10", "of 10"} {
		n = strings.ReplaceAll(n, scale, " ")
	}
	tokens := strings.FieldsFunc(n, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '-'
	})
	var found []int
	for _, tok := range tokens {
		tok = strings.TrimSuffix(strings.Trim(tok, "."), "ish") // "4ish"
		if tok == "" {
			continue
		}
		if v, ok := ratingWords[tok]; ok {
			found = append(found, v)
			continue
		}
		if strings.IndexFunc(tok, unicode.IsDigit) < 0 {
			continue
		}
		v, err := strconv.Atoi(tok)
		if errors.Is(err, strconv.ErrRange) {
			return 0, RatingProblem{Msg: "problem.rating.huge"}
		}
		if err != nil {
			if _, ferr := strconv.ParseFloat(tok, 64); ferr == nil {
				return 0, RatingProblem{Msg: "problem.rating.whole"}
			}
			return 0, RatingProblem{Msg: "problem.rating.none"}
		}
		found = append(found, v)
	}
	switch {
	case len(found) == 0:
		return 0, RatingProblem{Msg: "problem.rating.none"}
	case len(found) > 1 && slices.ContainsFunc(found, func(v int) bool { return v != found[0] }):
		return 0, RatingProblem{Msg: "problem.rating.one"}
	case found[0] < 1 || found[0] > 10:
		return 0, RatingProblem{Msg: "problem.rating.off", N: found[0]}
	}
	return found[0], nil
}

func parseScale(t *turn, r Reading) Next {
	v, err := ParseRating(r.Text)
	var rp RatingProblem
	if errors.As(err, &rp) {
		return reaskWith(rp.Msg, Extra{Value: strconv.Itoa(rp.N)})
	}
	t.ratings = append(t.ratings, Rating{At: t.now, Value: v, Step: t.p.Plan.Step})
	d := &t.p.Talk.Flow.Draft
	d.Rating, d.RatingAt = v, t.now
	was := t.p.Memory.LastRating
	t.p.Memory.LastRating = v
	d.Was = 0
	if was-v >= 3 {
		d.Was = was // the rating it fell from, for the question about it
	}
	switch {
	case v <= 2:
		d.Big = t.p.Plan.Step // "keep" at the smaller question keeps it
		return goStep(stepScaleLow)
	case v >= 9:
		return next().saying(say("scale.high"))
	}
	return goStep(stepScaleWhy)
}

// updateRating adds the person's reasons to the rating just given.
func (t *turn) updateRating(why, up string) {
	d := &t.p.Talk.Flow.Draft
	if d.RatingAt.IsZero() || d.Rating == 0 {
		return
	}
	if why != "" {
		d.RatingWhy = why
	}
	t.ratings = append(t.ratings, Rating{At: d.RatingAt, Value: d.Rating, Step: t.p.Plan.Step, Why: d.RatingWhy, Up: up})
}

// ratingExtra is the rating a drop came from, so that the question
// about it asks what changed.
func ratingExtra(t *turn) Extra {
	return Extra{Was: t.p.Talk.Flow.Draft.Was}
}

func parseScaleWhy(t *turn, r Reading) Next {
	t.updateRating(short(r.Value, 300), "")
	if r.Pressure {
		t.p.Memory.Pressure = true
		return t.ownReasons()
	}
	return next()
}

// parseScaleUp uses what would move the rating: a time that does not
// suit, the days, a step that is too big, or someone else's wish lead to
// an offer to change that, not to thanks.
func parseScaleUp(t *turn, r Reading) Next {
	t.updateRating("", short(r.Value, 300))
	p := plain(r.Text)
	switch {
	case r.Pressure:
		t.p.Memory.Pressure = true
		return t.ownReasons()
	case r.HasTime || timeTroubleRe.MatchString(p):
		return t.offerFix(AskTime, r)
	case r.Days != "" || daysTroubleRe.MatchString(p):
		return t.offerFix(AskDays, r)
	case smallerRe.MatchString(p):
		return t.offerFix(AskStep, r)
	}
	return next().saying(say("scale.thanks"))
}

var (
	timeTroubleRe = regexp.MustCompile(`\b(earlier|later in the day|a bit later|different time|another time|other time|at a different time|in meetings|im in meetings|busy (then|at that time)|at (that|this) time|wrong time|(if|when) it (wasnt|werent|was not|isnt) (at|in the|during)|not at (noon|lunch|lunchtime|night|\d+)|(too|so) (early|late))\b`)
	daysTroubleRe = regexp.MustCompile(`\b(fewer days|less often|not every day|every day|weekends?|weekdays|days a week|times a week|daily)\b`)
	smallerRe     = regexp.MustCompile(`\b(smaller|easier|shorter|simpler|tinier|only \d+ min\w*|just \d+ min\w*|half the)\b`)
)

// offerFix answers "what would move it?" with a change to what was named:
// once the plan is set, the change conversation; while it is being made,
// a word that the question is coming.
func (t *turn) offerFix(a Ask, r Reading) Next {
	if t.p.Talk.Flow.Flow == flowOnboard {
		return next().saying(sayWith("scale.fix.later", Extra{Command: a.String()}))
	}
	switch a {
	case AskTime:
		// "move it to 10:30" names the new time; "if it wasn't at noon"
		// names the one that does not work: then the new one is asked.
		if at := clock(r.Hour, r.Minute); r.HasTime && !r.TimeOpen && at != t.p.Plan.Anchor.Time && !notThisTime.MatchString(plain(r.Text)) {
			n := jump(flowChange, stepChangeConfirm).saying(sayWith("scale.fix", Extra{Command: "time"}))
			n.change = &PlanChange{Ask: AskTime, Time: at}
			return n
		}
		return jump(flowAdjust, stepAdjustTime).saying(sayWith("scale.fix", Extra{Command: "time"}))
	case AskDays:
		return jump(flowAdjust, stepAdjustDays).saying(sayWith("scale.fix", Extra{Command: "days"}))
	}
	return jump(flowAdjust, stepAdjustStep).saying(sayWith("scale.fix", Extra{Command: "step"}))
}

// notThisTime names a time that does not work: "if it wasnt at noon".
var notThisTime = regexp.MustCompile(`\b(wasnt|werent|was not|were not|isnt|is not|not) (at|around|during)\b|\b(not|never) (at )?(noon|midday|lunch|\d+)\b`)

// ownReasons meets outside pressure named in an answer: what would the
// person want from this for themselves?
func (t *turn) ownReasons() Next {
	if t.p.Talk.Flow.Flow == flowOnboard {
		return next().saying(say("pressure.heard.brief"))
	}
	return jump(flowOwn, stepOwn).saying(say("pressure.heard"))
}

func parseScaleLow(t *turn, r Reading) Next {
	t.p.Memory.LastObstacle = short(r.Value, 300)
	t.updateRating(short(r.Value, 300), "")
	if r.Pressure {
		t.p.Memory.Pressure = true
		return t.ownReasons()
	}
	return next()
}

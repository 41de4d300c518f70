package bot

import (
	"strconv"
	"strings"
)

// Listening (technique 14) in the flows: how a reply that is not a plain
// answer to the question is met. A non-answer is acknowledged and never
// stored: the person gets examples built from what the bot knows about
// them, then choices to pick from, then a way out. An answer to another
// question is used where it belongs; a request said in words is offered
// back for a yes; a doubt gets a real answer; a check-in said in the
// middle of a question is recorded. Every one of these keeps the
// question open, so nothing said is lost and nothing is taken for what
// it is not.

// understood meets a reply that is not a plain answer, and reports
// whether it did; a plain answer goes to the step's parser.
func (t *turn) understood(s *Step, r Reading) (Next, bool) {
	switch r.Kind {
	case NonAnswer:
		if (s.Expect == ExpectYesNo || s.Expect == ExpectConfirm) && s.Unsure == nil {
			return Next{}, false // its parser says what a yes or no looks like
		}
		if r.Skip && !s.Skip {
			r.Non = Refusal
		}
		if s.Unsure != nil {
			return s.Unsure(t, r), true
		}
		return t.unsure(s, r), true
	case Elsewhere:
		if s.Other != nil {
			if n, ok := s.Other(t, r); ok {
				return n, true
			}
		}
		return t.elsewhere(s, r), true
	case Request:
		return t.request(s, r), true
	case Doubt:
		return t.doubt(s), true
	case Report:
		if s.Expect == ExpectCheckIn {
			return Next{}, false
		}
		return t.reportAside(s, r), true
	}
	return Next{}, false
}

func (k NonKind) String() string {
	return [...]string{"", "dontknow", "refusal", "filler", "same", "shrug", "youpick", "nothing", "unclear"}[k]
}

// unsure meets a non-answer. "The same" keeps what the person has; a
// question with examples gets them in words the first time and as
// choices from the second time (at once for "you pick"); a question that
// may be skipped moves on; any other is asked again in other words.
func (t *turn) unsure(s *Step, r Reading) Next {
	if s == nil {
		return leave()
	}
	fs := &t.p.Talk.Flow
	if r.Non == Same {
		if kept, ok := t.keepSame(s); ok {
			return kept
		}
	}
	if s.Examples == "" {
		if s.Skip {
			return next().saying(sayWith("unsure.moveon", Extra{Non: r.Non.String()}))
		}
		if len(s.Choice) > 0 {
			fs.Retries++
			x := Extra{Non: r.Non.String(), Tries: fs.Retries, Again: fs.Retries%2 == 0, Stuck: fs.Retries >= 3}
			return stay().saying(Line{Msg: "unsure.choice", With: x, Ask: s.Ask, Choices: s.Choice})
		}
		return reask("unsure.generic").withExtra(Extra{Non: r.Non.String()}) // the re-ask counts it
	}
	fs.Retries++
	x := Extra{Non: r.Non.String(), Tries: fs.Retries, Again: fs.Retries%2 == 0, Stuck: fs.Retries >= 3,
		CanSkip: s.Skip, Topic: t.topic(), Examples: t.examples(s.Examples)}
	if fs.Retries == 1 && r.Non != YouPick {
		return stay().saying(sayWith(Msg("unsure."+s.Examples), x))
	}
	return stay().saying(t.offerLine(Msg("offer."+s.Examples), x, s.Skip))
}

// keepSame answers "the same" where the person already has an answer
// to keep: the goal, the step, the habit, the time or the days.
func (t *turn) keepSame(s *Step) (Next, bool) {
	p := t.p
	switch s.Expect {
	case ExpectGoal:
		if p.Plan.Goal != "" && s.ID == stepGoal {
			return next().saying(sayWith("unsure.same.kept", Extra{Value: t.esc(p.Plan.Goal)})), true
		}
	case ExpectStep:
		if p.Plan.Step != "" {
			return next().saying(sayWith("unsure.same.kept", Extra{Value: t.esc(p.Plan.Step)})), true
		}
	case ExpectHabit:
		if p.Plan.Anchor.Habit != "" {
			return next().saying(sayWith("unsure.same.kept", Extra{Value: t.esc(p.Plan.Anchor.Habit)})), true
		}
	case ExpectTime:
		if p.Plan.Anchor.Time != "" {
			return s.Parse(t, Reading{Kind: Answer, Text: p.Plan.Anchor.Time, HasTime: true,
				Hour: atoi(p.Plan.Anchor.Time[:2]), Minute: atoi(p.Plan.Anchor.Time[3:])}), true
		}
	}
	return Next{}, false
}

func atoi(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}

// examples renders the examples of one kind ("goal", "step"), built
// from what the person's plan is about.
func (t *turn) examples(kind string) []string {
	x := Extra{Topic: t.topic()}
	var out []string
	for i := 1; i <= 3; i++ {
		name := Msg("example." + kind + "." + strconv.Itoa(i))
		if t.e.words.Variants(string(name)) == 0 {
			break
		}
		if s := strings.TrimSpace(t.render(name, 0, x)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// offerLine is a question with the examples as choices (and a skip, when
// the question may be skipped). A choice pressed, its number or its
// words come back as the answer (see pick).
func (t *turn) offerLine(m Msg, x Extra, canSkip bool) Line {
	t.p.Talk.Flow.Offered = x.Examples
	l := Line{Msg: m, With: x, Ask: "offer"}
	for i, ex := range x.Examples {
		l.Choices = append(l.Choices, Choice{Label: "=" + ex, Value: strconv.Itoa(i + 1)})
	}
	if canSkip {
		l.Choices = append(l.Choices, Choice{Label: "label.skip", Value: "skip"})
	}
	return l
}

// pick turns a pick from the examples offered (a press, its number, its
// words) into the example's text, and a choice's number typed ("1",
// "one") into the choice; any other reply is left as it is. A rating's
// choices are numbers already.
func (t *turn) pick(s *Step, text string) string {
	offered := t.p.Talk.Flow.Offered
	n := strings.TrimSpace(text)
	v, err := strconv.Atoi(strings.Trim(n, "#.)"))
	if err != nil {
		if w, ok := ratingWords[plain(n)]; ok {
			v, err = w, nil
		}
	}
	if len(offered) == 0 {
		if err == nil && v >= 1 && v <= len(s.Choice) && s.Expect != ExpectRating {
			return s.Choice[v-1].Value
		}
		return text
	}
	if err == nil && v >= 1 && v <= len(offered) {
		return offered[v-1]
	}
	for _, o := range offered {
		if strings.EqualFold(plain(o), plain(n)) {
			return o
		}
	}
	return text
}

// topic is what the person's plan is about, for examples that fit it.
func (t *turn) topic() string {
	p := t.p
	d := t.p.Talk.Flow.Draft
	for _, s := range []string{p.Plan.Step, p.Plan.Goal, d.Doing, d.Vague, p.Plan.StartingReason} {
		if k := topicOf(s); k != "" {
			return k
		}
	}
	return ""
}

// esc escapes a person's words for their platform.
func (t *turn) esc(s string) string { return t.e.escaper(t.p.ID.Platform())(s) }

// elsewhere uses an answer to another question where it belongs, says
// so, and asks the question again.
func (t *turn) elsewhere(s *Step, r Reading) Next {
	n := t.keepElsewhere(r)
	n.heard = n.problem.Msg != "unsure.generic"
	return n
}

// keepElsewhere keeps an answer to another question where it belongs
// and gives the re-ask that says so.
func (t *turn) keepElsewhere(r Reading) Next {
	d := &t.p.Talk.Flow.Draft
	switch r.Other {
	case ExpectRating:
		// Where the rating question is still to come, it is kept for it.
		later := t.p.Talk.Flow.Flow == flowOnboard && !t.p.Plan.Onboarded && t.p.Plan.Step == ""
		return reaskWith("other.rating", Extra{Value: strconv.Itoa(r.Rating), Changed: later})
	case ExpectTime:
		if r.TimeOpen {
			d.Hour, d.Time = r.Hour, ""
			return reaskWith("other.time", Extra{Hour: r.Hour, Value: ""})
		}
		d.Time, d.Hour = clock(r.Hour, r.Minute), 0
		return reaskWith("other.time", Extra{Value: d.Time})
	case ExpectDays:
		d.Days, d.DaysLabel = r.Days, r.DaysLabel
		return reaskWith("other.days", Extra{Value: t.daysWords(r.Days)})
	case ExpectHabit:
		if h := short(cleanHabit(r.Value), 120); h != "" {
			t.p.Plan.Anchor.Habit = h
			return reaskWith("other.habit", Extra{Value: t.esc(AnchorPhrase(h))})
		}
	case ExpectReason:
		if r.Pressure {
			t.p.Memory.Pressure = true
			return reask("other.pressure")
		}
		if t.p.Plan.InnerReason == "" {
			t.p.Plan.InnerReason = short(r.Value, 300)
			return reaskWith("other.reason.kept", Extra{Value: t.esc(r.Value)})
		}
		return reask("other.reason")
	case ExpectNote:
		if t.noteOnCheckIn(r.Value) {
			return leave().saying(say("other.note"))
		}
	case ExpectWho:
		if w := short(cleanWho(r.Value), 120); w != "" {
			d.Notice = w
			return reaskWith("other.who", Extra{Value: t.esc(youForm(w))})
		}
	}
	return reask("unsure.generic").withExtra(Extra{Tries: t.p.Talk.Flow.Retries + 1})
}

// clock is an hour and minute as "HH:MM".
func clock(h, m int) string {
	return strconv.Itoa(100 + h)[1:] + ":" + strconv.Itoa(100 + m)[1:]
}

// daysWords says a cron day field in words.
func (t *turn) daysWords(dow string) string {
	w := t.e.scheduleWords("0 9 * * "+dow, t.p.ID.Platform())
	if i := strings.LastIndex(w, " "); i > 0 {
		// "weekdays at 09:00": the days part only.
		if j := strings.LastIndex(w[:i], " "); j > 0 {
			return w[:j]
		}
	}
	return w
}

// request meets a change asked for in words. A question about the bot
// is answered and the question asked again; a change to the plan is
// offered back for a yes once there is a plan, and kept for its
// question while the plan is being made.
func (t *turn) request(s *Step, r Reading) Next {
	switch r.Asks {
	case AskSkip:
		if s.Skip {
			return next()
		}
		return t.unsure(s, Reading{Kind: NonAnswer, Non: Refusal})
	case AskQuestion:
		return again().saying(t.about(questionAbout(plain(r.Text))))
	}
	if !t.p.Plan.Onboarded {
		d := &t.p.Talk.Flow.Draft
		switch {
		case r.Asks == AskDays && r.Days != "":
			d.Days, d.DaysLabel = r.Days, r.DaysLabel
			return reaskWith("other.days", Extra{Value: t.daysWords(r.Days)})
		case r.Asks == AskTime && r.HasTime && !r.TimeOpen:
			d.Time = clock(r.Hour, r.Minute)
			return reaskWith("other.time", Extra{Value: d.Time})
		case r.Asks == AskGoal && s.ID != stepGoal:
			return goStep(stepGoal)
		case r.Asks == AskStep && s.ID != stepStep && t.p.Talk.Flow.Flow == flowOnboard:
			return goStep(stepStep)
		}
		return reask("request.later")
	}
	return t.proposeChange(r)
}

// doubt answers a doubt or a worry: it is normal, and the plan bends.
// With a plan in place the person is offered ways to lighten it; while
// it is being made, the question is asked again after the answer.
func (t *turn) doubt(s *Step) Next {
	if t.p.Plan.Onboarded && t.p.Talk.Flow.Flow != flowAdjust {
		return jump(flowAdjust, stepAdjustOffer).saying(say("doubt.heard"))
	}
	_ = s
	return again().saying(say("doubt.setup"))
}

// reportAside records a check-in said where another question was asked
// ("did it!" while the values question is open), then asks it again.
func (t *turn) reportAside(s *Step, r Reading) Next {
	if !t.p.Plan.Onboarded {
		return t.unsure(s, Reading{Kind: NonAnswer, Non: Filler})
	}
	t.enter(flowCheckin, stepOutcome)
	return t.recordReport(r)
}

// about answers a question about the bot: who sees what, whether it is
// a person, what it can do.
func (t *turn) about(what string) Line {
	x := Extra{Emergency: t.e.safety.Emergency}
	for _, m := range t.p.Groups {
		if m.Public() {
			x.Public = true
		}
		if m.Coach != "" {
			x.Coach = "yes"
		}
	}
	switch what {
	case "privacy":
		return sayWith("about.privacy", x)
	case "human":
		return sayWith("about.human", x)
	case "plan":
		return sayWith("about.plan", x)
	}
	return sayWith("about.help", x)
}

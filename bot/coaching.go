package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

var ratingWords = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

// ParseRating reads a 1 to 10 answer the ways people give it: "4",
// "4/10", "four", " 4 ", "I'd say 6", "7 out of 10". It refuses 0, 11,
// halves and answers with no number, with a problem that says why.
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
		tok = strings.Trim(tok, ".")
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
			return 0, problem("That's off the scale — it goes from 1 to 10.")
		}
		if err != nil {
			if _, ferr := strconv.ParseFloat(tok, 64); ferr == nil {
				return 0, problem("A whole number, please — which is closer?")
			}
			return 0, problem("I need a number from 1 to 10.")
		}
		found = append(found, v)
	}
	switch {
	case len(found) == 0:
		return 0, problem("I need a number from 1 to 10.")
	case len(found) > 1:
		return 0, problem("Just one number, please — which is closer?")
	case found[0] < 1 || found[0] > 10:
		return 0, problem(fmt.Sprintf("%d is off the scale — it goes from 1 to 10.", found[0]))
	}
	return found[0], nil
}

var scale = func() []Choice {
	c := make([]Choice, 10)
	for i := range c {
		c[i] = Choice{Label: strconv.Itoa(i + 1), Value: strconv.Itoa(i + 1)}
	}
	return c
}()

// scaleSteps are the scaling questions: a 1 to 10 rating of how likely
// they are to take the step, then "what makes it N and not lower?" and
// "what would move it to N+1?"; curiosity and a smaller step for 1 or 2;
// a short confirmation for 9 or 10.
func scaleSteps(after string) []*Step {
	return []*Step{
		{ID: "scale", Prompt: "scale.ask", Ask: "scale", Choices: scale, ReAsk: "scale.reask", Parse: parseScale, Next: after},
		{ID: "scale_why", Prompt: "scale.why", ReAsk: "scale.why.reask", Skip: true, Parse: parseScaleWhy, Next: "scale_up"},
		{ID: "scale_up", Prompt: "scale.up", ReAsk: "scale.why.reask", Skip: true, Parse: parseScaleUp, Next: after},
		{ID: "scale_low", Prompt: "scale.low", ReAsk: "scale.why.reask", Skip: true, Parse: parseScaleLow, Next: "scale_smaller"},
		{ID: "scale_smaller", Prompt: "scale.smaller", ReAsk: "step.reask", Parse: parseSmallerStep, Next: after},
	}
}

func parseScale(t *turn, text string) (string, error) {
	v, err := ParseRating(text)
	if err != nil {
		return "", err
	}
	r := Rating{At: t.now, Value: v, Step: t.p.Step}
	t.ratings = append(t.ratings, r)
	d := t.p.Flow.Draft
	d["rating"], d["rating_at"] = strconv.Itoa(v), t.now.UTC().Format(time.RFC3339Nano)
	switch {
	case v <= 2:
		d["big"] = t.p.Step // "keep" at the smaller question keeps it
		return "scale_low", nil
	case v >= 9:
		t.say("scale.high", nil)
		return "", nil
	}
	return "scale_why", nil
}

// updateRating adds the person's reasons to the rating just given.
func (t *turn) updateRating(why, up string) {
	d := t.p.Flow.Draft
	at, err := time.Parse(time.RFC3339Nano, d["rating_at"])
	v, _ := strconv.Atoi(d["rating"])
	if err != nil || v == 0 {
		return
	}
	if why != "" {
		d["rating_why"] = why
	}
	t.ratings = append(t.ratings, Rating{At: at, Value: v, Step: t.p.Step, Why: d["rating_why"], Up: up})
}

func parseScaleWhy(t *turn, text string) (string, error) {
	t.updateRating(text, "")
	return "", nil
}

func parseScaleUp(t *turn, text string) (string, error) {
	t.updateRating("", text)
	t.say("scale.thanks", nil)
	return "", nil
}

func parseScaleLow(t *turn, text string) (string, error) {
	t.p.LastObstacle = text
	t.updateRating(text, "")
	return "", nil
}

// Values questions, one kind at a time, never as a questionnaire.
const valueKinds = 3

// shouldAskValues: after a real check-in, while the inner reason is
// unknown, at most every three days.
func (t *turn) shouldAskValues() bool {
	return t.p.InnerReason == "" && (t.p.ValuesAt.IsZero() || t.now.Sub(t.p.ValuesAt) > 72*time.Hour)
}

func (t *turn) askValues() {
	t.p.ValuesAsked++
	t.p.ValuesAt = t.now
	t.enter("values", "ask")
	t.prompt(t.e.flows["values"].step("ask"))
}

func parseValues(t *turn, text string) (string, error) {
	if words(text) < 2 {
		return "", problem("Say a little more — a sentence is plenty.")
	}
	t.p.InnerReason = text
	t.say("values.thanks", nil)
	return endFlow, nil
}

var numbered = regexp.MustCompile(`(?:^|\s)\d+[.)]\s+`)

// ParseMilestones splits a list of 2 to 5 checkpoints: "a; b; c",
// "1. a 2. b", or "a, b, c".
func ParseMilestones(s string) ([]string, error) {
	text := strings.TrimSpace(s)
	var parts []string
	switch {
	case numbered.MatchString(text):
		parts = numbered.Split(text, -1)
	case strings.Contains(text, ";"):
		parts = strings.Split(text, ";")
	case strings.Contains(text, "\n"):
		parts = strings.Split(text, "\n")
	default:
		parts = strings.Split(text, ",")
		if len(parts) == 1 {
			parts = strings.Split(text, " then ")
		}
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(strings.Trim(p, " -•*")); p != "" {
			out = append(out, short(p, 200))
		}
	}
	switch {
	case len(out) < 2:
		return nil, problem("Name at least two checkpoints, separated by ; — for example: first draft; feedback from Sam; final version.")
	case len(out) > 5:
		return nil, problem("Five at most — fewer checkpoints are easier to keep in view. Which five matter most?")
	}
	return out, nil
}

func parseMilestonesAnswer(t *turn, text string) (string, error) {
	items, err := ParseMilestones(text)
	if err != nil {
		return "", err
	}
	t.p.Milestones = nil
	for _, m := range items {
		t.p.Milestones = append(t.p.Milestones, Milestone{Text: m})
	}
	t.say("milestones.set", t.milestoneVars())
	return "", nil
}

// milestoneDone marks a milestone done and celebrates it bigger than a
// check-in.
func (t *turn) milestoneDone(i int) {
	m := &t.p.Milestones[i]
	if !m.Done.IsZero() {
		t.say("milestone.already", map[string]any{"Milestone": m.Text})
		return
	}
	m.Done = t.now
	done := 0
	for _, x := range t.p.Milestones {
		if !x.Done.IsZero() {
			done++
		}
	}
	vars := map[string]any{"Milestone": m.Text, "Done": done, "Of": len(t.p.Milestones), "AllDone": done == len(t.p.Milestones)}
	t.celebrate("celebrate.milestone", vars)
	t.public("public.milestone", vars)
}

// public posts to the person's group, if they chose public accountability.
// Public messages carry the person's name and what they did, nothing else.
func (t *turn) public(name string, vars map[string]any) {
	if t.p.Share != Group || t.p.Group == "" {
		return
	}
	data := map[string]any{"Name": t.p.Name}
	for _, k := range []string{"Win", "Streak", "Milestone"} {
		if v, ok := vars[k]; ok {
			data[k] = v
		}
	}
	text, err := t.e.words.Say(name, t.p.ID.Platform(), 0, data)
	if err != nil {
		t.e.log.Error("render public message", "message", name, "err", err)
		return
	}
	t.add(Reply{Text: text, Visibility: Group, Place: Place{Group: t.p.Group}})
}

// streakMoments are the streaks that get a bigger celebration.
var streakMoments = map[int]bool{3: true, 7: true, 14: true, 30: true, 60: true, 100: true, 365: true}

// afterKept runs after a done or partly check-in: misses end, streaks are
// celebrated, and the follow-up is chosen (fade offer, a values question
// or a note). It returns the follow-up step of the check-in flow, or ""
// when another flow took over.
func (t *turn) afterKept(o Outcome) string {
	p := t.p
	p.Misses = 0
	streak := t.streak()
	if streakMoments[streak] && streak > p.BestStreak {
		p.BestStreak = streak
		t.celebrate("celebrate.streak", map[string]any{"Streak": streak})
		t.public("public.streak", map[string]any{"Streak": streak})
	} else if o == Done {
		t.celebrate("celebrate.checkin", nil)
	} else {
		t.say("checkin.partly", nil)
	}
	switch {
	case streak >= 14 && !p.Faded && (p.FadeOffered.IsZero() || t.now.Sub(p.FadeOffered) > 30*24*time.Hour):
		p.FadeOffered = t.now
		t.enter("fade", "offer")
		t.prompt(t.e.flows["fade"].step("offer"))
		return ""
	case o == Done && t.shouldAskValues():
		t.askValues()
		return ""
	}
	return "note"
}

// streak computes the current streak including this turn's check-ins.
func (t *turn) streak() int {
	return t.e.streakOf(t.p, t.checkInsNow(), t.loc, t.now)
}

var adjustChoices = []Choice{
	{Label: "A smaller step", Value: "smaller"}, {Label: "Another time", Value: "time"},
	{Label: "Another anchor", Value: "anchor"}, {Label: "Fewer days", Value: "days"},
	{Label: "Rethink the goal", Value: "goal"}, {Label: "Keep it as is", Value: "keep"},
}

func parseAdjust(t *turn, text string) (string, error) {
	n := normal(text)
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
		return "adj_step", nil
	case has("anchor", "habit", "after"):
		return "adj_anchor", nil
	case has("time", "later", "earlier", "hour"):
		return "adj_time", nil
	case has("days", "fewer", "less often", "timeline", "longer", "slower"):
		return "adj_days", nil
	case has("goal", "rethink", "refine"):
		return "goal", nil
	case has("keep", "as is", "no change", "nothing", "fine"), n == "no":
		t.settleMisses()
		t.p.Flow = FlowState{}
		t.say("adjust.keep", nil)
		return stay, nil
	}
	return "", problem("Which would help most?")
}

func parseAdjustStep(t *turn, text string) (string, error) {
	if words(text) < 2 && !strings.ContainsAny(text, "0123456789") {
		return "", problem("A couple of words is enough.")
	}
	t.p.Step = text
	return "", nil
}

// parseAdjustTime moves the reminder to a new time on the same days.
func parseAdjustTime(t *turn, text string) (string, error) {
	if _, err := parseAnchorTime(t, text); err != nil {
		return "", err
	}
	dow := "*"
	if f := strings.Fields(t.p.Schedule.Cron); len(f) == 5 {
		dow = f[4]
	}
	spec := dailyCron(t.p.Anchor.Time, dow)
	t.setSchedule(spec, describeCron(spec))
	return "", nil
}

func parseAdjustDays(t *turn, text string) (string, error) {
	if t.p.Anchor.Time == "" {
		t.p.Anchor.Time = "09:00"
	}
	return parseDaysAnswer(t, text)
}

// settleMisses starts afresh after the plan was talked through: the
// reminder outstanding is answered by the conversation, not missed.
func (t *turn) settleMisses() {
	t.p.Misses = 0
	t.p.LastReminder = time.Time{}
}

func adjustDone(t *turn) {
	t.settleMisses()
	t.say("adjust.done", nil)
}

var fadeChoices = []Choice{{Label: "Weekly reflection", Value: "weekly"}, {Label: "Keep daily", Value: "keep"}}

// parseFade answers the offer to step back after sustained consistency.
func parseFade(t *turn, text string) (string, error) {
	n := normal(text)
	yes, ok := ParseYesNo(text)
	switch {
	case strings.Contains(n, "week") || ok && yes:
		hhmm := t.p.Anchor.Time
		if hhmm == "" {
			hhmm = "09:00"
		}
		day := int(t.now.In(t.loc).Weekday())
		t.p.Faded = true
		t.setSchedule(dailyCron(hhmm, strconv.Itoa(day)), time.Weekday(day).String()+"s at "+hhmm)
		t.say("fade.done", nil)
		return endFlow, nil
	case strings.Contains(n, "keep") || strings.Contains(n, "daily") || ok && !yes:
		t.say("fade.keep", nil)
		return endFlow, nil
	}
	return "", problem("Weekly, or keep it daily?")
}

// member is one person in a coach's summary.
type member struct {
	Name, Goal, Step, Status, Question string
	Streak, Kept                       int
	Wins, Milestones                   []string
}

// coachSummary builds the coach's view: only members who named this
// person as their coach, which is their consent.
func (t *turn) coachSummary() []member {
	members, _ := t.e.coachMembers(t.p.ID, t.p.Group, t.now, t.loc)
	return members
}

// coachMembers gathers the week of each member of group who named coach
// as their coach (their consent), with the people themselves in the same
// order. loc is the zone for members whose own zone cannot be loaded.
func (e *Engine) coachMembers(coach PersonID, group string, now time.Time, loc *time.Location) ([]member, []*Person) {
	people, err := e.store.Members(group)
	if err != nil {
		e.log.Error("load group", "group", group, "err", err)
		return nil, nil
	}
	week := now.AddDate(0, 0, -7)
	var out []member
	var who []*Person
	for _, m := range people {
		if m.Coach != coach || m.ID == coach {
			continue
		}
		mloc, err := e.zones.Load(m.Zone)
		if err != nil {
			mloc = loc
		}
		checkIns := e.recentCheckIns(m.ID, now)
		v := member{Name: m.Name, Goal: m.Goal, Step: m.Step, Streak: e.streakOf(m, checkIns, mloc, now)}
		var last time.Time
		for _, c := range checkIns {
			if c.At.After(now) {
				continue
			}
			if c.At.After(week) && c.Outcome != NotYet {
				v.Kept++
			}
			if c.Outcome != NotYet {
				last = c.At
			}
		}
		wins, _ := e.store.Wins(m.ID, 20)
		for _, w := range wins {
			if w.At.After(week) && !w.At.After(now) {
				v.Wins = append(v.Wins, short(w.Text, 80))
			}
		}
		for _, ms := range m.Milestones {
			if ms.Done.After(week) && !ms.Done.After(now) {
				v.Milestones = append(v.Milestones, short(ms.Text, 80))
			}
		}
		switch {
		case m.Misses >= 2 || m.Onboarded && now.Sub(last) > 3*24*time.Hour:
			v.Status = "stuck"
			v.Question = "What would make " + quoteText(short(m.Step, 60)) + " easier this week?"
			if m.LastObstacle != "" {
				v.Question = "Last time " + quoteText(short(m.LastObstacle, 60)) + " got in the way. What would make it easier this week?"
			}
		case v.Kept > 0 || len(v.Milestones) > 0:
			v.Status = "moving"
		default:
			v.Status = "getting started"
		}
		out = append(out, v)
		who = append(who, m)
	}
	return out, who
}

func quoteText(s string) string { return "“" + s + "”" }

// findMember finds someone in the person's group by name or id.
func (t *turn) findMember(name string) (*Person, error) {
	people, err := t.e.store.Members(t.p.Group)
	if err != nil {
		return nil, err
	}
	want := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "@"))
	for _, m := range people {
		id := string(m.ID)
		if strings.ToLower(m.Name) == want || id[strings.LastIndexByte(id, ':')+1:] == want {
			return m, nil
		}
	}
	return nil, nil
}

func parseCoachConsent(t *turn, text string) (string, error) {
	yes, ok := ParseYesNo(text)
	if !ok {
		return "", problem("Yes or no is all I need.")
	}
	name := t.p.Flow.Draft["coach_name"]
	if yes {
		t.p.Coach = PersonID(t.p.Flow.Draft["coach"])
		t.say("coach.set", map[string]any{"Coach": name})
	} else {
		t.say("coach.notset", map[string]any{"Coach": name})
	}
	return endFlow, nil
}

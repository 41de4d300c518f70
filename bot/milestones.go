package bot

import (
	"regexp"
	"strconv"
	"strings"
)

// Milestones (technique 3): the goal split into 2 to 5 checkpoints;
// progress is shown against them, and each one done is celebrated bigger
// than a check-in.

const stepMilestones StepID = "milestones"

// milestonesStep asks for the checkpoints; after is what follows.
func milestonesStep(after StepID) *Step {
	return &Step{ID: stepMilestones, Prompt: "milestones.ask", ReAsk: "milestones.reask", Expect: ExpectMilestones,
		Skip: true, Examples: "milestones", Parse: parseMilestonesAnswer, Next: after}
}

// MilestoneProblem says why text is not a list of milestones (a message
// in the prompts).
type MilestoneProblem struct{ Msg Msg }

func (p MilestoneProblem) Error() string { return string(p.Msg) }

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
		return nil, MilestoneProblem{"problem.milestones.few"}
	case len(out) > 5:
		return nil, MilestoneProblem{"problem.milestones.many"}
	}
	return out, nil
}

func parseMilestonesAnswer(t *turn, r Reading) Next {
	items, err := ParseMilestones(r.Text)
	if err != nil && words(r.Value) >= 2 && !strings.ContainsAny(r.Value, ";\n") && err.(MilestoneProblem).Msg == "problem.milestones.few" {
		items, err = []string{short(r.Value, 200)}, nil // one checkpoint is a start; more can be added later
	}
	if err != nil {
		return reask(err.(MilestoneProblem).Msg)
	}
	t.p.Plan.Milestones = nil
	for _, m := range items {
		t.p.Plan.Milestones = append(t.p.Plan.Milestones, Milestone{Text: m})
	}
	return next().saying(sayWith("milestones.set", t.milestoneList()))
}

// cmdMilestone lists milestones, marks one done ("milestone 2", "milestone
// done 2") or adds one ("milestone add …").
func cmdMilestone(t *turn, args string) {
	p := t.p
	a := strings.TrimSpace(args)
	lower := strings.ToLower(a)
	switch {
	case a == "":
		if len(p.Plan.Milestones) == 0 {
			t.say(say("milestones.none"))
			return
		}
		t.say(sayWith("milestones.list", t.milestoneList()))
		return
	case strings.HasPrefix(lower, "add "):
		if len(p.Plan.Milestones) >= 5 {
			t.say(sayWith("milestone.bad", Extra{Problem: t.render("problem.milestones.full", 0, Extra{})}))
			return
		}
		p.Plan.Milestones = append(p.Plan.Milestones, Milestone{Text: short(a[4:], 200)})
		t.say(sayWith("milestones.list", t.milestoneList()))
		return
	}
	a = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(lower, "done"), "#"))
	n, err := strconv.Atoi(a)
	if err != nil || n < 1 || n > len(p.Plan.Milestones) {
		x := Extra{Of: max(len(p.Plan.Milestones), 1)}
		t.say(sayWith("milestone.bad", Extra{Problem: t.render("problem.milestones.which", 0, x)}))
		return
	}
	for _, l := range t.milestoneDone(n - 1) {
		t.say(l)
	}
}

// milestoneDone marks a milestone done and celebrates it bigger than a
// check-in.
func (t *turn) milestoneDone(i int) []Line {
	m := &t.p.Plan.Milestones[i]
	esc := t.e.escaper(t.p.ID.Platform())
	if !m.Done.IsZero() {
		return []Line{sayWith("milestone.already", Extra{Milestone: esc(m.Text)})}
	}
	m.Done = t.now
	done := 0
	for _, x := range t.p.Plan.Milestones {
		if !x.Done.IsZero() {
			done++
		}
	}
	x := Extra{Milestone: esc(m.Text), Done: done, Of: len(t.p.Plan.Milestones), AllDone: done == len(t.p.Plan.Milestones)}
	return []Line{t.celebrate("celebrate.milestone", x), t.publicLine("public.milestone", x)}
}

// milestoneList lists milestones for messages.
func (t *turn) milestoneList() Extra {
	esc := t.e.escaper(t.p.ID.Platform())
	var x Extra
	for i, m := range t.p.Plan.Milestones {
		x.Milestones = append(x.Milestones, MilestoneItem{N: i + 1, Text: esc(m.Text), Done: !m.Done.IsZero()})
		if !m.Done.IsZero() {
			x.DoneCount++
		}
	}
	return x
}

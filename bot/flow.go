package bot

import (
	"fmt"
	"strings"
	"time"
)

// The flow machinery. A flow is a conversation with a purpose (onboarding,
// a check-in) written as data: named steps, each with the message that
// asks it, the choices offered, what kind of answer it expects, a parser
// for the answer and the step that follows. A parser changes the person
// (it records the answer) and returns where to go next as a value (Next);
// it never sends anything itself. Each technique's flows live in the
// technique's own file and are registered in flows().

// Step is one question in a flow.
type Step struct {
	ID     StepID
	Prompt Msg      // message that asks the question
	Ask    string   // names the choices, when there are any
	Choice []Choice // offered as buttons or numbered options
	ReAsk  Msg      // message when the answer can't be used; gets .Problem
	// Expect is what kind of answer the question asks for; the
	// understanding layer reads the reply against it.
	Expect Expect
	// Skip accepts "skip" as an answer and moves on without parsing.
	Skip bool
	// Soft marks an optional follow-up (a note): if the person leaves it
	// for hours, their next message starts afresh instead.
	Soft bool
	// Parse uses the answer and says where to go next.
	Parse func(t *turn, r Reading) Next
	// Examples names the examples offered to someone unsure ("goal":
	// messages example.goal.N, unsure.goal, offer.goal); empty when
	// there are none.
	Examples string
	// Unsure meets a non-answer here, when the usual way (listen.go)
	// does not fit; Other an answer to another question, reporting
	// whether it did.
	Unsure func(t *turn, r Reading) Next
	Other  func(t *turn, r Reading) (Next, bool)
	// Next is the step that follows when Parse says next().
	Next StepID
	// With gives the question values of its own, when it needs them.
	With func(t *turn) Extra
}

// Flow is a conversation with a goal: named steps and what to say when
// it is complete.
type Flow struct {
	ID    FlowID
	First StepID
	Steps []*Step
	// Done runs when the flow finishes (Next finish, or a step with no
	// Next); it returns what to say.
	Done func(t *turn) []Line
}

func (f *Flow) step(id StepID) *Step {
	for _, s := range f.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// check verifies a flow's wiring at start-up: every step named exists and
// every step can be parsed and re-asked.
func (f *Flow) check() error {
	if f.step(f.First) == nil {
		return fmt.Errorf("bot: flow %s: first step %q missing", f.ID, f.First)
	}
	for _, s := range f.Steps {
		if s.Parse == nil || s.Prompt == "" || s.ReAsk == "" {
			return fmt.Errorf("bot: flow %s: step %s incomplete", f.ID, s.ID)
		}
		if s.Next != "" && f.step(s.Next) == nil {
			return fmt.Errorf("bot: flow %s: step %s goes to missing %q", f.ID, s.ID, s.Next)
		}
	}
	return nil
}

// Next is where a flow goes after an answer: a step of this flow or of
// another, the end of the flow, or the same question again; with lines
// to say on the way.
type Next struct {
	move  move
	flow  FlowID
	step  StepID
	lines []Line
	// problem is the reason a re-ask gives.
	problem Line
	// change is a change asked for in words, for the flow jumped to.
	change *PlanChange
	// heard says a re-ask follows an answer kept for another question:
	// nothing went wrong, so it says no "let me put it another way".
	heard bool
}

type move int

const (
	moveNext   move = iota // the step's own Next (or the flow's end)
	moveStep               // step in the current flow
	moveJump               // step of another flow
	moveFinish             // end the flow; its Done says what comes
	moveLeave              // end the flow, without Done
	moveReAsk              // ask the same question again
	moveStay               // stay on this question; say only the lines
	moveAgain              // say the lines, then ask this question again
)

// next goes on to the step's Next.
func next() Next { return Next{move: moveNext} }

// goStep goes to another step of the same flow.
func goStep(s StepID) Next { return Next{move: moveStep, step: s} }

// jump goes to a step of another flow.
func jump(f FlowID, s StepID) Next { return Next{move: moveJump, flow: f, step: s} }

// finish ends the flow; its Done says what comes.
func finish() Next { return Next{move: moveFinish} }

// leave ends the flow without its Done.
func leave() Next { return Next{move: moveLeave} }

// reask asks the same question again, giving the problem.
func reask(problem Msg) Next { return Next{move: moveReAsk, problem: say(problem)} }

// reaskWith asks the same question again, giving a problem that has
// values of its own.
func reaskWith(problem Msg, x Extra) Next {
	return Next{move: moveReAsk, problem: sayWith(problem, x)}
}

// stay keeps the question open and says only the lines.
func stay() Next { return Next{move: moveStay} }

// again says the lines, then asks the same question again as it was
// first asked (after an aside: a question about the bot answered).
func again() Next { return Next{move: moveAgain} }

// withExtra gives a re-ask's problem values of its own.
func (n Next) withExtra(x Extra) Next {
	n.problem.With = x
	return n
}

// saying adds lines to say before the next question.
func (n Next) saying(lines ...Line) Next {
	n.lines = append(n.lines, lines...)
	return n
}

// start begins a flow and asks its first question.
func (t *turn) start(id FlowID) {
	f := t.e.flows[id]
	t.p.Talk.Flow = FlowState{Flow: id, Step: f.First}
	t.prompt(f.step(f.First))
}

// enter puts the person on a step without asking it, for when their
// message already answered it (a "done" said out of the blue).
func (t *turn) enter(f FlowID, s StepID) {
	t.p.Talk.Flow = FlowState{Flow: f, Step: s, Asked: t.now}
}

// prompt asks a step's question.
func (t *turn) prompt(s *Step) {
	t.p.Talk.Flow.Asked = t.now
	var x Extra
	if s.With != nil {
		x = s.With(t)
	}
	if s.Ask != "" {
		t.ask(Line{Msg: s.Prompt, With: x, Ask: s.Ask, Choices: s.Choice})
		return
	}
	t.p.Talk.Flow.Token = "" // buttons offered before no longer answer this
	t.say(sayWith(s.Prompt, x))
}

// current is the open flow and step, if the person has one that still
// exists.
func (t *turn) current() (*Flow, *Step) {
	f := t.e.flows[t.p.Talk.Flow.Flow]
	if f == nil {
		return nil, nil
	}
	return f, f.step(t.p.Talk.Flow.Step)
}

// answer feeds text to the current step.
func (t *turn) answer(text string) {
	f, s := t.current()
	if f == nil {
		t.p.Talk.Flow = FlowState{}
		return
	}
	if s == nil { // a step removed by an upgrade: start the flow again
		t.start(f.ID)
		return
	}
	r := t.read(s.Expect, t.pick(s, text))
	var n Next
	switch {
	case r.Empty:
		n = reask("problem.empty")
	case s.Skip && r.Skip && s.Unsure != nil:
		n = s.Unsure(t, r) // skipping is fine here, and gets the step's own words
	case s.Skip && r.Skip:
		n = next()
	default:
		var ok bool
		if n, ok = t.understood(s, r); !ok {
			n = s.Parse(t, r)
		}
	}
	t.apply(n)
}

// apply carries out a Next from the current step: says its lines, then
// moves on.
func (t *turn) apply(n Next) {
	f, s := t.current()
	if n.move == moveReAsk {
		t.reAsk(s, n)
		return
	}
	for _, l := range n.lines {
		t.say(l)
	}
	switch n.move {
	case moveStay:
		return
	case moveAgain:
		if s != nil {
			t.prompt(s)
		}
		return
	case moveLeave:
		t.p.Talk.Flow = FlowState{}
		return
	case moveJump:
		t.p.Talk.Flow = FlowState{Flow: n.flow, Draft: Draft{Change: n.change}}
		f = t.e.flows[n.flow]
	case moveNext:
		if s != nil {
			n.step = s.Next
		}
	case moveFinish:
		n.step = ""
	}
	if f == nil {
		t.p.Talk.Flow = FlowState{}
		return
	}
	if n.step == "" {
		t.p.Talk.Flow = FlowState{}
		if f.Done != nil {
			for _, l := range f.Done(t) {
				t.say(l)
			}
		}
		return
	}
	t.p.Talk.Flow.Step = n.step
	t.p.Talk.Flow.Retries = 0
	t.p.Talk.Flow.Offered = nil
	t.prompt(f.step(n.step))
}

// reAsk asks the current step again, kindly, with the reason.
func (t *turn) reAsk(s *Step, n Next) {
	for _, l := range n.lines {
		t.say(l)
	}
	if s == nil {
		return
	}
	t.p.Talk.Flow.Retries++
	tries := t.p.Talk.Flow.Retries
	pw := n.problem.With
	pw.Tries, pw.Again = tries, tries%2 == 0
	x := Extra{Problem: t.render(n.problem.Msg, 0, pw), Stuck: tries >= 3, CanSkip: s.Skip, Tries: tries, Again: tries%2 == 0,
		Hour: pw.Hour, Changed: pw.Changed}
	if tries >= 2 && s.Examples != "" {
		// Twice not usable: choices to pick from, not the same words.
		x.Examples = t.examples(s.Examples)
		x.Non = "again"
		t.say(t.offerLine(Msg("offer."+s.Examples), x, s.Skip))
		return
	}
	if x.Again && !n.heard {
		// Never the same words twice in a row.
		x.Problem = strings.TrimSpace(t.e.phrase("reask.again", t.p.ID.Platform(), Extra{}) + " " + x.Problem)
	}
	if s.Ask != "" {
		t.ask(Line{Msg: s.ReAsk, With: x, Ask: s.Ask, Choices: s.Choice})
		return
	}
	t.say(sayWith(s.ReAsk, x))
}

// askedAgo is how long ago the open question was asked (a very long time
// when it is not known).
func (t *turn) askedAgo() time.Duration {
	a := t.p.Talk.Flow.Asked
	if a.IsZero() {
		return 1 << 62
	}
	return t.now.Sub(a)
}

// flows returns every conversation flow, from each technique's file.
func flows() map[FlowID]*Flow {
	all := []*Flow{
		onboardFlow(), goalFlow(), stepFlow(), rateFlow(), valuesFlow(), adjustFlow(),
		fadeFlow(), coachConsentFlow(), checkinFlow(), winFlow(), stillWantFlow(), forgetFlow(), changeFlow(), ownFlow(),
	}
	m := make(map[FlowID]*Flow, len(all))
	for _, f := range all {
		m[f.ID] = f
	}
	return m
}

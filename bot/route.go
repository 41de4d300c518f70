package bot

import (
	"strconv"
	"strings"
	"time"
)

// handle decides what the event is and answers it: a press on a choice,
// a command, or free text (an answer to the open question, a command
// said as a word, a check-in said in passing, a hello).
func (t *turn) handle() {
	ev := t.ev
	text, cut := CleanText(ev.Text)
	text = oneLine(text)
	if t.safety(text) {
		return
	}
	if cut {
		t.say(sayWith("text.trimmed", Extra{Max: MaxTextRunes}))
	}
	switch {
	case ev.Action != "":
		t.action(ev.Action, ev.Token, text)
	case ev.Command != "":
		t.command(strings.ToLower(ev.Command), text)
	default:
		t.message(text)
	}
}

// message answers free text.
func (t *turn) message(text string) {
	p := t.p
	_, step := t.current()
	if name, args, ok := t.e.spokenCommand(text, p.Talk.Flow.Flow != "" && (step == nil || !step.Soft)); ok {
		t.command(name, args)
		return
	}
	if p.Talk.Flow.Flow != "" {
		if f, _ := t.current(); f != nil && !t.staleSoftStep() {
			t.answer(text)
			return
		}
		p.Talk.Flow = FlowState{}
	}
	if !p.Plan.Onboarded {
		if t.isCoachHere() {
			t.say(say("coach.welcome"))
			return
		}
		t.start(flowOnboard)
		return
	}
	if text == "" {
		t.say(say("empty"))
		return
	}
	t.free(t.read(ExpectNothing, text))
}

// free answers a message sent with no question open by what it says: a
// check-in is recorded, a change asked for is offered back, a doubt is
// answered, a question about the bot is answered, an apology for being
// away is met warmly with an offer to lighten the plan. The summary of
// the plan ("good to see you") comes at most once a day.
func (t *turn) free(r Reading) {
	switch {
	case r.Kind == Report:
		t.enter(flowCheckin, stepOutcome)
		t.apply(t.recordReport(r))
	case r.Kind == Request && r.Asks == AskQuestion:
		t.say(t.about(questionAbout(plain(r.Text))))
	case r.Kind == Request && r.Asks == AskSkip:
		t.say(say("free.heard"))
	case r.Kind == Request:
		t.apply(t.proposeChange(r))
	case r.Kind == Doubt:
		t.apply(jump(flowAdjust, stepAdjustOffer).saying(say("doubt.heard")))
	case r.Kind == Elsewhere && r.Other == ExpectWin:
		for _, l := range t.recordWin(winText(r.Value)) {
			t.say(l)
		}
	case r.Kind == Elsewhere && r.Other == ExpectObstacle:
		t.p.Memory.LastObstacle = short(r.Value, 300)
		t.say(say("obstacle.heard"))
	case r.Sorry:
		t.apply(jump(flowAdjust, stepAdjustOffer).saying(say("sorry.heard")))
	case t.returned:
		t.say(say("quiet.back"))
	case greeting(r.Text):
		t.hello()
	case thanks(r.Text):
		t.say(say("free.thanks"))
	default:
		t.hello()
	}
}

// thanks reports a message that only thanks: "thanks!", "cheers", "ty".
func thanks(text string) bool {
	switch stripFiller(plain(text)) {
	case "", "thanks", "thank you", "thx", "ty", "cheers", "thanks a lot", "thank you so much", "many thanks", "ta", "appreciate it",
		"thanks so much", "great thanks", "ok thanks", "cool thanks", "perfect thanks", "brilliant thanks", "nice one":
		return plain(text) != ""
	}
	return false
}

// winText is a win told in passing without its lead: "small win today:
// cooked every night" is "cooked every night".
func winText(v string) string {
	if i := strings.IndexAny(v, ":-–—"); i > 0 && i < 30 && winSaid.MatchString(plain(v[:i])) {
		if rest := strings.TrimSpace(v[i+1:]); rest != "" {
			return rest
		}
	}
	return v
}

// hello greets with the plan's summary once a day; after that, a short
// word on what the person can do.
func (t *turn) hello() {
	m := &t.p.Memory
	if !m.HelloAt.IsZero() && sameDay(m.HelloAt.In(t.loc), t.now.In(t.loc)) {
		if greeting(t.ev.Text) {
			t.say(say("hello.again"))
			return
		}
		t.say(say("free.heard"))
		return
	}
	m.HelloAt = t.now
	t.say(say("hello.back"))
}

// spokenCommand recognises a command typed as a plain word ("help",
// "win sent the email"). In the middle of a flow only the words that must
// always work ("stop", "pause", "help", "cancel") count, said alone, so
// that an answer like "win the contract" is taken as an answer; an
// optional question (a note, the values question) is no such middle.
func (e *Engine) spokenCommand(text string, inFlow bool) (name, args string, ok bool) {
	first, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
	first = strings.TrimPrefix(strings.ToLower(first), "/")
	first = strings.TrimSuffix(first, ":")
	rest = strings.TrimSpace(rest)
	if inFlow {
		n := strings.TrimPrefix(normal(text), "/")
		if c := e.commands[n]; c != nil && c.Always {
			return c.Name, "", true
		}
		if greeting(text) {
			return "hi", "", true
		}
		if strings.HasPrefix(strings.TrimSpace(text), "/") && e.commands[first] != nil {
			return first, rest, true
		}
		return "", "", false
	}
	c := e.commands[first]
	if c == nil {
		return "", "", false
	}
	// "stop" or "help" alone are commands; "stop smoking" is conversation.
	return first, rest, rest == "" || c.Spoken
}

// greeting reports whether text is only a hello.
func greeting(text string) bool {
	switch plain(text) {
	case "hi", "hello", "hey", "hiya", "good morning", "morning", "hi there", "hello there", "hey there", "hi again", "hello again",
		"good evening", "good afternoon", "yo", "heya", "howdy", "hola", "hey hey", "hello hello", "morning all", "hi hi":
		return true
	}
	return false
}

// staleSoftStep reports whether the person is on an optional step (a note
// after a check-in) that they left long ago, so fresh text is not taken as
// an answer to an old question.
func (t *turn) staleSoftStep() bool {
	_, s := t.current()
	return s != nil && s.Soft && !t.p.Talk.Flow.Asked.IsZero() && t.askedAgo() > 6*time.Hour
}

// action answers a press on a choice the bot offered.
func (t *turn) action(ask, token, value string) {
	p := t.p
	if token != "" && token == p.Talk.Flow.Token && p.Talk.Flow.Flow != "" {
		t.answer(value)
		return
	}
	if ask == askCoachPick && token != "" && token == p.Talk.Flow.Token && t.pickCoach(value) {
		return
	}
	// A check-in button on an older reminder still counts, unless that
	// day was already checked in since the button was offered.
	if o, ok := ParseOutcome(value); ok && ask == askCheckIn && p.Plan.Onboarded && !t.answeredSince(token) {
		t.checkInNow(o)
		return
	}
	t.say(say("stale.button"))
}

// answeredSince reports whether the person checked in after the question
// that carried token was asked (tokens end in the asking time).
func (t *turn) answeredSince(token string) bool {
	i := strings.LastIndexByte(token, '-')
	if i < 0 {
		return true
	}
	nanos, err := strconv.ParseInt(token[i+1:], 10, 64)
	if err != nil {
		return true
	}
	return !t.p.Memory.LastCheckIn.Before(time.Unix(0, nanos))
}

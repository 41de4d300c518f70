package bot

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// Safety comes before the plan (technique 15). Every text is read for
// distress before anything else (distress.go): a message, an answer to
// any question, a win, a note, a command's words, a button's value.
//
//   - A crisis gets a short, warm reply that says the bot is not a
//     crisis service and where real help is (the emergency number, a
//     free helpline), and, if the person has a coach, an offer to tell
//     the coach that they would welcome a call — only on a yes, then and
//     there, and only that.
//   - Words that may be distress get a gentle question first ("how are
//     you doing, really?"); an answer that says they are fine goes back
//     to where they were.
//   - Then plan talk and reminders pause until the person chooses to go
//     on; a day later the bot asks once, gently, and then waits.
//
// What they wrote is never stored (not as a goal, step, obstacle,
// reason, note or win), never quoted back and never shown to anyone; it
// is not a missed day. Only the times of the safety replies are kept
// (Person.Safety), in the export and gone with forget.

const flowSafety FlowID = "safety"

const (
	stepSafetyCheck StepID = "check" // "how are you doing, really?"
	stepSafetyCoach StepID = "coach" // shall I tell your coach?
	stepSafetyHeld  StepID = "held"  // paused until they go on
)

const askSafety = "safety"

var (
	safetyCoachChoices = []Choice{{Label: "label.safety.tell", Value: "yes"}, {Label: "label.safety.donttell", Value: "no"}}
	safetyBackChoices  = []Choice{{Label: "label.safety.goon", Value: "go on"}, {Label: "label.safety.notyet", Value: "not yet"}}
)

// SafetyConfig is where a safety reply points people: empty fields take
// the words of the prompts (an international default).
type SafetyConfig struct {
	// Emergency says how to reach emergency services now.
	Emergency string
	// Helplines says how to find a free, confidential helpline.
	Helplines string
}

// maxSafetyTimes is how many safety replies' times a person keeps.
const maxSafetyTimes = 20

// checkBackAfter is when the bot asks, gently, whether to go on.
const checkBackAfter = 24 * time.Hour

// SafetyMetrics is told of each safety reply (its level, never a word of
// what was said); an engine's Metrics may implement it.
type SafetyMetrics interface {
	SafetyReply(platform, level string)
}

// safety reads the event for distress and, when it finds some or the
// person's plan talk is paused, answers it here. It reports whether it
// did; then nothing else handles the event.
func (t *turn) safety(text string) bool {
	e := ExpectText
	if _, s := t.current(); s != nil && t.ev.Command == "" {
		e = s.Expect
	}
	level := ReadDistressAt(text, e)
	held := !t.p.Safety.Held.IsZero()
	switch {
	case level == Crisis:
		t.crisis()
		return true
	case held:
		t.whileHeld(text, level)
		return true
	case level == Concern:
		t.concern()
		return true
	}
	return false
}

// hold pauses plan talk and reminders, remembering the open question
// if it is one to come back to (not a check-in's, which belongs to its
// day, nor an optional note).
func (t *turn) hold() {
	s := &t.p.Safety
	if s.Held.IsZero() {
		s.Held, s.CheckedBack = t.now, time.Time{}
		if t.resumable(t.p.Talk.Flow) {
			s.Resume = t.p.Talk.Flow
		}
		// The reminder outstanding is not a missed day.
		t.p.Schedule.Last = time.Time{}
	}
	s.Replies = append(s.Replies, t.now)
	if len(s.Replies) > maxSafetyTimes {
		s.Replies = s.Replies[len(s.Replies)-maxSafetyTimes:]
	}
	t.reschedule()
}

// resumable reports whether a question is one to go back to after a
// pause.
func (t *turn) resumable(f FlowState) bool {
	switch f.Flow {
	case "", flowSafety, flowCheckin, flowStillWant, flowWin:
		return false
	}
	fl := t.e.flows[f.Flow]
	if fl == nil {
		return false
	}
	s := fl.step(f.Step)
	return s != nil && !s.Soft
}

// crisis answers thoughts of suicide or self-harm, or acute distress.
func (t *turn) crisis() {
	t.hold()
	t.counted(Crisis)
	x := t.safetyExtra()
	if x.Coach == "" {
		t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyHeld, Asked: t.now}
		t.say(sayWith("safety.crisis", x))
		return
	}
	t.say(sayWith("safety.crisis", x))
	t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyCoach, Asked: t.now}
	t.ask(Line{Msg: "safety.coach.offer", With: x, Ask: askSafety, Choices: safetyCoachChoices})
}

// concern asks gently how the person is, when their words may be
// distress.
func (t *turn) concern() {
	t.hold()
	t.counted(Concern)
	t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyCheck, Asked: t.now, Token: ""}
	t.say(say("safety.concern"))
}

// counted tells the metrics of a safety reply.
func (t *turn) counted(level Distress) {
	if m, ok := t.e.metrics.(SafetyMetrics); ok {
		m.SafetyReply(t.p.ID.Platform(), level.String())
	}
}

// whileHeld answers a person whose plan talk is paused.
func (t *turn) whileHeld(text string, level Distress) {
	ev := t.ev
	if ev.Command != "" {
		t.commandWhileHeld(strings.ToLower(ev.Command), text)
		return
	}
	step := StepID("")
	if t.p.Talk.Flow.Flow == flowSafety {
		step = t.p.Talk.Flow.Step
	}
	// With nothing asked, "checkin" or "progress" alone is the command,
	// as it is outside any flow.
	if name, args, ok := t.e.spokenCommand(text, step != stepSafetyHeld); ok {
		t.commandWhileHeld(name, args)
		return
	}
	if ev.Action != "" && (ev.Token == "" || ev.Token != t.p.Talk.Flow.Token) && ev.Action != askSafety {
		// A button of an older question (a reminder's): not now.
		t.say(sayWith("safety.hold", t.safetyExtra()))
		return
	}
	switch {
	case level == Concern && step != stepSafetyCheck:
		t.concern()
	case step == stepSafetyCoach:
		t.answerCoachOffer(text)
	case step == stepSafetyCheck:
		t.answerConcern(text)
	case wantsToGoOn(text):
		t.goOn(true)
	case notYet(text):
		t.held()
		t.say(say("safety.notyet"))
	case feelsOkay(text):
		t.held()
		t.say(say("safety.better"))
	default:
		// The ways to help in full, then, within hours, a shorter word.
		recently := t.p.Talk.Flow.Flow == flowSafety && t.askedAgo() < 6*time.Hour
		t.held()
		if recently {
			t.say(say("safety.here"))
			return
		}
		t.say(sayWith("safety.hold", t.safetyExtra()))
	}
}

// held leaves the person paused, with nothing asked.
func (t *turn) held() {
	t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyHeld, Asked: t.now}
}

// answerConcern answers "how are you doing, really?".
func (t *turn) answerConcern(text string) {
	switch {
	case feelsOkay(text):
		t.say(say("safety.okay"))
		resume := t.p.Safety.Resume
		t.goOn(false)
		t.reopen(t.e.flows[resume.Flow], resume, false)
		return
	case wantsToGoOn(text):
		t.goOn(true)
		return
	}
	x := t.safetyExtra()
	t.say(sayWith("safety.support", x))
	if x.Coach != "" {
		t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyCoach, Asked: t.now}
		t.ask(Line{Msg: "safety.coach.offer", With: x, Ask: askSafety, Choices: safetyCoachChoices})
		return
	}
	t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyHeld, Asked: t.now}
}

// answerCoachOffer tells the person's coaches, on a yes, that the person
// would welcome them reaching out: that, and nothing of what was said.
func (t *turn) answerCoachOffer(text string) {
	t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyHeld, Asked: t.now}
	yes, ok := ParseYesNo(text)
	if !ok {
		n := normal(text)
		yes, ok = strings.HasPrefix(n, "yes") || strings.HasPrefix(n, "please"), true
	}
	if !yes {
		t.say(say("safety.coach.no"))
		return
	}
	esc := t.e.escaper(t.p.ID.Platform())
	name := esc(t.p.Identity.Name)
	for _, c := range t.coaches() {
		text, err := t.e.words.Say("safety.coach.notify", c.Platform(), 0, Data{Extra: Extra{Value: name}})
		if err != nil {
			t.e.log.Error("render message", "message", "safety.coach.notify", "err", err)
			continue
		}
		r := Reply{Text: text, Visibility: Private, About: []PersonID{t.p.ID}}
		t.add(r)
		last := &t.replies[len(t.replies)-1]
		last.To, last.Place = c, Place{}
	}
	t.say(sayWith("safety.coach.told", t.safetyExtra()))
}

// commandWhileHeld runs a command while plan talk is paused. The
// commands about the person's data and reminders work as ever; asking
// for the plan (a check-in, progress, a goal) is choosing to go on.
func (t *turn) commandWhileHeld(name, args string) {
	c := t.e.commands[name]
	if c == nil {
		t.command(name, args)
		return
	}
	switch c.Name {
	case "help", "export", "forget", "stop", "pause", "zone", "share", "setup", "progress", "coach":
		// About the person's data and reminders, or only a view: the
		// pause goes on.
		t.command(name, args)
		return
	case "cancel":
		t.p.Safety.Resume = FlowState{}
		t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyHeld, Asked: t.now}
		t.say(say("cancel.set"))
		return
	case "start":
		t.say(sayWith("safety.hold", t.safetyExtra()))
		return
	}
	t.goOn(false)
	t.command(name, args)
}

// goOn ends the pause: reminders come again, and the question the
// person was at is open again; with back, they are welcomed and asked
// it (or, new here, the first question).
func (t *turn) goOn(back bool) {
	s := &t.p.Safety
	resume := s.Resume
	s.Held, s.CheckedBack, s.Resume = time.Time{}, time.Time{}, FlowState{}
	t.p.Talk.Flow = FlowState{}
	t.reschedule()
	f := t.e.flows[resume.Flow]
	if f != nil && f.step(resume.Step) != nil {
		t.p.Talk.Flow = resume
	}
	if back {
		t.reopen(f, resume, true)
	}
}

// reopen asks again the question the person was at (or, new here, the
// first one); with welcome, they are welcomed back first. Someone who
// only said they are all right was never away: no welcome.
func (t *turn) reopen(f *Flow, at FlowState, welcome bool) {
	switch {
	case f != nil && f.step(at.Step) != nil:
		if welcome {
			t.say(say("safety.welcome"))
		}
		t.say(say("back.to.question"))
		t.prompt(f.step(at.Step))
	case !t.p.Plan.Onboarded:
		if welcome {
			t.say(say("safety.begin"))
		}
		t.start(flowOnboard)
	case welcome:
		t.say(say("safety.welcome"))
	}
}

// coaches are the person's coaches, in every group, once each.
func (t *turn) coaches() []PersonID {
	var out []PersonID
	for _, m := range t.p.Groups {
		if m.Coach != "" && m.Coach != t.p.ID && !slices.Contains(out, m.Coach) {
			out = append(out, m.Coach)
		}
	}
	return out
}

// safetyExtra is what the safety messages say: where help is, and the
// names of the person's coaches.
func (t *turn) safetyExtra() Extra {
	x := Extra{Emergency: t.e.safety.Emergency, Helpline: t.e.safety.Helplines}
	platform := t.p.ID.Platform()
	if x.Emergency == "" {
		x.Emergency = t.e.phrase("safety.emergency", platform, Extra{})
	}
	if x.Helpline == "" {
		x.Helpline = t.e.phrase("safety.helplines", platform, Extra{})
	}
	var names []string
	esc := t.e.escaper(platform)
	for _, c := range t.coaches() {
		names = append(names, esc(t.nameOf(c)))
	}
	x.Coach = strings.Join(names, ", ")
	return x
}

// checkBack is the one gentle question a day after a safety reply, in
// place of a reminder; it reports whether it was due.
func (t *turn) checkBack() bool {
	s := &t.p.Safety
	if s.Held.IsZero() || !s.CheckedBack.IsZero() || t.now.Sub(s.Held) < checkBackAfter {
		return false
	}
	s.CheckedBack = t.now
	t.p.Talk.Flow = FlowState{Flow: flowSafety, Step: stepSafetyHeld, Asked: t.now}
	t.ask(Line{Msg: "safety.checkback", Ask: askSafety, Choices: safetyBackChoices})
	return true
}

// heldNext is when the scheduler next needs to look at a held person:
// the day-after question, or never.
func (t *turn) heldNext() time.Time {
	s := t.p.Safety
	if !s.CheckedBack.IsZero() {
		return time.Time{}
	}
	return s.Held.Add(checkBackAfter)
}

// wantsToGoOn reports whether text says "let's pick up the plan".
func wantsToGoOn(text string) bool {
	switch normal(text) {
	case "go on", "goon", "continue", "carry on", "pick up", "pick it up", "pick up my plan", "lets go on", "let's go on",
		"lets continue", "let's continue", "resume", "back to the plan", "back to my plan", "i'm ready", "im ready",
		"ready", "lets go", "let's go", "keep going", "i want to go on", "i'd like to go on", "id like to go on",
		"yes, go on", "yes go on", "ok go on", "okay go on", "go ahead", "let's do it", "lets do it", "i'm ok to go on",
		"pick up where we were", "pick up where we left off", "where were we":
		return true
	}
	return false
}

// notYet reports whether text says "not now".
func notYet(text string) bool {
	switch normal(text) {
	case "not yet", "no", "nope", "nah", "later", "not now", "not today", "maybe later", "leave it", "no thanks",
		"not ready", "i'm not ready", "im not ready", "leave it for now", "not right now":
		return true
	}
	return false
}

// feelsOkay reports whether an answer to "how are you doing, really?"
// says they are all right: a word for all right, with hedges and filler
// around it at most ("fine i guess", "ok-ish tbh", "yeah better now
// thx"), nothing heavy ("not fine", "fine but i can't sleep"), and not
// much else said — a longer answer is listened to as it is.
func feelsOkay(text string) bool {
	n := strings.TrimSuffix(normal(text), " thanks")
	n = strings.TrimPrefix(n, "yeah ")
	n = strings.TrimPrefix(n, "honestly ")
	n = strings.TrimSuffix(n, " lol")
	if okayAnswers[n] {
		return true
	}
	n = strings.NewReplacer("not too bad", "ok", "not that bad", "ok", "not bad", "ok", "no worries", "ok",
		"ok-ish", "ok", "okay-ish", "ok", "alright-ish", "ok", "all right", "ok").Replace(n)
	okay, other := false, 0
	for _, w := range strings.FieldsFunc(n, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == '.' || r == '!' || r == '-' }) {
		w = strings.Trim(w, "'’\"()?")
		switch {
		case okayWords[w]:
			okay = true
		case heavyWords[w]:
			return false
		case !hedgeWords[w]:
			other++
		}
	}
	return okay && other <= 2
}

// okayAnswers are whole answers that say all is well.
var okayAnswers = setOf("ok", "okay", "fine", "i'm fine", "im fine", "i'm ok", "im ok", "i'm okay", "im okay", "all good", "good",
	"i'm good", "im good", "alright", "i'm alright", "im alright", "all right", "not bad", "better", "better now",
	"i'm fine really", "fine really", "just tired", "i'm just tired", "im just tired", "just stressed",
	"i'm just stressed", "just busy", "it's just work", "its just work", "just a bad day", "just a long day",
	"no i'm fine", "no im fine", "nah i'm fine", "nah im fine", "i'm doing ok", "im doing ok", "doing ok",
	"doing okay", "pretty good", "i'm all right", "👍", "🙂", "it was a joke", "just joking", "joking", "kidding",
	"i was joking", "i was kidding", "it's fine", "its fine", "no worries", "i'm safe", "im safe")

// okayWords say "all right"; heavyWords say it is not; hedgeWords
// change nothing of an answer ("fine i guess tbh").
var (
	okayWords = setOf("ok", "okay", "okey", "fine", "good", "alright", "allright", "better", "safe", "great", "well",
		"decent", "grand", "solid", "okish", "okayish", "👍", "🙂", "😊", "👌")
	heavyWords = setOf("not", "never", "bad", "awful", "terrible", "horrible", "shit", "shitty", "crap", "crappy", "struggling",
		"struggle", "hard", "heavy", "worse", "worst", "low", "down", "sad", "depressed", "anxious", "lonely", "alone",
		"scared", "afraid", "hopeless", "empty", "numb", "crying", "cry", "hate", "exhausted", "overwhelmed", "broken",
		"lost", "idk", "dunno", "meh", "but", "although", "though", "except", "can't", "cant", "cannot", "won't", "wont",
		"hurt", "hurting", "pain", "rough", "miserable", "awful", "😔", "😞", "😢", "😭", "💔", "🙁", "☹")
	hedgeWords = setOf("i", "im", "i'm", "am", "guess", "think", "suppose", "tbh", "honestly", "really", "lol", "haha",
		"thanks", "thank", "you", "thx", "ty", "yeah", "yea", "yep", "yes", "mostly", "pretty", "much", "kinda", "kind",
		"of", "sorta", "sort", "just", "now", "a", "bit", "little", "actually", "doing", "feeling", "feel", "its", "it's",
		"it", "all", "right", "ish", "overall", "today", "again", "for", "the", "most", "part", "no", "nah", "ok",
		"quite", "very", "so", "fairly", "reasonably", "like", "um", "uh", "hmm", "well", "tired", "busy", "stressed",
		"was", "joking", "kidding", "promise", "honest", "seriously", "totally", "and", "you're", "sweet", "kind",
		"asking", "worry", "dont", "don't", "need", "to", "about", "me", "things", "are", "am", "being", "okay")
)

// setOf is a set of words.
func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

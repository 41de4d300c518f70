package bot

import (
	"regexp"
	"strings"
)

// Understanding replies (technique 14): every reply is first read for
// safety (safety.go), then against the question it answers, and only an
// answer moves a flow. A reply is read as one of:
//
//   - an answer, with its value in clean words (filler such as "ok
//     fine", "i guess" or "lol" left out);
//   - a non-answer: "idk", "no", "the same", "ugh fine", a shrug, "you
//     pick" — the person is unsure, reluctant or tired, and is answered
//     as such, never written into the plan;
//   - an answer to another question: a number where a step was asked, a
//     time or a reason where a habit was asked — put where it belongs;
//   - a request in words: "can we do every day", "move it to 8", "pause";
//   - a check-in in natural words: "yep did it", "sorta", "nah", with a
//     note and what was done ("wrote 230 words");
//   - a doubt: "idk if i can do daily rn tbh".
//
// The reading is deterministic and offline, in English; the word lists
// are in understand_words.go, so another language can be added beside
// them.

// Expect is what kind of answer a question asks for.
type Expect int

// The kinds of answer questions ask for.
const (
	ExpectText       Expect = iota // anything said
	ExpectGoal                     // a goal, or what doing it would look like
	ExpectStep                     // a small next action
	ExpectSmaller                  // a smaller version of a step, or keep
	ExpectHabit                    // an existing habit to anchor to
	ExpectTime                     // a time of day
	ExpectDays                     // how often: days of the week
	ExpectRating                   // a number from 1 to 10
	ExpectReason                   // a reason: what brought them, what makes it a 4
	ExpectValues                   // why it matters to them: the inner reason
	ExpectCheckIn                  // done, partly or not yet
	ExpectObstacle                 // what got in the way
	ExpectNote                     // an optional note on a check-in
	ExpectYesNo                    // yes or no
	ExpectMilestones               // a list of checkpoints
	ExpectChoice                   // one of the choices offered
	ExpectWin                      // a win
	ExpectWho                      // who would notice
	ExpectUp                       // what would move a rating up
	ExpectNothing                  // nothing was asked: free text
	ExpectConfirm                  // yes or no to a statement, or the statement in the person's words
)

// Kind is how a reply answers the question asked.
type Kind int

// The kinds of reply.
const (
	Answer    Kind = iota // an answer to the question
	NonAnswer             // don't know, no, the same, a shrug, you pick
	Elsewhere             // an answer to another question (Reading.Other)
	Request               // a change asked for in words (Reading.Asks)
	Report                // a check-in in natural words (Reading.Outcome)
	Doubt                 // a doubt or worry about the plan
)

func (k Kind) String() string {
	return [...]string{"answer", "nonanswer", "other", "request", "checkin", "doubt"}[k]
}

// NonKind says what kind of non-answer a reply is.
type NonKind int

// The kinds of non-answer.
const (
	NotNon   NonKind = iota
	DontKnow         // idk, not sure, no idea
	Refusal          // no, nope, rather not
	Filler           // ok, fine, ugh fine, lol, an emoji
	Same             // the same, as before
	Shrug            // meh, whatever, doesn't matter
	YouPick          // you pick, up to you, any suggestions?
	Nothing          // nothing, nobody, none
	Unclear          // what do you mean?
)

// Ask is a change the person asked for in words.
type Ask int

// The changes people ask for.
const (
	NoAsk       Ask = iota
	AskDays         // other days: "can we do every day", "weekdays instead"
	AskTime         // another time: "move it to 8", "earlier"
	AskPause        // a pause: "can we pause for a week"
	AskGoal         // another goal
	AskStep         // another step, or a smaller one
	AskSkip         // not now, skip this question
	AskQuestion     // a question about the bot
	AskLighter      // a lighter plan: "can we slow down"
)

// Reading is a reply as understood against the question asked.
type Reading struct {
	Kind Kind
	// Text is the reply as written (cleaned, on one line).
	Text string
	// Value is what it says in clean words: filler left out.
	Value string
	// Empty: nothing was said. Skip: the person asked to skip.
	Empty, Skip bool
	Non         NonKind
	// Other is the question a reply answers instead (with Elsewhere).
	Other Expect
	// Asks is the change asked for (with Request).
	Asks Ask
	// What was recognised in the reply, whichever its kind.
	Rating  int // 1-10, 0 when none
	HasTime bool
	Hour    int
	Minute  int
	// TimeOpen: a time of day that could be morning or evening ("8").
	TimeOpen bool
	// TimeGuess: a clock time without morning or evening ("7:15"),
	// read as written unless what it follows says evening.
	TimeGuess bool
	// DayPart is a part of the day said instead of a time ("after
	// lunch", "in the morning"), to ask which time that is.
	DayPart string
	// Days is a cron day-of-week field and its label, "" when none.
	Days, DaysLabel string
	// DaysNote explains days that need a choice ("every other day").
	DaysNote string
	Outcome  Outcome
	// Note is what a check-in said besides its outcome.
	Note string
	// Yes and IsYesNo: a yes or a no was given.
	Yes, IsYesNo bool
	// Pressure: the reply speaks of outside pressure ("hr made me").
	Pressure bool
	// Specific is what was done, with its number or who and where
	// ("230 words", "your boss"), for a celebration to name.
	Specific string
	// Sorry: the person apologised for being away.
	Sorry bool
}

// read reads a reply against what the question expects.
func (t *turn) read(e Expect, text string) Reading {
	return ReadReply(e, text)
}

// ReadReply reads a reply against what a question expects.
func ReadReply(e Expect, text string) Reading {
	r := Reading{Text: strings.TrimSpace(text)}
	n := normal(text)
	if n == "" || onlySymbols(n) && !hasEmojiMeaning(text) {
		r.Empty = strings.TrimSpace(text) == ""
		if !r.Empty {
			r.Kind, r.Non = NonAnswer, Filler
		}
		return r
	}
	switch plain(n) {
	case "skip", "pass", "skip it", "skip this", "skip this one", "next", "next question", "skip for now", "skip pls", "skip please":
		r.Skip = true
		r.Kind, r.Non, r.Asks = NonAnswer, Refusal, AskSkip
		return r
	}
	r.Value = cleanValue(text)
	r.Pressure = pressure(n)
	r.Sorry = apologising(n)
	r.Rating = ratingIn(e, n)
	r.Hour, r.Minute, r.HasTime, r.TimeOpen = timeIn(n, e == ExpectTime)
	// "7:15" (no am or pm) is a guess at the morning: as written, unless
	// the habit it follows says evening.
	r.TimeGuess = r.HasTime && !r.TimeOpen && r.Hour >= 1 && r.Hour <= 11 && !halfSaid(n)
	r.Days, r.DaysLabel, r.DaysNote = daysIn(n)
	r.Outcome, r.Note = outcomeIn(text)
	r.Yes, r.IsYesNo = yesNoIn(n)
	r.Specific = specificIn(r.Value)
	if e != ExpectTime {
		r.DayPart = timeOfDayWord(n)
	}
	readers[e](&r, n)
	return r
}

// readers read a reply against each kind of question. Each is a list of
// readings tried in order; the first that fits is the reading.
var readers = map[Expect]func(r *Reading, n string){
	ExpectText: readAnything, ExpectGoal: readGoal, ExpectStep: readStep, ExpectSmaller: readSmaller,
	ExpectHabit: readHabit, ExpectTime: readTime, ExpectDays: readDays, ExpectRating: readRating,
	ExpectReason: readReason, ExpectValues: readValues, ExpectCheckIn: readCheckIn, ExpectObstacle: readObstacle,
	ExpectNote: readNote, ExpectYesNo: readYesNo, ExpectMilestones: readMilestones, ExpectChoice: readChoice,
	ExpectWin: readWin, ExpectWho: readWho, ExpectUp: readUp, ExpectNothing: readFree, ExpectConfirm: readConfirm,
}

// The readings the readers try. Each reports whether it fits, and if it
// does sets the reading.

// asks is a change asked for in words: any kind, or (weak) only the
// kinds that cannot be an answer too ("make it smaller" is a request,
// "move my desk to the window" a step).
func asks(r *Reading, n string, strongOnly bool) bool {
	a := asksFor(n)
	if a == NoAsk || strongOnly && (a == AskDays || a == AskTime) && !asking(n) {
		return false
	}
	r.Kind, r.Asks = Request, a
	return true
}

func doubts(r *Reading, n string) bool {
	if !doubting(n) {
		return false
	}
	r.Kind = Doubt
	return true
}

func non(r *Reading, n string) bool {
	if k := nonAnswer(n); k != NotNon {
		r.Kind, r.Non = NonAnswer, k
		return true
	}
	return false
}

func other(r *Reading, e Expect) bool {
	r.Kind, r.Other = Elsewhere, e
	return true
}

func answer(r *Reading) bool {
	r.Kind = Answer
	return true
}

// ratingSaid: a number or "i'd say a 4" where no rating was asked.
func ratingSaid(r *Reading, n string) bool {
	return r.Rating > 0 && (bareNumber(n) || ratingPhrase(n)) && other(r, ExpectRating)
}

// timeSaid: only a time ("7am", "around 8").
func timeSaid(r *Reading, n string) bool {
	return r.HasTime && onlyTime(n) && other(r, ExpectTime)
}

// daysSaid: only days ("weekdays", "mon and thu").
func daysSaid(r *Reading, n string) bool {
	return (r.Days != "" || r.DaysNote != "") && onlyDays(n) && other(r, ExpectDays)
}

// habitSaid: a habit said as one ("after my coffee", "when i get home").
func habitSaid(r *Reading, n string) bool {
	return habitPhrase(n) && other(r, ExpectHabit)
}

// reasonSaid: a reason said as one ("because…"), or someone else's wish.
func reasonSaid(r *Reading, n string) bool {
	return (r.Pressure || reasonLead(n)) && other(r, ExpectReason)
}

func readGoal(r *Reading, n string) {
	_ = asks(r, n, true) || doubts(r, n) || non(r, n) ||
		whoSaid.MatchString(plain(n)) && other(r, ExpectWho) ||
		thirdParty.MatchString(plain(n)) && !looksLikeGoal(n) && other(r, ExpectReason) ||
		r.Rating > 0 && bareNumber(n) && other(r, ExpectRating) ||
		(r.Pressure || isReason(n)) && !looksLikeGoal(n) && other(r, ExpectReason) ||
		r.Outcome != "" && words(n) <= 3 && report(r) ||
		answer(r)
}

func readStep(r *Reading, n string) {
	_ = non(r, n) || ratingSaid(r, n) || asks(r, n, true) || doubts(r, n) ||
		(reasonLead(n) || (r.Pressure || reasonLike(n)) && !looksLikeAction(n)) && other(r, ExpectReason) ||
		timeSaid(r, n) || daysSaid(r, n) || habitSaid(r, n) ||
		answer(r)
}

func readSmaller(r *Reading, n string) {
	if keepWord(n) {
		r.Kind, r.Value = Answer, "keep"
		return
	}
	readStep(r, n)
}

func readHabit(r *Reading, n string) {
	switch {
	case non(r, n) || noHabit(n) && nothing(r):
	case timeSaid(r, n) || daysSaid(r, n) || reasonSaid(r, n) && !habitPhrase(n):
	case asks(r, n, true) || doubts(r, n):
	default:
		r.Kind = Answer
		r.Value = cleanHabit(r.Value)
		if r.Value == "" {
			r.Kind, r.Non = NonAnswer, Filler
		}
	}
}

func nothing(r *Reading) bool {
	r.Kind, r.Non = NonAnswer, Nothing
	return true
}

func readTime(r *Reading, n string) {
	switch {
	case r.HasTime && !habitPhrase(n) || r.HasTime && onlyTime(n):
		r.Kind = Answer
	case asks(r, n, true) || doubts(r, n) || non(r, n):
	case daysSaid(r, n):
	case timeOfDayWord(n) != "":
		r.Kind = Answer // "in the morning": which hour? the parser asks
		r.DayPart = timeOfDayWord(n)
	case r.HasTime:
		r.Kind = Answer
	case habitPhrase(n) || looksLikeHabit(n):
		r.Kind, r.Other = Elsewhere, ExpectHabit
		r.Value = cleanHabit(r.Value)
	default:
		r.Kind = Answer // not a time: the parser says so
	}
}

func readDays(r *Reading, n string) {
	_ = ableDoubt.MatchString(plain(n)) && doubt(r) || (r.Days != "" || r.DaysNote != "") && answer(r) || doubts(r, n) ||
		non(r, n) || timeSaid(r, n) ||
		r.DayPart != "" && other(r, ExpectTime) ||
		answer(r) // not days: the parser says which word it missed
}

func readRating(r *Reading, n string) {
	_ = sarcastic(n) && r.Rating >= 8 && doubt(r) ||
		r.Rating > 0 && answer(r) ||
		timeSaid(r, n) || daysSaid(r, n) ||
		ratingProblem(n) && answer(r) || // a number off the scale: the parser says why
		asks(r, n, false) || doubts(r, n) || non(r, n) ||
		habitSaid(r, n) || timeSaid(r, n) ||
		(isReason(n) || r.Pressure) && other(r, ExpectReason) ||
		nonFiller(r)
}

func doubt(r *Reading) bool {
	r.Kind = Doubt
	return true
}

func nonFiller(r *Reading) bool {
	r.Kind, r.Non = NonAnswer, Filler
	return true
}

// thirdParty is someone else's nudge, said for a goal: "my therapist
// said i should try this", "my mate kept going on about this app".
var thirdParty = regexp.MustCompile(`\b(said|says|told me|suggested|recommended|kept going on|keeps going on|kept telling me|put me onto|sent me|signed me up)\b.{0,40}\b(this|it|here|app|bot)\b|\bso here i am\b|\bthats why im here\b`)

// whoSaid is who would notice, said where something else was asked.
var whoSaid = regexp.MustCompile(`^(my |the |our )?[a-z]+( [a-z]+)? (would|will|might) (notice|see)\b`)

// upSaid is what would move a rating up, said where its reason was
// asked: "if i had someone to do it with it'd be higher".
var upSaid = regexp.MustCompile(`^(maybe |probably |prob |honestly )?if (i|it|my|the|we|someone)\b|\b(would|itd|it d|it would) (make it|be) (higher|better|a \d+|an \d+)\b|\bwould make it (a |an )?\d+\b`)

// readReason reads "what brought you here?", "what makes it a 4?":
// anything said is a reason, unless it is not one.
func readReason(r *Reading, n string) {
	_ = r.Pressure && answer(r) ||
		doubts(r, n) || non(r, n) ||
		r.Rating == 0 && upSaid.MatchString(plain(n)) && !isReason(n) && other(r, ExpectUp) ||
		ratingSaid(r, n) || ratingCorrection(r, n) ||
		habitSaid(r, n) ||
		asks(r, n, true) && !isReason(n) ||
		answer(r)
}

// readValues reads "why does this matter to you?": a report of how the
// step went is not a reason, nor a plain "done".
func readValues(r *Reading, n string) {
	_ = doubts(r, n) || non(r, n) ||
		r.Pressure && answer(r) ||
		ratingSaid(r, n) ||
		r.Outcome != "" && (words(n) <= 12 || reportLike(n)) && !reasonLike(n) && report(r) ||
		(reportLike(n) || reflection.MatchString(plain(n))) && !reasonLike(n) && other(r, ExpectNote) ||
		habitSaid(r, n) ||
		asks(r, n, true) && !reasonLike(n) ||
		answer(r)
}

// reflection is a note on how the step went, said where a reason was
// asked: "the walk today was easier than i expected", "i noticed i do
// better when…".
var reflection = regexp.MustCompile(`^(i )?(noticed|realised|realized|learned|learnt|found|discovered|figured)\b|^(my |the |our )?[a-z]+( [a-z]+)? (noticed|saw|said thanks|said well done|told me well done|commented|complimented|liked it|loved it)\b|\b(today|yesterday|this morning|last night|this week|tonight)\b.{0,40}\b(was|were|went|felt|did|got)\b|\b(was|went|felt) (way |much |a lot |so )?(easier|harder|better|worse) than\b`)

func report(r *Reading) bool {
	r.Kind = Report
	return true
}

func readCheckIn(r *Reading, n string) {
	_ = r.Outcome != "" && !asksFirst(n) && report(r) ||
		actionDone(n) && doneReport(r) ||
		asks(r, n, false) || doubts(r, n) || non(r, n) ||
		answer(r) // words, no outcome: likely what got in the way
}

func doneReport(r *Reading) bool {
	r.Kind, r.Outcome, r.Note = Report, Done, r.Value // "wrote two paragraphs"
	return true
}

// asksFirst: a request that starts with an outcome word ("no reminders
// this week", "don't message me on weekends").
func asksFirst(n string) bool {
	switch asksFor(n) {
	case NoAsk:
		return false
	case AskDays, AskTime:
		return words(n) >= 3
	}
	return true
}

// ableDoubt doubts being able to: "idk if i can do daily".
var ableDoubt = regexp.MustCompile(`\b(idk|not sure|dont know|dunno|doubt|dont think) (if |whether |that )?i (can|could|will|ll|would|manage)\b`)

// nothingAfterAll is "nothing got in the way" with a done after it.
var nothingAfterAll = regexp.MustCompile(`^(nothing|nah|no|not really|nothing really)\b.*\b(went (fine|well|ok|okay|great)|did it|got it done|was fine|i managed|managed it)\b`)

func doneAfterAll(r *Reading) bool {
	r.Kind, r.Outcome = Report, Done
	return true
}

func readObstacle(r *Reading, n string) {
	_ = r.Outcome == Done && (reportLike(n) || words(n) <= 6) && report(r) || // "actually i did it later"
		nothingAfterAll.MatchString(plain(n)) && doneAfterAll(r) || // "nothing, it went fine"
		non(r, n) || asking(n) && asks(r, n, false) || doubts(r, n) ||
		asks(r, n, true) && words(n) <= 12 ||
		answer(r)
}

func readNote(r *Reading, n string) {
	_ = non(r, n) || noHabit(n) && nothing(r) ||
		bareNumber(n) && r.Rating > 0 && other(r, ExpectRating) ||
		asks(r, n, true) && words(n) <= 12 || doubts(r, n) ||
		answer(r)
}

func readYesNo(r *Reading, n string) {
	_ = r.IsYesNo && !asksFor2(n) && answer(r) ||
		asks(r, n, false) || doubts(r, n) ||
		bareNumber(n) && r.Rating > 0 && other(r, ExpectRating) ||
		non(r, n) ||
		answer(r) // a sentence: the question's own parser decides
}

// readConfirm reads "is this your goal?": a yes or a no, or the goal in
// the person's own words; a reason, a habit, a time or a number said
// there belongs to another question ("it relaxes me" is why, not what).
func readConfirm(r *Reading, n string) {
	_ = r.IsYesNo && !asksFor2(n) && answer(r) ||
		(reasonLead(n) || (r.Pressure || isReason(n)) && !looksLikeGoal(n)) && other(r, ExpectReason) ||
		habitSaid(r, n) || timeSaid(r, n) || daysSaid(r, n) ||
		asks(r, n, false) || doubts(r, n) ||
		bareNumber(n) && r.Rating > 0 && other(r, ExpectRating) ||
		non(r, n) ||
		answer(r)
}

// asksFor2: a yes or no that goes on to ask for something ("no, make
// it 8:30").
func asksFor2(n string) bool { return asksFor(n) != NoAsk && words(n) > 2 }

func readMilestones(r *Reading, n string) {
	_ = non(r, n) || listLike(n) && answer(r) ||
		doubts(r, n) || asks(r, n, true) ||
		habitSaid(r, n) || timeSaid(r, n) || daysSaid(r, n) || ratingSaid(r, n) ||
		(reasonLead(n) || (r.Pressure || reasonLike(n)) && !looksLikeGoal(n)) && other(r, ExpectReason) ||
		answer(r)
}

func readWin(r *Reading, n string) {
	_ = non(r, n) || noHabit(n) && nothing(r) ||
		(r.Outcome == Partly || r.Outcome == NotYet) && report(r) || // "nearly did my step, got halfway"
		asks(r, n, true) || doubts(r, n) ||
		answer(r)
}

func readWho(r *Reading, n string) {
	if non(r, n) || noHabit(n) && nothing(r) ||
		ratingSaid(r, n) || timeSaid(r, n) || daysSaid(r, n) || habitSaid(r, n) ||
		reasonLead(n) && other(r, ExpectReason) {
		return
	}
	r.Kind = Answer
	r.Value = cleanWho(r.Value)
}

func readChoice(r *Reading, n string) {
	_ = non(r, n) || answer(r)
}

func readUp(r *Reading, n string) {
	_ = non(r, n) || asking(n) && asks(r, n, true) || doubts(r, n) ||
		ratingCorrection(r, n) ||
		r.Outcome != "" && words(n) <= 3 && report(r) ||
		answer(r) // a time, the days, a smaller step: the parser offers it
}

// readFree reads a message sent with no question open: a check-in, a
// request, a doubt, a question about the bot, or anything else.
func readFree(r *Reading, n string) {
	_ = (strings.TrimSpace(n) == "👍" || bareYesNo[plain(n)]) && nonFiller(r) || // "nah", "yep": an answer to nothing asked
		asksFirst(n) && asks(r, n, false) ||
		r.Outcome != "" && (words(n) <= 6 || reportLike(n) || r.Note != "") && !doubting(n) && report(r) ||
		actionDone(n) && !r.Sorry && doneReport(r) ||
		winSaid.MatchString(plain(n)) && other(r, ExpectWin) ||
		obstacleSaid.MatchString(plain(n)) && other(r, ExpectObstacle) ||
		asks(r, n, false) || doubts(r, n) ||
		greeting(n) && answer(r) ||
		non(r, n) ||
		answer(r)
}

// winSaid and obstacleSaid are a win and what got in the way, told
// with no question open.
var (
	winSaid      = regexp.MustCompile(`^(small |little |tiny |big |quick |a |another |mini )?(win|wins|victory)( today| of the day| for today| this week)?\b|^(good news|guess what|proud moment|proud of myself)\b`)
	obstacleSaid = regexp.MustCompile(`\b(what got in the way|the thing that got in the way|got in the way (was|yesterday|today)|what stopped me|the reason i (missed|didnt|couldnt)|why i missed)\b`)
)

func readAnything(r *Reading, n string) {
	_ = non(r, n) || answer(r)
}

// bareYesNo are a yes or a no alone: with no question open, an answer to
// nothing, not a check-in.
var bareYesNo = map[string]bool{"no": true, "nah": true, "nope": true, "yes": true, "yeah": true, "yep": true, "yup": true,
	"y": true, "n": true, "ok": true, "okay": true, "sure": true, "ya": true, "yea": true, "nah mate": true, "no thanks": true}

package bot

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The English words the understanding layer reads replies with. Another
// language would add its own lists beside these.

// plain is text lower-cased, apostrophes dropped, everything but letters
// and digits made a space, one space between words: "I'd say... a 4!"
// becomes "id say a 4".
func plain(s string) string {
	s = apostrophes.Replace(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// fillerStart and fillerEnd are words that carry no answer at the start
// or the end of a reply: "ok fine", "i guess", "lol", "tbh".
var (
	fillerStart = []string{
		"ok so", "okay so", "ok fine", "okay fine", "ugh fine", "ugh ok", "fine fine", "um", "umm", "uh", "uhh", "erm", "er",
		"hmm", "hm", "well", "so", "like", "honestly", "tbh", "lol", "haha", "ugh", "oh", "ah", "i mean", "basically",
		"i guess", "i suppose", "i think", "maybe", "probably", "prob", "idk", "just", "alright", "ok", "okay", "k",
		"fine", "yeah", "yes", "yep", "sure", "right", "hey", "hi", "meh", "eh", "actually", "hmmm", "ummm",
	}
	fillerEnd = []string{
		"i guess", "i suppose", "i think", "lol", "lmao", "haha", "hehe", "tbh", "honestly", "maybe", "probably",
		"idk", "rn", "or something", "or whatever", "whatever", "please", "thanks", "thank you", "ty", "ok", "okay",
		"i dunno", "dunno", "i think so", "ish", "or so", "at least", "for now", "lmk", "smh", "ugh", "pls",
	}
)

// stripFiller takes filler words off both ends of plain text.
func stripFiller(p string) string {
	for changed := true; changed && p != ""; {
		changed = false
		for _, f := range fillerStart {
			if p == f {
				return ""
			}
			if strings.HasPrefix(p, f+" ") {
				p, changed = strings.TrimSpace(p[len(f)+1:]), true
				break
			}
		}
		for _, f := range fillerEnd {
			if p == f {
				return ""
			}
			if strings.HasSuffix(p, " "+f) {
				p, changed = strings.TrimSpace(p[:len(p)-len(f)-1]), true
				break
			}
		}
	}
	return p
}

// cleanValue is what a reply says in clean words, as written but without
// the filler at its ends, wrapping quotes, or trailing punctuation and
// laughter: "ok fine, run a 5k i guess lol" is "run a 5k".
func cleanValue(text string) string {
	v := oneLine(text)
	v = strings.Trim(v, " \"'“”‘’`")
	for {
		before := v
		v = strings.TrimRightFunc(v, func(r rune) bool {
			return r == '!' || r == '.' || r == '?' || r == ',' || r == ';' || r == '~' || unicode.IsSpace(r) || strings.ContainsRune("😂🤣😅😆🙃😬🙂😊", r)
		})
		low := strings.ToLower(v)
		for _, f := range fillerEnd {
			if strings.HasSuffix(low, " "+f) || strings.HasSuffix(low, ", "+f) {
				v = strings.TrimRight(v[:len(v)-len(f)], " ,")
				break
			}
		}
		low = strings.ToLower(v)
		for _, f := range fillerStart {
			if len(low) > len(f)+1 && strings.HasPrefix(low, f) && strings.IndexByte(" ,.?!:;-", low[len(f)]) >= 0 {
				rest := strings.TrimLeft(v[len(f):], " ,.?!:;-")
				if words(rest) >= 1 {
					v = rest
				}
				break
			}
		}
		if v == before {
			break
		}
	}
	v = strings.Trim(v, " \"'“”‘’`,")
	return v
}

var nonAnswers = map[string]NonKind{}

func init() {
	for kind, list := range map[NonKind][]string{
		DontKnow: {"idk", "i dont know", "dont know", "dunno", "i dunno", "no idea", "not sure", "no clue", "unsure", "who knows",
			"beats me", "i have no idea", "im not sure", "not really sure", "hard to say", "cant think of anything", "cant think",
			"nothing comes to mind", "good question", "idek", "i dont even know", "no clue tbh", "not a clue", "i really dont know",
			"im not really sure", "i have no clue", "dont know yet", "not sure yet", "no idea yet", "i cant say", "cant say",
			"hmm not sure", "no ideas", "i dont know what to say", "dont know what to say", "no thoughts", "not sure really"},
		Refusal: {"no", "nope", "nah", "rather not", "id rather not", "id rather not say", "rather not say", "prefer not to say",
			"i prefer not to say", "not telling", "none of your business", "pass", "no thanks", "not now", "i dont want to say",
			"dont want to say", "i dont want to", "dont want to", "next", "no comment", "nah im good", "i wont", "wont say",
			"nah id rather keep it to myself", "id rather keep it to myself", "keep it to myself", "private", "too many to list",
			"dont wanna talk about it", "i dont wanna talk about it", "dont want to talk about it", "i dont want to talk about it",
			"rather not talk about it", "id rather not talk about it", "not now thanks", "maybe later", "later", "ask me later"},
		Same: {"same", "the same", "same as before", "same thing", "same as always", "as before", "as usual", "same as last time",
			"ditto", "same again", "the usual", "usual", "same as yesterday", "same old", "no change", "nothing new", "same answer"},
		Shrug: {"meh", "eh", "whatever", "doesnt matter", "dont care", "idc", "i dont care", "anything", "any", "shrug", "who cares",
			"does it matter", "all the same", "whatevs", "either", "either way", "no preference", "dont mind", "i dont mind"},
		YouPick: {"you pick", "you choose", "you decide", "up to you", "your call", "surprise me", "whatever you think",
			"you tell me", "what do you suggest", "any suggestions", "give me an idea", "help me choose", "suggest something",
			"pick for me", "choose for me", "you pick one", "what would you suggest", "any ideas", "ideas", "can you suggest",
			"can you suggest one", "help", "help me", "what should i do", "what should it be", "what do you think",
			"give me examples", "examples", "some examples", "like what", "such as", "e g", "eg", "for example"},
		Filler: {"lemme think", "let me think", "ummm lemme think", "um let me think", "hmm let me think", "one sec", "gimme a sec",
			"give me a sec", "give me a minute", "thinking", "hmm thinking", "ok", "okay", "k", "kk", "fine", "sure", "yes", "yeah", "yep", "yup", "lol", "haha", "cool", "alright", "hmm",
			"hm", "hi", "hey", "hello", "thanks", "thank you", "ty", "great", "nice", "good", "cool cool", "ok cool", "okay then",
			"ok then", "right", "gotcha", "got it", "understood", "yes please", "uh huh", "mhm", "oh", "oh ok", "alright then",
			"ugh", "ugh fine", "fine i guess", "ok fine", "okay fine", "sure why not", "why not", "whatever works", "sounds good"},
		Nothing: {"nothing", "nothing really", "none", "nobody", "no one", "noone", "not really", "nothing much", "not much",
			"nada", "zilch", "not anything", "nobody really", "no one really", "nothing in particular", "none really",
			"i dont have one", "dont have one", "i dont have any", "dont have any", "no habits", "i have no habits"},
	} {
		for _, w := range list {
			nonAnswers[w] = kind
		}
	}
}

// nonAnswer says what kind of non-answer a normalised reply is (NotNon
// when it is none): what is left without filler is "idk", "no", "the
// same", a shrug, "you pick", or nothing at all; or it starts with one
// of those and what follows only says more of it ("not sure, ask me
// later", "the same as yesterday", "nobody, it's a private thing").
func nonAnswer(n string) NonKind {
	p := plain(n)
	if k, ok := nonAnswers[p]; ok {
		return k
	}
	if unclearRe.MatchString(p) || unclearLead.MatchString(p) {
		return Unclear
	}
	if words(p) <= 8 && regexp.MustCompile(`\b(pass|skip|next|skip this one|no thanks)$`).MatchString(p) && !strings.Contains(p, "next step") {
		return Refusal // "deep question for a tuesday lol, pass"
	}
	if anyRest.MatchString(p) {
		return Nothing // "depends on my shifts", "it varies a lot", "whenever i get up, it changes"
	}
	core := stripFiller(p)
	if core == "" {
		if p == "" || strings.ContainsAny(n, "🤷") {
			return Shrug
		}
		return Filler
	}
	if k, ok := nonAnswers[core]; ok && k != Filler {
		return k
	}
	for _, sfx := range []string{" you pick", " up to you", " you choose", " you decide"} {
		if strings.HasSuffix(core, sfx) {
			return YouPick
		}
	}
	if askingForIdeas.MatchString(core) && words(core) <= 10 {
		return YouPick
	}
	for _, try := range []string{p, core} {
		for _, lead := range leadingNon {
			if try == lead.words {
				return lead.kind
			}
			rest, ok := strings.CutPrefix(try, lead.words+" ")
			if !ok {
				continue
			}
			if lead.kind == Nothing && strings.HasPrefix(rest, "just ") && try == p {
				return NotNon // "nothing big, just actually starting"
			}
			if r := stripFiller(rest); r == "" || saysMoreOfIt.MatchString(r) || lead.kind != DontKnow && words(r) <= 2 ||
				lead.kind == YouPick && words(r) <= 5 ||
				strings.HasPrefix(lead.words, "cant ") || strings.HasPrefix(lead.words, "i cant ") ||
				lead.kind == DontKnow && whRest.MatchString(r) || lead.kind == Refusal && strings.HasPrefix(lead.words, "rather") && words(r) <= 6 {
				return lead.kind
			}
			if k, ok := nonAnswers[stripFiller(rest)]; ok && k != Filler {
				return k
			}
		}
	}
	return NotNon
}

// leadingNon are the words a non-answer starts with, longest first.
var leadingNon = func() []struct {
	words string
	kind  NonKind
} {
	var out []struct {
		words string
		kind  NonKind
	}
	for k, list := range map[NonKind][]string{
		YouPick: {"you choose", "you pick", "you decide", "up to you", "your call", "surprise me", "pick one for me", "choose one for me",
			"whatever you think", "whatever you want", "whatever is best", "whatever works"},
		DontKnow: {"idk", "i dont know", "dont know", "dunno", "i dunno", "no idea", "not sure", "im not sure", "no clue",
			"i cant think of", "cant think of", "i cant come up with", "cant come up with", "no idea what", "not sure what",
			"never really thought about it", "never thought about it", "i never really thought about it", "havent thought about it",
			"i havent thought about it", "not really thought about it", "just because", "because", "no reason", "no real reason",
			"not really sure", "i have no idea", "hard to say", "cant think", "i cant think", "i really dont know", "unsure",
			"idek", "honestly no idea", "not sure yet", "idk yet", "no clue yet"},
		Refusal: {"id rather not", "rather not", "i dont want to", "dont want to", "i dont wanna", "dont wanna", "no thanks",
			"i prefer not to", "prefer not to", "i hate", "not telling", "nope", "nah", "no"},
		Same: {"the same", "same", "same as", "the same as"},
		Nothing: {"nobody", "no one", "noone", "nothing", "nothing really", "not anyone really", "not really anyone", "nothing worth",
			"ehh nothing", "eh nothing", "nothing to report", "nothing worth mentioning", "i dont really have", "i dont have",
			"i dont really have any", "dont really have", "nothing to add", "nope nothing to add", "none", "not anyone", "nothing much", "no win",
			"no wins", "nothing big", "nothing special", "nobody really", "no one really", "i dont have any", "i dont have a",
			"i dont really have a", "i dont really have any", "dont have a", "dont have any", "no real", "whenever",
			"depends", "it depends", "cant think of one", "cant think of any", "cant think of anything"},
	} {
		for _, w := range list {
			out = append(out, struct {
				words string
				kind  NonKind
			}{w, k})
		}
	}
	slices.SortFunc(out, func(a, b struct {
		words string
		kind  NonKind
	}) int {
		if d := len(b.words) - len(a.words); d != 0 {
			return d
		}
		return strings.Compare(a.words, b.words)
	})
	return out
}()

// whRest is what follows "idk" in "idk what counts as small enough",
// "idk anymore": still not knowing.
var whRest = regexp.MustCompile(`^(what|whats|which|how|hows|where|when|who|why|anymore|any more|really|honestly|tbh|man|lol|sorry)\b`)

// saysMoreOfIt is what may follow a non-answer without making it an
// answer: when, why not, more of not knowing.
var saysMoreOfIt = regexp.MustCompile(`^(\d+ is (fine|ok|okay|good|enough)|everything|anything|all of it|anyone would|anybody would|anyone|anybody|it does|it is|it matters|it will|nothing to add|nothing else|thats all|thats it|wins?|routine|worth (mentioning|saying|telling)|to report|really|i live alone|i live on my own|i work from home|get into it|go into it|pass|skip|next|its (fine|ok|okay|good) as it is|yet|really|tbh|honestly|tho|though|lol|right now|rn|atm|at the moment|for now|today|ask me (later|again|another time|tomorrow)|maybe later|later|how (to|i|you)|what (to|you|i|it)|why|where|which|if|whether|about (it|that|this)|to be honest|sorry|its (a )?private( thing)?|its personal|personal|private|too tired|too much|to list|too many|plan that far|of them|of it|i guess|i suppose|i think|it just|just (feels|is|because)|because|cause|bc|pays (that much |much |any )?attention|would notice|will notice|notices|really notices|would see|cares|of my business|to talk about it|talk about it|to say|to share|say|share|thing|lol|haha|for me|with me|routine|habits?|schedule|on my schedule|on the day|on my mood|when i (remember|can|feel like it)|i (remember|can|feel like it)|all good|im good|its fine|fine|good|as (before|usual|always|last time|yesterday)|(time )?as (yesterday|before|last time|usual)|as my goal|thing as|again)\b`)

// unclearRe is a reply that asks what the question means.
var unclearRe = regexp.MustCompile(`^(sorry |um |hmm |uh )?(what do you mean|what does that mean|im not sure what you mean|not sure what you mean|i dont understand|dont understand|i dont get it|dont get it|what|huh|what now|sorry what|come again|meaning|like what do you mean|what do you mean by that|what are you asking|what are you asking me|i dont follow|confused|im confused|im lost|lost me|you lost me)( exactly| sorry| tbh| lol| here| by that| by this)?$`)

// unclearLead asks what the question means, whatever follows: "what do
// you mean by differently", "what do you mean move them?".
var unclearLead = regexp.MustCompile(`^(sorry |um |hmm |wait )?(i (am )?not understand|i dont understand what|dont get what|what is (a |an )?(checkpoint|milestone|step|anchor|habit)|whats (a |an )?(checkpoint|milestone|anchor)|what do you mean|what does (that|this|it) mean|what do u mean|wdym|i dont understand|dont understand|i dont get what you mean|not sure what you mean|im not sure what you mean|does it matter (who|what|when|which))\b`)

// anyRest are leads after which nothing said is an answer: it depends,
// it varies, whenever.
var anyRest = regexp.MustCompile(`^(it )?(depends|varies|changes|varys)\b|^(it )?(really |kinda |kind of )?(depends|varies)\b|^whenever i (get|can|remember|feel|have)\b|^(no|there is no|theres no) (routine|set time|fixed time|pattern)\b|^(my days are|every day is) (chaos|different|random|all over the place)\b|^(i dont|i do not) (really )?(do|have) anything (daily|every day|regular|routine)\b`)

// askingForIdeas is a reply that asks for examples or suggestions.
var askingForIdeas = regexp.MustCompile(`\b(give me (an |some )?(example|examples|idea|ideas|suggestion|suggestions)|(an|some|any) (example|examples|ideas|suggestions)|can you suggest|could you suggest|suggest (some|one|something|a few)|what do (other )?people (usually |normally |often )?(pick|choose|do|say|write|put)|what (should|would|could) i (pick|choose|say|write|put|do)|like what|for example|such as|help me (pick|choose|think)|no ideas?)\b`)

// onlySymbols reports whether n has no letters or digits.
func onlySymbols(n string) bool {
	return strings.IndexFunc(n, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0
}

// hasEmojiMeaning reports whether a reply of symbols says something: a
// thumbs up or a tick is a yes or a done, a cross a no.
func hasEmojiMeaning(text string) bool {
	return strings.ContainsAny(text, "👍✅✔❌👎🟡🤷")
}

// pressure reports outside pressure: someone else's wish or order.
var pressureRe = regexp.MustCompile(`\b(boss|manager|hr|company|work|wife|husband|partner|mum|mom|dad|parents?|doctor|gp|coach|therapist|team lead|teamlead|lead|teacher|school|uni|employer|supervisor|they|someone|everyone|people|family)( \w+)? (made|makes|told|tells|wants|wanted|said|asked|forced|forces|insisted|insists|required|requires|signed me up|put me)\b|\b(made|forced|told|asked|signed) me\b|\bi have to\b|\bhave to do (this|it)\b|\bmandatory\b|\brequired\b|\bi didnt (pick|choose|ask for) (this|it)\b|\bnot my (choice|idea)\b|\bwasnt my (choice|idea)\b|\bfor (my )?(work|job|performance review|review)\b|\bthey want me to\b|\bsupposed to\b|\bperformance (plan|review)\b`)

func pressure(n string) bool { return pressureRe.MatchString(plain(n)) }

var sorryRe = regexp.MustCompile(`\b(sorry|apologies|apologise|apologize|my bad)\b|\bbeen (away|gone|absent|quiet|mia|awol|busy|a while|ages|slack|bad at this)\b|\b(long time|its been a while|been a while|havent been around|fell off|dropped off|went quiet|ghosted)\b|\brough (couple of )?(weeks?|days?|month|few days|patch|time)\b|\b(hard|tough|bad|crazy|hectic|busy) (couple of )?(weeks?|month|few days|time)\b`)

func apologising(n string) bool { return sorryRe.MatchString(plain(n)) }

// ratingIn is a 1-10 rating in a reply, 0 when there is none.
func ratingIn(e Expect, n string) int {
	p := plain(n)
	if e != ExpectRating && !bareNumber(n) && !ratingPhrase(n) {
		return 0
	}
	if e != ExpectRating && strings.Contains(p, " ") && !ratingPhrase(n) {
		return 0
	}
	v, err := ParseRating(n)
	if err != nil {
		return 0
	}
	return v
}

var ratingPhraseRe = regexp.MustCompile(`\b(id say|i would say|id go with|maybe|like|prob|probably|around|about|a solid|solid|honestly|realistically|call it|lets say|say) (a |an )?(\d{1,2}|` + hourWords + `)\b|\b(\d{1,2}|` + hourWords + `) ?(out of|/) ?(10|ten)\b`)

// ratingPhrase reports wording that gives a rating: "i'd say a 4", "7/10".
func ratingPhrase(n string) bool {
	p := plain(n)
	if unitAfter.MatchString(p) {
		return false // "like 3 mins" is a length, not a rating
	}
	return ratingPhraseRe.MatchString(p)
}

// unitAfter is a number said with a unit: "3 mins", "10 pages".
var unitAfter = regexp.MustCompile(`\b(\d{1,3}|` + hourWords + `) ?(mins?|minutes?|hours?|hrs?|secs?|seconds?|times|days|pages?|words|km|k|miles?|reps|pushups|push ups|steps|glasses|cups|am|pm|oclock)\b`)

// bareNumber reports whether a reply is just a number (or its word).
func bareNumber(n string) bool {
	core := stripFiller(plain(n))
	if _, ok := ratingWords[core]; ok {
		return true
	}
	_, err := strconv.Atoi(core)
	return err == nil
}

// ratingProblem reports a number that is not a rating from 1 to 10 (off
// the scale, a half, two numbers): the rating's own re-ask says why.
func ratingProblem(n string) bool {
	if strings.IndexFunc(n, unicode.IsDigit) < 0 {
		for _, w := range strings.Fields(plain(n)) {
			if _, ok := ratingWords[w]; ok {
				return true
			}
		}
		return false
	}
	_, err := ParseRating(n)
	return err != nil
}

// keepWord reports "keep it as it is" at a smaller-step question.
func keepWord(n string) bool {
	p := plain(n)
	for _, k := range []string{"keep", "keep it", "keep that", "keep the first", "same", "its fine", "fine", "thats fine", "no keep it",
		"no its fine", "its ok", "its okay", "no thats fine", "no it is fine", "keep mine", "leave it", "as is", "i ll keep it", "ill keep it"} {
		if p == k || strings.HasPrefix(p, k+" ") && (k == "keep" || k == "keep it" || k == "no keep it" || k == "ill keep it") {
			return true
		}
	}
	return false
}

// asksFor is the change a reply asks for in words, if any.
func asksFor(n string) Ask {
	p := plain(n)
	switch {
	case questionAbout(p) != "":
		return AskQuestion
	case pauseRe.MatchString(p):
		return AskPause
	case goalAskRe.MatchString(p):
		return AskGoal
	case stepAskRe.MatchString(p):
		return AskStep
	case daysAskRe.MatchString(p) && daysWordRe.MatchString(p):
		return AskDays
	case timeAskRe.MatchString(p):
		return AskTime
	case lighterRe.MatchString(p):
		return AskLighter
	}
	return NoAsk
}

var (
	pauseRe    = regexp.MustCompile(`^(can we |could we |can you |could you |please |lets |i want to |id like to |i need to |i need |i want )?(pause|take a break|have a break|hold off|stop the reminders|stop reminders|no reminders|a break)( (for|this|until|over|till|next|pls|please) .*)?( pls| please)?$|\b(pause|hold) (the |my |all |these )?reminders\b|\b(skip|take off|off) (this|next) week\b|\b(week|weekend|few days|couple of days|couple days) off\b|\bno reminders (this|next|for|until|till|over)\b|\bcan we (pause|take a break|stop for)\b|\b(can|could) you pause\b|\bpause (everything|it all|all|it|them)\b|\bstop (messaging|texting|pinging|reminding|bothering) me( for a (while|bit|few days|week)| for now| until| till)?\b|\b(stop|pause|hold|mute|silence|turn off) (the |my |all |these |your )?(reminders|messages|notifications|pings)( for now| for a (bit|while)| pls| please| for \w+ \w+)?$|\b(stop|pause|hold|mute) (the |my |all |these )?reminders (for|until|till|while|this|next)\b`)
	daysAskRe  = regexp.MustCompile(`\b(can we|could we|can you|lets|let s|i want to|id like to|id rather|i would rather|rather|actually|maybe|instead|switch to|change to|make it|move it to|only|just|would be better|works better|work better|is better|are better|better for me|prefer|please|pls|dont (message|remind|text|ping) me|no (reminders|messages) on|not on)\b`)
	daysWordRe = regexp.MustCompile(`\b(every ?day|daily|weekdays?|weekends?|mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday|times a week|days a week|other day)\b`)
	timeAskRe  = regexp.MustCompile(`\b(move|change|shift|push|switch|make) (it|time|the time|my time|the reminder|my reminder|reminders|my reminders|the reminders|the check ?in|my check ?in|them)( \w+)? (to|at|earlier|later|till|until|back|forward)\b|\b\d{1,2}( \d\d)? ?(am|pm)?( works| would work| is| would be| works much| is much) (better|best)\b|\b(mornings?|evenings?|afternoons?|lunchtime|nights?) (work|works|would work|would be|are|is) better\b|\bremind me (at|later|earlier|in the|after|before)\b|\b(earlier|later) (please|instead|time|in the day)\b|\b(at \d+|\d+ ?(am|pm)?|\d+ ?[:.]\d\d) instead\b|\b(different|another|other) time\b|\bcan (you|we) (do|make it) (at )?\d|\b(stop|dont|quit) (sending|send|messaging|message|pinging|ping|texting|text|reminding|remind)( me)?( reminders?| messages?)? (at|so early|so late|this early|before|after|in the (morning|evening))\b|\bmake it \d`)
	lighterRe  = regexp.MustCompile(`\b(make (it|the step|this|things|my step|the plan) (a bit |a little |much )?(easier|lighter|less)|tone (it )?down|tone it all down|a bit much|bit much|too intense|easier please|slow (it )?down|lighten|lighter|less often|fewer days|scale (it )?back|ease off|take it easy|too often|too many reminders|not every day|less reminders|fewer reminders|less intense|go easier)\b`)
	goalAskRe  = regexp.MustCompile(`\b(change|new|different|another|rethink|swap|switch|redo|redoing) (my |the |a )?goal\b|\bgoal (isnt|is not|doesnt feel|no longer feels) (right|me|mine)\b.{0,40}\b(redo|change|rethink|new|different)\b|\bredo (my |the )?goal\b|\bgoal\b.{0,30}\b(can we|could we|lets) (redo|change|rethink) it\b`)
	stepAskRe  = regexp.MustCompile(`\b(change|new|different|another|smaller|swap|switch|try) (my |the |a )?(\w+ )?step\b|\bmake (it|the step|my step) (smaller|shorter)\b|\bstep\b.{0,30}\b(swap|change|replace|switch) it\b|\b(step|it) (be|feel) (even |a bit |a little |much )?(smaller|easier|shorter)\b|\b(something|anything) (smaller|easier|lighter|simpler)\b`)
)

// questionAbout is what a question about the bot asks about: "privacy"
// (who sees what), "human" (is this a person), "help" (what it does), or
// "" when it is no such question.
func questionAbout(p string) string {
	switch {
	case privacyRe.MatchString(p):
		return "privacy"
	case regexp.MustCompile(`\b(are|r) (you|u) (even |actually |really |just )?(a )?(real|human|person|bot|robot|ai|a real person|an ai)\b|\bis (this|it) (even |actually |really )?(a )?(bot|person|human|real person|real|ai)\b|\bam i (talking|chatting|speaking) (to|with) (a )?(bot|person|human|real person|ai|someone)\b`).MatchString(p):
		return "human"
	case regexp.MustCompile(`^(what can you do|what do you do|how does this work|how do you work|what is this|what are you|who are you|what are the commands|commands|how do i use this)\b`).MatchString(p):
		return "help"
	case planQuestionRe.MatchString(p):
		return "plan"
	case botQuestion(p):
		return "help"
	}
	return ""
}

// botQuestion reports a question about the bot, the app or what it
// keeps ("do you keep a list of my wins?", "is this free?", "why does it
// have to be five minutes?") that is not a doubt or a request.
func botQuestion(p string) bool {
	if smallTalk.MatchString(p) {
		return false
	}
	if !questionForm.MatchString(p) || !botWords.MatchString(p) || doubting(p) || askingForIdeas.MatchString(p) ||
		unclearLead.MatchString(p) || unclearRe.MatchString(p) {
		return false
	}
	// A change asked for is a request, not a question.
	for _, re := range []*regexp.Regexp{pauseRe, goalAskRe, stepAskRe, timeAskRe, lighterRe, daysAskRe} {
		if re.MatchString(p) && (re != daysAskRe || daysWordRe.MatchString(p)) {
			return false
		}
	}
	return !regexp.MustCompile(`\b(can we|could we|can you (make|move|change|switch|stop|pause|remind|ping|message|text|check)|could you (make|move|change|switch|stop|pause|remind|ping|message|text|check)|lets|please remind me)\b`).MatchString(p)
}

// smallTalk is a question that is only politeness: "how are you?".
var smallTalk = regexp.MustCompile(`^(hi |hey |hello )?(how are you|how r u|how are u|hows it going|how is it going|hows your day|how was your day|how are things|you ok|you good|whats up|sup)\b`)

var (
	questionForm = regexp.MustCompile(`^(sorry |ok |okay |quick question |question |wait |btw |before that |hold on |so |um |hmm |and )*((who|whos|what|whats|where|wheres|why|how|hows) |(is|are|was|were|do|does|can|could|will|would|should|shall) (you|u|this|it|my|the|anyone|anybody|any|i|there|these|that|we)\b)`)
	botWords     = regexp.MustCompile(`\b(you|u|ur|your|this app|this bot|this thing|bot|app|data|info|information|answers|messages|wins|reminders?|the number|numbers|rating|ratings|my step|the step|my goal|the goal|my plan|the plan|checkpoint|milestones?|saved|save|stored|store|keep|list|private|free|charge|charging|cost|costs|pay|paid|subscription|human|person|real|whatsapp|telegram|slack|discord|delete|export|see|read|share|shared|five minutes|5 minutes|work)\b`)
)

// privacyRe asks who sees what.
var privacyRe = regexp.MustCompile(`\b(who|can anyone|can my coach|can my boss|can my manager|does my coach|does my boss|does my manager|does anyone|will anyone|is this|is it) (can |else )?(see|sees|read|reads|know|private|shared|visible|confidential)\b|\bwho (else )?(can )?sees?\b|\b(is|are) (this|these|my (data|answers|messages|wins|reminders|notes)) (private|shared|safe|confidential)\b|\bwhat do you do with my data\b|\b(anyone|anybody|someone|my (boss|manager|coach|team|lead|colleagues)) (else )?(going to |gonna |will |can |could |get to )?(see|read|know about)\b|\bconfidential\b|\b(cant|cannot|wont) see (this|these|it)\b|\bwho (else )?(gets|has access)\b|\b(do|will|would|does) (you|it|this) (share|sell|send|give|pass) (it|this|my|them|that|anything)?\b|\bwhat happens to (this|my|the) (info|information|data|answers|messages)\b|\b(will|can|could|would) (they|anyone|anybody|he|she|my [a-z]+) (be able to )?(see|read)\b`)

// planQuestionRe asks about the plan or how the bot works with it.
var planQuestionRe = regexp.MustCompile(`\b(more than one goal|two goals|several goals|multiple goals|another goal as well|what (was|is|s) my (goal|step|plan|reminder|time)|whats my (goal|step|plan|reminder|time)|my (goal|step|plan) again|remind me (of )?(what|my) (my )?(goal|step)|what happens if i (miss|skip|forget)|what if i (miss|skip) a day|do i have to (do this|do it|check in)|(have|need) to do (this|it) every day|how often (will|do) you|when (will|do) you (remind|message|check)|when is my (next )?(reminder|check ?in)|what time is my|how do i change|whats the difference between|how small should|show me (the|my) (whole thing|plan|goal|step|summary|whole plan)|(can|could) you show me|is it (ok|okay|fine|alright) if|is that (ok|okay|fine)|does it have to|do i have to|do they have to|can i change (it|this|that) later|what happens if|will i still (get|have)|will it still|is it bad if)\b`)

var doubtRe = regexp.MustCompile(`\b(idk|not sure|dont know|doubt|dont think|dunno) (if|whether|that)? ?i (can|could|will|ll|would) (do|manage|keep|stick|make|handle)\b|\b(idk|not sure|dont know|doubt|dont think|dunno) (if|whether)? ?i (can|could|will|ll|would)\b|\b(cant|can not|couldnt) (do|manage|keep up|stick to) (this|it|that|daily|every day|every single day)\b|\btoo (much|big|hard|ambitious|many|often|soon)\b|\b(seems|sounds|feels) (hard|impossible|like a lot|unrealistic|too)\b|\b(wont|will not|isnt|not|doesnt) (work|working|help|helping)\b|\bwhat if i (fail|dont|cant|forget|mess)\b|\b(i always|always) (give up|quit|fail|forget|stop)\b|\b(never|dont) (stick|follow through|keep)\b|\b(worried|scared|afraid|nervous) (that )?i\b|\bi dont have (the )?time\b|\bno time (for this|to do this)\b|\bunrealistic\b|\boverwhelm\w*\b|\bis this (even )?(working|worth it)\b|\bwhats the point of (this|doing this|the plan)\b|\bwhat if i (do it|try) and (it )?(still )?(doesnt|dont|nothing)\b|\bwhat if i never\b|\bi never (finish|stick|keep|follow)\b|\bever (gonna|going to) be me\b|\bever be (that|the) (person|kind of person|type)\b|\b(idk|not sure|dont know|dunno|doubt) (if|whether)? ?(this|it) (will|would|is going to|is gonna|can) (even )?(work|help)\b|\bnot sure (this|it) (is |s )?(working|going to work|will work|helps|is helping)\b|\b(dont think|doubt|not sure|dont believe) (a bot|an app|this|you|this bot|it|an ai) (can|could|will|is going to) (really |actually )?(help|make me|change|work)\b|\bkeep failing\b|\b(feels|seems|sounds) like (too much|a lot)\b|\bi always give up\b|` + doubtMore)

// doubtMore are doubts said in more ways: about being able to, about a
// pattern of giving up, about the plan being worth it.
const doubtMore = `\b(not sure|unsure|doubt|dont think|dont know if|idk if|wonder if|wondering if|worried|worry|scared|afraid|nervous|not convinced) (that )?(im|i am|i ll|ill|i will|i can|i could|i d|id|i would|i|this|it|the plan|this app|any of this|that)\b.{0,40}\b(can|will|could|able|manage|stick|keep|last|work|working|help|helping|realistic|doing anything|make it|bail|quit|give up|fail|forget|slip|drop off|fall off|someone who|the kind|the type|believe)\b` +
	`|\b(i always|always|i never|never|like always|every time|like every other time|as usual|same as always|like last time)\b.{0,30}\b(give up|gave up|quit|bail|drop off|fall off|fizzle|fail|stop|finish|make it|last|stick|start strong)\b` +
	`|\b(pointless|wont change anything|not going to change anything|doesnt do anything|doing anything|unrealistic|not realistic|impossible|not that kind of person|not the kind of person|not the type|a fraud|not for me|not cut out|nothing sticks|never sticks|wont stick|doesnt stick)\b` +
	`|\b(dont|do not|cant) (really )?(believe|buy|trust) (in )?(this|it|these|any of this|that)\b|\bstart(ing)? to wonder\b|\bnot sure (its|it s|this is|thats|that s|it is) (really |even )?(realistic|doable|possible|achievable|for me|a good idea|going to work)\b|\bkeep slipping\b|\blet (myself|me) down\b|\b(harder|tougher|more difficult|trickier) than (i )?(thought|expected|imagined)\b|\b(this|so) far behind\b|\bisnt for me\b|\b(making|make) (any )?progress\b|\bgetting anywhere\b|\bnot sure (its|it s) even (a|an)\b|\b(always|never)\b.{0,40}\b(never|not) (do|actually do|follow through on|finish) (it|them)\b|\b(is|will) (this|it) (even|actually|really) (work|help|do anything)\b`

func doubting(n string) bool { return doubtRe.MatchString(plain(n)) }

var reasonRe = regexp.MustCompile(`^(because|cause|cuz|coz|bc|so that|so i|so my|to be|to feel|to finally|for my|for me|for the|it matters|it would|itd|it d|i want to be|i want to feel|i wanna be|i d feel|id feel|it means|it gives me|i care|being someone|being able|being more|being the|to prove|to show|to have|i want my|because i|i feel like it would|i think it would|ive always|i always wanted|i need to|health|my health|my kids|my family|my future)\b|\b(because|so that|matters to me|important to me|means a lot|mean a lot|would mean|would make me|would give me|would let me|for my (kids|family|health|future|career|self)|i want to feel|i want to be someone|proud of myself|be proud|feel proud)\b|^(it|that|this|doing it|doing that)( really| just| always)? (relaxes|calms|grounds|energises|energizes|clears|lifts|settles|steadies) (me|my)\b|\b(makes|made) me (feel )?(happy|happier|calm|calmer|better|good|relaxed|proud|alive|lighter|myself)\b`)

// isReason reports a reply that gives a reason: "because…", "so that…",
// "it would mean…".
func isReason(n string) bool { return reasonRe.MatchString(plain(n)) }

// beingRe is a way of being, said as why something matters ("mostly
// just being kinder to myself"): a reason where values or a step were
// asked, though a fine goal where a goal was.
var beingRe = regexp.MustCompile(`^((not|mostly|just|really|probably|honestly|maybe) )*(being|becoming) [a-z]`)

// reasonLike is a reason, or a way of being said as one.
func reasonLike(n string) bool { return isReason(n) || beingRe.MatchString(plain(n)) }

var reportRe = regexp.MustCompile(`^(it )?(went|was|did|wrote|walked|ran|read|called|sent|made|finished|managed|tried|felt|got|had|hit|cooked|cleaned|meditated|stretched|practiced|practised|studied|spoke|asked|posted|shipped|completed)\b|^(it went|went (fine|well|ok|okay|great|badly|alright)|it was (fine|good|ok|okay|great|hard|easy|rough)|my voice|i did|i managed|i finally|finally did|got it done|did it)\b|\b(went (fine|well|ok|okay|great|alright)|it was (fine|good|ok|okay|great|hard|easy|rough))\b`)

// reportLike reports a reply that tells how a step went: "it went fine",
// "my voice shook but i did it".
func reportLike(n string) bool { return reportRe.MatchString(plain(n)) }

var goalWordRe = regexp.MustCompile(`\b(be|get|become|run|write|read|learn|lose|gain|save|start|stop|quit|finish|build|make|speak|go|eat|drink|sleep|walk|exercise|meditate|practice|practise|study|call|spend|find|launch|ship|apply|improve|pass|train|cook|clean|play|work|stay|keep|have|take|do|feel|spend|reduce|increase|grow|create|publish|change|move|travel|visit|join|complete|hit|reach)\b`)

// looksLikeGoal reports a reply that could be a goal.
func looksLikeGoal(n string) bool {
	p := plain(n)
	return words(p) >= 2 && goalWordRe.MatchString(p)
}

// looksLikeAction reports a reply that could be a step.
func looksLikeAction(n string) bool { return looksLikeGoal(n) }

var habitWordRe = regexp.MustCompile(`\b(coffee|tea|breakfast|lunch|dinner|supper|shower|commute|work|wake|waking|brush|teeth|laptop|computer|email|emails|inbox|standup|stand up|meeting|school run|gym|walk|dog|bed|bedtime|kids|train|bus|drive|alarm|morning|evening|night|lunchtime|dishes|workout|run|yoga|prayer|church|class|lecture|shift|phone|news|podcast|cook|cooking|home|office|desk|boot|log in|login)\b|^(after|before|when|once|as soon as|while|during|right after|just after|right before|just before|first thing)\b`)

// looksLikeHabit reports a reply that names a habit.
func looksLikeHabit(n string) bool { return habitWordRe.MatchString(plain(n)) }

// routineRe is a habit named by itself: "my morning coffee", "brushing
// my teeth", "the school run".
var routineRe = regexp.MustCompile(`^(my |the |morning |first |evening )*(morning |first |evening |afternoon )?(coffee|tea|breakfast|shower|commute|school run|standup|stand up|workout|alarm|bedtime routine|morning routine|evening routine)$|^(brushing|making|having|drinking|finishing|walking|feeding|opening|closing|logging|getting|waking|dropping|picking) (up |off |in |out |home |on )?(my |the )?(teeth|coffee|tea|breakfast|dog|cat|laptop|computer|kids|inbox|dressed|up|home|bed)\b`)

// noHabit reports "there is none": nothing, nothing really, none.
func noHabit(n string) bool {
	k := nonAnswer(n)
	return k == Nothing || k == Refusal && plain(n) == "no"
}

// cleanHabit is a habit as the bot says it after "after": "right after
// my coffee" is "my coffee", "right before standup" is "before standup".
func cleanHabit(v string) string {
	h := oneLine(v)
	low := strings.ToLower(h)
	for _, p := range []string{"right after ", "just after ", "straight after ", "after ", "usually after ", "probably after ", "i guess after "} {
		if strings.HasPrefix(low, p) {
			return strings.TrimSpace(h[len(p):])
		}
	}
	for _, p := range []string{"right ", "just ", "straight ", "usually ", "probably "} {
		if strings.HasPrefix(low, p) {
			rest := strings.TrimSpace(h[len(p):])
			r := strings.ToLower(rest)
			for _, prep := range []string{"before ", "when ", "once ", "as soon as ", "while ", "during ", "at "} {
				if strings.HasPrefix(r, prep) {
					return rest
				}
			}
		}
	}
	return h
}

// cleanWho is who would notice, without what they would notice:
// "and your boss obviously. duh" is "your boss"; "my team lead would
// notice me sharing ideas" is "my team lead".
func cleanWho(v string) string {
	w := oneLine(v)
	low := strings.ToLower(w)
	for _, cut := range []string{" would notice", " will notice", " would see", " will see", " would say", " notices", " would know", " would", " will",
		", ", " (", " bc ", " because ", " cause ", " cuz ", " coz ", " lol", " haha", " she'd", " he'd", " they'd", " theyd", " shed ", " hed ",
		" she would", " he would", " they would", " she notices", " he notices", " she always", " he always", " since ", " - ", " — "} {
		if i := strings.Index(low, cut); i > 0 {
			w, low = w[:i], low[:i] // the earliest cut wins: each shortens what the next may find
		}
	}
	if i := strings.IndexAny(w, ".!?;"); i > 0 {
		w = w[:i]
		low = low[:i]
	}
	for _, p := range []string{"and ", "probably ", "maybe ", "obviously ", "i guess ", "prob ", "definitely ", "well ", "hmm ", "um "} {
		if strings.HasPrefix(low, p) {
			w, low = w[len(p):], low[len(p):]
		}
	}
	for _, s := range []string{" obviously", " duh", " lol", " i guess", " probably", " maybe", " tbh", " haha", " for sure", " definitely"} {
		for strings.HasSuffix(low, s) {
			w, low = w[:len(w)-len(s)], low[:len(low)-len(s)]
		}
	}
	return strings.Trim(w, " ,")
}

// timeOfDayWord is a part of the day said instead of a time ("in the
// morning", "after lunch"), or "".
func timeOfDayWord(n string) string {
	p := stripFiller(plain(n))
	if m := dayPartRe.FindStringSubmatch(p); m != nil {
		return strings.TrimSpace(m[0])
	}
	return ""
}

// dayPartRe is a part of the day or a meal said for a time: "after
// lunch", "during my lunch break", "first thing in the morning".
var dayPartRe = regexp.MustCompile(`^(first thing )?(in the |at |around |after |before |during |on |over |by )?(my |the )?(early |late |mid )?(morning|mornings|mornign|moring|mornin|mornng|evenin|evning|afternon|nite|tonite|afternoon|afternoons|evening|evenings|tonight|night|nights|lunch|lunchtime|lunch time|lunch break|lunch hour|breakfast|dinner|dinnertime|supper|bed|bedtime|work|school|midmorning|the day|the weekend)( break| time| hour| ish)?$|^(early|late|early on|later on)$`)

// hoursInWords writes an hour said in words as a number where it is a
// time: "sevenish", "at seven", "seven in the evening".
func hoursInWords(low string) string {
	return wordHour.ReplaceAllStringFunc(low, func(m string) string {
		g := wordHour.FindStringSubmatch(m)
		if g[1] == "" && g[3] == "" {
			return m // "one whole paragraph": no time
		}
		return g[1] + strconv.Itoa(ratingWords[g[2]]) + g[3]
	})
}

var wordHour = regexp.MustCompile(`\b(at |around |about |by |from )?(` + hourWords + `)(ish\b| ish\b| o ?clock\b| in the (?:morning|evening|afternoon)\b| tonight\b| am\b| pm\b)?`)

var clockRe = regexp.MustCompile(`(?i)\b(?:at |around |about |by |maybe |like |approx |approximately |roughly |say )?(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|a m|p m|ish|o ?clock)?\b`)

// timeIn reads a time of day in a reply, loosely: "7:15ish", "around 8",
// "noon", "half past 7", "quarter to 9", "8 in the evening", "0730"; a
// bare number only counts where a time was asked. open is set for an
// hour that could be morning or evening ("8").
func timeIn(n string, asked bool) (hour, minute int, ok, open bool) {
	low := hoursInWords(strings.ToLower(n))
	p := plain(n)
	switch {
	case regexp.MustCompile(`\b(noon|midday|12 noon)\b`).MatchString(p):
		return 12, 0, true, false
	case regexp.MustCompile(`\bmidnight\b`).MatchString(p):
		return 0, 0, true, false
	}
	if m := regexp.MustCompile(`\b(half|quarter|five|ten|twenty|twenty five|5|10|20|25) (past|after|to|til|till) (\d{1,2}|` + hourWords + `)\b`).FindStringSubmatch(p); m != nil {
		h := hourNumber(m[3])
		if h < 0 {
			return 0, 0, false, false
		}
		min := map[string]int{"half": 30, "quarter": 15, "five": 5, "5": 5, "ten": 10, "10": 10, "twenty": 20, "20": 20,
			"twenty five": 25, "25": 25}[m[1]]
		if m[2] != "past" && m[2] != "after" {
			h, min = h-1, 60-min
		}
		return halfDay(h, min, p, false)
	}
	if m := regexp.MustCompile(`\bhalf (\d{1,2}|` + hourWords + `)\b`).FindStringSubmatch(p); m != nil { // British "half 7"
		if h := hourNumber(m[1]); h >= 0 {
			return halfDay(h, 30, p, false)
		}
	}
	if m := regexp.MustCompile(`\b(\d{2})(\d{2})\b`).FindStringSubmatch(p); m != nil && !strings.Contains(low, "/") {
		h, _ := strconv.Atoi(m[1])
		mm, _ := strconv.Atoi(m[2])
		if h <= 23 && mm <= 59 && (strings.HasPrefix(m[0], "0") || h >= 13) {
			return h, mm, true, false
		}
	}
	for _, m := range clockRe.FindAllStringSubmatch(low, -1) {
		h, err := strconv.Atoi(m[1])
		if err != nil || h > 23 {
			continue
		}
		mm := 0
		if m[2] != "" {
			mm, _ = strconv.Atoi(m[2])
			if mm > 59 {
				continue
			}
		}
		suffix := strings.ReplaceAll(strings.ReplaceAll(m[3], ".", ""), " ", "")
		switch suffix {
		case "am":
			if h < 1 || h > 12 {
				continue
			}
			if h == 12 {
				h = 0
			}
			return h, mm, true, false
		case "pm":
			if h < 1 || h > 12 {
				continue
			}
			if h != 12 {
				h += 12
			}
			return h, mm, true, false
		}
		if m[2] == "" && suffix == "" && !strings.Contains(m[0], "at") && !strings.Contains(m[0], "around") &&
			!strings.Contains(m[0], "about") && !strings.Contains(m[0], "by") && !strings.Contains(m[0], "ish") &&
			!strings.Contains(m[0], "clock") && !timeContext(p) && !asked {
			continue // a bare number is a time only where a time is meant
		}
		return halfDay(h, mm, p, m[2] != "")
	}
	return 0, 0, false, false
}

// halfSaid reports a reply that says morning or evening itself.
func halfSaid(n string) bool {
	return regexp.MustCompile(`\b(am|pm|a m|p m|morning|evening|night|tonight|afternoon|breakfast|dinner|supper|bed|noon|midday|midnight)\b`).MatchString(plain(digitsApart.ReplaceAllString(strings.ToLower(n), "$1 $2")))
}

// timeContext reports words that make a bare number a time.
func timeContext(p string) bool {
	return regexp.MustCompile(`\b(morning|evening|night|tonight|afternoon|am|pm|oclock|o clock|ish)\b`).MatchString(p)
}

const hourWords = `one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve`

func hourNumber(s string) int {
	if v, err := strconv.Atoi(s); err == nil && v >= 0 && v <= 23 {
		return v
	}
	if v, ok := ratingWords[s]; ok && v >= 1 && v <= 12 {
		return v
	}
	return -1
}

// halfDay settles whether an hour of 1 to 12 is morning or evening, by
// the words around it; open when nothing says.
func halfDay(h, m int, p string, clockForm bool) (hour, minute int, ok, open bool) {
	if h < 0 {
		h += 24
	}
	if h == 0 || h >= 13 {
		return h % 24, m, true, false
	}
	switch {
	case regexp.MustCompile(`\b(evening|tonight|night|afternoon|pm|after work|dinner|supper|bed|asleep|in bed|bedtime|get home|getting home|home from work|after the kids|kids are down)\b`).MatchString(p):
		if h != 12 {
			h += 12
		}
		return h, m, true, false
	case regexp.MustCompile(`\b(morning|am|breakfast|wake|waking|before work|coffee|bus|school run|commute|standup|stand up|alarm|sunrise)\b`).MatchString(p):
		if h == 12 {
			h = 0
		}
		return h, m, true, false
	}
	// "8", "7:15" or "half past 7" could be either: what it follows
	// may say which (see Reading.TimeOpen). "7:15" is then read as
	// written; "8" is asked about.
	return h, m, true, h >= 1 && h <= 11 && !clockForm
}

// daysIn reads how often in a reply: cron days and their label, or a
// note for a rhythm that needs a choice ("every other day", "3 times a
// week").
func daysIn(n string) (dow, label, note string) {
	p := plain(n)
	if note := rhythm(p); note != "" {
		return "", "", note
	}
	if regexp.MustCompile(`\b(4|four|5|five) ?(x|times|days) ?(a|per|each|every)? ?week\b|\bmost days\b`).MatchString(p) {
		return "1-5", "weekdays", ""
	}
	// Clause by clause: "weekdays for sure. weekends i'm at my parents
	// so that won't work" is the days said without the days said not to;
	// "weekends only, weekdays are chaos" the days said only.
	var yes, no, only [7]bool
	anyYes, anyNo, anyOnly := false, false, false
	for _, c := range clauseSplit.Split(strings.ToLower(n), -1) {
		plus, minus, ok := daysOf(c)
		if !ok {
			continue
		}
		pc := plain(c)
		against := clauseAgainst.MatchString(pc)
		for d := range 7 {
			switch {
			case against && plus[d]:
				no[d], anyNo = true, true
			case plus[d] && onlyRe.MatchString(pc):
				only[d], anyOnly = true, true
			case plus[d]:
				yes[d], anyYes = true, true
			}
			if minus[d] {
				no[d], anyNo = true, true
			}
		}
	}
	switch {
	case anyOnly:
		yes, anyYes = only, true
	case !anyYes && anyNo:
		yes, anyYes = [7]bool{true, true, true, true, true, true, true}, true
	}
	if !anyYes {
		return "", "", ""
	}
	for d := range 7 {
		yes[d] = yes[d] && !no[d]
	}
	dow = cronField(yes)
	return dow, daysLabel(dow), ""
}

// rhythm is a rhythm that is not days of the week: "every other day"
// (other), "3 times a week" (three), "twice a week" (two), "once a week"
// (one); "" when none.
func rhythm(p string) string {
	switch {
	case regexp.MustCompile(`\bevery (other|second|2nd) day\b|\balternate days\b|\bevery 2 days\b|\bevery couple of days\b`).MatchString(p):
		return "other"
	case regexp.MustCompile(`\b(3|three) ?(x|times|days) ?(a|per|each|every)? ?week\b|\bthree times weekly\b`).MatchString(p):
		return "three"
	case regexp.MustCompile(`\b(2|two|twice) ?(x |times |days )?(a|per|each|every) week\b|\btwice weekly\b|\btwice a week\b`).MatchString(p):
		return "two"
	case regexp.MustCompile(`\b(once|1|one) ?(x |time |day )?(a|per|each|every) week\b|\bweekly\b|\bonce a week\b`).MatchString(p):
		return "one"
	}
	return ""
}

var (
	clauseSplit   = regexp.MustCompile(`[.;!?]+\s*|,\s+|\s+but\s+`)
	clauseAgainst = regexp.MustCompile(`\b(not|no|wont|dont|cant|never|without|isnt|arent|doesnt|busy|away|chaos|chaotic|crazy|hectic|impossible|mad|nuts|rubbish|a mess|no good|out)\b`)
	onlyRe        = regexp.MustCompile(`\b(only|just)\b`)
)

// daysOf reads the days in one clause: plus the days said, minus the
// days said not to ("every day except sunday", "not sat"); ok is false
// when it names no days.
func daysOf(c string) (plus, minus [7]bool, ok bool) {
	p := strings.NewReplacer("/", " ", "&", " and ", "+", " and ").Replace(strings.ToLower(c))
	p = dayRange.ReplaceAllStringFunc(p, func(m string) string { // "mon-fri", "monday to thursday"
		f := dayRange.FindStringSubmatch(m)
		a, b := dayNumbers[strings.TrimSuffix(f[1], "s")], dayNumbers[strings.TrimSuffix(f[3], "s")]
		var out []string
		for d := a; ; d = (d + 1) % 7 {
			out = append(out, dayShort[d])
			if d == b || len(out) > 7 {
				break
			}
		}
		return strings.ToLower(strings.Join(out, " "))
	})
	toks := strings.Fields(plain(p))
	letters := lettersOnly(toks)
	against := false
	for i := 0; i < len(toks); i++ {
		w := toks[i]
		two := w
		if i+1 < len(toks) {
			two = w + " " + toks[i+1]
		}
		var set []int
		switch {
		case w == "not" || w == "no" || w == "except" || w == "without" || w == "never" || w == "excluding" || two == "apart from" || two == "other than":
			against = true
			continue
		case allDays[two] || allDays[w]:
			if allDays[two] {
				i++
			}
			set = []int{0, 1, 2, 3, 4, 5, 6}
		case weekdayWords[two] || weekdayWords[w]:
			if weekdayWords[two] {
				i++
			}
			set = []int{1, 2, 3, 4, 5}
		case w == "weekend" || w == "weekends":
			set = []int{0, 6}
		default:
			d, known := dayNumbers[w]
			if !known && len(w) > 3 {
				d, known = dayNumbers[strings.TrimSuffix(w, "s")]
			}
			if !known && letters {
				d, known = dayLetters[w]
			}
			if !known || len(w) <= 2 && !letters {
				continue
			}
			set = []int{d}
		}
		ok = true
		for _, d := range set {
			if against {
				minus[d] = true
			} else {
				plus[d] = true
			}
		}
	}
	return plus, minus, ok
}

var (
	dayRange     = regexp.MustCompile(`\b(mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\s*(to|through|thru|till|until|-|–)\s*(mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b`)
	allDays      = map[string]bool{"every day": true, "everyday": true, "daily": true, "each day": true, "all week": true, "7 days": true, "every single": true, "all days": true, "7 7": true, "everyday!": true}
	weekdayWords = map[string]bool{"weekdays": true, "weekday": true, "workdays": true, "workday": true, "work days": true, "working days": true, "week days": true, "business days": true, "school days": true}
	dayLetters   = map[string]int{"m": 1, "t": 2, "tu": 2, "w": 3, "th": 4, "r": 4, "f": 5, "sa": 6, "su": 0, "s": 6}
)

// lettersOnly reports a reply of day letters only: "m w f".
func lettersOnly(toks []string) bool {
	if len(toks) < 2 {
		return false
	}
	for _, t := range toks {
		if _, ok := dayLetters[t]; !ok && t != "and" {
			return false
		}
	}
	return true
}

// daysLabel is a cron day field in plain words, for the schedule's label.
func daysLabel(dow string) string {
	switch dow {
	case "*":
		return "daily"
	case "1-5":
		return "weekdays"
	case "0,6":
		return "weekends"
	}
	set, _ := cronDays(dow)
	var names []string
	for d := 1; d <= 7; d++ {
		if set[d%7] {
			names = append(names, dayShort[d%7])
		}
	}
	return strings.Join(names, ", ")
}

// cronField writes a set of weekdays as a cron day-of-week field.
func cronField(set [7]bool) string {
	var on []string
	for d, v := range set {
		if v {
			on = append(on, strconv.Itoa(d))
		}
	}
	switch strings.Join(on, ",") {
	case "":
		return ""
	case "0,1,2,3,4,5,6":
		return "*"
	case "1,2,3,4,5":
		return "1-5"
	}
	return strings.Join(on, ",")
}

var (
	doneRe   = regexp.MustCompile(`^(done|dun|donee|doen|did it|did|i did|i did it|yes|yep|yeah|yup|y|yess+|yas|ya did it|ya|yea did it|yah did it|yes done|ive done it|i have done it|ive done|i have done|have done it|done it|i done it|did that|finished|completed|complete|all done|nailed it|crushed it|managed it|managed|got it done|i managed|i managed it|yep did it|yeah did it|yes did it|yes i did|yeah i did|yep i did|it s done|its done|done and done|done done|check|checked|tick|ticked|success|win)\b|^(✅|👍|✔️|✔|💪|🎉|🙌)`)
	partlyRe = regexp.MustCompile(`^(only (managed|did|got) (half|some|part|a bit|a little|one|two|the first)|nearly did|nearly|almost did|half of it|did (\d+|` + hourWords + `) \w+ (not|instead of|out of) (\d+|` + hourWords + `)|partly|partially|part of it|some|some of it|a bit|a little|bits|half|halfway|half of it|sort of|sorta|kind of|kinda|somewhat|ish|more or less|sort of did|kinda did|i did some|did some|did half|did a bit|a little bit|not fully|not completely|not all of it|almost|nearly|mostly|mostly done|most of it|i (kinda|kind of|sort of|sorta|half|partly|partially) (did|done|managed)|i did (the first|the first bit|the first half|part|part of it|half|a bit|a little|something close|some of it|most of it|a shorter|a smaller|a mini)|(i )?(did|managed) (something close|a version|a shorter|a smaller|a mini)|(i )?(started|began|tried|got started|made a start)( it| on it)?( but| and then|,)|started|got halfway|only got (halfway|part|through)|half done)\b|^🟡`)
	notYetRe = regexp.MustCompile(`^(about to( do it)?|going to do it|gonna do it|ill do it|i will do it|will do it (later|tonight|soon)|doing it (later|tonight|soon)|later today|wont be able to|i wont be able to|cant today|i cant today|cant do it today|cant make it today|i wont get to it|wont get to it|havent managed|i havent managed|not managed|not gotten to it|not got to it|havent got to it|not yet|not today|no|nope|nah|n|not|didnt|did not|dont|havent|have not|not done|notyet|missed|missed it|skipped|skipped it|forgot|i forgot|forgot it|no time|couldnt|could not|failed|nah not today|nope not today|no not today|not really|not this time|no luck|zero|nothing today|it didnt|didnt happen|it didnt happen|i didnt|i did not|i couldnt|i missed|i skipped|i forgot|i havent|not done yet|not even close|didnt get to it|didnt get round to it|didnt manage)\b|^(❌|👎|✖️|✖)`)
	// notYetTail is a "no" said last: "had a migraine so no".
	notYetTail = regexp.MustCompile(`(^|\s|,)(so|and|but)? ?(no|nope|nah|not today|not yet|didnt|it didnt happen)$`)
	// jokingRe takes back what was said: "crushed it. jk didnt do it".
	jokingRe = regexp.MustCompile(`\b(jk|j k|just kidding|kidding|lol no|not really)\b.{0,12}\b(didnt|did not|no|nope|not|nah)\b`)
	// halfDone is something done, then something not: "got the shoes on
	// but didnt leave the house", "did the reading but not the notes".
	halfDone = regexp.MustCompile(`^(i |ive )?(got|did|made|put|wrote|read|started|opened|went|walked|managed)\b.{1,40}\b(but|though|just) (didnt|did not|couldnt|not|never|forgot)\b`)
	// fractionRe is a count of days or times: "5 out of 7 days", "4/5".
	fractionRe = regexp.MustCompile(`\b(\d{1,2}) ?(/|out of|of) ?(\d{1,2})\b( days| times| sessions| mornings| evenings)?`)
	laterNote  = regexp.MustCompile(`^[\s,.;:!\-–—]+`)
	// leadingWords may come before a check-in: "ugh no", "lol no",
	// "quick update: went to the gym", "actually i did it later".
	leadingWords = regexp.MustCompile(`^(ugh|urgh|lol|lmao|haha|hah|hmm|hm|meh|eh|ehh|well|honestly|tbh|so|ok so|okay so|welp|sadly|unfortunately|oh|ah|um|umm|uh|actually|quick update|update|report|status|fyi|today|this morning|yesterday|hey|hi|sorry)[\s,.:;!\-–—]+`)
	notCheckIn   = regexp.MustCompile(`^(idea|clue|worries|problem|thanks|thank you|i dont know|sure|really sure|one|body|way|matter|chance|reason|rush|pressure|need)\b`)
	notDone      = regexp.MustCompile(`^(i |im |it |its )?(think|guess|know|suppose|please|sure)\b`)
	notBad       = regexp.MustCompile(`^(bad|too bad)\b`)
)

// folded is text lower-cased with apostrophes left out, keeping where
// each byte came from, so that what follows a match can be cut from the
// text as written (its capitals and apostrophes kept).
type folded struct {
	s    string
	from []int // from[i] is the byte of the text that s[i] came from
	text string
}

func fold(text string) folded {
	f := folded{text: text}
	var b strings.Builder
	for i, r := range text {
		switch r {
		case '’', '‘', '\'', '`', '´', 'ʼ':
			continue
		}
		lr := string(unicode.ToLower(r))
		b.WriteString(lr)
		for range len(lr) {
			f.from = append(f.from, i)
		}
	}
	f.s = b.String()
	return f
}

// after is the text as written after byte i of the folded text.
func (f folded) after(i int) string {
	if i >= len(f.from) {
		return ""
	}
	return f.text[f.from[i]:]
}

// outcomeIn reads a check-in said in natural words: "yep did it",
// "sorta", "nah", "done. walked to the park actually" (done, with a
// note), "had a migraine so no", "did 4/5 days". It returns the outcome
// and what else was said, or "".
func outcomeIn(text string) (Outcome, string) {
	f := fold(strings.TrimSpace(text))
	low, start := f.s, 0
	for {
		m := leadingWords.FindStringIndex(low[start:])
		if m == nil {
			break
		}
		start += m[1]
	}
	body := low[start:]
	if jokingRe.MatchString(plain(body)) {
		return NotYet, ""
	}
	if halfDone.MatchString(plain(body)) {
		return Partly, cleanValue(f.after(start)) // "got the shoes on but didnt leave the house"
	}
	if m := fractionRe.FindStringSubmatch(body); m != nil && (m[4] != "" || strings.Contains(body, "did") || strings.Contains(body, "done") || strings.HasPrefix(body, m[0])) {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		if b > 0 && a <= b && b <= 31 {
			note := cleanValue(f.after(start))
			switch {
			case a == 0:
				return NotYet, note
			case a == b:
				return Done, note
			}
			return Partly, note
		}
	}
	for _, c := range []struct {
		re *regexp.Regexp
		o  Outcome
	}{{notYetRe, NotYet}, {partlyRe, Partly}, {doneRe, Done}} {
		m := c.re.FindStringIndex(body)
		if m == nil {
			continue
		}
		gap := body[m[1]:]
		rest := strings.TrimSpace(laterNote.ReplaceAllString(gap, ""))
		joined := strings.HasPrefix(gap, " ") || gap == "" // "no idea", not "no. idea"
		switch {
		case c.o == NotYet && joined && notCheckIn.MatchString(rest):
			return "", "" // "no idea", "not sure", "no problem" are not check-ins
		case c.o == NotYet && joined && notBad.MatchString(rest) && strings.HasPrefix(body, "not"):
			return "", "" // "not bad"
		case c.o == Done && notDone.MatchString(rest):
			return "", ""
		}
		note := ""
		if rest != "" {
			note = strings.TrimLeft(cleanValue(f.after(start+m[1])), " ,.;:!-–—")
		}
		return c.o, note
	}
	if m := notYetTail.FindStringIndex(strings.TrimRight(body, " .!")); m != nil && words(plain(body)) <= 10 && !strings.HasPrefix(body, "no ") {
		// What came before the "so no" is the note: "had a migraine".
		before := f.text[f.from[start]:f.from[start+m[0]]]
		return NotYet, cleanValue(before)
	}
	return "", ""
}

// yesNoIn reads a yes or a no, loosely: "sure why not", "nah id rather
// keep it to myself", "yes please".
func yesNoIn(n string) (yes, ok bool) {
	if y, ok := ParseYesNo(n); ok {
		return y, true
	}
	p := plain(n)
	switch {
	case regexp.MustCompile(`^(yes|yeah|yep|yup|sure|ok|okay|of course|absolutely|definitely|go ahead|please do|do it|sounds good|why not|lets do it|lets do that|fine|alright|y|ya|yea|aye|mhm|mhmm|mm hm|mmhm|uh huh|yah|yass|yes please|please|correct|exactly|thats it|thats right|right|perfect|great|good)\b`).MatchString(p):
		return true, true
	case regexp.MustCompile(`^(no|nope|nah|not really|rather not|id rather not|i would rather not|no thanks|no way|not now|maybe later|please dont|dont|i dont think so|keep it (private|to myself)|id rather keep|not yet|nay|n)\b`).MatchString(p):
		return false, true
	}
	return false, false
}

var specificRe = regexp.MustCompile(`(?i)\b(\d+(?:[.,]\d+)?\s?(?:k|km|kms|mi|miles?|words|pages?|minutes?|mins?|hours?|hrs?|steps|reps|sets|emails?|calls?|pushups|push-ups|situps|squats|laps|glasses|cups|chapters?|lines|times|days|kg|lbs?|pounds|euros?|dollars?|bucks|%|percent)|(?:\d+ (?:out of|of) \d+ days))\b|\b(?:my |the |our |his |her )?(?:boss|manager|team|team lead|coach|mum|mom|dad|partner|wife|husband|kids|son|daughter|friend|client|teacher|doctor|neighbour|neighbor|colleague|colleagues|sister|brother|class|group|park|gym|office|pool|beach|river)\b`)

// specificIn is the number a check-in or win names, with its unit, in
// the bot's words ("230 words", "5 out of 7 days"), or "".
func specificIn(v string) string {
	for _, m := range specificRe.FindAllStringSubmatch(v, -1) {
		if m[1] != "" {
			return youForm(m[1])
		}
	}
	return ""
}

// onlyTime reports a reply that is a time and nothing more.
func onlyTime(n string) bool {
	p := digitsApart.ReplaceAllString(plain(n), "$1 $2")
	rest := timeWords.ReplaceAllString(p, "")
	return strings.TrimSpace(stripFiller(strings.Join(strings.Fields(rest), " "))) == ""
}

var (
	// digitsApart splits "7am" into "7 am".
	digitsApart = regexp.MustCompile(`(\d)([a-z])`)
	timeWords   = regexp.MustCompile(`\b(after|before|from|until|till|most|nights|mornings|evenings|usually|mostly|normally|at|around|about|by|maybe|like|approx|approximately|roughly|say|usually|probably|ish|am|pm|a m|p m|o clock|oclock|in the|morning|evening|afternoon|night|tonight|noon|midday|midnight|half|quarter|past|to|til|till|tomorrow|today|every day|daily|\d+|` + hourWords + `)\b`)
)

// onlyDays reports a reply that is days and nothing more.
func onlyDays(n string) bool {
	p := plain(n)
	rest := regexp.MustCompile(`\b(usually|mostly|normally|probably|prob|generally|only|just|every ?day|daily|weekdays?|weekends?|mon|monday|mondays|tue|tues|tuesday|tuesdays|wed|wednesday|wednesdays|thu|thur|thurs|thursday|thursdays|fri|friday|fridays|sat|saturday|saturdays|sun|sunday|sundays|and|on|only|just|every|each|day|days|a|week|times|per|other|twice|once)\b`).ReplaceAllString(p, "")
	return strings.TrimSpace(stripFiller(strings.Join(strings.Fields(rest), " "))) == ""
}

// topics are what plans are about, by the words that name them, so that
// examples offered to someone unsure fit what they told the bot.
var topics = []struct {
	name string
	re   *regexp.Regexp
}{
	{"writing", regexp.MustCompile(`\b(write|writing|wrote|novel|book|blog|essay|thesis|dissertation|poem|poetry|journal|words|draft|chapter|story|article|newsletter)\b`)},
	{"health", regexp.MustCompile(`\b(run|running|walk|walking|gym|exercise|workout|fit|fitter|fitness|weight|healthy|healthier|health|veg|vegetables|fruit|diet|eat|eating|sleep|yoga|stretch|steps|swim|bike|cycling|water|smoking|drink|drinking|vegetables|physio|doctor|5k|10k|marathon|body|strength|lift|lifting)\b`)},
	{"work", regexp.MustCompile(`\b(work|job|career|boss|manager|meeting|meetings|team|colleague|colleagues|hr|client|clients|office|promotion|project|presentation|email|emails|inbox|speak up|interview|business|review|performance|deadline|deadlines)\b`)},
	{"learning", regexp.MustCompile(`\b(learn|learning|study|studying|course|class|language|spanish|french|german|japanese|guitar|piano|practice|practise|exam|exams|read|reading|books|code|coding|programming)\b`)},
	{"home", regexp.MustCompile(`\b(clean|cleaning|tidy|declutter|house|home|flat|apartment|kitchen|laundry|dishes|garden|cook|cooking|chores|room)\b`)},
	{"people", regexp.MustCompile(`\b(friends?|family|kids|children|partner|wife|husband|mum|mom|dad|parents|call|social|people|lonely|relationship|date|dating|confident|confidence|shy)\b`)},
	{"money", regexp.MustCompile(`\b(money|save|saving|savings|budget|debt|spend|spending|finances|bills|invest|pay off)\b`)},
	{"mind", regexp.MustCompile(`\b(stress|stressed|calm|anxious|anxiety|meditate|meditation|mindful|mindfulness|breathe|breathing|relax|rest|screen time|phone|procrastinate|procrastinating|focus|balance)\b`)},
}

// topicOf is what a text is about (a topic's name), or "".
func topicOf(text string) string {
	if text == "" {
		return ""
	}
	p := plain(text)
	for _, t := range topics {
		if t.re.MatchString(p) {
			return t.name
		}
	}
	return ""
}

// requestSyntax reports the words of asking: "can we", "i'd rather",
// "instead", "please make it".
var requestSyntaxRe = regexp.MustCompile(`\b(can we|could we|can you|could you|can i|could i|lets|let s|i want to|i wanna|id like|i would like|id rather|i would rather|id prefer|i prefer|rather|prefer|instead|please|pls|plz|switch|change|move|make it|would be better|works better|is better|are better|better for me|better)\b`)

func requestSyntax(n string) bool { return requestSyntaxRe.MatchString(plain(n)) }

// askingRe are the words of asking outright, as opposed to "instead"
// or "rather" in an answer.
var askingRe = regexp.MustCompile(`\b(can we|could we|can you|could you|can i|could i|lets|let s|id rather|i would rather|id prefer|i would prefer|please|pls|plz|switch to|change to|move it|move them|make it|i want to (change|move|switch|do)|i need (it|them) (to|at|on)|dont (message|remind|text|ping|send)|stop (sending|messaging|reminding)|would be better|works better|work better|instead\?)\b`)

func asking(n string) bool { return askingRe.MatchString(plain(n)) }

// sarcasticRe marks a reply that means the opposite: "oh sure, a 10,
// obviously 🙄".
var sarcasticRe = regexp.MustCompile(`^(oh )?(sure|yeah right|yeah sure|as if|oh yeah|ya right|yea right|lol sure)\b|\bnot\b.{0,12}\blol\b`)

func sarcastic(n string) bool {
	return strings.Contains(n, "🙄") || strings.Contains(n, "/s") || sarcasticRe.MatchString(plain(n))
}

// ratingCorrection is a rating corrected where its reason was asked: "i
// said 7 not 4".
var ratingCorrectionRe = regexp.MustCompile(`\b(i said|i meant|its actually|it s actually|actually its|actually a|meant to say|i put|make it|call it|change it to) (a |an )?(\d{1,2}|` + hourWords + `)\b`)

func ratingCorrection(r *Reading, n string) bool {
	m := ratingCorrectionRe.FindStringSubmatch(plain(n))
	if m == nil {
		return false
	}
	v := hourNumber(m[3])
	if v < 1 || v > 10 {
		return false
	}
	r.Rating = v
	return other(r, ExpectRating)
}

// habitLeadRe starts a habit said as one: "after my coffee", "right
// before standup", "when i get home", "as soon as the kids leave".
var habitLeadRe = regexp.MustCompile(`^(right |just |straight |usually |probably |maybe )?(after|before|when|whenever i|once|as soon as|while|during) (my|the|i|we|work|lunch|dinner|breakfast|coffee|tea|school|class|standup|stand up|the kids|kids|everyone|i get|i wake|waking|getting|brushing|opening|logging|arriving|leaving|dropping|walking|finishing|work|bed)\b`)

// habitPhrase reports a reply that is a habit to follow, short enough
// to be only that.
func habitPhrase(n string) bool {
	p := plain(n)
	return habitLeadRe.MatchString(p) && words(p) <= 8 && timeOfDayWord(p) == "" || routineRe.MatchString(stripFiller(p))
}

// reasonLead reports a reply that says a reason as one: "because…", "so
// that…".
var reasonLeadRe = regexp.MustCompile(`^(because|cause|cuz|coz|bc|so that|so i can|so i could|to be able to|i want to be|i want my|it matters|it would mean|it d mean|id feel)\b|^(it|that|this|doing it|doing that) (really |just |always )?(makes|made|helps|relaxes|calms|grounds|settles) me\b`)

func reasonLead(n string) bool { return reasonLeadRe.MatchString(plain(n)) }

// listLike reports text that lists things: two or more parts separated
// by ; or , or newlines, or numbered.
func listLike(n string) bool {
	items, err := ParseMilestones(n)
	return err == nil && len(items) >= 2
}

// actionDoneRe is a message that says something was done: "wrote 230
// words", "walked to the park", "i spoke up once!".
var actionDoneRe = regexp.MustCompile(`^(i |ive |i have |i just |just |finally |i finally |today i |this morning i |so i |and i |i actually |actually )?(wrote|walked|ran|read|called|rang|texted|messaged|emailed|sent|made|finished|cooked|cleaned|tidied|meditated|stretched|practiced|practised|studied|posted|shipped|submitted|completed|did|managed|went for|went to|went out|got it done|got up|spoke|spoke up|said|asked|showed up|journaled|journalled|drank|ate|booked|paid|saved|opened|cleared|laid out|packed|prepped|filled|logged|tracked|played|drew|painted|sketched|recorded|reviewed|planned|organised|organized|sorted|fixed|replied|answered|lifted|swam|cycled|biked|jogged|hiked|skipped rope|put|kept|stuck to|nailed|smashed|crushed)\b`)

// justDidRe is a report said inside a message: "just wanted to say i
// did it again today".
var justDidRe = regexp.MustCompile(`\b(i|ive|i have) (did|done|managed|got) (it|that|this|the step)( done)?\b|\bdid it (again|today|this morning|tonight|yesterday)\b`)

// actionDone reports a message that says the step, or something, was
// done, without saying "done".
func actionDone(n string) bool {
	p := plain(n)
	for _, lead := range []string{"quick update ", "update ", "report ", "fyi ", "just so you know ", "status ", "so "} {
		p = strings.TrimPrefix(p, lead)
	}
	return (actionDoneRe.MatchString(p) || justDidRe.MatchString(p)) && !strings.Contains(p, "didnt") && !strings.Contains(p, "did not")
}

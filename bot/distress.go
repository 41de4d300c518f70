package bot

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Recognising distress. Every text a person sends is read for it before
// anything else (see safety.go). The reading is deterministic and
// offline: the text is lower-cased, its spelling evened out (apostrophes
// dropped, chat forms such as "wanna" and "kms" spelt out, letters
// stretched for emphasis shrunk, a typo in a word that matters put
// right), idioms that only sound like distress ("killing it", "dying to
// start", "dead tired") set aside, and what is left matched against
// phrasings of suicidal thoughts, self-harm and acute distress.

// Distress is how worrying a message is.
type Distress int

// The levels of distress.
const (
	// NoDistress: nothing worrying was said.
	NoDistress Distress = iota
	// Concern: it may be distress, or may not ("everything is too much",
	// "i'm not ok"): the answer is a gentle question, not a crisis reply.
	Concern
	// Crisis: thoughts of suicide or self-harm, or acute hopelessness:
	// everything else stops for a caring reply and ways to real help.
	Crisis
)

func (d Distress) String() string {
	switch d {
	case Concern:
		return "concern"
	case Crisis:
		return "crisis"
	}
	return "none"
}

// ReadDistressAt reads a reply to a question for distress: a reply is
// read with what it answers ("nobody would notice" is a plain answer to
// "who would notice?").
func ReadDistressAt(text string, e Expect) Distress {
	if e == ExpectWho && !strings.Contains(plain(text), "if i") {
		text = noticeAnswer.ReplaceAllString(text, "nobody")
	}
	return ReadDistress(text)
}

// noticeAnswer is "nobody would notice", said to "who would notice?".
var noticeAnswer = regexp.MustCompile(`(?i)\b(nobody|no one|noone|no-one|none of them) (would|will|'?d) (really |even )?(notice|see|care)\b`)

// ReadDistress reads a message for distress: first the phrasings that
// say it outright, then what the message says taken together (wanting
// and dying, hurting oneself, being a burden, hopelessness and
// worthlessness, a goodbye, the means, asking for a real person).
func ReadDistress(text string) Distress {
	if strings.TrimSpace(text) == "" {
		return NoDistress
	}
	n, laughing, sc := readText(text)
	if n == "" {
		return NoDistress
	}
	level := NoDistress
	for _, p := range distressPatterns {
		for _, m := range p.re.find(sc) {
			l := p.level
			if negated(n[:m[0]]) && !p.negation {
				l = Concern // "i would never hurt myself": still worth a gentle word
			}
			if laughing && p.softened && l == Crisis {
				l = Concern // "i'm gonna kill myself lol if this runs over": hyperbole, most likely
			}
			level = max(level, l)
		}
	}
	if level == Crisis {
		return Crisis
	}
	l := readTogether(sc)
	if laughing && l == Crisis {
		l = Concern // a laugh, and nothing said outright: ask gently
	}
	if level = max(level, l); level == NoDistress && learnedScore(sc) >= learnedConcern {
		level = Concern // not in the lists, but like what is: ask gently
	}
	return level
}

// distressText is text evened out for reading: lower case, no
// apostrophes, words spelt out, idioms set aside, one space between
// words. laughing reports a laugh (lol, haha, 😂) anywhere in it.
func distressText(text string) (n string, laughing bool) {
	n, laughing, _ = readText(text)
	return n, laughing
}

// readText is distressText with the scan of what it returns.
func readText(text string) (n string, laughing bool, sc *scan) {
	s := apostrophes.Replace(strings.ToLower(text))
	laughing = strings.ContainsAny(s, "😂🤣😆😅😹")
	// Sentences keep a boundary ("|") between them: "i can't go on." is
	// not "i can't go on to the next step".
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteByte(' ')
	boundary := true // nothing yet, or "|" last
	word := func(w string) {
		laughing = laughing || laughs(w)
		for _, x := range spellOut(w) {
			b.WriteString(x)
			b.WriteByte(' ')
		}
		boundary = false
	}
	start := -1
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			continue
		case r == '-' && start < 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			word("minus") // "-10": a rating below the scale
			continue
		}
		if start >= 0 {
			word(s[start:i])
			start = -1
		}
		if strings.ContainsRune(".!?;,:\n–—", r) && !boundary {
			b.WriteString("| ")
			boundary = true
		}
	}
	if start >= 0 {
		word(s[start:])
	}
	n = b.String()
	sc = newScan(n)
	changed := false
	for _, f := range []fastRe{doubledTo, sewerSlide} {
		if f.possible(sc) {
			changed = true
		}
	}
	if changed {
		n = doubledTo.re.ReplaceAllString(n, " $1 to ")
		n = sewerSlide.re.ReplaceAllString(n, " suicide ")
		sc = newScan(n)
	}
	for _, idiom := range distressIdioms {
		if idiom.possible(sc) && idiom.re.MatchString(n) {
			n = idiom.re.ReplaceAllString(n, " ~ ")
			changed = true
		}
	}
	n = strings.Join(strings.Fields(n), " ")
	if changed {
		sc = newScan(n)
	} else {
		sc.n = n
	}
	return n, laughing, sc
}

// doubledTo puts right "too" for "to" where it matters: "want too die".
var doubledTo = mustFast(`\b(want|wanted|going|need|ready|trying|wish) too\b`)

// sewerSlide is the words people use so a filter will not see "suicide".
var sewerSlide = mustFast(`\b(sewer ?slide|sewerslide|s word|self delete|self deleting|su1c1de|suic1de|5uicide)\b`)

// apostrophes are dropped: "don't" is read as "dont".
var apostrophes = strings.NewReplacer("’", "", "‘", "", "'", "", "`", "", "´", "", "ʼ", "")

// laughs reports whether a word is a laugh: lol, lmao, haha, jk.
func laughs(w string) bool {
	switch w {
	case "lmfao", "rofl", "jk", "kidding", "jking":
		return true
	}
	for _, l := range []string{"lol", "lmao", "haha", "hehe"} {
		if strings.HasPrefix(w, l) && strings.Trim(w[len(l):], l[len(l)-1:]+l[:1]) == "" {
			return true
		}
	}
	return false
}

// negated reports whether the words just before a match deny it: "not",
// "never", "wouldnt" right before it, or with only "going to", "ever",
// "really" between ("i'm not going to end it"). A denial in the sentence
// before does not count, nor one of another verb ("i don't see any
// reason to carry on" says the distress, not its denial).
func negated(before string) bool {
	f := strings.Fields(before)
	for i, seen := len(f)-1, 0; i >= 0 && seen < 5; i, seen = i-1, seen+1 {
		switch f[i] {
		case "|":
			return false
		case "not", "never", "wouldnt", "wont", "dont", "no", "isnt", "arent", "aint", "nothing":
			return true
		case "going", "to", "gonna", "ever", "really", "actually", "even", "try", "trying", "want", "wanna", "i", "im", "would", "will", "am", "be", "just", "ill", "id":
			continue
		}
		return false
	}
	return false
}

// chatForms spell out what people type in a hurry.
var chatForms = map[string][]string{
	"wanna": {"want", "to"}, "gonna": {"going", "to"}, "gotta": {"got", "to"}, "tryna": {"trying", "to"},
	"kms": {"kill", "myself"}, "kys": {"kill", "yourself"},
	"sewerslide": {"suicide"}, "sui": {"suicide"}, "suicidial": {"suicidal"}, "selfharm": {"self", "harm"},
	"myslef": {"myself"}, "mysef": {"myself"}, "mself": {"myself"}, "meself": {"myself"}, "myselfe": {"myself"},
	"u": {"you"}, "ur": {"your"}, "r": {"are"}, "im": {"im"}, "ima": {"im", "going", "to"}, "imma": {"im", "going", "to"},
	"cant": {"cant"}, "cannot": {"cant"}, "couldnt": {"cant"}, "cnt": {"cant"}, "dont": {"dont"}, "doesnt": {"dont"},
	"didnt": {"dont"}, "dnt": {"dont"}, "idont": {"i", "dont"}, "icant": {"i", "cant"}, "iwant": {"i", "want"},
	"wont": {"wont"}, "wouldnt": {"wouldnt"}, "any1": {"anyone"}, "every1": {"everyone"}, "no1": {"noone"}, "some1": {"someone"},
	"anymore": {"anymore"}, "nomore": {"anymore"}, "ne": {"any"}, "evry": {"every"}, "evrything": {"everything"},
	"bc": {"because"}, "cuz": {"because"}, "coz": {"because"}, "cos": {"because"}, "ppl": {"people"}, "rn": {"right", "now"},
	"dead": {"dead"}, "ded": {"dead"}, "dieing": {"dying"}, "wna": {"want", "to"}, "wana": {"want", "to"}, "wnna": {"want", "to"},
	"liv": {"live"}, "lyf": {"life"}, "lif": {"life"}, "mysel": {"myself"}, "urself": {"yourself"},
	"kil": {"kill"}, "kll": {"kill"}, "kiling": {"killing"}, "hurtin": {"hurting"}, "livin": {"living"}, "tryin": {"trying"},
	"nobodys": {"nobody"}, "noone": {"noone"}, "somebody": {"someone"}, "everybody": {"everyone"},
	"killmyself": {"kill", "myself"}, "killmyslef": {"kill", "myself"}, "endmylife": {"end", "my", "life"},
	"suicides": {"suicides"}, "dissapear": {"disappear"}, "dissappear": {"disappear"}, "disapear": {"disappear"},
	"wats": {"whats"}, "wat": {"what"}, "whts": {"whats"}, "wuts": {"whats"}, "wut": {"what"}, "dei": {"die"}, "slef": {"self"},
	"myslf": {"myself"}, "urslf": {"yourself"}, "anymor": {"anymore"}, "livng": {"living"}, "lving": {"living"}, "unalive": {"unalive"}, "unalived": {"unalive"}, "unaliving": {"unalive"},
	"wants": {"wants"}, "iam": {"im"}, "goodbyes": {"goodbyes"}, "od": {"od"}, "odd": {"odd"},
	"sucidle": {"suicidal"}, "suicidle": {"suicidal"}, "sucidal": {"suicidal"}, "suisidal": {"suicidal"}, "suicadal": {"suicidal"},
	"suiside": {"suicide"}, "sucide": {"suicide"}, "suicde": {"suicide"}, "feelin": {"feeling"},
	"tierd": {"tired"}, "tried": {"tried"}, "tird": {"tired"}, "thinkin": {"thinking"}, "thinkning": {"thinking"}, "thiking": {"thinking"},
}

// fuzzyWords are the words a typo is put right to: one letter wrong,
// missing, doubled or swapped in a word of five letters or more (just
// swapped in a word of four), the first letter right. They are words
// whose near neighbours are rarely words of their own ("tripped" is not
// put right to "trapped").
var fuzzyWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`suicide suicidal myself yourself worthless hopeless pointless
		meaningless overdose anymore everyone everybody nobody without burden disappear forever
		goodbye anything everything nothing matters living existing killing harming hurting
		cutting deserve therapist counsellor counselor professional want kill exist thinking better disappear`) {
		m[w] = true
	}
	return m
}()

// fuzzyByFirst is fuzzyWords by their first letter, in a fixed order.
var fuzzyByFirst = func() map[byte][]string {
	m := map[byte][]string{}
	for w := range fuzzyWords {
		m[w[0]] = append(m[w[0]], w)
	}
	for _, l := range m {
		slices.Sort(l)
	}
	return m
}()

// distressWords are the words the patterns turn on, kept as they are.
var distressWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`suicide suicidal myself kill killing dying die died dead death
		ending life living alive exist existing anymore worthless hopeless pointless meaningless useless
		burden better without everyone nobody noone anyone someone care notice hurt hurting harm
		harming cutting overdose pills tablets bridge jump hang hanging disappear vanish forever goodbye
		point reason nothing matters matter purpose want wanted going wish born wake sleep tired trapped
		escape numb empty alone lonely crying cope coping breaking falling apart living anything
		everything worth continue carry struggling breakdown professional therapist counsellor counselor
		human person talking talk deserve punish punishing starve starving wrists razor blade noose
		enough anymore gone miss missed never tonight final message`) {
		m[w] = true
	}
	return m
}()

// spellOut evens out one word: chat forms spelt out, stretched letters
// shrunk, a typo in a word that matters put right.
func spellOut(w string) []string {
	if f, ok := chatForms[w]; ok {
		return f
	}
	if distressWords[w] {
		return []string{w}
	}
	shrunk := shrink(w)
	if f, ok := chatForms[shrunk]; ok {
		return f
	}
	if distressWords[shrunk] {
		return []string{shrunk}
	}
	for _, d := range fuzzyByFirst[w[0]] {
		if len(w) >= 5 && len(d) >= 5 && withinOneEdit(w, d) || len(w) == 4 && len(d) == 4 && swapped(w, d) {
			return []string{d}
		}
	}
	return []string{w}
}

// shrink turns letters repeated three or more times into two, then, if
// that is not a known word, into one: "diiie" -> "die", "soooo" -> "so".
func shrink(w string) string {
	var two, one strings.Builder
	var prev rune
	run := 0
	for _, r := range w {
		if r == prev {
			run++
		} else {
			prev, run = r, 1
		}
		if run <= 2 {
			two.WriteRune(r)
		}
		if run == 1 {
			one.WriteRune(r)
		}
	}
	if distressWords[two.String()] {
		return two.String()
	}
	return one.String()
}

// swapped reports whether a and b, of one length, differ by two
// neighbouring letters swapped.
func swapped(a, b string) bool {
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}

// withinOneEdit reports whether a and b differ by at most one inserted,
// deleted, changed or swapped letter.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la == lb:
		if a[i+1:] == b[i+1:] {
			return true // one changed
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // two swapped
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

// distressIdioms are everyday phrases that only sound like distress;
// they are set aside before matching.
var distressIdioms = fastAll(
	`\b(killing|killed|kill|crushing|crushed|smashing|smashed|nailed|nailing) it\b`,
	`\b(is|are|was|were|its|thats|theyre|these|this|it) (killing|kill) me\b`,
	`\b(dying|dyin|die) (to|for) (a |an |the |some )?\w+`,
	`\bto die for\b`,
	`\b(die|died|dying|dead|death) (of|from|with) (laugh\w*|embarrass\w*|cring\w*|shame|boredom|bored|cuteness|excitement|heat|thirst)\b`,
	`\b(laughing|laughed|laugh) (my ass |myself )?(to death|myself to death)\b`,
	`\b(kill|killing|killed) myself laughing\b`,
	`\b(bored|scared|worried|sick|tired|frightened|terrified|annoyed|freezing|starving) to death\b`,
	`\bdead (tired|beat|on my feet|serious|set|easy|quiet|last|end|ahead|center|centre|wrong|right|sure|line|lines|heat)\b`,
	`\b(deadline|deadlines|deadlift|deadlifts|deadpan)\b`,
	`\b(battery|phone|laptop|car|plant|plants|fish|computer|mic|headphones|wifi|server|tablet|mouse|pen|printer) (is |was |just )?(dead|died|dying)\b`,
	`\b(murder|kill|killing) (for )?(a |an |some |the )?(coffee|pizza|beer|burger|nap|drink|snack|cake|sandwich|cup|tea|donut|doughnut)\b`,
	`\b(could|would|i'd|id) kill for\b`,
	`\bkill (time|two birds|the (bug|process|task|lights|engine|music|job|server|tab|app|meeting|idea|vibe|mood))\b`,
	`\b(over my dead body|do or die|die hard|dead end|deadend|killer \w+|kill switch)\b`,
	`\b(end|ending|ended|finish|finished) (the|this|our|my) (meeting|call|day|week|session|shift|workout|streak|chapter|year|month|semester|project|sprint|game|season|book)\b`,
	`\bend of (the|my) (day|week|month|year|road|line|list)\b`,
	`\b(suicide|suicidal) (squad|mission|sprints?|drills?|runs?|doors?|prevention|awareness|training|course|workshop|volunteer\w*|hotline training)\b`,
	`\b(hurt|hurting|injured|injure|pulled|strained|tweaked|twisted|sprained) (myself|my self) (at|in|while|when|during|lifting|running|playing|climbing|cycling|skiing|training|working out|doing|on the|at the|falling)\b`,
	`\b(fell|tripped|slipped|crashed) and (hurt|cut|burned|burnt|bruised) (myself|my self)\b`,
	`\b(cut|burned|burnt) (myself|my self) (cooking|shaving|chopping|on the (stove|pan|oven|grill|iron|kettle|hob)|on a (pan|knife|stove)|in the kitchen|with a knife while)\b`,
	`\bi (just )?(want|wanted|needed|need) to die (a little|inside) (lol|haha)\b`,
	`\b(cant|can not|cannot) (go on|keep going|carry on) (without|until|till|unless|for|because|before|after|to|with)( my| a| the| some)? (coffee|sleep|food|lunch|break|breakfast|a break|music|snacks?|caffeine|tea|the gym|gym|work|meetings?)\b`,
	`\bnothing matters (more|as much|except|but|other than)\b`,
	`\bnot (ok|okay|fine|alright|all right|happy) with\b`,
	`\b(burn|burning|burned|burnt) ((myself|my self) )?out\b`,
	`\bcut(ting)? (myself|my self) (some )?slack\b`,
	`\b(want|wish|like) to live (in|at|on|near|with|next to|by|close to|far from|abroad|here|there|together|alone|somewhere|closer|nearer|in a)\b`,
	`\bwake up (early|earlier|at|before|for|so early|on time|in time|late)\b`,
	`\boverdos\w* on (coffee|caffeine|sugar|chocolate|netflix|tv|carbs|pizza|espresso|energy drinks?|cookies|candy|work)\b`,
	`\b(phone|battery|laptop|plant|it) is (about to|going to|gonna) die\b`,
	`\b(study|studies|book|books|paper|essay|research|lecture|article|documentary|rates?|statistics|class|chapter|podcast) (on|about|of) suicide\b`,
	`\bsuicid(e|al) (rates?|statistics|stats|data|report|prevention|awareness|training|risk assessment|risk|squad|missions?|sprints?|drills?|doors?|squeeze|heat|wings|level|pass|bunt|run|runs|song|tendencies|research|study|hotline training|charity|walk|fundraiser)\b`,
	`\b(career|social|political|culinary|fashion|financial|commercial|brand) suicide\b`,
	`\b(durkheims?|durkheim s) suicide\b`,
	`\b(overdose|overdosed|overdosing) (of|on) (netflix|tv|coffee|caffeine|sugar|chocolate|candy|work|meetings|screen time|podcasts|memes|carbs|anime|gaming|video games|social media)\b`,
	`\b(letter|letters|note) to my future self\b`,
	`\b(my|a|the) will (with|at|done|signed|written|sorted|updated) (the|a|my)? ?(lawyer|solicitor|attorney|notary)?\b|\b(lawyer|solicitor|attorney) .{0,20}\bmy will\b|\bmy will (with|at) the\b`,
	`\b(real person|human|a person|someone) (to help me )?(with|about|for) (my |the |a )?(billing|bill|subscription|account|payment|refund|order|password|login|invoice|plan settings|data|support)\b`,
	`\bgoodbye forever \| [a-z]+ (crush|app|game|soda|sugar|smoking|twitter|facebook|instagram|tiktok)\b`,
	`\b(hopeless|useless) (romantic|case)\b`,
	`\bdone (for the day|for today|for tonight|with (the|this|my|that) (cold|weather|phone|soda|sugar|laptop|screen|rain|heat|week|day))\b`,
	`\b(so|totally|completely) done with (my|this|the) (phone|cold|weather|soda|laptop)\b`,
	`\b(cant|can not) breathe (through|with) (my|this)\b`,
	`\bcried (at|during) (my|the|our|a) (daughters|sons|kids|wedding|graduation|movie|film|show|concert|game)\b|\bhappy tears\b`,
	`\b(is|are|was) (gonna|going to) be the death of me\b|\bthe death of me\b`,
	`\b(hopeless|useless|rubbish|terrible|awful|bad|hopelessly bad) at\b`,
	`\ba (bit|little|tad) (lonely|down|sad|low|anxious|overwhelmed|stressed|scared|empty|numb|hopeless)\b`,
	`\b(laughed|laughing|laugh) so (hard|much) (i|that i) (couldnt|cant|could not) breathe\b`,
	`\bdisappear (into|in) (a|the|my|some)\b`,
	`\b(a )?(tiny|little|small|mini|slight) (panic|meltdown|breakdown|crisis)\b`,
	`\b(done|finished) with (this|the|my|that) (book|show|series|course|chapter|project|task|step|workout|report|draft|game|level|season|meal|job)\b`,
	`\bgive up on (trying to|making|baking|learning|the|this|that|my) (\w+ )?(sourdough|bread|recipe|puzzle|game|level|diet|plan|idea|app|language|guitar|piano|project)\b`,
	`\b(razor|shaving|shave|shaved) (burn|bumps|nick|cut|gave)\b`,
	`\bcut(ting)? (back|down) on\b`,
	`\b(cutting|cut) (carbs|sugar|caffeine|coffee|alcohol|meat|dairy|cheese|bread|costs|spending|screen time|the cord|corners|ties)\b`,
	`\b(sugar|caffeine|coffee|chocolate|carb|candy|cake) (overdose|high|crash)\b`,
	`\b(jump|jumped|jumping) (on|onto|into) (a|the) (call|meeting|zoom|train of thought|pool|bandwagon|queue|trampoline|bus to work)\b|\bjump(ing)? (rope|jacks|squats|start)\b|\bjump in the (pool|lake|shower)\b`,
	`\bhang (out|on|up|in there|tight|the picture|the washing|the laundry|with)\b|\bhanging (out|up|the (picture|washing|laundry|clothes|shelf))\b|\bget the hang of\b|\bhang of it\b`,
	`\b(one more|another) (burpee|rep|set|meeting|email|spreadsheet|lap|mile|squat)\b.{0,30}\b(die|dying|dead|kill me)\b`,
	`\bend it (here|early|now|there|at|with the|after the|for today|for the day|on a)\b`,
	`\b(for good|forever|permanently) (habit|habits|change|reasons|measure)\b|\bquit (smoking|sugar|drinking|vaping|soda|coffee|caffeine) for good\b|\bgave up (smoking|sugar|drinking|coffee|soda) for good\b|\b(smoking|sugar|drinking|vaping|soda) for good\b`,
	`\b(makes me want to|want to) (sleep|nap) (more|forever lol)\b`,
	`\boverdos\w* on (\w+ )?(coffee|caffeine|sugar|chocolate|cookies|candy|cake|sweets|pizza|carbs|netflix|tv|work|christmas \w+|snacks|chips|crisps|memes)\b`,
	`\brope (climb|climbing|course|ladder|swing|jump|jumping|skipping|access)\b|\bclimbing (the )?rope\b`,
	`\b[a-z]+ (wants|want|is trying to get) me dead\b`,
	`\b(tied|tie|tying) the knot\b`,
	`\bdrowning in (work|emails|email|laundry|paperwork|meetings|tasks|homework|deadlines|admin|messages|notifications|dishes|bills|assignments)\b`,
	`\blosing my mind (over|about|with) (this|the|a|my|that)\b`,
	`\b(scared|afraid|terrified) of (failing|failure|messing up|getting it wrong|doing it wrong|not finishing|missing)\b`,
	// Nerves and effort, not distress: a voice that shakes in a meeting,
	// legs that feel like death after a run, doing a walk alone, a task
	// given up on.
	`\b(voice|hands|legs|knees|hand|leg) (was |were |is |are |kept |keeps |still |a bit |bit )*(shaking|shook|shakes|shaky)\b|\bshaking (voice|hands|legs)\b`,
	`\b(feel|feels|felt|feeling) like death( warmed (up|over))? (after|afterwards|the next day|after that|for a day)\b|\b(doesnt|dont|didnt|wont) feel like death\b`,
	`\binstead of drowning\b`,
	`\b(do|doing|did|does|go|going|walk|walking|run|running|train|training) (it|this|that|them|one|the \w+)? ?(all )?(alone|on my own|by myself)\b|\b(have|had) to do it alone\b`,
	`\b(always|usually|eventually|tend to|often|normally|then|just) (give|gave|giving) up( on)?( (this|it|these|things|stuff|this stuff|that stuff|habits|diets|goals|plans|routines|after|when|halfway|by|at))?\b`,
	`\b(give|gave|giving|not give|not giving) up (on )?(this|these|the|my|that|it|things|stuff|habits|diets|goals|plans|routines|the plan|the habit|the goal)\b( stuff| things| habit| goal| plan)?`,
	`\b(see|watch|show) me (not give up|not giving up|not quit|keep going)\b`,
	`\b(dont|do not|cant) trust myself to (do|remember|stick|keep|get|follow|finish|go|start|wake|exercise|cook)\b`,
	`\b(skipping|jump|jumping|climbing) rope\b`,
	`\bhopeless (at|with) \w+`,
	`\b(be|being) (here|around) (tomorrow|tonight|this weekend|next week)\b.{0,30}\b(travel\w*|holiday|vacation|trip|flight|away|conference|work)\b`,
	`\bi need (someone|somebody|a person) to (nag|push|remind|keep me|hold me accountable|check on me|motivate|kick|chase)\b`,
	`\b(my )?(therapist|counsellor|counselor|doctor|gp|psychologist|psychiatrist) (said|told me|suggested|recommended|thinks|reckons)\b`,
	`\b(scared|afraid|nervous|worried) (of|about) (flaking|failing|quitting|giving up|letting \w+ down|messing up|forgetting|missing|slipping)\b`,
	`\b(scared|afraid|worried|nervous) (that )?(i ll|ill|i will|i might|id) (forget|fail|flake|quit|bail|slip|miss|give up|mess)\b`,
	`\bi live (alone|on my own|by myself)\b`,
	`\b(panicking|panic|stressing|stressed|freaking out) (a bit|a little|slightly)\b`,
	`\b(exams?|deadline|interview|presentation|test|finals)\b[^|]{0,30}\b(panick\w*|stress\w*|freaking out)\b`,
	`\btalked myself out of it\b`,
)

// distressPattern is one way of saying something worrying.
type distressPattern struct {
	re    fastRe
	level Distress
	// negation: the phrasing itself is a negative ("dont want to live"),
	// so a "not" before it does not deny it.
	negation bool
	// softened: a laugh in the message makes it likely hyperbole, and
	// the level one lower.
	softened bool
}

func pattern(level Distress, negation, softened bool, res ...string) []distressPattern {
	out := make([]distressPattern, len(res))
	for i, re := range fastAll(res...) {
		out[i] = distressPattern{re: re, level: level, negation: negation, softened: softened}
	}
	return out
}

var distressPatterns = func() []distressPattern {
	var p []distressPattern
	add := func(ps []distressPattern) { p = append(p, ps...) }
	// Suicide and its means, said outright.
	add(pattern(Crisis, false, false,
		`\b(im|i am|i feel|feel|feeling|been|getting|got|so|very|really|pretty|kinda|i was|ive been|im getting|im so) (\w+ )?(suicidal)\b`,
		`\b(suicidal|suicide) (thoughts|ideation|urges|feelings|plan|note|attempt|again)\b`,
		`\b(commit|committing|attempt|attempted|attempting|consider|considering|thinking about|think about|thought about|contemplating|planning) (suicide|suicidal)\b`,
		`\bmy (own )?(suicide|suicidal)\b`,
		`\b(take|taking|took|end|ending|ended) (my own|my) life\b`,
		`\bhang(ing)? myself\b`,
		`\bslit(ting)? (my )?wrists?\b`,
		`\bjump(ing)? (off|from|in front of) (a |the |this |that |my )?(bridge|roof|building|cliff|balcony|train|tower|window|car|bus)\b`,
		`\b(take|taking|took|swallow\w*|down(ed|ing)?) (all|a bunch of|a lot of|a handful of|the whole (bottle|box|pack) of|too many of|too many|every one of) (my |the |these |those )?(pills|tablets|meds|medication|sleeping pills)\b`,
		`\boverdos(e|ed|ing)\b`,
		`\b(suicide|goodbye|final|last) (note|letter)\b`,
		`\b(this is|these are|heres) my (last|final) (message|words|goodbye)\b`,
		`\bsaying goodbye (to (everyone|everybody|you all|all of you|the world)|forever)\b`,
		`\bgoodbye (forever|world|cruel world)\b`,
		`\b(plan|planning|planned|decided|deciding) to (end it|die|kill myself)\b`,
		`\bunalive\b`,
		`\b(ways|way|methods?|how) to (do it|die|end it|go|kill myself|not wake up|end things|end my life|overdose)\b.{0,40}\b(painless|quick|quickest|easiest|fastest|best|sure|surest|googl\w*|looking|looked|search\w*)\b`,
		`\b(painless|quick|quickest|easiest|fastest|surest) (way|ways|method) (to )?(go|die|do it|end it)\b`,
		`\b(googl\w*|looking up|looked up|search\w*|research\w*) (ways|how) to (do it|die|end it|go|kill myself|not wake up)\b`,
		`\bhigh enough\b.{0,30}\b(bridge|building|roof|fall|jump)\b|\b(bridge|building|roof)\b.{0,30}\bhigh enough\b`,
		`\b(one|a|any|give me a|give me one) (good )?reason not to (do it|live|end it|go on|kill myself)\b`,
		`\b(going to|might|will|gonna|afraid ill|scared ill) do something (to myself|stupid|drastic|i cant take back)\b`,
		`\bwhy (do|should) i (even )?(exist|bother living|keep living|live|be alive)\b`,
		`\btime (for me )?to go\b.{0,20}\b(for good|forever|permanently)\b`,
		`\b(walk|walking|walked) into the (sea|ocean|river|lake|water)\b`,
		`\b(engine running|exhaust pipe|carbon monoxide)\b`,
		`\bim in crisis\b`,
		`\btalk me out of (it|this|doing it|ending it)\b`,
		`\b(thoughts?|thinking|think|thought|obsessing) (about|of) (dying|death|suicide|ending it|ending things|killing myself|not being here|not existing|not being alive|my own death)\b`,
		`\b(i (need|want|have) to|can i|could i|i wish i could|how do i|where can i|let me) (talk|speak) to (a therapist|a counsellor|a counselor|a professional|someone real|somebody real|a real person|a human|a real human|an actual person|a crisis line|a helpline)\b`,
	))
	// Killing oneself or wanting to die: with a laugh, more likely hyperbole.
	add(pattern(Crisis, false, true,
		`\b(kill|killing|killed) (myself|my self)\b`,
		`\b(want|wanted|wanting|wish|wishing|trying|plan|planning|thinking|thought|think|ready|going|im going|gonna) (about |of |to |to just )?(kill myself|end it all|not exist|stop existing|disappear forever|go to sleep forever|sleep forever|never wake up)\b`,
		`\b(want|wanted|wanting|wish|wishing|trying|plan|planning|thinking|thought|think|ready) (about |of |to |to just )?(die|dying|be dead)\b`,
		`\bi (just |really |honestly )?want (to )?die\b`,
		`\b(wish|wished|wishing) (i|id|that i) (was|were|had|could|would|be|have|never)( just)? (dead|died|die|gone|never been born|not been born|not born|never born|been born|not here|not alive|disappear|vanish)\b`,
		`\b(sleep|go to sleep|fall asleep|close my eyes) and (never|not) wake up\b`,
		`\b(want|wanna|wish|going) to dye( \||$)`,
		`\b(end|ending|finish|finishing) (it|everything|things) (all|tonight|for good|forever)\b`,
		`\bend it all\b`,
	))
	// Not wanting to live, and hopelessness: said as negatives, so a "not"
	// before them does not deny them.
	add(pattern(Crisis, true, false,
		`\b(dont|wont|no longer|never) (want|wish|feel like|need) (to )?(live|be alive|exist|wake up|keep living|go on living|be here anymore|be here any more|be here at all|be in this world|be on this earth|see tomorrow)\b`,
		`\bnot (want|wanting|wanna) (to )?(live|be alive|exist|wake up)\b`,
		`\b(dont|do not|no longer|never|not sure i|dont think i|dont know if i|doubt i) (\w+ ){0,2}(want|wanna|wish|need) (to )?(live|be alive|exist|keep living|go on living|be here anymore)\b`,
		`\b(life|it|living) (isnt|is not|aint|not) worth (living|it anymore|going on)\b`,
		`\b(cant|dont know if i can|dont think i can) (go on|keep going|carry on|keep living|live like this|do life|survive this|keep fighting)( like this| anymore| any more| any longer)?( \||$)`,
		`\b(cant|dont know if i can|dont think i can) (keep living|live like this|do life|survive this)\b`,
		`\bno (reason|point|purpose) (to|in|for) (live|living|life|go on|going on|being alive|being here|exist|existing|anything|everything|me)\b`,
		`\bnothing (left )?to live for\b`,
		`\b(whats|what is) the (point|reason|use) (of|in) (living|life|being alive|existing|me|going on)\b`,
		`\b(not sure|dont know if|dont think|doubt) (if )?i can (go on|keep going|carry on|keep living)( like this| anymore| any more| any longer)?( \||$)`,
		`\b(everyone|the world|my family|my kids|people|they|all of them|my team|my friends|everyone else)( would| will|d|wd| are| is)? (be )?(better|happier) (off )?without me\b`,
		`\bbetter off (dead|without me|if i (was|were|wasnt|werent) (gone|dead|here|around|alive|born))\b`,
		`\b(no one|noone|nobody|no body|none of them|nobody else)( would| will|d)? (even )?(miss me|notice if i|care if i|miss)\b`,
		`\b(im|i am|feel like|feel|im just|i feel like) (a|such a|nothing but a) (burden|waste of (space|air|oxygen))\b`,
		`\b(tired|sick|done) (of|with) (living|life|being alive|existing|being here|trying to stay alive)\b`,
		`\bgiv(e|ing) up on (life|living|being alive|staying alive)\b`,
		`\b(life|living|my life|existing|everything|it all) (is|feels|seems) (pointless|meaningless|hopeless|not worth (it|living)|too much to bear)\b`,
		`\b(worthless|hopeless|pointless|useless)( \|)?( and| but| so)? (nothing|no one|nobody|everything|no point|nothing ever) (matters|cares|will change|changes|is worth)\b`,
		`\bnothing (matters|is worth it|means anything)( anymore| at all| any more)\b`,
		`\b(self harm|selfharm)(ing|ed)?\b`,
		`\b(want|wanted|urge|urges|feel like|thinking about|tempted|going|need|needing) (to )?(hurt|harm|cut|burn|punish|starve) (myself|my self)\b`,
		`\b(hurt|hurting|harm|harming|cut|cutting|burn|burning|punish|punishing|starve|starving) (myself|my self)\b`,
		`\b(started|start|been|keep|kept) (cutting|hurting myself|harming myself) again\b`,
		`\bi (deserve|deserved) (to (die|suffer|be hurt|feel pain|be dead)|pain|to hurt)\b`,
	))
	// Acute distress, or words that may be: ask gently rather than assume.
	add(pattern(Concern, false, true,
		`\bsuicid(e|al|ally)\b`,
		`\b(im|i am|i feel|feel|feeling|i feel so|im so|im feeling|ive been feeling) (so |completely |totally |utterly |really |just |pretty |kind of |kinda |very )?(worthless|hopeless|empty|numb|empty inside|dead inside|broken|alone|lonely|trapped|like nothing|like a failure|like giving up|like a waste)\b`,
		`\b(i feel|feel|feeling|i feel so|ive been feeling) (so |completely |totally |really |just |very )?useless\b`,
		`\bnothing matters\b`,
		`\b(cant|can not|dont think i can) (go on|keep going|carry on)\b`,
		`\b(cant|can not) (cope|do this anymore|do this any more|take (it|this) anymore|take (it|this) any more|take any more|take anymore|handle (it|this|anything|life) anymore|breathe|stop crying|get out of bed|face (anything|anyone|tomorrow|another day))\b`,
		`\b(im|i am) (really |just |honestly |so |truly |definitely )?not (ok|okay|alright|all right|fine|doing (well|ok|okay|great))( really| at all)?\b`,
		`\b(need|want) (someone|somebody) to talk to\b`,
		`\b(have|got) (no one|noone|nobody) to talk to\b`,
		`\b(not sure|dont know|dont think) (if )?i can (do this|cope|handle this)( anymore)?\b`,
		`\beverything (is|feels) (too much|falling apart|so heavy|hopeless|dark)\b`,
		`\b(falling apart|breaking down|having a breakdown|nervous breakdown|panic attack|panic attacks|mental breakdown|at breaking point|at my breaking point|at rock bottom|hit rock bottom)\b`,
		`\b(crying|cried) (all day|all night|every day|every night|myself to sleep|for hours)\b`,
		`\bhate (myself|my life|being alive|who i am|everything about me)\b`,
		`\b(please|just|someone|somebody|pls) (kill|shoot|end) me\b`,
		`\bkill yourself\b`,
		`\b(give|giving|given) up on (myself|everything|it all)\b`,
		`\b(done|over) with (everything|it all|all of it)\b`,
		`\b(tired|sick|exhausted) of (everything|it all|all of it|fighting|being me)\b`,
		`\b(want|wanna|need) to (disappear|vanish|run away from everything|escape everything|not be me)\b`,
		`\b(im|i am|gonna|going to) (going to )?die\b`,
		`\bno way out\b`,
		`\b(dont|cant) see (a|any) (way out|future|point|light)\b`,
		`\bwhats (even )?the point (anymore|any more|of anything|of it all|of any of (this|it))\b`,
		`\bi have (no one|nobody|noone)\b`,
		`\bnothing (does|matters)\b.{0,20}\bi dont\b|\b(me|my) (existing|existence)\b`,
		`\b(minus|negative) (ten|10|\d+)\b`,
		`\bneed (the )?pain to feel\b`,
		`\bmy times up\b`,
		`\bend of my rope\b`,
		`\b(can|could) (barely|hardly) (get out of bed|get up|function|cope|keep going|hold on|breathe|face (anything|anyone|the day))\b`,
		`\bnothing (seems|feels|is) (worth it|worth doing|worth anything|worthwhile|to matter)\b`,
		`\b(nothing|not sure anything|dont think anything|no idea if anything)( really)? (is|feels|seems) (important|worth it|worth anything|like it matters)( anymore| any more)\b|\banything (is|feels|matters) (important )?anymore\b`,
		`\b(things|life|everything|it all)( has| have)? (been|is|feels|getting) (really |so |very |pretty |quite )?dark\b|\b(been|so|really) dark (lately|recently|these days|at the moment)\b`,
		`\bhelp me hold on\b|\b(trying|just trying) to hold on\b|\bhold(ing)? on by a thread\b`,
		`\b(just|barely) (getting|get) through (each|every|the) day\b|\bbarely (getting by|surviving|holding on|hanging on|coping|keeping my head above water)\b|\bim barely doing that\b`,
		`\b(there (wont|will never)|nothing will) ever be (any|anything|good|better)\b|\bthere wont ever be\b`,
		`\bcant feel my body\b|\bnothing feels real\b`,
		`\bhow do i get help (right )?now\b`,
		`\bim (a lost cause|beyond saving|beyond help|past saving)\b`,
		`\bi cant do this( \||$)`,
		`^stop me$`,
		`\bno point (in|to) (any of (it|this)|trying)( anymore)?\b`,
		`\b(so|really|very|deeply|severely|badly) (depressed|hopeless)\b`,
		`\bdepress(ed|ion)\b`,
		`\bnot (suicidal|going to hurt myself|going to do anything stupid)\b`,
		`\bgiving away (my|all my) (things|stuff|possessions|belongings)\b`,
		`\bi (dont|cant) (want|do) (this|it) anymore\b`,
		`\b(dont|do not) want to be here\b`,
		`\bwhat is (even )?the point of me\b|\bwhats (even )?the point of me\b`,
		`\b(i (need|want|have) to|can i|could i|how do i) (talk|speak) to (someone|somebody|a person)\b`,
		`\b(need|want) (real|professional|urgent|actual) help\b`,
	))
	return p
}()

package bot

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
)

// fastRe is a regular expression with a cheap test first. The distress
// reading runs some three hundred expressions over every message; most
// cannot match most messages. Each expression knows, worked out from the
// expression itself, the literals one of which any match must contain;
// one pass of an Aho-Corasick automaton over the message finds which
// literals are there, and only the expressions that could match run.
type fastRe struct {
	re *regexp.Regexp
	// need are groups of literal ids: a match contains one literal of
	// every group. None: nothing is known to be needed.
	need [][]int
}

// literals interns the literals the expressions need. It is filled
// while the package's variables are initialised and only read after.
var literals = &literalTable{ids: map[string]int{}}

type literalTable struct {
	ids  map[string]int
	list []string
	once sync.Once
	ac   *automaton
}

func (t *literalTable) intern(s string) int {
	if id, ok := t.ids[s]; ok {
		return id
	}
	t.ids[s] = len(t.list)
	t.list = append(t.list, s)
	return len(t.list) - 1
}

func mustFast(expr string) fastRe {
	f := fastRe{re: regexp.MustCompile(expr)}
	for _, group := range needed(expr) {
		ids := make([]int, len(group))
		for i, l := range group {
			ids[i] = literals.intern(l)
		}
		f.need = append(f.need, ids)
	}
	return f
}

func fastAll(exprs ...string) []fastRe {
	out := make([]fastRe, len(exprs))
	for i, e := range exprs {
		out[i] = mustFast(e)
	}
	return out
}

// scan is a message and the literals found in it, and the cues it says
// as they are asked for (has).
type scan struct {
	n    string
	seen []uint64 // a bit per literal: found
	// known and cue hold, a bit per cue, whether it was worked out and
	// whether the message says it.
	known, cue uint32
	self       int8 // 0 unknown, 1 no, 2 yes: selfDeath
}

// has reports whether the message says cue c, working it out once.
func (sc *scan) has(c cue) bool {
	bit := uint32(1) << c
	if sc.known&bit == 0 {
		sc.known |= bit
		if c == cueSelf && selfWord(sc.n) || c != cueSelf && cueWords[c].match(sc) {
			sc.cue |= bit
		}
	}
	return sc.cue&bit != 0
}

// speaksOfOwnDeath is selfDeath, worked out once.
func (sc *scan) speaksOfOwnDeath() bool {
	if sc.self == 0 {
		sc.self = 1
		if sc.has(cueDeath) && selfDeath(sc) {
			sc.self = 2
		}
	}
	return sc.self == 2
}

// selfWord reports whether text has a word for the person themself.
func selfWord(n string) bool {
	for _, w := range strings.Fields(n) {
		switch w {
		case "i", "im", "ive", "id", "ill", "me", "myself", "my":
			return true
		}
	}
	return false
}

func newScan(n string) *scan {
	t := literals
	t.once.Do(func() { t.ac = buildAutomaton(t.list) })
	sc := &scan{n: n, seen: make([]uint64, (len(t.list)+63)/64)}
	t.ac.find(n, func(id int32) { sc.seen[id/64] |= 1 << (id % 64) })
	return sc
}

func (f fastRe) possible(sc *scan) bool {
next:
	for _, group := range f.need {
		for _, id := range group {
			if sc.seen[id/64]&(1<<(id%64)) != 0 {
				continue next
			}
		}
		return false
	}
	return true
}

func (f fastRe) match(sc *scan) bool { return f.possible(sc) && f.re.MatchString(sc.n) }

func (f fastRe) find(sc *scan) [][]int {
	if !f.possible(sc) {
		return nil
	}
	return f.re.FindAllStringIndex(sc.n, -1)
}

// needed works out groups of literals such that every match of expr
// contains one literal of each group (none when it cannot tell).
func needed(expr string) [][]string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return required(re.Simplify())
}

// required is groups of literals, one of each of which every match of re
// contains.
func required(re *syntax.Regexp) [][]string {
	switch re.Op {
	case syntax.OpLiteral:
		return [][]string{{strings.ToLower(string(re.Rune))}}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
		return nil
	case syntax.OpAlternate:
		// One literal of some branch's sharpest group.
		var out []string
		for _, sub := range re.Sub {
			g := sharpest(required(sub))
			if g == nil {
				return nil
			}
			out = append(out, g...)
		}
		return [][]string{out}
	case syntax.OpConcat:
		var out [][]string
		var run strings.Builder // neighbouring literals make one longer one
		flush := func() {
			if run.Len() > 0 {
				out = append(out, []string{strings.ToLower(run.String())})
				run.Reset()
			}
		}
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				run.WriteString(string(sub.Rune))
				continue
			}
			flush()
			out = append(out, required(sub)...)
		}
		flush()
		// Groups of bare spaces say nothing.
		kept := out[:0]
		for _, g := range out {
			if shortest(g) > 0 {
				kept = append(kept, g)
			}
		}
		return kept
	}
	return nil
}

// sharpest is the group whose shortest literal is longest (then the
// smallest), or nil.
func sharpest(groups [][]string) []string {
	var best []string
	for _, g := range groups {
		if best == nil || better(g, best) {
			best = g
		}
	}
	return best
}

// better reports whether literals a are a sharper test than b: their
// shortest is longer, or as long and they are fewer.
func better(a, b []string) bool {
	ma, mb := shortest(a), shortest(b)
	return ma > mb || ma == mb && len(a) < len(b)
}

func shortest(lits []string) int {
	n := 1 << 30
	for _, l := range lits {
		n = min(n, len(strings.TrimSpace(l)))
	}
	return n
}

// automaton finds every one of a set of literals in a text in one pass
// (Aho-Corasick).
type automaton struct {
	next []map[byte]int32
	fail []int32
	out  [][]int32
}

func buildAutomaton(lits []string) *automaton {
	a := &automaton{next: []map[byte]int32{{}}, fail: []int32{0}, out: [][]int32{nil}}
	for id, l := range lits {
		s := int32(0)
		for i := 0; i < len(l); i++ {
			nx, ok := a.next[s][l[i]]
			if !ok {
				nx = int32(len(a.next))
				a.next = append(a.next, map[byte]int32{})
				a.fail = append(a.fail, 0)
				a.out = append(a.out, nil)
				a.next[s][l[i]] = nx
			}
			s = nx
		}
		a.out[s] = append(a.out[s], int32(id))
	}
	queue := []int32{}
	for _, s := range a.next[0] {
		queue = append(queue, s)
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for c, s := range a.next[r] {
			queue = append(queue, s)
			f := a.fail[r]
			for f != 0 {
				if _, ok := a.next[f][c]; ok {
					break
				}
				f = a.fail[f]
			}
			if nx, ok := a.next[f][c]; ok && nx != s {
				a.fail[s] = nx
			}
			a.out[s] = append(a.out[s], a.out[a.fail[s]]...)
		}
	}
	return a
}

// find calls found for each literal that occurs in text.
func (a *automaton) find(text string, found func(id int32)) {
	s := int32(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		for {
			if nx, ok := a.next[s][c]; ok {
				s = nx
				break
			}
			if s == 0 {
				break
			}
			s = a.fail[s]
		}
		for _, id := range a.out[s] {
			found(id)
		}
	}
}

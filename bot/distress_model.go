package bot

import (
	"bufio"
	"embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// What the phrase lists miss. People say these things in more ways than
// any list holds; measured on sets written by people who had not seen
// the lists, the rules alone recognised about two thirds. So a message
// the rules find nothing in is also scored by a small model (logistic
// regression over its words, word pairs and the cues of
// distress_concepts.go) learned from the corpora in distress/: every
// phrasing of distress there, against every ordinary message. What the
// model finds likely gets the gentle question, never the crisis reply:
// being unsure is what the gentle question is for.
//
// The model is learned from the corpora by TestDistressModelIsCurrent,
// which writes its weights to distress/model.tsv (go test ./bot -run
// TestDistressModelIsCurrent -update-model) and fails when the corpora
// changed and the weights did not. The bot reads the weights: learning
// them takes seconds (minutes under the race detector), too long to do
// when the first message arrives.

//go:embed distress/*.txt
var distressCorpora embed.FS

//go:embed distress/model.tsv
var distressWeights string

// learnedConcern is the model's score from which a message gets the
// gentle question.
const learnedConcern = 0.5

// distressModel scores how likely a message is distress.
type distressModel struct {
	w map[string]float64
	b float64
}

var learned struct {
	once sync.Once
	m    *distressModel
}

// learnedScore is the model's score for a message (0 to 1).
func learnedScore(sc *scan) float64 {
	learned.once.Do(func() { learned.m = readDistressModel(distressWeights) })
	return learned.m.score(distressFeatures(sc))
}

// readDistressModel reads weights as writeDistressModel writes them: a
// line "bias<TAB>b", then "feature<TAB>weight" lines. A line that does
// not read is a bug in the file, found by the tests; it is skipped.
func readDistressModel(text string) *distressModel {
	m := &distressModel{w: map[string]float64{}}
	for _, line := range strings.Split(text, "\n") {
		f, w, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(w, 64)
		if err != nil {
			continue
		}
		if f == "bias" {
			m.b = v
			continue
		}
		m.w[f] = v
	}
	return m
}

// writeDistressModel writes a model's weights, sorted, leaving out those
// too small to change a score.
func writeDistressModel(m *distressModel) string {
	var b strings.Builder
	b.WriteString("# The distress model's weights, written by TestDistressModelIsCurrent -update-model from distress/*.txt.\n")
	fmt.Fprintf(&b, "bias\t%.6g\n", m.b)
	keys := make([]string, 0, len(m.w))
	for f, w := range m.w {
		if math.Abs(w) >= 0.002 {
			keys = append(keys, f)
		}
	}
	sort.Strings(keys)
	for _, f := range keys {
		fmt.Fprintf(&b, "%s\t%.5g\n", f, m.w[f])
	}
	return b.String()
}

func (m *distressModel) score(features []string) float64 {
	z := m.b
	for _, f := range features {
		z += m.w[f]
	}
	return 1 / (1 + math.Exp(-z))
}

// distressFeatures are what the model looks at: the words and word pairs
// of the evened-out text, and which cues it says.
func distressFeatures(sc *scan) []string {
	toks := strings.Fields(sc.n)
	out := make([]string, 0, 2*len(toks)+4)
	seen := make(map[string]bool, 2*len(toks))
	add := func(f string) { // each feature counts once, however often it is said
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for i, w := range toks {
		if w == "|" || w == "~" {
			continue
		}
		add("u:" + w)
		if i+1 < len(toks) && toks[i+1] != "|" {
			add("b:" + w + "_" + toks[i+1])
		}
	}
	for _, c := range modelCues {
		if sc.has(c) {
			out = append(out, cueFeatures[c])
		}
	}
	if sc.speaksOfOwnDeath() {
		out = append(out, "c:self-death")
	}
	return out
}

// modelCues are the cues the model looks at: the telling ones, whose
// words are rare in ordinary messages.
var modelCues = []cue{cueDeath, cueHarm, cueHarmHint, cueBurden, cueHopeless, cueWorthless, cueFinal, cueFinalHint, cueMeans, cueHelp, cuePlea, cueAcute}

// cueFeatures name the cues as features.
var cueFeatures = func() [cueCount]string {
	var f [cueCount]string
	for c := range f {
		f[c] = "c:" + string(rune('A'+c))
	}
	return f
}()

// learnDistress learns the model from the corpora: distress*.txt are the
// phrasings of distress, ordinary*.txt the messages that are not.
func learnDistress() *distressModel {
	var pos, neg [][]string
	entries, _ := distressCorpora.ReadDir("distress")
	for _, e := range entries {
		name := e.Name()
		var into *[][]string
		switch {
		case strings.HasPrefix(name, "distress"):
			into = &pos
		case strings.HasPrefix(name, "ordinary"):
			into = &neg
		default:
			continue
		}
		f, err := distressCorpora.Open("distress/" + name)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			_, _, sc := readText(line)
			*into = append(*into, distressFeatures(sc))
		}
		f.Close()
	}
	return trainLogistic(pos, neg, 60, 0.1, 0.0001)
}

// trainLogistic fits weights by stochastic gradient descent, the
// examples taken in one fixed, interleaved order; the fewer positive
// examples weigh as much, in all, as the negative ones.
func trainLogistic(pos, neg [][]string, epochs int, rate, l2 float64) *distressModel {
	m := &distressModel{w: map[string]float64{}}
	type example struct {
		f []string
		y float64
	}
	data := make([]example, 0, len(pos)+len(neg))
	for i := 0; i < len(pos) || i < len(neg); i++ {
		if i < len(pos) {
			data = append(data, example{pos[i], 1})
		}
		if i < len(neg) {
			data = append(data, example{neg[i], 0})
		}
	}
	weight := float64(len(neg)) / float64(max(len(pos), 1))
	for range epochs {
		for _, d := range data {
			p := m.score(d.f)
			g := d.y - p
			if d.y == 1 {
				g *= weight
			}
			m.b += rate * g
			for _, f := range d.f {
				m.w[f] += rate * (g - l2*m.w[f])
			}
		}
	}
	return m
}

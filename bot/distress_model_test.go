package bot

import (
	"flag"
	"math"
	"os"
	"strings"
	"testing"
)

var updateModel = flag.Bool("update-model", false, "learn the distress model from distress/*.txt and write distress/model.tsv")

// TestDistressModelIsCurrent learns the model from the corpora and checks
// that the weights the bot reads say the same of every message in them
// and of every labelled reply: a corpus changed without -update-model
// fails here.
func TestDistressModelIsCurrent(t *testing.T) {
	fresh := learnDistress()
	if *updateModel {
		if err := os.WriteFile("distress/model.tsv", []byte(writeDistressModel(fresh)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile("distress/model.tsv")
	if err != nil {
		t.Fatal(err)
	}
	stored := readDistressModel(string(b))
	var texts []string
	entries, _ := distressCorpora.ReadDir("distress")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txt") {
			texts = append(texts, corpus(t, "distress/"+e.Name())...)
		}
	}
	for _, l := range corpus(t, "testdata/replies.tsv") {
		if f := strings.Split(l, "\t"); len(f) >= 2 {
			texts = append(texts, f[1])
		}
	}
	differ := 0
	for _, text := range texts {
		_, _, sc := readText(text)
		f := distressFeatures(sc)
		a, b := fresh.score(f), stored.score(f)
		if (a >= learnedConcern) != (b >= learnedConcern) || math.Abs(a-b) > 0.02 {
			differ++
			if differ <= 5 {
				t.Errorf("%q: learned %.3f, stored %.3f", text, a, b)
			}
		}
	}
	if differ > 0 {
		t.Fatalf("%d of %d messages score differently: run go test ./bot -run TestDistressModelIsCurrent -update-model", differ, len(texts))
	}
	t.Logf("%d messages score the same; %d weights stored", len(texts), len(stored.w))
}

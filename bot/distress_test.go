package bot

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpus reads one message per line, skipping comments and blanks.
func corpus(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// TestDistressCorpus: every distress phrasing is recognised (a crisis
// reply, or a gentle check-in where the words leave it open), and at most
// 1% of ordinary messages get a crisis reply.
func TestDistressCorpus(t *testing.T) {
	var distress, ordinary []string
	files, _ := filepath.Glob("distress/*.txt")
	for _, f := range files {
		switch base := filepath.Base(f); {
		case strings.HasPrefix(base, "distress"):
			distress = append(distress, corpus(t, f)...)
		case strings.HasPrefix(base, "ordinary"):
			ordinary = append(ordinary, corpus(t, f)...)
		}
	}
	if len(distress) < 150 || len(ordinary) < 300 {
		t.Fatalf("corpus too small: %d distress, %d ordinary", len(distress), len(ordinary))
	}
	var crisis, concern int
	for _, m := range distress {
		switch ReadDistress(m) {
		case Crisis:
			crisis++
		case Concern:
			concern++
		default:
			t.Errorf("distress not recognised: %q", m)
		}
	}
	var falseCrisis, falseConcern int
	for _, m := range ordinary {
		switch ReadDistress(m) {
		case Crisis:
			falseCrisis++
			t.Logf("ordinary message read as a crisis: %q", m)
		case Concern:
			falseConcern++
			if testing.Verbose() {
				t.Logf("ordinary message read as concern: %q", m)
			}
		}
	}
	recognised := float64(crisis+concern) / float64(len(distress))
	crisisRate := float64(falseCrisis) / float64(len(ordinary))
	t.Logf("distress: %d phrasings, %.1f%% recognised (%d crisis, %d gentle check-in)", len(distress), 100*recognised, crisis, concern)
	t.Logf("ordinary: %d messages, %.1f%% crisis replies (%d), %.1f%% gentle check-ins (%d)",
		len(ordinary), 100*crisisRate, falseCrisis, 100*float64(falseConcern)/float64(len(ordinary)), falseConcern)
	if recognised < 1 {
		t.Errorf("recognised %.1f%% of distress; want 100%%", 100*recognised)
	}
	if crisisRate > 0.01 {
		t.Errorf("%.1f%% of ordinary messages got a crisis reply; want at most 1%%", 100*crisisRate)
	}
}

// TestDistressLevels: the phrasings the safety issue names are crises;
// its idioms are nothing at all; unsure words get a gentle question.
func TestDistressLevels(t *testing.T) {
	for _, c := range []struct {
		text string
		want Distress
	}{
		{"i want to die", Crisis},
		{"ending it all", Crisis},
		{"no point in anything anymore", Crisis},
		{"i can't go on", Crisis},
		{"hurt myself", Crisis},
		{"everyone would be better off without me", Crisis},
		{"i feel worthless and nothing matters", Crisis},
		{"honestly i feel worthless and nothing matters", Crisis},
		{"i dont want to be here anymore", Crisis},
		{"i think i need to talk to someone real", Crisis},
		{"I WANT TO DIE!!!", Crisis},
		{"i wnat to dye", Crisis},
		{"killing it", NoDistress},
		{"dying to get this done", NoDistress},
		{"this report is killing me lol", NoDistress},
		{"dead tired", NoDistress},
		{"I could murder a coffee", NoDistress},
		{"i'm gonna kill myself lol if this meeting runs over", Concern},
		{"i would never kill myself", Concern},
		{"everything is too much", Concern},
		{"i'm not ok", Concern},
		{"", NoDistress},
		{"🙂🙂🙂", NoDistress},
	} {
		if got := ReadDistress(c.text); got != c.want {
			t.Errorf("ReadDistress(%q) = %v; want %v", c.text, got, c.want)
		}
	}
	// What a reply answers counts: "nobody would notice" to "who would
	// notice?" is an answer; out of the blue it is not.
	const nobody = "nobody would notice, which is kind of the problem"
	if got := ReadDistressAt(nobody, ExpectWho); got != NoDistress {
		t.Errorf("at who-would-notice, %q = %v", nobody, got)
	}
	if got := ReadDistressAt(nobody+" if i was gone", ExpectWho); got != Crisis {
		t.Errorf("at who-would-notice, %q if i was gone = %v", nobody, got)
	}
	if got := ReadDistress(nobody); got != Crisis {
		t.Errorf("out of the blue, %q = %v", nobody, got)
	}
}

func TestWithinOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"suicide", "suicide", true}, {"sucide", "suicide", true}, {"suiicide", "suicide", true},
		{"siucide", "suicide", true}, {"suicdie", "suicide", true}, {"sxcide", "suicide", false},
		{"myslef", "myself", true}, {"my", "myself", false}, {"", "a", true}, {"ab", "ba", true},
	} {
		if got := withinOneEdit(c.a, c.b); got != c.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// FuzzReadDistress: any text is read without a panic.
func FuzzReadDistress(f *testing.F) {
	for _, s := range []string{"i want to die", "killing it", "", "\xff\xfe", "!!!", "kms lol", "a | b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ReadDistress(s)
	})
}

// BenchmarkReadDistress reads everyday messages, the common case every
// event pays for.
func BenchmarkReadDistress(b *testing.B) {
	msgs := []string{"done", "win sent the email", "7", "after my morning coffee", "not yet, the kids were sick",
		"i want to be more confident at work", "mon, wed, fri at 7:30", "wrote 230 words and felt good about it"}
	for i := 0; b.Loop(); i++ {
		ReadDistress(msgs[i%len(msgs)])
	}
}

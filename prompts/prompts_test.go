package prompts_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"followthrough/bot"
	"followthrough/bot/bottest"
	"followthrough/prompts"
)

// sample holds a value for everything a message may use.
func sample() bot.Data {
	view := bot.CoachView{Name: "Bo", Status: "stuck", Goal: "run", Step: "put on shoes",
		Wins: []string{"ran once"}, Milestones: []string{"first 5k"}, Question: "What would make “run” easier this week?"}
	return bot.Data{
		Name: "Ana", Goal: "Speak up in meetings", Step: "write three bullet points",
		Habit: "my morning coffee", After: "after your morning coffee", Time: "09:00",
		Days: "weekdays at 09:00", StartingReason: "my manager suggested it",
		InnerReason: "Being someone my kids can look up to", LastWin: "asked a question",
		Wins: 3, Next: "tomorrow at 09:00 CET", Zone: "Europe/Berlin", Group: "console",
		Vague: "be more confident", Doing: "Speak up once per meeting", Notice: "your team",
		BigStep: "finish the whole deck", Rating: "4", RatingUp: "5", Obstacle: "a 7am meeting",
		Misses: 2, ValuesKind: 2,
		Extra: bot.Extra{
			Problem: "I didn't catch that.", Stuck: true, CanSkip: true, Late: true, Missed: true,
			Due: "today at 09:00 CET", Until: "Wed 4 Mar at 08:00 CET", Win: "sent the email",
			Milestone: "first draft", Streak: 4, Done: 1, Of: 2,
			Milestones: []bot.MilestoneItem{{N: 1, Text: "first draft", Done: true}, {N: 2, Text: "feedback"}},
			DoneCount:  1, RecentWins: []string{"sent the email", "asked a question"}, Ratings: "4 → 6 → 7",
			Week: 3, WeekDone: 2, WeekPartly: 1, CheckInCount: 4, WinCount: 2, Coach: "Sam", Public: true,
			Members: []bot.CoachView{view}, Moving: []bot.CoachView{view}, MaybeStuck: []bot.CoachView{view}, GettingStarted: []bot.CoachView{view},
			People:  []bot.DigestEntry{{Name: "Ana", Streak: 4, Wins: []string{"ran 5k"}, Milestones: []string{"first draft"}}},
			Channel: "C123", CoachRole: "R9", DigestWhen: "on Sundays at 18:00, UTC time", Changed: true, Value: "wins",
			ChannelSet: true, DigestSet: true, Max: 2000, Command: "frobnicate",
		},
	}
}

// messageName is how a message's name looks in the engine's source:
// dotted words ("checkin.ask"), a prefix the engine adds to
// ("label.every."), a suffix it adds (".try"), or one word ("help").
var messageName = regexp.MustCompile(`"(\.?[a-z][a-z0-9_]+(?:\.[a-z0-9_]+)*\.?)"`)

// engineMessages scans the engine's source for message names: every
// string literal shaped like one. A dotted name must be a message, or
// the prefix of messages the engine names at run time ("label.every." +
// day); a one-word literal counts when a message has that name; a
// suffix (".try") counts on every name it extends.
func engineMessages(t *testing.T) []string {
	t.Helper()
	words, err := prompts.New("")
	if err != nil {
		t.Fatal(err)
	}
	// The engine's words, and those adapters send by themselves
	// (through Engine.Phrase), such as the notice of a limit.
	files, _ := filepath.Glob("../bot/*.go")
	for _, dir := range []string{"../adapters/internal/*/*.go", "../adapters/discord/*.go", "../adapters/slack/*.go"} {
		more, _ := filepath.Glob(dir)
		files = append(files, more...)
	}
	seen := map[string]bool{}
	var suffixes []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range messageName.FindAllStringSubmatch(string(src), -1) {
			name := m[1]
			switch {
			case filepath.Ext(name) == ".png" || filepath.Ext(name) == ".json" || filepath.Ext(name) == ".csv":
				continue // file names
			case strings.HasPrefix(name, "."):
				suffixes = append(suffixes, name)
				continue
			case !strings.Contains(strings.TrimSuffix(name, "."), ".") && !strings.HasSuffix(name, "."):
				if words.Variants(name) == 0 {
					continue // a one-word literal that is no message
				}
			}
			seen[name] = true
		}
	}
	for name := range seen {
		for _, sfx := range suffixes {
			if words.Variants(name+sfx) > 0 {
				seen[name+sfx] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) < 150 {
		t.Fatalf("found only %d message names in the engine's source", len(names))
	}
	return names
}

// expand is every message a referenced name stands for: itself, or the
// messages it is the prefix of.
func expand(words *prompts.Set, name string) []string {
	if words.Variants(name) > 0 {
		return []string{name}
	}
	var out []string
	for _, n := range words.Names() {
		if strings.HasPrefix(n, name) {
			out = append(out, n)
		}
	}
	return out
}

// TestEveryMessageRenders renders every message the engine references,
// every variant, for every platform, with sample data: a missing file or
// a field the data has not got fails here, not in front of a person.
func TestEveryMessageRenders(t *testing.T) {
	words, err := prompts.New("")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range engineMessages(t) {
		names := expand(words, ref)
		if len(names) == 0 {
			t.Errorf("message %q is referenced by the engine but has no file", ref)
		}
		for _, name := range names {
			for v := 0; v < words.Variants(name); v++ {
				for _, platform := range []string{"console", "discord", "slack"} {
					out, err := words.Say(name, platform, v, sample())
					if err != nil {
						t.Errorf("%s variant %d on %s: %v", name, v+1, platform, err)
					}
					if strings.TrimSpace(out) == "" || strings.Contains(out, "<no value>") {
						t.Errorf("%s variant %d renders empty or with a hole: %q", name, v+1, out)
					}
				}
			}
		}
	}
}

// TestNoOrphanMessages: every message in the prompts is used by the engine.
func TestNoOrphanMessages(t *testing.T) {
	words, _ := prompts.New("")
	used := map[string]bool{}
	for _, ref := range engineMessages(t) {
		for _, n := range expand(words, ref) {
			used[n] = true
		}
	}
	var orphans []string
	for _, n := range words.Names() {
		if !used[n] {
			orphans = append(orphans, n)
		}
	}
	if len(orphans) > 0 {
		t.Errorf("messages the engine never uses: %v", orphans)
	}
}

// TestCommandDescriptions: every command a platform lists has its words,
// within Discord's limits (100 characters for descriptions and choices).
func TestCommandDescriptions(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	specs := k.Engine.CommandSpecs("discord")
	if len(specs) < 20 {
		t.Fatalf("only %d commands listed", len(specs))
	}
	for _, c := range specs {
		check := func(what, s string) {
			if s == "" || utf8.RuneCountInString(s) > 100 {
				t.Errorf("%s of /%s: %q (1 to 100 characters)", what, c.Name, s)
			}
		}
		check("description", c.Description)
		for _, o := range c.Options {
			check("option "+o.Name, o.Description)
			for _, ch := range o.Choices {
				check("choice of "+o.Name, ch.Label)
			}
		}
	}
	if !slices.ContainsFunc(specs, func(c bot.CommandSpec) bool { return c.Name == "setup" && c.Admin }) {
		t.Error("setup is not listed as an admin command")
	}
}

func TestOverridesAndPlatformVersions(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("win.ask.tmpl", "Tell me, {{.Name}}: what went well?")
	write("win.ask.slack.tmpl", "What went well, {{.Name}}? :tada:")
	write("celebrate.win.1.tmpl", "Only one way to say it: {{.Win}}")
	write("mine.tmpl", `{{define "label.yes"}}Yep{{end}}`)
	write("notes.txt", "ignored")
	words, err := prompts.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := words.Say("win.ask", "console", 0, sample()); got != "Tell me, Ana: what went well?" {
		t.Errorf("override: %q", got)
	}
	if got, _ := words.Say("win.ask", "slack", 0, sample()); got != "What went well, Ana? :tada:" {
		t.Errorf("platform version: %q", got)
	}
	if got, _ := words.Say("celebrate.win", "console", 0, sample()); got != "Only one way to say it: sent the email" {
		t.Errorf("variant override: %q", got)
	}
	if n := words.Variants("celebrate.win"); n < 2 {
		t.Errorf("other variants lost: %d", n)
	}
	if got, _ := words.Say("label.yes", "console", 0, sample()); got != "Yep" {
		t.Errorf("a define block overrides one short message: %q", got)
	}
	if got, _ := words.Say("label.no", "console", 0, sample()); got != "No" {
		t.Errorf("the other messages of the file are kept: %q", got)
	}

	write("bad.tmpl", "{{.Name")
	if _, err := prompts.New(dir); err == nil || !strings.Contains(err.Error(), "bad.tmpl") {
		t.Errorf("a broken override should be refused, naming the file: %v", err)
	}
	if _, err := prompts.New(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing override folder should be an error")
	}
}

func TestCelebrationsHaveVariants(t *testing.T) {
	words, _ := prompts.New("")
	for _, name := range []string{"celebrate.win", "celebrate.checkin"} {
		if n := words.Variants(name); n < 4 {
			t.Errorf("%s has %d wordings; want at least 4", name, n)
		}
	}
}

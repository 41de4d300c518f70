package prompts_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store"
)

// sample holds every value a message may use.
func sample() map[string]any {
	return map[string]any{
		"Name": "Ana", "Goal": "Speak up in meetings", "Step": "write three bullet points",
		"Habit": "my morning coffee", "After": "after your morning coffee", "Time": "09:00",
		"Days": "weekdays at 09:00", "StartingReason": "my manager suggested it",
		"InnerReason": "Being someone my kids can look up to", "LastWin": "asked a question",
		"Wins": 3, "Next": "tomorrow at 09:00 CET", "Zone": "Europe/Berlin",
		"Vague": "be more confident", "Doing": "Speak up once per meeting", "Notice": "my team",
		"BigStep": "finish the whole deck", "Problem": "I didn't catch that.", "Stuck": true, "CanSkip": true,
		"Win": "sent the email", "Max": 2000, "Command": "frobnicate", "Until": "Wed 4 Mar at 08:00 CET",
		"Public": true, "Late": true, "Due": "today at 09:00 CET",
		"CheckInCount": 4, "WinCount": 2, "Week": 3, "WeekDone": 2, "WeekPartly": 1, "WeekNotYet": 0, "Streak": 4,
		"RecentWins": []string{"sent the email", "asked a question"},
		"Missed":     true, "Coach": "Sam", "Rating": "4", "RatingUp": "5", "Obstacle": "a 7am meeting",
		"Misses": 2, "ValuesKind": 2, "Weekly": false, "Group": "console",
		"Milestones": []map[string]any{{"N": 1, "Text": "first draft", "Done": true}, {"N": 2, "Text": "feedback", "Done": false}},
		"DoneCount":  1, "Milestone": "first draft", "Done": 1, "Of": 2, "AllDone": false, "Ratings": "4 → 6 → 7",
		"Members": members, "Moving": members, "MaybeStuck": members, "GettingStarted": members,
		"People": []map[string]any{{"Name": "Ana", "Streak": 4, "Wins": []string{"ran 5k"}, "Milestones": []string{"first draft"}}},
	}
}

// members is a coach's view of one member, for the coach messages.
var members = []map[string]any{{"Name": "Bo", "Status": "stuck", "Kept": 0, "Streak": 0, "Goal": "run", "Step": "put on shoes",
	"Wins": []string{"ran once"}, "Milestones": []string{"first 5k"}, "Question": "What would make “run” easier this week?"}}

func engine(t *testing.T, words *prompts.Set) *bot.Engine {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e, err := bot.New(bot.Config{Store: db, Words: words})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEveryMessageRenders renders every message the engine references,
// every variant, for every platform, with sample data.
func TestEveryMessageRenders(t *testing.T) {
	words, err := prompts.New("")
	if err != nil {
		t.Fatal(err)
	}
	names := engine(t, words).Messages()
	if len(names) < 40 {
		t.Fatalf("only %d messages referenced", len(names))
	}
	for _, name := range names {
		n := words.Variants(name)
		if n == 0 {
			t.Errorf("message %q is referenced by the engine but has no file", name)
			continue
		}
		for v := 0; v < n; v++ {
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

// TestEngineListsWhatItSays scans the engine's source for message names
// in calls to say, ask and celebrate, so a new message cannot be added
// without the render test covering it.
func TestEngineListsWhatItSays(t *testing.T) {
	words, _ := prompts.New("")
	listed := map[string]bool{}
	for _, n := range engine(t, words).Messages() {
		listed[n] = true
	}
	files, _ := filepath.Glob("../bot/*.go")
	call := regexp.MustCompile(`\b(?:say|sayVariant|ask|celebrate)\("([a-z.]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			found++
			if !listed[m[1]] {
				t.Errorf("%s says %q but Engine.Messages does not list it", filepath.Base(f), m[1])
			}
		}
	}
	if found < 30 {
		t.Fatalf("found only %d message uses in the engine source", found)
	}
}

// TestNoOrphanFiles: every message file is used by the engine.
func TestNoOrphanFiles(t *testing.T) {
	words, _ := prompts.New("")
	listed := map[string]bool{}
	for _, n := range engine(t, words).Messages() {
		listed[n] = true
	}
	var orphans []string
	for _, n := range words.Names() {
		if !listed[n] {
			orphans = append(orphans, n)
		}
	}
	sort.Strings(orphans)
	if len(orphans) > 0 {
		t.Errorf("message files the engine never uses: %v", orphans)
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

package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"followthrough/adapters/internal/render"
	"followthrough/bot"
	"followthrough/prompts"

	"github.com/slack-go/slack"
)

func TestEscapeNeutralisesSlackControlSequences(t *testing.T) {
	for in, want := range map[string]string{
		"<!channel> hi":            "&lt;!channel&gt; hi",
		"<!here|here> & <@U123>":   "&lt;!here|here&gt; &amp; &lt;@U123&gt;",
		"plain words, emoji 🎉":     "plain words, emoji 🎉",
		"&lt; already":             "&amp;lt; already",
		"<https://evil.example|x>": "&lt;https://evil.example|x&gt;",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlainTextReadsWhatThePersonTyped(t *testing.T) {
	for in, want := range map[string]string{
		"I shipped it &amp; told <@U42|ana>":      "I shipped it & told @ana",
		"see <https://example.com|the doc>":       "see the doc",
		"see <https://example.com>":               "see https://example.com",
		"<!channel> look":                         "@channel look",
		"<!subteam^S123> too":                     "@subteam too",
		"in <#C123|general>":                      "in #general",
		"1 &lt; 2 &gt; 0":                         "1 < 2 > 0",
		"no markup at all, 日本語":                   "no markup at all, 日本語",
		"<@U42>":                                  "@U42",
		"broken < bracket":                        "broken < bracket",
		"&amp;lt;!channel&amp;gt; stays harmless": "&lt;!channel&gt; stays harmless",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestChunksKeepEveryCharacterWithinTheLimit(t *testing.T) {
	long := strings.Repeat("word & <more> ", 600) + strings.Repeat("🎉", 4000)
	parts := chunks(long, maxSection)
	if len(parts) < 3 {
		t.Fatalf("%d parts for %d characters", len(parts), len(long))
	}
	var back []string
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n > maxSection {
			t.Errorf("a part has %d characters, over %d", n, maxSection)
		}
		if !utf8.ValidString(p) {
			t.Error("a part splits a character")
		}
		back = append(back, plainText(p))
	}
	// Nothing lost but the spaces at the cuts.
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if squash(strings.Join(back, " ")) != squash(long) {
		t.Error("splitting lost or changed text")
	}
	if got := chunks("", maxSection); len(got) != 1 || got[0] != "" {
		t.Errorf("chunks of empty text = %q", got)
	}
}

func TestMessagesRenderChoicesAsButtons(t *testing.T) {
	r := bot.Reply{Text: "How did it go? <!channel>", Ask: "checkin", Token: "t1",
		Choices: []bot.Choice{{Label: "Done", Value: "done"}, {Label: "Partly", Value: "partly"}, {Label: strings.Repeat("long ", 40), Value: "not yet"}}}
	ms := messages(r)
	if len(ms) != 1 {
		t.Fatalf("%d messages", len(ms))
	}
	b, _ := json.Marshal(ms[0].blocks)
	js := string(b)
	if strings.Contains(js, "<!channel>") || strings.Contains(ms[0].text, "<!channel>") {
		t.Errorf("unescaped mention in %s", js)
	}
	var blocks []map[string]any
	json.Unmarshal(b, &blocks)
	if len(blocks) != 2 || blocks[1]["type"] != "actions" {
		t.Fatalf("blocks = %s", js)
	}
	els := blocks[1]["elements"].([]any)
	if len(els) != 3 {
		t.Fatalf("%d buttons", len(els))
	}
	first := els[0].(map[string]any)
	if first["style"] != "primary" {
		t.Errorf("Done is not the primary button: %v", first)
	}
	ask, token, value, ok := render.ParseChoiceID(first["action_id"].(string))
	if !ok || ask != "checkin" || token != "t1" || value != "done" {
		t.Errorf("action id %v reads back as %q %q %q %v", first["action_id"], ask, token, value, ok)
	}
	label := els[2].(map[string]any)["text"].(map[string]any)["text"].(string)
	if utf8.RuneCountInString(label) > maxButtonText {
		t.Errorf("button label has %d characters", utf8.RuneCountInString(label))
	}
}

func TestHugeReplySplitsIntoSeveralMessages(t *testing.T) {
	r := bot.Reply{Text: strings.Repeat("a sentence that goes on. ", 3000)} // 75,000 characters
	ms := messages(r)
	if len(ms) < 3 {
		t.Fatalf("%d messages", len(ms))
	}
	for _, m := range ms {
		if len(m.blocks) > maxSections {
			t.Errorf("%d blocks in one message", len(m.blocks))
		}
		if n := utf8.RuneCountInString(m.text); n > maxFallback+1 {
			t.Errorf("fallback text has %d characters", n)
		}
	}
}

func TestFallbackNeverEndsInsideAnEntity(t *testing.T) {
	s := escape(strings.Repeat("a", maxFallback-2) + "&&&&")
	f := fallback(s)
	if strings.HasSuffix(strings.TrimSuffix(f, "…"), "&am") || strings.Contains(f[len(f)-8:], "&a…") {
		t.Errorf("fallback cut an entity: %q", f[len(f)-10:])
	}
}

func TestHomeViewEscapesAndShowsProgress(t *testing.T) {
	snap := bot.Snapshot{Known: true, Zone: "Europe/Berlin", Goal: "write <!channel> & more", Step: "open the file",
		Anchor: bot.Anchor{Habit: "after my 9:00 coffee"}, Streak: 3, BestStreak: 5, CheckIns: 7, Wins: 2,
		RecentWins: []bot.Win{{Text: "sent the <!here> email"}}, Milestones: []bot.Milestone{{Text: "draft"}}}
	b, _ := json.Marshal(homeView(snap, "/followthrough", homeWords(t)))
	js := string(b)
	for _, want := range []string{"write &amp;lt;!channel&amp;gt; &amp;amp; more", "3 days", "best 5 days", "sent the &amp;lt;!here&amp;gt; email", "draft", "ft|form|goal", "ft|cmd|checkin|done"} {
		// json.Marshal escapes & < > as \u0026 \u003c \u003e.
		want = strings.NewReplacer("&amp;", `\u0026`, "&", `\u0026`, "<", `\u003c`, ">", `\u003e`).Replace(want)
		if !strings.Contains(js, want) {
			t.Errorf("home view lacks %s:\n%s", want, js)
		}
	}
	if strings.Contains(js, `\u003c!`) {
		t.Errorf("home view carries a raw control sequence: %s", js)
	}
	b, _ = json.Marshal(homeView(bot.Snapshot{}, "/followthrough", homeWords(t)))
	if !strings.Contains(string(b), "Messages") {
		t.Errorf("a newcomer's home does not say where to start: %s", b)
	}
}

// TestHomeViewNeverCutsInsideAnEntity: a goal long enough to be cut,
// with "&" at every place, never leaves half an entity ("&am…") at the
// end of the App Home's plan section, wherever the cut lands.
func TestHomeViewNeverCutsInsideAnEntity(t *testing.T) {
	for pad := 0; pad < 6; pad++ {
		goal := strings.Repeat("x", maxSection-len("*Goal:* ")-pad) + strings.Repeat("&", 10)
		v := homeView(bot.Snapshot{Known: true, Zone: "UTC", Goal: goal}, "/followthrough", homeWords(t))
		sec, ok := v.Blocks.BlockSet[1].(*slack.SectionBlock)
		if !ok {
			t.Fatalf("block 1 is %T", v.Blocks.BlockSet[1])
		}
		text := sec.Text.Text
		if n := utf8.RuneCountInString(text); n > maxSection {
			t.Errorf("pad %d: %d characters", pad, n)
		}
		body := strings.TrimSuffix(text, render.Ellipsis)
		if i := strings.LastIndexByte(body, '&'); i >= 0 && !strings.HasSuffix(body, "&amp;") {
			t.Errorf("pad %d: ends inside an entity: …%q", pad, body[max(0, len(body)-12):])
		}
	}
}

// homeWords renders the App Home's words from the shipped prompts.
func homeWords(t *testing.T) func(bot.Msg, bot.Extra) string {
	t.Helper()
	words, err := prompts.New("")
	if err != nil {
		t.Fatal(err)
	}
	return func(name bot.Msg, x bot.Extra) string {
		s, err := words.Say(string(name), Platform, 0, bot.Data{Extra: x})
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return s
	}
}

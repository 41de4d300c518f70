package discord

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"followthrough/bot"
)

func TestSplitKeepsEverythingWithinTheLimit(t *testing.T) {
	long := strings.Repeat("🙂 a line of text that goes on\n", 200) // ~6000 runes
	parts := split(long, maxContent)
	if len(parts) < 3 {
		t.Fatalf("%d parts", len(parts))
	}
	joined := strings.Join(parts, "\n")
	if strings.Count(joined, "🙂") != 200 {
		t.Errorf("lost or broke characters: %d smileys", strings.Count(joined, "🙂"))
	}
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > maxContent || n == 0 || !utf8.ValidString(p) {
			t.Errorf("part %d: %d runes, valid %v", i, n, utf8.ValidString(p))
		}
	}
	one := strings.Repeat("x", 4500) // no spaces at all: hard cut
	if parts := split(one, maxContent); len(parts) != 3 || len(strings.Join(parts, "")) != 4500 {
		t.Errorf("unbroken text: %d parts", len(parts))
	}
	if parts := split("short", maxContent); len(parts) != 1 || parts[0] != "short" {
		t.Errorf("short text: %q", parts)
	}
}

func TestMessagesCarryButtonsOnTheLastPart(t *testing.T) {
	r := bot.Reply{Text: strings.Repeat("word ", 900), Ask: "scale", Token: "scale-1"}
	for i := 1; i <= 10; i++ {
		n := fmt.Sprint(i)
		r.Choices = append(r.Choices, bot.Choice{Label: n, Value: n})
	}
	msgs := messages(r)
	if len(msgs) != 3 || msgs[0].Components != nil || len(msgs[2].Components) != 2 {
		t.Fatalf("%d messages; buttons on the last: %d rows", len(msgs), len(msgs[len(msgs)-1].Components))
	}
	for _, m := range msgs {
		if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
			t.Fatal("a part without an explicitly empty allowed_mentions")
		}
	}
	ask, token, value, ok := parseCustomID(customID("scale", "scale-1", "10"))
	if !ok || ask != "scale" || token != "scale-1" || value != "10" {
		t.Errorf("custom id round trip: %q %q %q %v", ask, token, value, ok)
	}
	if _, _, _, ok := parseCustomID("someone-else|x"); ok {
		t.Error("a foreign custom id was accepted")
	}
}

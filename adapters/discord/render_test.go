package discord

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"followthrough/adapters/internal/render"
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
	rows := msgs[2].Components
	first := rows[0].(discordgo.ActionsRow).Components[0].(discordgo.Button)
	ask, token, value, ok := render.ParseChoiceID(first.CustomID)
	if !ok || ask != "scale" || token != "scale-1" || value != "1" {
		t.Errorf("custom id round trip: %q %q %q %v", ask, token, value, ok)
	}
}

// TestAChoiceThatCannotBeCarriedBackIsLeftOut: a value too long for
// Discord's 100-character custom_id gets no button (a cut one would
// answer something else); the others keep theirs.
func TestAChoiceThatCannotBeCarriedBackIsLeftOut(t *testing.T) {
	r := bot.Reply{Text: "Which?", Ask: "pick", Token: "pick-1", Choices: []bot.Choice{
		{Label: "Short", Value: "short"}, {Label: "Long", Value: strings.Repeat("v", 100)}, {Label: strings.Repeat("🎉", 90), Value: "party"}}}
	rows := buttons(r)
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	var labels []string
	for _, c := range rows[0].(discordgo.ActionsRow).Components {
		b := c.(discordgo.Button)
		if n := utf8.RuneCountInString(b.CustomID); n > 100 {
			t.Errorf("custom_id of %d characters", n)
		}
		labels = append(labels, b.Label)
	}
	if len(labels) != 2 || labels[0] != "Short" || utf8.RuneCountInString(labels[1]) != 80 || !strings.HasSuffix(labels[1], "…") {
		t.Errorf("buttons = %q; want Short and the party label cut to 80 characters", labels)
	}
}

package discord_test

import (
	"strings"
	"testing"

	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
)

// TestDistressIsAnsweredInPrivate: through discordgo and the fake, a
// public member who writes distress as a win in the guild is answered
// only where they alone see it (an ephemeral follow-up), with the help
// to reach; nothing goes to the group's channel, and a DM gets the
// answer in the DM.
func TestDistressIsAnsweredInPrivate(t *testing.T) {
	r := start(t, false)
	r.DB.SetGroupSettings(bg, discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
	onboard(t, r, "4001")
	r.fake.SlashCommand("d1", "g1", "4001", "ana", "share", map[string]any{"name": "who", "type": 3, "value": "public"})
	r.answered(t, "d1", "")
	r.fake.SlashCommand("d2", "g1", "4001", "ana", "win", map[string]any{"name": "what", "type": 3, "value": "honestly i want to end it all"})
	answer := r.answered(t, "d2", "not a crisis service")
	for _, q := range answer {
		if q.Body["flags"] != float64(64) {
			t.Errorf("the safety reply in the guild is not ephemeral: %v", q.Body)
		}
	}
	if got := content(answer[0]); strings.Contains(got, "🎉") || strings.Contains(got, "win") {
		t.Errorf("distress was celebrated: %q", got)
	}
	reqs := r.fake.Requests()
	for _, q := range sentTo(reqs, "777") {
		t.Errorf("something went to the group's channel: %q", content(q))
	}
	if p := r.Person(bot.NewPersonID("discord", "4001")); p.Counts.Wins != 0 || p.Memory.LastWin != "" {
		t.Errorf("distress was kept as a win: %+v", p.Memory)
	}
	got := r.dm(t, "d3", "4001", "i can't go on")
	if len(got) == 0 || !strings.Contains(content(got[len(got)-1]), "not a crisis service") && !strings.Contains(content(got[len(got)-1]), "how are you doing") {
		t.Fatalf("the DM was not met with care: %v", got)
	}
	if n := len(sentTo(r.fake.Requests(), "777")); n != 0 {
		t.Fatalf("%d posts in the channel", n)
	}
}

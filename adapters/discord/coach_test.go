package discord_test

import (
	"strings"
	"testing"
	"time"

	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
)

// userOption is a user option, as Discord sends it when someone is picked.
func userOption(name, id string) map[string]any {
	return map[string]any{"name": name, "type": 6, "value": id}
}

// TestCoachIsPickedAndHoldsTheRole: through discordgo and the fake, a
// member picks their coach from Discord's list; someone with the same
// nickname but without the group's coach role is refused; the real coach
// is shown with their unique handle, and only after a yes sees the
// member's summary.
func TestCoachIsPickedAndHoldsTheRole(t *testing.T) {
	r := start(t, false)
	g1 := discordtest.Snowflake("g1")
	if err := r.DB.SetGroupSettings(bg, g1, bot.GroupSettings{Channel: "777", CoachRole: "555"}); err != nil {
		t.Fatal(err)
	}
	r.fake.AddMember("g1", discordtest.Member{UserID: "2001", Username: "kim.l", Nick: "Coach Kim", Roles: []string{"555"}})
	r.fake.AddMember("g1", discordtest.Member{UserID: "2002", Username: "kimposter", Nick: "Coach Kim"})
	onboard(t, r, "2003")

	r.fake.SlashCommand("c1", "g1", "2003", "ana", "coach", userOption("coach", "2002"))
	if got := content(r.answered(t, "c1", "coaches")[0]); !strings.Contains(got, "isn't one of this group's coaches") {
		t.Fatalf("the impostor was not refused: %q", got)
	}
	if m := r.Person(bot.NewPersonID("discord", "2003")).Membership(g1); m == nil || m.Coach != "" {
		t.Fatalf("membership after the refusal: %+v", m)
	}

	r.fake.SlashCommand("c2", "g1", "2003", "ana", "coach", userOption("coach", "2001"))
	ask := r.answered(t, "c2", "Share your progress summary")
	if got := content(ask[0]); !strings.Contains(got, "Coach Kim (@kim.l)") {
		t.Fatalf("the consent question does not say who exactly: %q", got)
	}
	if m := r.Person(bot.NewPersonID("discord", "2003")).Membership(g1); m.Coach != "" {
		t.Fatal("the coach was set before the member said yes")
	}
	yes := buttonID(t, ask[0], "Yes")
	r.fake.Button("c3", "g1", "2003", "ana", yes)
	r.answered(t, "c3", "can now see your summary")
	if m := r.Person(bot.NewPersonID("discord", "2003")).Membership(g1); m.Coach != bot.NewPersonID("discord", "2001") {
		t.Fatalf("coach = %q; want the one picked", m.Coach)
	}

	// The coach, with no plan of their own, sees the member.
	r.fake.SlashCommand("c4", "g1", "2001", "kim.l", "coach")
	if got := content(r.answered(t, "c4", "sharing with you")[0]); !strings.Contains(got, "Write 300 words every weekday") {
		t.Fatalf("the coach's view: %q", got)
	}
	r.fake.SlashCommand("c5", "g1", "2002", "kimposter", "coach")
	for _, q := range r.answered(t, "c5", "") {
		if strings.Contains(content(q), "Write 300 words") {
			t.Fatalf("the impostor saw the member: %q", content(q))
		}
	}
}

// buttonID is the custom id of the button labelled label.
func buttonID(t *testing.T, q discordtest.Request, label string) string {
	t.Helper()
	rows, _ := q.Body["components"].([]any)
	for _, row := range rows {
		for _, b := range row.(map[string]any)["components"].([]any) {
			if bm := b.(map[string]any); bm["label"] == label {
				return bm["custom_id"].(string)
			}
		}
	}
	t.Fatalf("no %q button in %v", label, q.Body)
	return ""
}

// TestPublicPostsStayInTheirGuild: someone public in one guild who uses
// the bot once in another keeps their wins in the first guild's channel
// only; each guild has its own choice.
func TestPublicPostsStayInTheirGuild(t *testing.T) {
	r := start(t, false)
	r.DB.SetGroupSettings(bg, discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
	r.DB.SetGroupSettings(bg, discordtest.Snowflake("g2"), bot.GroupSettings{Channel: "888"})
	onboard(t, r, "3001")
	r.fake.SlashCommand("s1", "g1", "3001", "ana", "share", map[string]any{"name": "who", "type": 3, "value": "public"})
	r.answered(t, "s1", "")
	r.fake.SlashCommand("s2", "g2", "3001", "ana", "help")
	r.answered(t, "s2", "")
	r.fake.SlashCommand("s3", "g2", "3001", "ana", "win", map[string]any{"name": "what", "type": 3, "value": "ran 5k"})
	reqs := r.fake.WaitFor(t, 5*time.Second, "the win posted in the first guild", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, "777")) >= 1 && len(followups(reqs, "s3")) >= 1
	})
	if n := len(sentTo(reqs, "888")); n != 0 {
		t.Fatalf("the win was posted in the other guild too (%d posts)", n)
	}
	p := r.Person(bot.NewPersonID("discord", "3001"))
	if m1, m2 := p.Membership(discordtest.Snowflake("g1")), p.Membership(discordtest.Snowflake("g2")); m1 == nil || m2 == nil ||
		!m1.Public() || m2.Public() {
		t.Fatalf("memberships: %+v", p.Groups)
	}
}

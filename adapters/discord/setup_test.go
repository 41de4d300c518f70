package discord_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
)

// Permissions that make a member a group admin for setup.
const (
	manageServer  = 1 << 5
	administrator = 1 << 3
)

// setup runs /setup as a member with the given permissions and returns
// the answer's text. Like every command it is deferred at once, in
// private (ephemeral), and answered from the outbox with a follow-up
// only the member sees, in which nothing can ping.
func (r *rig) setup(t *testing.T, id, user string, permissions int64, options ...map[string]any) string {
	t.Helper()
	r.fake.SlashCommandWithPermissions(id, "g1", user, user, "setup", permissions, options...)
	answer := r.answered(t, id, "")
	for _, q := range r.fake.Requests() {
		if strings.HasSuffix(q.Path, "/tok-"+id+"/callback") {
			data, _ := q.Body["data"].(map[string]any)
			if q.Body["type"] != float64(5) || data["flags"] != float64(64) {
				t.Errorf("/setup %s was answered at once with %v; want it deferred, ephemeral", id, q.Body)
			}
		}
	}
	var text strings.Builder
	for _, q := range answer {
		if q.Body["flags"] != float64(64) {
			t.Errorf("/setup %s answered with %v; want an ephemeral follow-up", id, q.Body)
		}
		if !onlyNoMentions(q) {
			t.Errorf("/setup %s answer may ping: %v", id, q.Body["allowed_mentions"])
		}
		text.WriteString(content(q))
	}
	return text.String()
}

func str(name, value string) map[string]any {
	return map[string]any{"name": name, "type": 3, "value": value}
}

// TestSetupWeeklyDigest: a server admin sets the digest's day, time and
// zone with /setup; what was not given is kept; bad input is refused in
// plain words and changes nothing; someone without Manage Server changes
// nothing; and the round then comes at the time set.
func TestSetupWeeklyDigest(t *testing.T) {
	r, monday := startOnMonday(t)
	g1 := discordtest.Snowflake("g1")
	if err := r.DB.SetGroupSettings(bg, g1, bot.GroupSettings{Channel: "777", ChannelName: "wins", CoachRole: "555"}); err != nil {
		t.Fatal(err)
	}
	settings := func() bot.GroupSettings {
		t.Helper()
		g, err := r.DB.GroupSettings(bg, g1)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}

	// With no digest settings, the answer says the bot's defaults.
	text := r.setup(t, "st0", "1501", manageServer, map[string]any{"name": "channel", "type": 7, "value": "777"})
	if !strings.Contains(text, "The weekly digest comes on Sundays at 18:00, Europe/Berlin time.") || !strings.Contains(text, "digest_day") {
		t.Errorf("setup with no digest settings answered %q", text)
	}
	text = r.setup(t, "st1", "1501", manageServer, str("digest_day", "friday"), str("digest_time", "17:30"), str("zone", "America/New_York"))
	g := settings()
	if g.DigestDay != "friday" || g.DigestTime != "17:30" || g.Zone != "America/New_York" {
		t.Fatalf("stored %+v; want Friday 17:30 America/New_York", g)
	}
	if g.Channel != "777" || g.CoachRole != "555" || g.By != bot.NewPersonID("discord", "1501") {
		t.Errorf("setup lost what it was not given, or who set it: %+v", g)
	}
	for _, want := range []string{"Fridays", "17:30", "America/New_York", "<#777>"} {
		if !strings.Contains(text, want) {
			t.Errorf("setup answer lacks %q: %q", want, text)
		}
	}

	for _, bad := range []struct {
		id      string
		options []map[string]any
		says    []string
	}{
		{"st2", []map[string]any{str("digest_time", "25:00")}, []string{"25:00", "HH:MM", "Nothing was changed"}},
		{"st3", []map[string]any{str("digest_time", "08:00"), str("zone", "Mars/Olympus")}, []string{"Mars/Olympus", "time zone", "Europe/Berlin", "Nothing was changed"}},
		{"st4", []map[string]any{str("zone", "Local")}, []string{"Local", "time zone", "Nothing was changed"}},
		{"st5", []map[string]any{str("digest_day", "someday"), str("digest_time", "09:00")}, []string{"someday", "day of the week", "Nothing was changed"}},
	} {
		text := r.setup(t, bad.id, "1501", manageServer, bad.options...)
		for _, want := range bad.says {
			if !strings.Contains(text, want) {
				t.Errorf("%s: refusal %q lacks %q", bad.id, text, want)
			}
		}
		if got := settings(); !reflect.DeepEqual(got, g) {
			t.Errorf("%s: bad input changed the settings: %+v; was %+v", bad.id, got, g)
		}
	}

	text = r.setup(t, "st6", "1502", 0, str("digest_day", "monday"))
	if !strings.Contains(text, "Only server admins") {
		t.Errorf("non-admin answer: %q", text)
	}
	if got := settings(); !reflect.DeepEqual(got, g) {
		t.Errorf("a non-admin changed the settings: %+v", got)
	}

	// One option alone changes that one; the time is read as a person
	// would write it and kept as HH:MM.
	r.setup(t, "st7", "1501", manageServer, str("digest_time", "5:30pm"))
	if got := settings(); got.DigestTime != "17:30" || got.DigestDay != "friday" || got.Zone != "America/New_York" || got.Channel != "777" || got.CoachRole != "555" {
		t.Errorf("after setting only the time: %+v", got)
	}

	// The round comes on Friday at 17:30 New York time, not before.
	onboard(t, r, "1503")
	r.slash(t, "st8", "g1", "1503", "ana", "share", "", map[string]any{"name": "who", "type": 3, "value": "public"})
	r.slash(t, "st9", "g1", "1503", "ana", "win", "", map[string]any{"name": "what", "type": 3, "value": "wrote the intro"})
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	friday := time.Date(monday.Year(), monday.Month(), monday.Day()+4, 17, 30, 0, 0, ny)
	r.Clock.Set(friday.Add(-time.Minute))
	r.fire(t)
	if at := r.lastWeekly(t, g1); !at.IsZero() {
		t.Fatalf("round made at %v, before %v", at, friday)
	}
	r.Clock.Set(friday)
	r.fire(t)
	r.fake.WaitFor(t, 5*time.Second, "the digest on Friday", func(reqs []discordtest.Request) bool {
		for _, q := range sentTo(reqs, "777") {
			if strings.Contains(content(q), "This week in the group") && strings.Contains(content(q), "wrote the intro") {
				return true
			}
		}
		return false
	})
	if at := r.lastWeekly(t, g1); !at.Equal(friday) {
		t.Errorf("round recorded for %v; want %v", at, friday)
	}
}

// TestSetupIsAnEngineCommand: /setup goes to the engine like any other
// command. A member without Manage Server or Administrator changes
// nothing and is told so, privately; an Administrator picks the channel
// (its name from Discord's resolved data) and the coach role, and the
// settings are what the engine wrote: by whom and when, by its clock.
// In a DM there is no group to set up.
func TestSetupIsAnEngineCommand(t *testing.T) {
	r := start(t, false)
	g1 := discordtest.Snowflake("g1")
	channel := map[string]any{"name": "channel", "type": 7, "value": "888"}
	role := map[string]any{"name": "coach_role", "type": 8, "value": "999"}

	if text := r.setup(t, "se1", "1601", 1<<11, channel, role); !strings.Contains(text, "Only server admins") || !strings.Contains(text, "Nothing was changed") {
		t.Errorf("a member's setup answered %q", text)
	}
	if g, _ := r.DB.GroupSettings(bg, g1); !reflect.DeepEqual(g, bot.GroupSettings{}) {
		t.Fatalf("a member's setup changed the group: %+v", g)
	}

	text := r.setup(t, "se2", "1602", administrator, channel, role)
	for _, want := range []string{"Done", "<#888>", "<@&999>"} {
		if !strings.Contains(text, want) {
			t.Errorf("the admin's setup answer lacks %q: %q", want, text)
		}
	}
	g, err := r.DB.GroupSettings(bg, g1)
	if err != nil {
		t.Fatal(err)
	}
	want := bot.GroupSettings{Channel: "888", ChannelName: discordtest.ResolvedName("888"), CoachRole: "999",
		By: bot.NewPersonID("discord", "1602"), At: r.Clock.Now()}
	if !g.At.Equal(want.At) {
		t.Errorf("set at %v; want the engine's now, %v", g.At, want.At)
	}
	g.At = want.At
	if !reflect.DeepEqual(g, want) {
		t.Errorf("settings = %+v; want %+v", g, want)
	}
	// Only the person saw it: nothing of setup went to a channel.
	for _, q := range r.fake.Requests() {
		if strings.HasPrefix(q.Path, "/api/v9/channels/") {
			t.Errorf("setup posted to %s: %v", q.Path, q.Body)
		}
	}

	r.fake.SlashCommandWithPermissions("se3", "", "1602", "1602", "setup", 0, channel)
	if text := content(r.answered(t, "se3", "")[0]); !strings.Contains(text, "not in a DM") {
		t.Errorf("setup in a DM answered %q", text)
	}
}

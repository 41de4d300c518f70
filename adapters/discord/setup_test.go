package discord_test

import (
	"strings"
	"testing"
	"time"

	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
)

const manageServer = 1 << 5

// setup runs /setup as a member with the given permissions and returns
// the ephemeral answer's text.
func (r *rig) setup(t *testing.T, id, user string, permissions int64, options ...map[string]any) string {
	t.Helper()
	r.fake.SlashCommandWithPermissions(id, "g1", user, user, "setup", permissions, options...)
	path := "/tok-" + id + "/callback"
	reqs := r.fake.WaitFor(t, 5*time.Second, "the answer to /setup "+id, func(reqs []discordtest.Request) bool {
		for _, q := range reqs {
			if strings.HasSuffix(q.Path, path) {
				return true
			}
		}
		return false
	})
	for _, q := range reqs {
		if !strings.HasSuffix(q.Path, path) {
			continue
		}
		data, _ := q.Body["data"].(map[string]any)
		if q.Body["type"] != float64(4) || data["flags"] != float64(64) {
			t.Errorf("/setup %s answered with %v; want an ephemeral message", id, q.Body)
		}
		if !onlyNoMentions(discordtest.Request{Body: data}) {
			t.Errorf("/setup %s answer may ping: %v", id, data["allowed_mentions"])
		}
		text, _ := data["content"].(string)
		return text
	}
	return ""
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
	if err := r.db.SetGroupSettings(g1, bot.GroupSettings{Channel: "777", CoachRole: "555"}); err != nil {
		t.Fatal(err)
	}
	settings := func() bot.GroupSettings {
		t.Helper()
		g, err := r.db.GroupSettings(g1)
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
	if g.Channel != "777" || g.CoachRole != "555" || g.By != "1501" {
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
		if got := settings(); got != g {
			t.Errorf("%s: bad input changed the settings: %+v; was %+v", bad.id, got, g)
		}
	}

	text = r.setup(t, "st6", "1502", 0, str("digest_day", "monday"))
	if !strings.Contains(text, "Only server admins") {
		t.Errorf("non-admin answer: %q", text)
	}
	if got := settings(); got != g {
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
	r.clock.Set(friday.Add(-time.Minute))
	r.fire(t)
	if at := r.lastWeekly(t, g1); !at.IsZero() {
		t.Fatalf("round made at %v, before %v", at, friday)
	}
	r.clock.Set(friday)
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

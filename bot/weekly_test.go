package bot_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/bot/bottest"
)

// weekly fires what is due and returns the weekly round's replies in the
// outbox (draining it).
func weekly(t *testing.T, k *bottest.Kit) []bot.Reply {
	t.Helper()
	if _, err := k.Engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out []bot.Reply
	for _, r := range k.Drain("test") {
		if strings.HasPrefix(r.Key, "weekly/") {
			out = append(out, r)
		}
	}
	return out
}

// in sends an event from who in group.
func in(t *testing.T, k *bottest.Kit, who, group, command, text string) []bot.Reply {
	t.Helper()
	return k.Send(bot.Event{Person: bottest.ID(who), Name: who, Place: bot.Place{Group: group}, Command: command, Text: text})
}

// TestWeeklyDigestAndCoachReport walks a group through two weeks: the
// digest celebrates the public people's wins, streaks and milestones and
// never shows a private person; a quiet week gets a warm note; the coach
// gets a report of consenting members only, with their calendars; each
// round is made once, across restarts.
func TestWeeklyDigestAndCoachReport(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	for _, who := range []string{"ana", "bo", "cy", "coach"} {
		k.Onboard(who)
		in(t, k, who, "g1", "", "hi")
	}
	in(t, k, "ana", "g1", "share", "public")
	in(t, k, "cy", "g1", "share", "public")
	for _, who := range []string{"ana", "bo"} {
		in(t, k, who, "g1", "coach", "coach")
		in(t, k, who, "g1", "", "yes")
	}
	in(t, k, "ana", "g1", "milestone", "add first chapter")
	in(t, k, "bo", "g1", "milestone", "add bo's secret milestone")
	// Thursday to Sunday: ana and bo check in each morning.
	for day := 3; day <= 6; day++ {
		k.Clock.Set(monday8.AddDate(0, 0, day).Add(2 * time.Hour))
		weekly(t, k)
		in(t, k, "ana", "g1", "checkin", "done")
		in(t, k, "bo", "g1", "checkin", "done")
	}
	in(t, k, "ana", "g1", "win", "finished the outline")
	in(t, k, "ana", "g1", "milestone", "1")
	in(t, k, "bo", "g1", "win", "bo's secret win")
	in(t, k, "bo", "g1", "milestone", "1")

	k.Clock.Set(time.Date(2026, 3, 8, 17, 59, 0, 0, mustZone("Europe/Berlin")))
	if got := weekly(t, k); len(got) != 0 {
		t.Fatalf("weekly round before Sunday 18:00: %+v", got)
	}
	k.Clock.Set(time.Date(2026, 3, 8, 18, 0, 0, 0, mustZone("Europe/Berlin")))
	got := weekly(t, k)
	var digest, report *bot.Reply
	for i := range got {
		switch {
		case got[i].Visibility == bot.Public:
			digest = &got[i]
		case got[i].To == bottest.ID("coach"):
			report = &got[i]
		default:
			t.Errorf("weekly reply to someone else: %+v", got[i])
		}
	}
	if digest == nil || report == nil {
		t.Fatalf("want a digest and a coach report; got %+v", got)
	}
	for _, want := range []string{"ana", "finished the outline", "first chapter", "4 days in a row"} {
		if !strings.Contains(digest.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, digest.Text)
		}
	}
	for _, never := range []string{"bo's", "secret", "cy"} {
		if strings.Contains(digest.Text, never) {
			t.Errorf("digest shows %q (private, or nothing to celebrate):\n%s", never, digest.Text)
		}
	}
	if digest.Place.Group != "g1" || digest.Platform != "test" || digest.To != "" {
		t.Errorf("digest addressed to %q/%q/%q; want the group g1 on test", digest.Place.Group, digest.Platform, digest.To)
	}
	for _, want := range []string{"ana", "bo", "bo's secret win", "first chapter"} {
		if !strings.Contains(report.Text, want) {
			t.Errorf("coach report lacks %q:\n%s", want, report.Text)
		}
	}
	if strings.Contains(report.Text, "cy") {
		t.Errorf("coach report shows cy, who did not consent:\n%s", report.Text)
	}
	if len(report.Files) != 2 {
		t.Fatalf("coach report has %d calendars; want 2 (ana, bo)", len(report.Files))
	}
	for _, f := range report.Files {
		if _, err := png.Decode(bytes.NewReader(f.Data)); err != nil || f.Type != "image/png" {
			t.Errorf("calendar %s is not a PNG: %v", f.Name, err)
		}
	}

	// Once: again now, and after a restart.
	if got := weekly(t, k); len(got) != 0 {
		t.Fatalf("round made twice: %+v", got)
	}
	k.Restart()
	if got := weekly(t, k); len(got) != 0 {
		t.Fatalf("round made again after a restart: %+v", got)
	}

	// A quiet week: a warm note, not an empty list.
	k.Clock.Set(time.Date(2026, 3, 15, 18, 0, 0, 0, mustZone("Europe/Berlin")))
	got = weekly(t, k)
	if len(got) == 0 || got[0].Visibility != bot.Public {
		t.Fatalf("no digest in a quiet week: %+v", got)
	}
	if text := got[0].Text; strings.Contains(text, "•") || !strings.Contains(strings.ToLower(text), "quiet") && !strings.Contains(text, "Nothing to report") {
		t.Errorf("quiet week digest:\n%s", text)
	}
}

// TestWeeklyRoundMissedLongAgoIsSkipped: down over the digest time for
// longer than the grace, the bot skips that week rather than sending a
// stale digest, and makes the next one on time.
func TestWeeklyRoundMissedLongAgoIsSkipped(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	in(t, k, "ana", "g1", "share", "public")
	weekly(t, k)
	k.Clock.Set(time.Date(2026, 3, 9, 8, 0, 0, 0, mustZone("Europe/Berlin"))) // 14h after Sunday 18:00
	k.Restart()
	if got := weekly(t, k); len(got) != 0 {
		t.Fatalf("stale digest sent: %+v", got)
	}
	k.Clock.Set(time.Date(2026, 3, 15, 18, 0, 0, 0, mustZone("Europe/Berlin")))
	if got := weekly(t, k); len(got) != 1 {
		t.Fatalf("next week's digest: %+v", got)
	}
}

// TestWeeklyNobodyPublicNoDigest: a group where everyone is private gets
// no digest at all, and nothing of theirs is posted.
func TestWeeklyNobodyPublicNoDigest(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	in(t, k, "ana", "g1", "win", "private win")
	k.Clock.Set(time.Date(2026, 3, 8, 18, 0, 0, 0, mustZone("Europe/Berlin")))
	if got := weekly(t, k); len(got) != 0 {
		t.Fatalf("weekly round for a private group: %+v", got)
	}
}

// TestWeeklyGroupZoneAndDay: a group's own day, time and zone move its
// digest; NextDue tells the scheduler when.
func TestWeeklyGroupZoneAndDay(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	in(t, k, "ana", "g1", "share", "public")
	if err := k.DB.SetGroupSettings(context.Background(), "g1", bot.GroupSettings{Zone: "America/New_York", DigestDay: "fri", DigestTime: "17:30"}); err != nil {
		t.Fatal(err)
	}
	k.Restart()
	want := time.Date(2026, 3, 6, 17, 30, 0, 0, mustZone("America/New_York"))
	weekly(t, k)
	next, ok, err := k.Engine.NextDue(context.Background())
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	// ana's daily reminder comes first; the round is due at want.
	if next.After(want) {
		t.Fatalf("NextDue = %v; want no later than %v", next, want)
	}
	k.Clock.Set(want.Add(-time.Minute))
	if got := weekly(t, k); len(got) != 0 {
		t.Fatalf("digest a minute early: %+v", got)
	}
	k.Clock.Set(want)
	if got := weekly(t, k); len(got) != 1 {
		t.Fatalf("digest at Friday 17:30 New York: %+v", got)
	}
}

// TestWeeklyMovedLaterSameEveningSendsOnce: the round went out at 18:00;
// an admin then moves the digest to 18:30. The group does not get a
// second digest that evening, and gets the next one at the new time.
func TestWeeklyMovedLaterSameEveningSendsOnce(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	in(t, k, "ana", "g1", "share", "public")
	k.Clock.Set(time.Date(2026, 3, 8, 18, 0, 0, 0, mustZone("Europe/Berlin")))
	if got := weekly(t, k); len(got) != 1 {
		t.Fatalf("first digest: %+v", got)
	}
	if err := k.DB.SetGroupSettings(context.Background(), "g1", bot.GroupSettings{DigestTime: "18:30"}); err != nil {
		t.Fatal(err)
	}
	k.Restart()
	k.Clock.Set(time.Date(2026, 3, 8, 18, 30, 0, 0, mustZone("Europe/Berlin")))
	if got := weekly(t, k); len(got) != 0 {
		t.Fatalf("a second digest the same evening: %+v", got)
	}
	k.Clock.Set(time.Date(2026, 3, 15, 18, 30, 0, 0, mustZone("Europe/Berlin")))
	if got := weekly(t, k); len(got) != 1 {
		t.Fatalf("next week's digest at 18:30: %+v", got)
	}
}

// TestDigestWhen: the setup answers say when the digest really goes out,
// with the bot's defaults for what a group has not set (they used to say
// "on the usual day"), and the round is scheduled by the same rules.
func TestDigestWhen(t *testing.T) {
	for _, c := range []struct {
		weekly bot.Weekly
		zone   string
		g      bot.GroupSettings
		want   string
	}{
		{bot.Weekly{Day: time.Friday, Time: "17:30"}, "Europe/Berlin", bot.GroupSettings{}, "on Fridays at 17:30, Europe/Berlin time"},
		{bot.Weekly{}, "UTC", bot.GroupSettings{}, "on Sundays at 18:00, UTC time"},
		{bot.Weekly{Day: time.Friday, Time: "17:30"}, "Europe/Berlin", bot.GroupSettings{DigestDay: "mon", DigestTime: "08:15", Zone: "America/New_York"}, "on Mondays at 08:15, America/New_York time"},
		{bot.Weekly{Day: time.Friday, Time: "17:30"}, "Europe/Berlin", bot.GroupSettings{DigestTime: "9:05"}, "on Fridays at 9:05, Europe/Berlin time"},
		// Settings the round cannot use are not promised either.
		{bot.Weekly{Day: time.Friday, Time: "17:30"}, "Europe/Berlin", bot.GroupSettings{DigestDay: "someday", DigestTime: "25:61", Zone: "Mars/Olympus_Mons"}, "on Fridays at 17:30, Europe/Berlin time"},
		{bot.Weekly{Off: true}, "UTC", bot.GroupSettings{DigestDay: "mon"}, "never: weekly digests are turned off on this bot"},
	} {
		k := bottest.New(t, bottest.Options{Zone: c.zone, Configure: func(cfg *bot.Config) { cfg.Weekly = c.weekly }})
		c.g.Channel = "C1"
		if err := k.DB.SetGroupSettings(context.Background(), "g1", c.g); err != nil {
			t.Fatal(err)
		}
		got := bottest.Joined(bottest.Texts(k.Send(bot.Event{Person: bottest.ID("admin"), Command: "setup", Admin: true, Place: bot.Place{Group: "g1"}})))
		if !strings.Contains(got, c.want) {
			t.Errorf("setup with %+v says %q; want it to say %q", c.g, got, c.want)
		}
	}
}

package slack_test

import (
	"bytes"
	"context"
	"image/png"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"followthrough/adapters/slack"
	"followthrough/adapters/slack/slacktest"
	"followthrough/bot"
)

// nextMonday is 08:00 UTC on the first Monday after now: a simulated
// week starts there, so the replies it queues are never older than the
// real clock the adapter ages them by.
func nextMonday() time.Time {
	now := time.Now().UTC()
	days := (8 - int(now.Weekday())) % 7
	if days == 0 {
		days = 7
	}
	return time.Date(now.Year(), now.Month(), now.Day()+days, 8, 0, 0, 0, time.UTC)
}

// completed are the uploads Slack was told to share (completeUploadExternal).
func completed(ups []slacktest.Upload) []slacktest.Upload {
	var out []slacktest.Upload
	for _, u := range ups {
		if u.Completed {
			out = append(out, u)
		}
	}
	return out
}

// waitUploads waits until n uploads in all were completed, and returns them.
func (r *rig) waitUploads(t *testing.T, n int) []slacktest.Upload {
	t.Helper()
	r.fake.WaitFor(t, wait, "completed uploads", func([]slacktest.Call) bool { return len(completed(r.fake.Uploads())) >= n })
	return completed(r.fake.Uploads())
}

// checkPNGs checks that each upload went to channel and is a PNG.
func checkPNGs(t *testing.T, ups []slacktest.Upload, channel string) {
	t.Helper()
	for _, u := range ups {
		if u.Channel != channel {
			t.Errorf("%s was shared in %q; want %q", u.Filename, u.Channel, channel)
		}
		if _, err := png.Decode(bytes.NewReader(u.Data)); err != nil {
			t.Errorf("%s is not a PNG (%d bytes): %v", u.Filename, len(u.Data), err)
		}
	}
}

// fire runs the engine's due reminders and weekly rounds.
func (r *rig) fire(t *testing.T) {
	t.Helper()
	if _, err := r.Engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// lastRound is when the team's last weekly round was made (zero: never).
func (r *rig) lastRound(t *testing.T) time.Time {
	t.Helper()
	at, err := r.DB.LastWeekly(bg, "T0001")
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// noLiveMention fails when a post carries a control sequence that would
// notify people ("<!channel>", "<!everyone>", "<!here>").
func noLiveMention(t *testing.T, c slacktest.Call) {
	t.Helper()
	for _, field := range []string{"text", "blocks"} {
		if v := c.Params[field]; strings.Contains(v, "<!") || strings.Contains(v, `\u003c!`) {
			t.Errorf("%s to %s: %s carries a live mention: %s", c.Method, c.Params["channel"], field, v)
		}
	}
}

func TestProgressPicturesAreUploadedIntoTheDM(t *testing.T) {
	r := start(t, slack.Socket)
	onboard(t, r, "UANA")
	pictures := []string{"calendar.png", "milestones.png", "ratings.png"}

	// In the DM: the text, then the three pictures, shared in the DM.
	text := r.say(t, "UANA", "progress", "Your progress, Ana")
	ups := r.waitUploads(t, 3)
	if len(ups) != 3 {
		t.Fatalf("%d uploads; want 3: %+v", len(ups), ups)
	}
	names := []string{ups[0].Filename, ups[1].Filename, ups[2].Filename}
	slices.Sort(names)
	if !slices.Equal(names, pictures) {
		t.Errorf("uploaded %v; want %v", names, pictures)
	}
	checkPNGs(t, ups, "DUANA")
	if !strings.Contains(textOf(text), "Write 300 words every weekday") {
		t.Errorf("progress text lacks the goal: %q", textOf(text))
	}
	// The text comes first, then the files.
	calls := r.fake.Calls()
	posted := slices.IndexFunc(calls, func(c slacktest.Call) bool {
		return c.Method == "chat.postMessage" && strings.Contains(textOf(c), "Your progress, Ana")
	})
	firstFile := slices.IndexFunc(calls, func(c slacktest.Call) bool { return c.Method == "files.getUploadURLExternal" })
	if posted < 0 || firstFile < posted {
		t.Errorf("progress text at call %d, first upload at call %d: want the text first", posted, firstFile)
	}

	// The slash command in a channel: pictures cannot go through the
	// response URL, so the whole answer, text and pictures, comes in the
	// DM, and nothing in the channel.
	n := len(postsTo(r.fake.Calls(), "DUANA"))
	answers := len(postsTo(r.fake.Calls(), "response_url"))
	env := r.fake.Slash(t, "UANA", "CTEAM", "progress")
	if ack := r.fake.WaitAck(t, env, wait); len(ack) > 0 && string(ack) != "null" {
		t.Errorf("progress acked with %s; want an empty ack, the answer following", ack)
	}
	r.expect(t, "DUANA", n, "Your progress, Ana")
	ups = r.waitUploads(t, 6)
	if len(ups) != 6 {
		t.Fatalf("%d uploads after the slash command; want 6", len(ups))
	}
	names = []string{ups[3].Filename, ups[4].Filename, ups[5].Filename}
	slices.Sort(names)
	if !slices.Equal(names, pictures) {
		t.Errorf("uploaded %v after the slash command; want %v", names, pictures)
	}
	checkPNGs(t, ups[3:], "DUANA")
	// The reply was delivered whole: had any of it gone to the channel
	// or the response URL, it would be in the calls by now.
	if got := len(postsTo(r.fake.Calls(), "response_url")); got != answers {
		t.Errorf("%d answers through the response URL; want none with pictures", got-answers)
	}
	for _, c := range r.fake.Calls() {
		if c.Params["channel"] == "CTEAM" || c.Params["channel_id"] == "CTEAM" || c.Params["channels"] == "CTEAM" {
			t.Errorf("%s into the channel the command came from: %v", c.Method, c.Params)
		}
	}
}

func TestWeeklyDigestAndCoachReportOnSlack(t *testing.T) {
	monday := nextMonday()
	r := startAt(t, slack.Socket, monday)
	r.fake.AddUser(slacktest.User{ID: "UCOA", Name: "cora.k", DisplayName: "Cora", TZ: "Europe/Berlin"})
	r.command(t, "UADM", "CTEAM", "setup <#CWINS|wins>", "Done")
	r.say(t, "UCOA", "hi", "what brought you here")
	onboard(t, r, "UANA")
	onboard(t, r, "UBEN")
	r.say(t, "UANA", "share public", "")
	// "@channel" typed in Slack arrives as <!channel>; "<!everyone>"
	// typed as characters arrives escaped.
	r.say(t, "UANA", "win <!channel> shipped the draft @here &lt;!everyone&gt; &amp; more", "")
	r.expect(t, "CWINS", 0, "shipped the draft") // the public win, at once
	r.say(t, "UBEN", "win told my manager about the burnout", "")
	r.say(t, "UBEN", "coach Cora", "Share your progress summary with Cora")
	r.say(t, "UBEN", "yes", "Cora (@cora.k) can now see") // named with their handle: no one else is called that

	// Sunday 17:59 (the bot's zone, UTC): no round yet.
	sunday := monday.AddDate(0, 0, 6).Add(10 * time.Hour) // 18:00
	r.Clock.Set(sunday.Add(-time.Minute))
	r.fire(t)
	if at := r.lastRound(t); !at.IsZero() {
		t.Fatalf("a weekly round was made at %v, before Sunday 18:00", at)
	}
	channelPosts, coachPosts := len(postsTo(r.fake.Calls(), "CWINS")), len(postsTo(r.fake.Calls(), "DUCOA"))
	uploads := len(completed(r.fake.Uploads()))

	// Sunday 18:00: the digest in the team channel, the report in the
	// coach's DM with one calendar per member who chose Cora.
	r.Clock.Set(sunday)
	r.fire(t)
	digest := r.expect(t, "CWINS", channelPosts, "This week in the group")
	report := r.expect(t, "DUCOA", coachPosts, "weekly coach report")
	ups := r.waitUploads(t, uploads+1)[uploads:]
	if len(ups) != 1 || !strings.Contains(ups[0].Filename, "calendar") || !strings.Contains(ups[0].Filename, "ben") {
		t.Fatalf("coach report files = %+v; want Ben's calendar only", ups)
	}
	checkPNGs(t, ups, "DUCOA")
	if at := r.lastRound(t); !at.Equal(sunday) {
		t.Errorf("round recorded at %v; want %v", at, sunday)
	}

	d := textOf(digest)
	for _, want := range []string{"Ana", "shipped the draft", "&lt;!everyone&gt;", "&amp; more", "@here", "@channel"} {
		if !strings.Contains(d, want) {
			t.Errorf("digest lacks %q:\n%s", want, d)
		}
	}
	for _, c := range postsTo(r.fake.Calls(), "CWINS") {
		noLiveMention(t, c)
		for _, never := range []string{"manager", "burnout", "Cora"} {
			if strings.Contains(textOf(c)+c.Params["text"], never) {
				t.Errorf("the team channel shows %q (private):\n%s", never, textOf(c))
			}
		}
	}
	rep := textOf(report)
	for _, want := range []string{"ben", "told my manager about the burnout"} {
		if !strings.Contains(rep, want) {
			t.Errorf("coach report lacks %q:\n%s", want, rep)
		}
	}
	if strings.Contains(rep, "Ana") || strings.Contains(rep, "shipped") {
		t.Errorf("coach report shows Ana, who did not choose Cora:\n%s", rep)
	}
	noLiveMention(t, report)

	// Firing again, now and later the same evening, makes no second round.
	r.fire(t)
	r.Clock.Set(sunday.Add(30 * time.Minute))
	r.fire(t)
	if at := r.lastRound(t); !at.Equal(sunday) {
		t.Errorf("round recorded at %v after firing again; want %v", at, sunday)
	}
	// Anything queued in the channel or the coach's DM would go before
	// these later answers there: a conversation keeps its order.
	n := len(postsTo(r.fake.Calls(), "CWINS"))
	r.say(t, "UANA", "win ran the first mile", "")
	r.expect(t, "CWINS", n, "ran the first mile")
	r.say(t, "UCOA", "coach", "")
	count := func(channel, text string) int {
		k := 0
		for _, c := range postsTo(r.fake.Calls(), channel) {
			if strings.Contains(textOf(c), text) {
				k++
			}
		}
		return k
	}
	if k := count("CWINS", "This week in the group"); k != 1 {
		t.Errorf("%d digests in the channel; want 1", k)
	}
	if k := count("DUCOA", "weekly coach report"); k != 1 {
		t.Errorf("%d coach reports; want 1", k)
	}
	if k := len(completed(r.fake.Uploads())); k != uploads+1 {
		t.Errorf("%d uploads; want %d", k, uploads+1)
	}
}

// TestSetupDigestIsForAdminsAndKeepsTheRest: setup on Slack is the
// engine's: a member changes nothing; an admin moves the digest (from
// their DM, where no channel is taken), any part alone keeping the
// others; bad input changes nothing and says what was wrong; every
// answer comes privately through the command's response_url; and the
// round then comes when set.
func TestSetupDigestIsForAdminsAndKeepsTheRest(t *testing.T) {
	monday := nextMonday()
	r := startAt(t, slack.Socket, monday)
	setup := func(user, channel, text, want string) string {
		t.Helper()
		return r.command(t, user, channel, text, want)
	}
	settings := func() bot.GroupSettings {
		t.Helper()
		g, err := r.DB.GroupSettings(bg, "T0001")
		if err != nil {
			t.Fatal(err)
		}
		return g
	}

	setup("UANA", "CTEAM", "setup digest friday 17:30 America/New_York", "Only workspace admins")
	if g := settings(); !reflect.DeepEqual(g, bot.GroupSettings{}) {
		t.Fatalf("a member changed the settings: %+v", g)
	}

	// Asked in a DM before anything is set, it asks for the channel.
	setup("UADM", "DUADM", "setup digest", "Name the team channel")
	setup("UADM", "DUADM", "setup digest friday 17:30 America/New_York", "Fridays at 17:30, America/New_York time")
	admin := bot.NewPersonID("slack", "T0001", "UADM")
	want := bot.GroupSettings{DigestDay: "friday", DigestTime: "17:30", Zone: "America/New_York", By: admin}
	check := func(what string, want bot.GroupSettings) {
		t.Helper()
		g := settings()
		if g.At.IsZero() {
			t.Errorf("after %s: no time of the change", what)
		}
		g.At = time.Time{}
		if !reflect.DeepEqual(g, want) {
			t.Errorf("after %s: settings = %+v; want %+v", what, g, want)
		}
	}
	check("setup digest", want)

	// Bad input changes nothing and says what was wrong.
	for _, c := range []struct{ text, want string }{
		{"setup digest friday 25:61", "“25:61” is not a time of day"},
		{"setup digest monday 9:00 Mars/Olympus_Mons", "time zone “Mars/Olympus_Mons”"},
		{"setup digest Local", "“Local”"},
		{"setup digest sometime soon", "couldn't read “sometime”"},
		{"setup digest friday monday", "two days"},
		{"setup digest 9:00 10:00", "two times"},
		{"setup digest <!channel>", "“@channel”"},
	} {
		answer := setup("UADM", "DUADM", c.text, "Nothing was changed")
		if !strings.Contains(answer, c.want) || strings.Contains(answer, "<!") {
			t.Errorf("%q answered %q; want it to say %q", c.text, answer, c.want)
		}
		check(c.text, want)
	}

	// Each part alone; the others are kept. So is the digest when the
	// channel is set.
	setup("UADM", "DUADM", "setup digest 5:30 pm UTC", "Done")
	check("setup digest 5:30 pm UTC", bot.GroupSettings{DigestDay: "friday", DigestTime: "17:30", Zone: "UTC", By: admin})
	setup("UADM", "DUADM", "setup digest at 17:30 America/New_York", "Done")
	setup("UADM", "CTEAM", "setup <#CWINS|wins>", "Done")
	want.Channel, want.ChannelName = "CWINS", "wins"
	check("setup #channel", want)
	setup("UADM", "DUADM", "setup digest", "Fridays at 17:30, America/New_York time")

	// The engine keeps to it: Friday 17:30 in New York, not Sunday.
	onboard(t, r, "UANA")
	r.say(t, "UANA", "share public", "")
	r.say(t, "UANA", "win wrote the intro", "")
	ny, _ := time.LoadLocation("America/New_York")
	friday := monday.AddDate(0, 0, 4).In(ny)
	due := time.Date(friday.Year(), friday.Month(), friday.Day(), 17, 30, 0, 0, ny)
	r.Clock.Set(due.Add(-time.Minute))
	r.fire(t)
	if at := r.lastRound(t); !at.IsZero() {
		t.Fatalf("a round was made at %v, before Friday 17:30 in New York", at)
	}
	n := len(postsTo(r.fake.Calls(), "CWINS"))
	r.Clock.Set(due)
	r.fire(t)
	r.expect(t, "CWINS", n, "This week in the group")
	if at := r.lastRound(t); !at.Equal(due) {
		t.Errorf("round at %v; want %v", at, due)
	}
}

package discord_test

import (
	"bytes"
	"context"
	"image/png"
	"reflect"
	"strings"
	"testing"
	"time"

	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
)

// berlin is the rig's default zone, in which a group without its own
// zone has its weekly digest (Sunday 18:00 by default).
func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// startOnMonday starts the rig with its clock on a Monday, 08:00 in
// Berlin, at least a day ahead of the wall clock (the simulated clock
// only moves forward): the week that follows is the one the tests fill,
// whatever day they run on, and no round of the week before is still in
// its grace window.
func startOnMonday(t *testing.T) (*rig, time.Time) {
	t.Helper()
	r := start(t, false)
	now := time.Now().In(berlin(t)).AddDate(0, 0, 1)
	monday := time.Date(now.Year(), now.Month(), now.Day(), 8, 0, 0, 0, now.Location())
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, 1)
	}
	r.Clock.Set(monday)
	if !r.Clock.Now().Equal(monday) {
		t.Fatalf("clock at %v; want %v", r.Clock.Now(), monday)
	}
	return r, monday
}

// followups returns the follow-ups that answer interaction id.
func followups(reqs []discordtest.Request, id string) []discordtest.Request {
	var out []discordtest.Request
	for _, q := range sentTo(reqs, "webhook") {
		if strings.HasPrefix(q.Path, "/api/v9/webhooks/1000/tok-"+id) && strings.TrimPrefix(q.Path, "/api/v9/webhooks/1000/tok-"+id) == "" {
			out = append(out, q)
		}
	}
	return out
}

// slash runs a slash command in a guild (or a DM, with guild "") and
// waits until a follow-up containing want answers it.
func (r *rig) slash(t *testing.T, id, guild, user, name, command, want string, options ...map[string]any) []discordtest.Request {
	t.Helper()
	r.fake.SlashCommand(id, guild, user, name, command, options...)
	return r.answered(t, id, want)
}

// answered waits for a follow-up to interaction id that contains want.
func (r *rig) answered(t *testing.T, id, want string) []discordtest.Request {
	t.Helper()
	reqs := r.fake.WaitFor(t, 5*time.Second, "an answer to "+id+" saying "+want, func(reqs []discordtest.Request) bool {
		for _, q := range followups(reqs, id) {
			if strings.Contains(content(q), want) {
				return true
			}
		}
		return false
	})
	return followups(reqs, id)
}

// withFiles returns the messages that carry files.
func withFiles(reqs []discordtest.Request) []discordtest.Request {
	var out []discordtest.Request
	for _, q := range reqs {
		if len(q.Files) > 0 {
			out = append(out, q)
		}
	}
	return out
}

// checkPNGs checks that every file is a PNG that decodes to a picture.
func checkPNGs(t *testing.T, files []discordtest.File) {
	t.Helper()
	for _, f := range files {
		if f.ContentType != "image/png" {
			t.Errorf("%s sent as %q; want image/png", f.Name, f.ContentType)
		}
		img, err := png.Decode(bytes.NewReader(f.Data))
		if err != nil {
			t.Errorf("%s (%d bytes) is not a PNG: %v", f.Name, len(f.Data), err)
			continue
		}
		if b := img.Bounds(); b.Dx() < 50 || b.Dy() < 50 {
			t.Errorf("%s is %dx%d: too small to be a chart", f.Name, b.Dx(), b.Dy())
		}
	}
}

func fileNames(files []discordtest.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

// onlyNoMentions reports whether a message's allowed_mentions is an
// empty parse list with no users or roles allowed (discordgo also sends
// replied_user: false): nothing in it can ping anyone.
func onlyNoMentions(q discordtest.Request) bool {
	am, ok := q.Body["allowed_mentions"].(map[string]any)
	if !ok {
		return false
	}
	for k, v := range am {
		switch k {
		case "parse":
			if list, ok := v.([]any); !ok || len(list) != 0 {
				return false
			}
		case "replied_user":
			if v != false {
				return false
			}
		default: // users, roles
			if list, ok := v.([]any); !ok || len(list) != 0 {
				return false
			}
		}
	}
	_, ok = am["parse"]
	return ok
}

// TestProgressComesWithItsPictures: progress in a DM, and /progress in
// a guild, answer with the summary and its three pictures attached, each
// a PNG; in a guild the answer, pictures and all, stays ephemeral.
func TestProgressComesWithItsPictures(t *testing.T) {
	r := start(t, false)
	onboard(t, r, "1301")
	before := len(sentTo(r.fake.Requests(), discordtest.DMChannel("1301")))
	r.fake.DM("pr1", "1301", "1301", "progress")
	reqs := r.fake.WaitFor(t, 5*time.Second, "progress with pictures in the DM", func(reqs []discordtest.Request) bool {
		return len(withFiles(sentTo(reqs, discordtest.DMChannel("1301"))[before:])) > 0
	})
	answer := sentTo(reqs, discordtest.DMChannel("1301"))[before:]
	dm := withFiles(answer)
	if len(dm) != 1 || len(dm[0].Files) == 0 {
		t.Fatalf("%d DM posts with files; want 1", len(dm))
	}
	want := []string{"calendar.png", "ratings.png", "milestones.png"}
	if got := fileNames(dm[0].Files); !reflect.DeepEqual(got, want) {
		t.Fatalf("DM progress attached %v; want %v", got, want)
	}
	checkPNGs(t, dm[0].Files)
	var text strings.Builder
	for _, q := range answer {
		text.WriteString(content(q))
		if !onlyNoMentions(q) {
			t.Errorf("progress post may ping: %v", q.Body["allowed_mentions"])
		}
	}
	for _, want := range []string{"Write 300 words every weekday", "open the draft"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("progress text lacks %q: %q", want, text.String())
		}
	}

	got := r.slash(t, "pr2", "g1", "1301", "ana", "progress", "Write 300 words every weekday")
	files := withFiles(got)
	if len(files) != 1 {
		t.Fatalf("/progress: %d follow-ups with files; want 1", len(files))
	}
	if names := fileNames(files[0].Files); !reflect.DeepEqual(names, want) {
		t.Fatalf("/progress attached %v; want %v", names, want)
	}
	checkPNGs(t, files[0].Files)
	for _, q := range got {
		if q.Body["flags"] != float64(64) {
			t.Errorf("/progress in a guild was not ephemeral: %v", q.Body)
		}
	}
}

// button presses the button of a follow-up whose value is value.
func (r *rig) button(t *testing.T, msg discordtest.Request, id, guild, user, name, value string) {
	t.Helper()
	rows, _ := msg.Body["components"].([]any)
	for _, row := range rows {
		for _, b := range row.(map[string]any)["components"].([]any) {
			if cid, _ := b.(map[string]any)["custom_id"].(string); strings.HasSuffix(cid, "|"+value) {
				r.fake.Button(id, guild, user, name, cid)
				return
			}
		}
	}
	t.Fatalf("no %q button in %v", value, msg.Body)
}

func (r *rig) fire(t *testing.T) {
	t.Helper()
	if _, err := r.Engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) lastWeekly(t *testing.T, group string) time.Time {
	t.Helper()
	at, err := r.DB.LastWeekly(bg, group)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestWeeklyDigestAndCoachReportOnDiscord: at the group's digest time
// (Sunday 18:00 in the default zone) the group's channel gets the digest
// of the public member's wins, never a private member's, with nothing in
// it able to ping; the coach gets the report in a DM with a calendar for
// each member who consented. The round is made once.
func TestWeeklyDigestAndCoachReportOnDiscord(t *testing.T) {
	r, monday := startOnMonday(t)
	g1 := discordtest.Snowflake("g1")
	if err := r.DB.SetGroupSettings(bg, g1, mustGroup("777")); err != nil {
		t.Fatal(err)
	}
	onboard(t, r, "1401") // ana: public
	onboard(t, r, "1402") // bo: private, shares with the coach
	// The coach joins the group with any command in the guild.
	r.slash(t, "w0", "g1", "1403", "cora", "help", "")
	r.slash(t, "w1", "g1", "1401", "ana", "share", "", map[string]any{"name": "who", "type": 3, "value": "public"})
	r.slash(t, "w2", "g1", "1401", "ana", "win", "", map[string]any{"name": "what", "type": 3, "value": "@everyone look <@&1> I ran 5k"})
	r.slash(t, "w3", "g1", "1402", "bo", "win", "", map[string]any{"name": "what", "type": 3, "value": "bo's private win"})
	ask := r.slash(t, "w4", "g1", "1402", "bo", "coach", "cora", map[string]any{"name": "coach", "type": 6, "value": "1403"})
	r.button(t, ask[len(ask)-1], "w5", "g1", "1402", "bo", "yes")
	r.answered(t, "w5", "can now see your summary")
	if p, _, _ := r.DB.Person(bg, bot.NewPersonID("discord", "1402")); p == nil || p.Membership(g1) == nil || p.Membership(g1).Coach != bot.NewPersonID("discord", "1403") {
		t.Fatalf("bo's coach in the group: %+v", p)
	}
	// The public win was posted at once; the digest comes on Sunday.
	before := len(sentTo(r.fake.Requests(), "777"))
	if before != 1 {
		t.Fatalf("%d posts in the channel before the digest; want the public win", before)
	}

	sunday := time.Date(monday.Year(), monday.Month(), monday.Day()+6, 18, 0, 0, 0, monday.Location())
	r.Clock.Set(sunday.Add(-time.Minute))
	r.fire(t)
	if at := r.lastWeekly(t, g1); !at.IsZero() {
		t.Fatalf("a round was made at %v, before its time %v", at, sunday)
	}
	r.Clock.Set(sunday)
	r.fire(t)
	coachDM := discordtest.DMChannel("1403")
	reqs := r.fake.WaitFor(t, 10*time.Second, "the digest and the coach report", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, "777")) > before && len(withFiles(sentTo(reqs, coachDM))) > 0
	})
	if at := r.lastWeekly(t, g1); !at.Equal(sunday) {
		t.Errorf("round recorded for %v; want %v", at, sunday)
	}

	digest := sentTo(reqs, "777")[before:]
	if len(digest) != 1 {
		t.Fatalf("%d digest posts; want 1: %v", len(digest), digest)
	}
	text := content(digest[0])
	for _, want := range []string{"This week in the group", "• ana", "@everyone look <@&1> I ran 5k"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "• bo") || strings.Contains(text, "cora") {
		t.Errorf("digest names someone private:\n%s", text)
	}
	if !onlyNoMentions(digest[0]) {
		t.Errorf("the digest carries @everyone but may ping: allowed_mentions %v", digest[0].Body["allowed_mentions"])
	}
	if len(digest[0].Files) != 0 {
		t.Errorf("the digest has files: %v", fileNames(digest[0].Files))
	}
	for _, q := range r.fake.Requests() {
		if strings.Contains(string(q.Raw), "private win") && q.Path != "/api/v9/webhooks/1000/tok-w3" && !strings.HasSuffix(q.Path, coachDM+"/messages") {
			t.Errorf("bo's private win went to %s %s", q.Method, q.Path)
		}
	}

	report := sentTo(reqs, coachDM)
	var reportText strings.Builder
	for _, q := range report {
		reportText.WriteString(content(q))
		if !onlyNoMentions(q) {
			t.Errorf("coach report may ping: %v", q.Body["allowed_mentions"])
		}
	}
	for _, want := range []string{"coach report", "bo", "bo's private win"} {
		if !strings.Contains(reportText.String(), want) {
			t.Errorf("coach report lacks %q:\n%s", want, reportText.String())
		}
	}
	if strings.Contains(reportText.String(), "I ran 5k") {
		t.Errorf("coach report shows ana, who did not consent:\n%s", reportText.String())
	}
	pictures := withFiles(report)
	if len(pictures) != 1 || len(pictures[0].Files) != 1 {
		t.Fatalf("coach report pictures: %d posts; want one post with one calendar (bo's)", len(pictures))
	}
	if name := pictures[0].Files[0].Name; !strings.HasPrefix(name, "calendar-") || !strings.Contains(name, "bo") {
		t.Errorf("calendar named %q; want bo's", name)
	}
	checkPNGs(t, pictures[0].Files)

	// Again: nothing. The outbox goes in order, so once the coach's
	// answer to a later DM has arrived, anything queued by this second
	// round would have arrived before it.
	r.fire(t)
	if at := r.lastWeekly(t, g1); !at.Equal(sunday) {
		t.Errorf("round recorded for %v after firing again; want %v", at, sunday)
	}
	reportMsgs := len(report)
	r.dm(t, "w6", "1403", "help")
	reqs = r.fake.Requests()
	if n := len(sentTo(reqs, "777")); n != before+1 {
		t.Errorf("channel has %d posts after firing again; want %d", n, before+1)
	}
	if n := len(withFiles(sentTo(reqs, coachDM))); n != 1 {
		t.Errorf("coach got %d reports; want 1", n)
	}
	if n := len(sentTo(reqs, coachDM)); n <= reportMsgs {
		t.Errorf("coach DM: %d messages; want the report's %d and the answer to help", n, reportMsgs)
	}
}

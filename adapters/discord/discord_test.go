package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"followthrough/adapters/discord"
	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store"
)

const token = "test-token"

type rig struct {
	fake   *discordtest.Fake
	db     *store.DB
	engine *bot.Engine
	clock  *bot.SimClock
	done   chan error
}

// start runs the real adapter (real discordgo client) against a fake
// Discord on 127.0.0.1, with a real bbolt store.
func start(t *testing.T, reconnect bool) *rig {
	t.Helper()
	fake := discordtest.New(t, token)
	db, err := store.Open(filepath.Join(t.TempDir(), "d.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	words, _ := prompts.New("")
	queued := make(chan struct{}, 1)
	clock := bot.NewSimClock(time.Now())
	engine, err := bot.New(bot.Config{Store: db, Words: words, Clock: clock, DefaultZone: "Europe/Berlin",
		Queued: func() {
			select {
			case queued <- struct{}{}:
			default:
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := discord.New(discord.Options{Token: token, APIURL: fake.URL, Engine: engine, Store: db, Queued: queued,
		Reconnect: reconnect, Rate: 1000, Backoff: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &rig{fake: fake, db: db, engine: engine, clock: clock, done: make(chan error, 1)}
	go func() { r.done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("adapter did not stop")
		}
		db.Close()
	})
	fake.WaitConnected(t, 10*time.Second)
	fake.WaitFor(t, 5*time.Second, "command registration", func(reqs []discordtest.Request) bool {
		for _, r := range reqs {
			if r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") {
				return true
			}
		}
		return false
	})
	return r
}

// sentTo returns the contents posted to a channel (or follow-ups, "webhook").
func sentTo(reqs []discordtest.Request, where string) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range reqs {
		if r.Method != "POST" || !r.Accepted() {
			continue
		}
		if where == "webhook" && strings.HasPrefix(r.Path, "/api/v9/webhooks/") || r.Path == "/api/v9/channels/"+where+"/messages" {
			out = append(out, r)
		}
	}
	return out
}

func content(r discordtest.Request) string { s, _ := r.Body["content"].(string); return s }

// dm sends a DM and waits for the bot's answer (n messages in that DM).
func (r *rig) dm(t *testing.T, id, user, text string) []discordtest.Request {
	t.Helper()
	before := len(sentTo(r.fake.Requests(), discordtest.DMChannel(user)))
	r.fake.DM(id, user, user, text)
	reqs := r.fake.WaitFor(t, 5*time.Second, "an answer to "+text, func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, discordtest.DMChannel(user))) > before
	})
	return sentTo(reqs, discordtest.DMChannel(user))[before:]
}

func onboard(t *testing.T, r *rig, user string) {
	t.Helper()
	for i, line := range []string{"hi", "skip", "Write 300 words every weekday", "skip", "open the draft", "9", "my coffee", "9:00", "daily"} {
		r.dm(t, fmt.Sprintf("%s-on-%d", user, i), user, line)
	}
}

func TestBadTokenIsAClearErrorNotALoop(t *testing.T) {
	fake := discordtest.New(t, token)
	db, _ := store.Open(filepath.Join(t.TempDir(), "d.db"), store.Options{})
	defer db.Close()
	a, err := discord.New(discord.Options{Token: "wrong", APIURL: fake.URL, Store: db})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background()) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "refused the token") {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a bad token did not end Run")
	}
	if n := len(fake.Requests()); n != 1 {
		t.Errorf("%d requests with a bad token; want 1 (no retry loop)", n)
	}
	if _, err := discord.New(discord.Options{Token: " "}); err == nil {
		t.Error("an empty token was accepted")
	}
}

func TestLeastIntentsAndSlashCommands(t *testing.T) {
	r := start(t, false)
	if got := r.fake.Intents(); len(got) != 1 || got[0] != 1<<12 {
		t.Errorf("intents = %v; want only DIRECT_MESSAGES (4096), no privileged MESSAGE_CONTENT", got)
	}
	var cmds []map[string]any
	for _, q := range r.fake.Requests() {
		if q.Method == "PUT" {
			if q.Path != "/api/v9/applications/1000/commands" {
				t.Errorf("registered at %s", q.Path)
			}
			json.Unmarshal([]byte(q.Body["_raw"].(string)), &cmds)
		}
	}
	names := map[string]bool{}
	for _, c := range cmds {
		name, desc := c["name"].(string), c["description"].(string)
		names[name] = true
		if len(name) > 32 || desc == "" || len([]rune(desc)) > 100 || strings.ToLower(name) != name {
			t.Errorf("command %q / %q breaks Discord's limits", name, desc)
		}
	}
	for _, want := range []string{"help", "goal", "checkin", "win", "progress", "remind", "pause", "resume", "stop", "share", "coach", "setup", "export", "forget"} {
		if !names[want] {
			t.Errorf("slash command %s not registered", want)
		}
	}
}

func TestDMConversationToAGoal(t *testing.T) {
	r := start(t, false)
	first := r.dm(t, "m1", "111", "hi")
	if !strings.Contains(content(first[0]), "what brought you here") {
		t.Fatalf("first answer: %q", content(first[0]))
	}
	onboard(t, r, "222")
	reqs := r.fake.WaitFor(t, 5*time.Second, "the plan", func(reqs []discordtest.Request) bool {
		for _, m := range sentTo(reqs, discordtest.DMChannel("222")) {
			if strings.Contains(content(m), "Here's your plan") && strings.Contains(content(m), "Write 300 words every weekday") {
				return true
			}
		}
		return false
	})
	sent := sentTo(reqs, discordtest.DMChannel("222"))
	for _, m := range sent {
		am, ok := m.Body["allowed_mentions"].(map[string]any)
		if parse, isList := am["parse"].([]any); !ok || !isList || len(parse) != 0 {
			t.Fatalf("message without empty allowed_mentions: %v", m.Body)
		}
	}
	if p, ok, _ := r.db.Person(bot.NewPersonID("discord", "222")); !ok || !p.Onboarded || p.Goal == "" {
		t.Fatalf("person not stored as onboarded: %+v", p)
	}
}

func TestButtonsCheckInAndStaleButton(t *testing.T) {
	r := start(t, false)
	onboard(t, r, "333")
	r.fake.SlashCommand("i1", "", "333", "ana", "checkin")
	reqs := r.fake.WaitFor(t, 5*time.Second, "the check-in question", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, "webhook")) >= 1
	})
	q := sentTo(reqs, "webhook")[0]
	rows, _ := q.Body["components"].([]any)
	if len(rows) == 0 {
		t.Fatalf("check-in question has no buttons: %v", q.Body)
	}
	var done string
	for _, b := range rows[0].(map[string]any)["components"].([]any) {
		if bm := b.(map[string]any); bm["label"] == "Done" {
			done = bm["custom_id"].(string)
		}
	}
	if done == "" {
		t.Fatal("no Done button")
	}
	r.fake.Button("i2", "", "333", "ana", done)
	reqs = r.fake.WaitFor(t, 5*time.Second, "the celebration", func(reqs []discordtest.Request) bool {
		for _, m := range sentTo(reqs, "webhook") {
			if strings.Contains(content(m), "open the draft") && !strings.Contains(content(m), "How did it go") {
				return true
			}
		}
		return false
	})
	ci, _ := r.db.CheckIns(bot.NewPersonID("discord", "333"), time.Time{})
	if len(ci) != 1 || ci[0].Outcome != bot.Done {
		t.Fatalf("check-ins = %+v", ci)
	}
	r.fake.Button("i3", "", "333", "ana", done) // the same, old button again
	r.fake.WaitFor(t, 5*time.Second, "a polite answer to the stale button", func(reqs []discordtest.Request) bool {
		for _, m := range sentTo(reqs, "webhook") {
			if strings.Contains(content(m), "earlier question") {
				return true
			}
		}
		return false
	})
	if ci, _ := r.db.CheckIns(bot.NewPersonID("discord", "333"), time.Time{}); len(ci) != 1 {
		t.Errorf("the stale button recorded another check-in: %d", len(ci))
	}
}

func TestSetupNeedsManageServer(t *testing.T) {
	r := start(t, false)
	ch := map[string]any{"name": "channel", "type": 7, "value": "777"}
	r.fake.SlashCommandWithPermissions("s1", "g1", "444", "bo", "setup", 0, ch)
	reqs := r.fake.WaitFor(t, 5*time.Second, "setup refusal", func(reqs []discordtest.Request) bool {
		for _, q := range reqs {
			if strings.HasSuffix(q.Path, "/tok-s1/callback") {
				return true
			}
		}
		return false
	})
	for _, q := range reqs {
		if strings.HasSuffix(q.Path, "/tok-s1/callback") {
			data := q.Body["data"].(map[string]any)
			if !strings.Contains(data["content"].(string), "Only server admins") || data["flags"].(float64) != 64 {
				t.Errorf("refusal = %v", data)
			}
		}
	}
	if g, _ := r.db.GroupSettings(discordtest.Snowflake("g1")); g.Channel != "" {
		t.Fatal("setup by a non-admin changed the group")
	}
	r.fake.SlashCommandWithPermissions("s2", "g1", "445", "admin", "setup", 1<<5, ch)
	r.fake.WaitFor(t, 5*time.Second, "setup", func(reqs []discordtest.Request) bool {
		g, _ := r.db.GroupSettings(discordtest.Snowflake("g1"))
		return g.Channel == "777"
	})
}

// TestPublicWinsReachTheChannelWithoutPings: a public person's win is
// posted to the group channel with no mentions parsed; a private
// person's win is not posted at all.
func TestPublicWinsReachTheChannelWithoutPings(t *testing.T) {
	r := start(t, false)
	r.db.SetGroupSettings(discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
	for _, u := range []string{"501", "502"} {
		onboard(t, r, u)
	}
	r.fake.SlashCommand("p1", "g1", "501", "ana", "share", map[string]any{"name": "who", "type": 3, "value": "public"})
	r.fake.SlashCommand("p2", "g1", "501", "ana", "win", map[string]any{"name": "what", "type": 3, "value": "@everyone look <@&1> I ran 5k"})
	r.fake.SlashCommand("p3", "g1", "502", "bo", "win", map[string]any{"name": "what", "type": 3, "value": "bo's private win"})
	reqs := r.fake.WaitFor(t, 5*time.Second, "the public win and both private answers", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, "777")) >= 1 && len(sentTo(reqs, "webhook")) >= 3
	})
	public := sentTo(reqs, "777")
	if len(public) != 1 || content(public[0]) != "🎉 ana: @everyone look <@&1> I ran 5k" {
		t.Fatalf("channel got %v", public)
	}
	if am := public[0].Body["allowed_mentions"].(map[string]any); fmt.Sprint(am["parse"]) != "[]" {
		t.Fatalf("public win may ping: %v", am)
	}
	for _, f := range sentTo(reqs, "webhook") {
		if f.Body["flags"].(float64) != 64 {
			t.Errorf("a private answer in a guild was not ephemeral: %v", f.Body)
		}
	}
	for _, q := range reqs {
		if strings.Contains(content(q), "bo's private win") && !strings.HasPrefix(q.Path, "/api/v9/webhooks/") {
			t.Fatalf("a private win left the private follow-up: %s", q.Path)
		}
	}
}

// TestRateLimitStormLosesNothing: the fake answers the first posts with
// 429s; every reply is still delivered, once, in order.
func TestRateLimitStormLosesNothing(t *testing.T) {
	r := start(t, false)
	var limited atomic.Int32
	r.fake.SetFail(func(method, path string, body map[string]any) *discordtest.Failure {
		if method == "POST" && strings.HasSuffix(path, "/messages") && limited.Load() < 6 {
			limited.Add(1)
			return &discordtest.Failure{Status: 429, Body: `{"message":"You are being rate limited.","retry_after":0.02,"global":false}`}
		}
		return nil
	})
	for i := 0; i < 3; i++ {
		r.fake.DM(fmt.Sprintf("rl%d", i), "601", "cy", fmt.Sprintf("win number %d", i))
	}
	reqs := r.fake.WaitFor(t, 20*time.Second, "three answers despite 429s", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, discordtest.DMChannel("601"))) >= 3
	})
	got := sentTo(reqs, discordtest.DMChannel("601"))
	if len(got) != 3 || limited.Load() != 6 {
		t.Fatalf("delivered %d, 429s %d", len(got), limited.Load())
	}
	for i, m := range got {
		if want := fmt.Sprintf("“number %d”", i); !strings.Contains(content(m), want) {
			t.Errorf("message %d = %q; want it to celebrate %s (in order, once each)", i, content(m), want)
		}
	}
}

// TestResumeRedeliveryHandledOnce: the gateway drops, the client resumes,
// and the same message is delivered again: it is answered once.
func TestResumeRedeliveryHandledOnce(t *testing.T) {
	r := start(t, true)
	r.dm(t, "dup-1", "701", "hi")
	r.fake.DropConnection()
	r.fake.WaitConnected(t, 10*time.Second)
	if r.fake.Resumes() == 0 && len(r.fake.Intents()) < 2 {
		t.Fatal("the client did not come back")
	}
	r.fake.DM("dup-1", "701", "701", "hi") // redelivered
	r.dm(t, "dup-2", "701", "skip")        // a new message, to know the first was handled
	got := sentTo(r.fake.Requests(), discordtest.DMChannel("701"))
	welcomes := 0
	for _, m := range got {
		if strings.Contains(content(m), "what brought you here") {
			welcomes++
		}
	}
	if welcomes != 1 {
		t.Fatalf("the redelivered message was answered %d times", welcomes)
	}
}

// TestClosedDMsAreRecordedNotRetried: a 403 (50007) on a reminder DM is
// recorded with its reason, the person is told once in the group channel,
// and later reminders are not attempted.
func TestClosedDMsAreRecordedNotRetried(t *testing.T) {
	r := start(t, false)
	r.db.SetGroupSettings(discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
	r.fake.SlashCommand("c1", "g1", "801", "dee", "help") // joins the group, no DM yet
	r.fake.WaitFor(t, 5*time.Second, "help", func(reqs []discordtest.Request) bool { return len(sentTo(reqs, "webhook")) >= 1 })
	id := bot.NewPersonID("discord", "801")
	r.fake.SetFail(func(method, path string, body map[string]any) *discordtest.Failure {
		if path == "/api/v9/channels/"+discordtest.DMChannel("801")+"/messages" {
			return &discordtest.Failure{Status: 403, Body: `{"message":"Cannot send messages to this user","code":50007}`}
		}
		return nil
	})
	for i, line := range []string{"hi", "skip", "Write 300 words every weekday", "skip", "open the draft", "9", "my coffee", "9:00", "daily"} {
		if _, err := r.engine.Handle(context.Background(), bot.Event{ID: fmt.Sprint("x", i), Person: id, Text: line}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := r.fake.WaitFor(t, 10*time.Second, "the closed-DM notice in the group", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, "777")) == 1
	})
	// Reminders on the next days: given up at once, no DM attempted.
	p, _, _ := r.db.Person(id)
	for day := 0; day < 3; day++ {
		r.clock.Set(p.NextReminder.Add(time.Duration(day)*24*time.Hour + time.Minute))
		if _, err := r.engine.FireDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// The outbox is sent in order: once this public post arrives, the
	// reminders queued before it were dealt with.
	r.db.SetGroupSettings(discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
	r.fake.SlashCommand("c9", "g1", "801", "dee", "share", map[string]any{"name": "who", "type": 3, "value": "public"})
	r.fake.SlashCommand("c10", "g1", "801", "dee", "win", map[string]any{"name": "what", "type": 3, "value": "asked for help"})
	reqs = r.fake.WaitFor(t, 10*time.Second, "the public win after the reminders", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, "777")) == 2
	})
	attempts := 0
	for _, q := range reqs {
		if q.Path == "/api/v9/channels/"+discordtest.DMChannel("801")+"/messages" {
			attempts++
		}
	}
	if attempts != 1 {
		t.Errorf("%d DM attempts after DMs were closed; want 1", attempts)
	}
	notice := sentTo(reqs, "777")[0]
	if am := notice.Body["allowed_mentions"].(map[string]any); fmt.Sprint(am["users"]) != "[801]" {
		t.Errorf("notice may mention more than the person: %v", am)
	}
	failed, _ := r.db.Undelivered("discord")
	if len(failed) < 10 || !strings.Contains(failed[0].Reason, "DMs closed") || !strings.Contains(failed[len(failed)-1].Reason, "not retried") {
		t.Errorf("undeliverable record = %+v", failed)
	}
}

func TestGoalModal(t *testing.T) {
	r := start(t, false)
	onboard(t, r, "901")
	r.fake.SlashCommand("g1", "", "901", "eve", "goal")
	reqs := r.fake.WaitFor(t, 5*time.Second, "a modal", func(reqs []discordtest.Request) bool {
		for _, q := range reqs {
			if strings.HasSuffix(q.Path, "/tok-g1/callback") {
				return true
			}
		}
		return false
	})
	for _, q := range reqs {
		if strings.HasSuffix(q.Path, "/tok-g1/callback") && q.Body["type"].(float64) != 9 {
			t.Fatalf("goal without text did not open a modal: %v", q.Body)
		}
	}
	r.fake.ModalSubmit("g2", "", "901", "eve", "ft-modal|goal", "goal", "Run a 5k by June")
	r.fake.WaitFor(t, 5*time.Second, "the goal set", func(reqs []discordtest.Request) bool {
		p, _, _ := r.db.Person(bot.NewPersonID("discord", "901"))
		return p != nil && p.Goal == "Run a 5k by June"
	})
}

// TestServerErrorsAreRetried: 500s are retried with back-off; the reply
// is delivered once when Discord recovers.
func TestServerErrorsAreRetried(t *testing.T) {
	r := start(t, false)
	var failures atomic.Int32
	r.fake.SetFail(func(method, path string, body map[string]any) *discordtest.Failure {
		if path == "/api/v9/channels/"+discordtest.DMChannel("902")+"/messages" && failures.Load() < 2 {
			failures.Add(1)
			return &discordtest.Failure{Status: 500, Body: `{"message":"Internal Server Error","code":0}`}
		}
		return nil
	})
	r.fake.DM("e1", "902", "fay", "hi")
	reqs := r.fake.WaitFor(t, 20*time.Second, "delivery after two 500s", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, discordtest.DMChannel("902"))) == 1
	})
	if n := len(sentTo(reqs, discordtest.DMChannel("902"))); n != 1 || failures.Load() != 2 {
		t.Fatalf("delivered %d times after %d failures", n, failures.Load())
	}
}

func mustGroup(channel string) bot.GroupSettings { return bot.GroupSettings{Channel: channel} }

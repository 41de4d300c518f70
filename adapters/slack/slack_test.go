package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"followthrough/adapters/slack"
	"followthrough/adapters/slack/slacktest"
	"followthrough/bot"
	"followthrough/bot/bottest"
)

const (
	botToken = "xoxb-test-bot"
	appToken = "xapp-test-app"
	secret   = "8f742231b10e8888abcd99yyyzzz85a5"
	wait     = 10 * time.Second
)

// bg is the context of the tests' own calls.
var bg = context.Background()

// rig is the real adapter (the real slack-go client) against a fake
// Slack on 127.0.0.1, with the shared test kit's engine, store and
// words. The engine's clock is simulated; the adapter keeps the real
// one: it paces and ages what it sends by the time that passes for
// Slack.
type rig struct {
	*bottest.Kit
	fake *slacktest.Fake
	a    *slack.Adapter
	done chan error
}

// start runs the adapter with the engine's clock starting now.
func start(t *testing.T, mode string, tweak ...func(*slack.Options)) *rig {
	t.Helper()
	return startAt(t, mode, time.Now(), tweak...)
}

// startAt is start with the engine's clock starting at begin, for tests
// that move time to fire reminders and weekly rounds.
func startAt(t *testing.T, mode string, begin time.Time, tweak ...func(*slack.Options)) *rig {
	t.Helper()
	fake := slacktest.New(t, botToken, appToken)
	fake.AddUser(slacktest.User{ID: "UANA", Name: "ana", DisplayName: "Ana", TZ: "America/New_York"})
	fake.AddUser(slacktest.User{ID: "UBEN", Name: "ben", TZ: "Asia/Kolkata"})
	fake.AddUser(slacktest.User{ID: "UADM", Name: "ada", TZ: "Europe/Berlin", Admin: true})
	queued := make(chan struct{}, 1)
	k := bottest.New(t, bottest.Options{Start: begin, Zone: "UTC", NoSync: true, Configure: func(c *bot.Config) {
		c.Queued = func() {
			select {
			case queued <- struct{}{}:
			default:
			}
		}
	}})
	o := slack.Options{BotToken: botToken, AppToken: appToken, SigningSecret: secret, Mode: mode, APIURL: fake.APIURL,
		Engine: k.Engine, Store: k.DB, Queued: queued, PerChannel: time.Millisecond, Rate: 1000}
	for _, f := range tweak {
		f(&o)
	}
	a, err := slack.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &rig{Kit: k, fake: fake, a: a, done: make(chan error, 1)}
	go func() { r.done <- a.Run(ctx) }()
	// Registered after the kit's: runs first, so the adapter stops
	// before the database closes.
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(wait):
			t.Error("adapter did not stop")
		}
	})
	select {
	case <-a.Started():
	case <-time.After(wait):
		t.Fatal("the adapter did not start")
	}
	if mode == slack.Socket {
		fake.WaitConnections(t, 1, wait)
	}
	return r
}

// textOf is what a post says: its sections' text, else its text.
func textOf(c slacktest.Call) string {
	var blocks []struct {
		Type string `json:"type"`
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if json.Unmarshal([]byte(c.Params["blocks"]), &blocks) == nil && len(blocks) > 0 {
		var parts []string
		for _, b := range blocks {
			if b.Type == "section" {
				parts = append(parts, b.Text.Text)
			}
		}
		return strings.Join(parts, "\n")
	}
	return c.Params["text"]
}

// postsTo are the accepted posts to a channel ("response_url" for
// answers through a response URL).
func postsTo(calls []slacktest.Call, channel string) []slacktest.Call {
	var out []slacktest.Call
	for _, c := range calls {
		if c.Status != 200 || c.Error != "" {
			continue
		}
		if channel == "response_url" && c.Method == "response_url" || c.Method == "chat.postMessage" && c.Params["channel"] == channel {
			out = append(out, c)
		}
	}
	return out
}

// expect waits for a new post to channel containing want, after the
// first n posts there.
func (r *rig) expect(t *testing.T, channel string, n int, want string) slacktest.Call {
	t.Helper()
	calls := r.fake.WaitFor(t, wait, fmt.Sprintf("a post to %s saying %q", channel, want), func(calls []slacktest.Call) bool {
		for _, c := range postsTo(calls, channel)[min(n, len(postsTo(calls, channel))):] {
			if strings.Contains(textOf(c), want) {
				return true
			}
		}
		return false
	})
	for _, c := range postsTo(calls, channel)[n:] {
		if strings.Contains(textOf(c), want) {
			return c
		}
	}
	panic("unreachable")
}

// command runs the slash command with text from user in channel and
// waits for its answer containing want, which comes from the outbox
// through the command's response_url, for the person alone: the ack
// carries none.
func (r *rig) command(t *testing.T, user, channel, text, want string) string {
	t.Helper()
	n := len(postsTo(r.fake.Calls(), "response_url"))
	env := r.fake.Slash(t, user, channel, text)
	if ack := r.fake.WaitAck(t, env, wait); len(ack) > 0 && string(ack) != "null" {
		t.Errorf("%q was acked with %s; want an empty ack, the answer following", text, ack)
	}
	c := r.expect(t, "response_url", n, want)
	if c.Params["response_type"] != "ephemeral" {
		t.Errorf("the answer to %q is %q, not ephemeral", text, c.Params["response_type"])
	}
	return textOf(c)
}

// say sends a DM and waits for the answer that contains want.
func (r *rig) say(t *testing.T, user, text, want string) slacktest.Call {
	t.Helper()
	n := len(postsTo(r.fake.Calls(), "D"+user))
	env, _ := r.fake.DM(t, user, text)
	c := r.expect(t, "D"+user, n, want)
	if !r.fake.Acked(env) {
		r.fake.WaitAck(t, env, wait)
	}
	return c
}

func onboard(t *testing.T, r *rig, user string) {
	t.Helper()
	for _, step := range [][2]string{{"hi", "what brought you here"}, {"skip", "What's the goal"}, {"Write 300 words every weekday", "checkpoints"},
		{"skip", "smallest, easiest next step"}, {"open the draft", "On a scale of 1 to 10"}, {"9", "ride on something"}, {"my coffee", "what time"}, {"9:00", "how often"}, {"daily", "Here's your plan"}} {
		r.say(t, user, step[0], step[1])
	}
}

func person(t *testing.T, r *rig, user string) *bot.Person {
	t.Helper()
	p, ok, err := r.DB.Person(bg, bot.NewPersonID("slack", "T0001", user))
	if err != nil || !ok {
		t.Fatalf("person %s: %v %v", user, ok, err)
	}
	return p
}

func TestTokensAreCheckedBeforeAnythingConnects(t *testing.T) {
	for _, c := range []struct {
		o    slack.Options
		want string
	}{
		{slack.Options{AppToken: appToken}, "SLACK_BOT_TOKEN is empty"},
		{slack.Options{BotToken: appToken, AppToken: appToken}, "holds the app-level token"},
		{slack.Options{BotToken: "xoxp-user", AppToken: appToken}, "must start with xoxb-"},
		{slack.Options{BotToken: botToken}, "SLACK_APP_TOKEN is empty"},
		{slack.Options{BotToken: botToken, AppToken: botToken}, "holds the bot token"},
		{slack.Options{BotToken: botToken, AppToken: "xoxa-2"}, "must start with xapp-"},
		{slack.Options{BotToken: botToken, Mode: slack.HTTP}, "SLACK_SIGNING_SECRET"},
		{slack.Options{BotToken: botToken, AppToken: appToken, Mode: "websocket"}, "use socket or http"},
	} {
		_, err := slack.New(c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error saying %q", c.o, err, c.want)
		}
	}
	if _, err := slack.New(slack.Options{BotToken: " " + botToken + "\n", Mode: slack.HTTP, SigningSecret: secret}); err != nil {
		t.Errorf("HTTP mode needs no app token: %v", err)
	}
}

func TestRefusedBotTokenEndsRunWithAClearError(t *testing.T) {
	fake := slacktest.New(t, "xoxb-the-real-one", appToken)
	a, err := slack.New(slack.Options{BotToken: "xoxb-revoked", AppToken: appToken, APIURL: fake.APIURL})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background()) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "refused SLACK_BOT_TOKEN") {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(wait):
		t.Fatal("a refused token did not end Run")
	}
	if n := len(fake.Calls()); n != 1 {
		t.Errorf("%d calls with a refused token; want 1 (no retry loop)", n)
	}
}

func TestDMConversationUsesSlacksTimeZone(t *testing.T) {
	r := start(t, slack.Socket)
	first := r.say(t, "UANA", "hi", "what brought you here")
	if !strings.Contains(textOf(first), "Hi Ana") {
		t.Errorf("greeting does not use the Slack display name: %q", textOf(first))
	}
	onboard(t, r, "UANA")
	p := person(t, r, "UANA")
	if p.Identity.Zone != "America/New_York" || !p.Plan.Onboarded || p.Membership("T0001") == nil || p.Identity.Handle != "ana" {
		t.Errorf("person = zone %q onboarded %v groups %v handle %q", p.Identity.Zone, p.Plan.Onboarded, p.GroupNames(), p.Identity.Handle)
	}
	plan := textOf(postsTo(r.fake.Calls(), "DUANA")[len(postsTo(r.fake.Calls(), "DUANA"))-1])
	if !strings.Contains(plan, "America/New_York") {
		t.Errorf("the plan is not in the person's Slack time zone: %q", plan)
	}
	for _, c := range postsTo(r.fake.Calls(), "DUANA") {
		if strings.Contains(strings.ToLower(textOf(c)), "time zone?") {
			t.Errorf("asked for a zone Slack already told: %q", textOf(c))
		}
	}
	n := 0
	for _, c := range r.fake.Calls() {
		if c.Method == "users.info" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("users.info called %d times for one person; want 1 (cached)", n)
	}
}

// buttonIDs reads the action ids of a post's buttons.
func buttonIDs(t *testing.T, c slacktest.Call) map[string]string {
	t.Helper()
	var blocks []struct {
		Type     string `json:"type"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(c.Params["blocks"]), &blocks); err != nil {
		t.Fatalf("blocks: %v in %q", err, c.Params["blocks"])
	}
	ids := map[string]string{}
	for _, b := range blocks {
		for _, e := range b.Elements {
			ids[e.Value] = e.ActionID
		}
	}
	return ids
}

func TestSlashCommandButtonsAndAppHome(t *testing.T) {
	r := start(t, slack.Socket)
	onboard(t, r, "UANA")
	// In a channel, answers go through the response URL: only Ana sees them.
	before := len(postsTo(r.fake.Calls(), "response_url"))
	env := r.fake.Slash(t, "UANA", "CTEAM", "checkin")
	if ack := r.fake.WaitAck(t, env, wait); len(ack) > 0 && string(ack) != "null" {
		t.Errorf("checkin acked with %s; want an empty ack, the answer following", ack)
	}
	ask := r.expect(t, "response_url", before, "How did it go")
	if ask.Params["response_type"] != "ephemeral" {
		t.Errorf("answer in a channel is %q, not ephemeral", ask.Params["response_type"])
	}
	ids := buttonIDs(t, ask)
	if ids["done"] == "" || ids["partly"] == "" {
		t.Fatalf("no check-in buttons: %v", ids)
	}
	r.fake.Click(t, "UANA", "CTEAM", ids["done"], "done")
	r.expect(t, "response_url", before+1, "open the draft")
	if got := person(t, r, "UANA").Counts.CheckIns; got != 1 {
		t.Errorf("check-ins = %d", got)
	}
	// The App Home shows the plan and the streak, refreshed after it.
	calls := r.fake.WaitFor(t, wait, "the App Home with the streak", func(calls []slacktest.Call) bool {
		for _, c := range calls {
			if c.Method == "views.publish" && strings.Contains(c.Params["view"], "1 day") {
				return true
			}
		}
		return false
	})
	for _, c := range calls {
		if c.Method == "views.publish" && c.Params["user_id"] != "UANA" {
			t.Errorf("published a home for %q", c.Params["user_id"])
		}
	}
	// Opening the Home tab publishes it too, for a stranger as well.
	r.fake.EventCallback(t, map[string]any{"type": "app_home_opened", "user": "UBEN", "channel": "DUBEN", "tab": "home", "event_ts": "1.1"}, 0, "")
	r.fake.WaitFor(t, wait, "a welcome home for Ben", func(calls []slacktest.Call) bool {
		for _, c := range calls {
			if c.Method == "views.publish" && c.Params["user_id"] == "UBEN" && strings.Contains(c.Params["view"], "Messages") {
				return true
			}
		}
		return false
	})
}

func TestGoalFormInAModal(t *testing.T) {
	r := start(t, slack.Socket)
	onboard(t, r, "UANA")
	env := r.fake.Slash(t, "UANA", "DUANA", "goal")
	r.fake.WaitAck(t, env, wait)
	calls := r.fake.WaitFor(t, wait, "views.open", func(calls []slacktest.Call) bool {
		for _, c := range calls {
			if c.Method == "views.open" {
				return true
			}
		}
		return false
	})
	var view string
	for _, c := range calls {
		if c.Method == "views.open" {
			view = c.Params["view"]
			if c.Params["trigger_id"] == "" {
				t.Error("views.open without the command's trigger_id")
			}
		}
	}
	var modal struct {
		CallbackID string `json:"callback_id"`
		Title      struct{ Text string }
		Submit     struct{ Text string }
		Blocks     []struct {
			Label   struct{ Text string }
			Element struct{ Placeholder struct{ Text string } }
		}
	}
	if err := json.Unmarshal([]byte(view), &modal); err != nil || modal.CallbackID == "" || !strings.Contains(view, "plain_text_input") || len(modal.Blocks) != 1 {
		t.Fatalf("modal = %s (%v)", view, err)
	}
	// The form speaks the prompts' words.
	for got, name := range map[string]bot.Msg{modal.Title.Text: "form.goal.title", modal.Submit.Text: "form.save",
		modal.Blocks[0].Label.Text: "form.goal.label", modal.Blocks[0].Element.Placeholder.Text: "form.goal.placeholder"} {
		if want := r.Engine.Phrase(name, slack.Platform, bot.Extra{}); got != want || want == "" {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
	// An empty form is refused in the form itself.
	env = r.fake.Submit(t, "UANA", modal.CallbackID, "DUANA", map[string]map[string]string{"text": {"text": "  "}})
	if ack := string(r.fake.WaitAck(t, env, wait)); !strings.Contains(ack, "errors") {
		t.Errorf("an empty goal was acked with %s", ack)
	}
	n := len(postsTo(r.fake.Calls(), "DUANA"))
	r.fake.Submit(t, "UANA", modal.CallbackID, "DUANA", map[string]map[string]string{"text": {"text": "Finish the thesis draft by March"}})
	r.expect(t, "DUANA", n, "Finish the thesis draft by March")
}

func TestEchoedTextNotifiesNobody(t *testing.T) {
	r := start(t, slack.Socket, func(o *slack.Options) { o.Channel = "CTEAM" })
	onboard(t, r, "UANA")
	r.say(t, "UANA", "share public", "")
	// What Slack delivers when someone types "@channel" (a real mention)
	// and when they type the characters "<!here>".
	r.say(t, "UANA", "win <!channel> I finished &lt;!here&gt; the chapter &amp; more", "")
	r.expect(t, "CTEAM", 0, "I finished")
	for _, c := range r.fake.Posts() {
		for _, field := range []string{"text", "blocks"} {
			if v := c.Params[field]; strings.Contains(v, "<!") || strings.Contains(v, `\u003c!`) {
				t.Errorf("%s %s carries a live mention: %s", c.Method, field, v)
			}
		}
	}
	team := postsTo(r.fake.Calls(), "CTEAM")
	if got := textOf(team[0]); !strings.Contains(got, "&lt;!here&gt;") || !strings.Contains(got, "&amp; more") {
		t.Errorf("public win = %q; want the words kept, escaped", got)
	}
}

func TestRateLimitKeepsTheMessageQueuedUntilRetryAfter(t *testing.T) {
	r := start(t, slack.Socket)
	var mu sync.Mutex
	var times []time.Time
	r.fake.SetFail(func(c slacktest.Call) *slacktest.Failure {
		if c.Method != "chat.postMessage" {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		times = append(times, time.Now())
		if len(times) == 1 {
			return &slacktest.Failure{Status: 429, Error: "ratelimited", RetryAfter: 1}
		}
		return nil
	})
	r.say(t, "UBEN", "hi", "what brought you here")
	mu.Lock()
	defer mu.Unlock()
	if len(times) != 2 {
		t.Fatalf("%d attempts; want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < time.Second {
		t.Errorf("retried after %v; Slack said 1s", gap)
	}
	if n := len(postsTo(r.fake.Calls(), "DUBEN")); n != 1 {
		t.Errorf("%d posts delivered; want exactly 1", n)
	}
}

func TestPermanentRefusalIsRecordedNotRetried(t *testing.T) {
	r := start(t, slack.Socket, func(o *slack.Options) { o.Channel = "CGONE" })
	onboard(t, r, "UANA")
	r.fake.SetFail(func(c slacktest.Call) *slacktest.Failure {
		if c.Method == "chat.postMessage" && c.Params["channel"] == "CGONE" {
			return &slacktest.Failure{Error: "not_in_channel"}
		}
		return nil
	})
	r.say(t, "UANA", "share public", "")
	r.say(t, "UANA", "win shipped it", "")
	var failed []bot.Undeliverable
	for deadline := time.Now().Add(wait); time.Now().Before(deadline) && len(failed) == 0; {
		r.fake.WaitFor(t, wait, "the team post", func(calls []slacktest.Call) bool {
			for _, c := range calls {
				if c.Params["channel"] == "CGONE" {
					return true
				}
			}
			return false
		})
		failed, _ = r.DB.Undelivered(bg, "slack")
	}
	if len(failed) != 1 || !strings.Contains(failed[0].Reason, "/invite") {
		t.Fatalf("undelivered = %+v", failed)
	}
	// More work goes through, and the refused post was tried once.
	r.say(t, "UANA", "progress", "")
	attempts := 0
	for _, c := range r.fake.Calls() {
		if c.Params["channel"] == "CGONE" {
			attempts++
		}
	}
	if attempts != 1 {
		t.Errorf("%d attempts at a refused channel; want 1", attempts)
	}
}

func TestRedeliveredEventIsAnsweredOnce(t *testing.T) {
	r := start(t, slack.Socket)
	r.say(t, "UBEN", "hi", "what brought you here")
	event := map[string]any{"type": "message", "channel_type": "im", "channel": "DUBEN", "user": "UBEN", "text": "my team lead suggested it", "ts": "1700000000.000100"}
	first := r.fake.EventCallback(t, event, 0, "EvSAME")
	r.fake.WaitAck(t, first, wait)
	again := r.fake.EventCallback(t, event, 1, "EvSAME") // Slack's retry
	r.fake.WaitAck(t, again, wait)
	// A later message's answer proves the retry was processed (in order).
	r.say(t, "UBEN", "cancel", "")
	n := 0
	for _, c := range postsTo(r.fake.Calls(), "DUBEN") {
		if strings.Contains(textOf(c), "What's the goal") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the goal question was asked %d times; want 1", n)
	}
}

func TestSocketReconnectsAfterDisconnectAndDrop(t *testing.T) {
	r := start(t, slack.Socket)
	r.fake.Disconnect(t)
	r.fake.WaitConnections(t, 2, wait)
	r.say(t, "UBEN", "hi", "what brought you here")
	r.fake.Drop()
	r.fake.WaitConnections(t, 3, 30*time.Second)
	r.say(t, "UBEN", "skip", "What's the goal")
}

// TestSetupIsForAdminsAndPicksTheChannel: /followthrough setup
// #channel goes to the engine with the channel by name: a member is
// refused, an admin (users.info) picks it, each answered privately; then
// public wins go there and private ones never do.
func TestSetupIsForAdminsAndPicksTheChannel(t *testing.T) {
	r := start(t, slack.Socket)
	r.command(t, "UANA", "CTEAM", "setup <#CWINS|wins>", "Only workspace admins")
	if g, _ := r.DB.GroupSettings(bg, "T0001"); g.Channel != "" {
		t.Fatalf("a member's setup changed the settings: %+v", g)
	}
	answer := r.command(t, "UADM", "CTEAM", "setup <#CWINS|wins>", "Done")
	if !strings.Contains(answer, "#wins") {
		t.Errorf("the admin's setup answered %q; want it to name #wins", answer)
	}
	g, err := r.DB.GroupSettings(bg, "T0001")
	if err != nil || g.Channel != "CWINS" || g.ChannelName != "wins" || g.By != bot.NewPersonID("slack", "T0001", "UADM") {
		t.Fatalf("group settings = %+v %v", g, err)
	}
	for _, c := range r.fake.Posts() {
		if c.Params["channel"] == "CTEAM" || c.Params["channel"] == "CWINS" {
			t.Errorf("setup's answer was posted in a channel: %s %v", c.Method, c.Params)
		}
	}
	onboard(t, r, "UANA")
	r.say(t, "UANA", "share public", "")
	r.say(t, "UANA", "win ran the first mile", "")
	r.expect(t, "CWINS", 0, "ran the first mile")
	// A private person's wins never reach the channel.
	onboard(t, r, "UBEN")
	r.say(t, "UBEN", "win secret progress", "")
	r.say(t, "UBEN", "progress", "")
	for _, c := range postsTo(r.fake.Calls(), "CWINS") {
		if strings.Contains(textOf(c), "secret progress") {
			t.Errorf("a private win was posted: %q", textOf(c))
		}
	}
}

func TestUninstallDeletesTheWorkspace(t *testing.T) {
	r := start(t, slack.Socket, func(o *slack.Options) { o.Channel = "CTEAM" })
	onboard(t, r, "UANA")
	r.DB.SetGroupSettings(bg, "T0001", bot.GroupSettings{Channel: "CTEAM"})
	r.fake.EventCallback(t, map[string]any{"type": "app_uninstalled"}, 0, "")
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run after uninstall = %v", err)
		}
		r.done <- err // for the cleanup
	case <-time.After(wait):
		t.Fatal("Run did not stop after the uninstall")
	}
	if _, ok, _ := r.DB.Person(bg, bot.NewPersonID("slack", "T0001", "UANA")); ok {
		t.Error("the person survived the uninstall")
	}
	if g, _ := r.DB.GroupSettings(bg, "T0001"); g.Channel != "" {
		t.Errorf("the team's settings survived: %+v", g)
	}
	if r.a.Connected() {
		t.Error("still reports connected")
	}
}

func TestPostsArePacedPerConversationWithoutHoldingOthers(t *testing.T) {
	const pace = 300 * time.Millisecond
	r := start(t, slack.Socket, func(o *slack.Options) { o.PerChannel = pace })
	var mu sync.Mutex
	at := map[string][]time.Time{}
	r.fake.SetFail(func(c slacktest.Call) *slacktest.Failure {
		if c.Method == "chat.postMessage" {
			mu.Lock()
			at[c.Params["channel"]] = append(at[c.Params["channel"]], time.Now())
			mu.Unlock()
		}
		return nil
	})
	// Three messages from Ana at once, then one from Ben.
	for _, text := range []string{"hi", "skip", "Write 300 words every weekday"} {
		r.fake.DM(t, "UANA", text)
	}
	r.fake.DM(t, "UBEN", "hi")
	calls := r.fake.WaitFor(t, wait, "three answers to Ana and one to Ben", func(calls []slacktest.Call) bool {
		return len(postsTo(calls, "DUANA")) == 3 && len(postsTo(calls, "DUBEN")) == 1
	})
	ana := postsTo(calls, "DUANA")
	for i, want := range []string{"what brought you here", "What's the goal", "checkpoints"} {
		if !strings.Contains(textOf(ana[i]), want) {
			t.Errorf("answer %d to Ana = %q; want %q (in order)", i+1, textOf(ana[i]), want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	times := at["DUANA"]
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < pace {
			t.Errorf("posts %d and %d to one conversation %v apart; want at least %v", i, i+1, gap, pace)
		}
	}
	if ben := at["DUBEN"]; len(ben) != 1 || !ben[0].Before(times[2]) {
		t.Errorf("Ben's answer waited behind Ana's paced ones: ben %v, ana %v", ben, times)
	}
}

func TestRevokedBotTokenDeletesTheWorkspace(t *testing.T) {
	r := start(t, slack.Socket)
	r.say(t, "UANA", "hi", "what brought you here")
	// Someone else's token revoked: nothing happens.
	r.fake.EventCallback(t, map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": []string{"UANA"}, "bot": []string{}}}, 0, "")
	r.say(t, "UANA", "skip", "What's the goal")
	r.fake.EventCallback(t, map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": []string{}, "bot": []string{r.fake.BotUserID}}}, 0, "")
	select {
	case err := <-r.done:
		r.done <- err
	case <-time.After(wait):
		t.Fatal("Run did not stop after the bot token was revoked")
	}
	if _, ok, _ := r.DB.Person(bg, bot.NewPersonID("slack", "T0001", "UANA")); ok {
		t.Error("the person survived the revocation")
	}
}

func TestCommandInADMBetweenPeopleIsAnsweredPrivately(t *testing.T) {
	r := start(t, slack.Socket)
	r.say(t, "UANA", "hi", "what brought you here") // the bot's own DM is DUANA
	before := len(postsTo(r.fake.Calls(), "response_url"))
	r.fake.Slash(t, "UANA", "DHUMANS", "help")
	r.expect(t, "response_url", before, "checkin")
	for _, c := range r.fake.Calls() {
		if c.Params["channel"] == "DHUMANS" {
			t.Errorf("the bot posted into a DM between people: %s %q", c.Method, c.Params["text"])
		}
	}
}

func TestASlowFormDoesNotHoldUpOthers(t *testing.T) {
	r := start(t, slack.Socket)
	release, started := make(chan struct{}), make(chan struct{})
	var once sync.Once
	r.fake.SetFail(func(c slacktest.Call) *slacktest.Failure {
		if c.Method == "views.open" {
			once.Do(func() { close(started) })
			<-release // Slack is slow to open Ana's form
		}
		return nil
	})
	defer close(release)
	slow := r.fake.Slash(t, "UANA", "CTEAM", "goal")
	select {
	case <-started:
	case <-time.After(wait):
		t.Fatal("views.open never came")
	}
	// Ben is answered and acked while Ana's form is still opening.
	r.say(t, "UBEN", "hi", "what brought you here")
	if r.fake.Acked(slow) {
		t.Error("the slow command was acked before its form opened")
	}
}

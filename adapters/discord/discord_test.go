package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"followthrough/adapters/discord"
	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
	"followthrough/bot/bottest"
)

const token = "test-token"

// bg is the context of the tests' own calls.
var bg = context.Background()

// rig is the real adapter (the real discordgo client) against a fake
// Discord on 127.0.0.1, with the shared test kit's engine, store and
// words. The engine's clock is simulated, starting now; the adapter
// keeps the real one: it paces and ages what it sends by the time that
// passes for Discord.
type rig struct {
	*bottest.Kit
	fake *discordtest.Fake
	done chan error
}

// kit is the shared test kit for the adapter's tests, starting now,
// with queued calling wake.
func kit(t *testing.T, wake chan struct{}) *bottest.Kit {
	t.Helper()
	return bottest.New(t, bottest.Options{Start: time.Now(), NoSync: true, Configure: func(c *bot.Config) {
		c.Queued = func() {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}})
}

// start runs the adapter against a new fake and waits until it has
// connected and registered its commands.
func start(t *testing.T, reconnect bool, tweak ...func(*discord.Options)) *rig {
	t.Helper()
	fake := discordtest.New(t, token)
	queued := make(chan struct{}, 1)
	k := kit(t, queued)
	o := discord.Options{Token: token, APIURL: fake.URL, Engine: k.Engine, Store: k.DB, Queued: queued,
		Reconnect: reconnect, Rate: 1000, Backoff: 20 * time.Millisecond}
	for _, f := range tweak {
		f(&o)
	}
	a, err := discord.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &rig{Kit: k, fake: fake, done: make(chan error, 1)}
	go func() { r.done <- a.Run(ctx) }()
	// Registered after the kit's: runs first, so the adapter stops
	// before the database closes.
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("adapter did not stop")
		}
	})
	fake.WaitConnected(t, 10*time.Second)
	registered(t, fake)
	return r
}

// registered waits for the slash commands to be registered and returns
// them as sent.
func registered(t *testing.T, fake *discordtest.Fake) []map[string]any {
	t.Helper()
	reqs := fake.WaitFor(t, 5*time.Second, "command registration", func(reqs []discordtest.Request) bool {
		for _, r := range reqs {
			if r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") {
				return true
			}
		}
		return false
	})
	var cmds []map[string]any
	for _, q := range reqs {
		if q.Method == "PUT" && strings.HasSuffix(q.Path, "/commands") {
			if err := json.Unmarshal([]byte(q.Body["_raw"].(string)), &cmds); err != nil {
				t.Fatal(err)
			}
		}
	}
	return cmds
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
	k := kit(t, make(chan struct{}, 1))
	a, err := discord.New(discord.Options{Token: "wrong", APIURL: fake.URL, Engine: k.Engine, Store: k.DB})
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
	for _, q := range r.fake.Requests() {
		if q.Method == "PUT" && q.Path != "/api/v9/applications/1000/commands" {
			t.Errorf("registered at %s", q.Path)
		}
	}
	cmds := registered(t, r.fake)
	for _, c := range cmds {
		name, desc := c["name"].(string), c["description"].(string)
		if len(name) > 32 || desc == "" || len([]rune(desc)) > 100 || strings.ToLower(name) != name {
			t.Errorf("command %q / %q breaks Discord's limits", name, desc)
		}
	}
	checkCommandsAreTheEngines(t, r.Engine.CommandSpecs(discord.Platform), cmds)
}

// checkCommandsAreTheEngines checks that the slash commands registered
// are the engine's command table, in its words: every command, in
// order, each option with its Discord type, whether it is required, its
// choices and its limits.
func checkCommandsAreTheEngines(t *testing.T, specs []bot.CommandSpec, cmds []map[string]any) {
	t.Helper()
	types := map[bot.ArgKind]float64{bot.TextArg: 3, bot.NumberArg: 4, bot.UserArg: 6, bot.ChannelArg: 7, bot.RoleArg: 8}
	if len(cmds) != len(specs) {
		t.Fatalf("%d slash commands registered; the engine has %d", len(cmds), len(specs))
	}
	for i, spec := range specs {
		c := cmds[i]
		if c["name"] != spec.Name || c["description"] != spec.Description {
			t.Errorf("command %d = %v %q; want %s %q", i, c["name"], c["description"], spec.Name, spec.Description)
			continue
		}
		options, _ := c["options"].([]any)
		if len(options) != len(spec.Options) {
			t.Errorf("/%s has %d options; want %d", spec.Name, len(options), len(spec.Options))
			continue
		}
		byName := map[string]map[string]any{}
		optional := false
		for _, o := range options {
			om := o.(map[string]any)
			byName[om["name"].(string)] = om
			required, _ := om["required"].(bool)
			if required && optional {
				t.Errorf("/%s: required option %v after an optional one", spec.Name, om["name"])
			}
			optional = optional || !required
		}
		for _, want := range spec.Options {
			o := byName[want.Name]
			if o == nil {
				t.Errorf("/%s lacks option %s", spec.Name, want.Name)
				continue
			}
			required, _ := o["required"].(bool)
			if o["type"] != types[want.Kind] || o["description"] != want.Description || required != want.Required {
				t.Errorf("/%s %s = %v; want type %v, %q, required %v", spec.Name, want.Name, o, types[want.Kind], want.Description, want.Required)
			}
			choices, _ := o["choices"].([]any)
			if len(choices) != len(want.Choices) {
				t.Errorf("/%s %s has %d choices; want %d", spec.Name, want.Name, len(choices), len(want.Choices))
			}
			for k, ch := range choices {
				if k < len(want.Choices) && (ch.(map[string]any)["name"] != want.Choices[k].Label || ch.(map[string]any)["value"] != want.Choices[k].Value) {
					t.Errorf("/%s %s choice %d = %v; want %+v", spec.Name, want.Name, k, ch, want.Choices[k])
				}
			}
			if want.Kind == bot.NumberArg && want.Max > 0 && (o["min_value"] != float64(want.Min) || o["max_value"] != float64(want.Max)) {
				t.Errorf("/%s %s = %v; want %d to %d", spec.Name, want.Name, o, want.Min, want.Max)
			}
			if want.MaxLength > 0 && o["max_length"] != float64(want.MaxLength) {
				t.Errorf("/%s %s max_length = %v; want %d", spec.Name, want.Name, o["max_length"], want.MaxLength)
			}
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
	p, ok, _ := r.DB.Person(bg, bot.NewPersonID("discord", "222"))
	if !ok || !p.Plan.Onboarded || p.Plan.Goal == "" {
		t.Fatalf("person not stored as onboarded: %+v", p)
	}
	if p.Identity.Handle != "222" {
		t.Errorf("the Discord username did not reach the engine: handle %q", p.Identity.Handle)
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
	ci, _ := r.DB.CheckIns(bg, bot.NewPersonID("discord", "333"), time.Time{})
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
	if ci, _ := r.DB.CheckIns(bg, bot.NewPersonID("discord", "333"), time.Time{}); len(ci) != 1 {
		t.Errorf("the stale button recorded another check-in: %d", len(ci))
	}
}

// TestPublicWinsReachTheChannelWithoutPings: a public person's win is
// posted to the group channel with no mentions parsed; a private
// person's win is not posted at all.
func TestPublicWinsReachTheChannelWithoutPings(t *testing.T) {
	r := start(t, false)
	r.DB.SetGroupSettings(bg, discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
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
	r.DB.SetGroupSettings(bg, discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
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
		if _, err := r.Engine.Handle(context.Background(), bot.Event{ID: fmt.Sprint("x", i), Person: id, Text: line}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := r.fake.WaitFor(t, 10*time.Second, "the closed-DM notice in the group", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, "777")) == 1
	})
	// Reminders on the next days: given up at once, no DM attempted.
	p, _, _ := r.DB.Person(bg, id)
	for day := 0; day < 3; day++ {
		r.Clock.Set(p.Schedule.Next.Add(time.Duration(day)*24*time.Hour + time.Minute))
		if _, err := r.Engine.FireDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// The outbox is sent in order: once this public post arrives, the
	// reminders queued before it were dealt with.
	r.DB.SetGroupSettings(bg, discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
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
	failed, _ := r.DB.Undelivered(bg, "discord")
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
	var form, input string
	for _, q := range reqs {
		if !strings.HasSuffix(q.Path, "/tok-g1/callback") {
			continue
		}
		if q.Body["type"].(float64) != 9 {
			t.Fatalf("goal without text did not open a modal: %v", q.Body)
		}
		data := q.Body["data"].(map[string]any)
		form = data["custom_id"].(string)
		row := data["components"].([]any)[0].(map[string]any)
		field := row["components"].([]any)[0].(map[string]any)
		input = field["custom_id"].(string)
		// The form speaks the prompts' words, within Discord's limits.
		for got, name := range map[string]bot.Msg{data["title"].(string): "form.goal.title",
			field["label"].(string): "form.goal.label", field["placeholder"].(string): "form.goal.placeholder"} {
			if want := r.Engine.Phrase(name, discord.Platform, bot.Extra{}); got != want || want == "" {
				t.Errorf("%s = %q; want %q", name, got, want)
			}
		}
	}
	r.fake.ModalSubmit("g2", "", "901", "eve", form, input, "Run a 5k by June")
	r.fake.WaitFor(t, 5*time.Second, "the goal set", func(reqs []discordtest.Request) bool {
		p, _, _ := r.DB.Person(bg, bot.NewPersonID("discord", "901"))
		return p != nil && p.Plan.Goal == "Run a 5k by June"
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

// TestAnAnswerTooLateForItsInteractionGoesToTheDM: the adapter ages
// interactions by its own clock (Options.Now). An answer that could not
// go out as a follow-up before the interaction's token ran out (Discord
// allows 15 minutes) goes to the person's DM instead.
func TestAnAnswerTooLateForItsInteractionGoesToTheDM(t *testing.T) {
	var offset atomic.Int64
	r := start(t, false, func(o *discord.Options) {
		o.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	var failed atomic.Bool
	r.fake.SetFail(func(method, path string, _ map[string]any) *discordtest.Failure {
		if strings.HasPrefix(path, "/api/v9/webhooks/") && !failed.Swap(true) {
			offset.Store(int64(20 * time.Minute)) // the follow-up failed, and time went on
			return &discordtest.Failure{Status: 500, Body: `{"message":"Internal Server Error","code":0}`}
		}
		return nil
	})
	r.fake.SlashCommand("late1", "g1", "1701", "gil", "help")
	reqs := r.fake.WaitFor(t, 10*time.Second, "the answer in the DM", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, discordtest.DMChannel("1701"))) == 1
	})
	if !failed.Load() {
		t.Fatal("no follow-up was tried")
	}
	if n := len(followups(reqs, "late1")); n != 0 {
		t.Errorf("%d follow-ups made after the token ran out", n)
	}
	if text := content(sentTo(reqs, discordtest.DMChannel("1701"))[0]); !strings.Contains(text, "what I can do") {
		t.Errorf("the DM says %q; want the help", text)
	}
}

// TestMaskedLinkWinIsPostedInert: a public win written as a masked link
// reaches the channel, through the real client, with the link made
// inert: Discord shows the text and the address as they are, never a
// link labelled with the person's words under the bot's name.
func TestMaskedLinkWinIsPostedInert(t *testing.T) {
	r := start(t, false)
	r.DB.SetGroupSettings(bg, discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
	onboard(t, r, "501")
	r.fake.SlashCommand("m1", "g1", "501", "ana", "share", map[string]any{"name": "who", "type": 3, "value": "public"})
	r.fake.SlashCommand("m2", "g1", "501", "ana", "win", map[string]any{"name": "what", "type": 3, "value": "[Free Nitro](https://evil.example) and [x](<https://evil.example>)"})
	reqs := r.fake.WaitFor(t, 5*time.Second, "the public win", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, "777")) >= 1
	})
	public := sentTo(reqs, "777")
	want := `🎉 ana: [Free Nitro]\(https://evil.example) and [x]\(<https://evil.example>)`
	if len(public) != 1 || content(public[0]) != want {
		t.Fatalf("channel got %v, want %q", public, want)
	}
}

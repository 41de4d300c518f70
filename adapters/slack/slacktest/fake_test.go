package slacktest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"followthrough/adapters/slack/slacktest"
)

const wait = 10 * time.Second

func newFake(t *testing.T) (*slacktest.Fake, *slack.Client) {
	f := slacktest.New(t, "xoxb-bot", "xapp-app")
	return f, slack.New(f.BotToken, slack.OptionAPIURL(f.APIURL), slack.OptionAppLevelToken(f.AppToken))
}

func TestWebAPI(t *testing.T) {
	f, api := newFake(t)

	at, err := api.AuthTest()
	if err != nil || at.UserID != f.BotUserID || at.TeamID != f.TeamID || at.BotID != f.BotID {
		t.Fatalf("AuthTest = %+v, %v", at, err)
	}
	if _, err := slack.New("xoxb-wrong", slack.OptionAPIURL(f.APIURL)).AuthTest(); err == nil || err.Error() != "invalid_auth" {
		t.Fatalf("AuthTest with a wrong token: %v", err)
	}

	ch, ts, err := api.PostMessage("C1", slack.MsgOptionText("hello", false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*hi*", false, false), nil, nil)))
	if err != nil || ch != "C1" || ts == "" {
		t.Fatalf("PostMessage = %q %q %v", ch, ts, err)
	}
	_, ts2, _ := api.PostMessage("C1", slack.MsgOptionText("again", false))
	if ts2 == ts {
		t.Fatalf("two posts got the same ts %q", ts)
	}
	if _, err := api.PostEphemeral("C1", "U1", slack.MsgOptionText("psst", false)); err != nil {
		t.Fatal(err)
	}
	if _, uts, _, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("edited", false)); err != nil || uts != ts {
		t.Fatalf("UpdateMessage = %q, %v", uts, err)
	}
	posts := f.Posts()
	if len(posts) != 4 || posts[2].Method != "chat.postEphemeral" || posts[3].Params["ts"] != ts || posts[0].Params["text"] != "hello" || posts[0].Token != f.BotToken || !strings.Contains(posts[0].Params["blocks"], `"*hi*"`) {
		t.Fatalf("posts = %+v", posts)
	}

	resp, err := http.PostForm(f.APIURL+"chat.nonsense", url.Values{"token": {f.BotToken}})
	if err != nil {
		t.Fatal(err)
	}
	var unknown struct{ Error string }
	json.NewDecoder(resp.Body).Decode(&unknown)
	resp.Body.Close()
	if unknown.Error != "unknown_method" {
		t.Fatalf("unknown method answered %+v", unknown)
	}

	dm, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || dm.ID != "DU1" {
		t.Fatalf("OpenConversation = %+v, %v", dm, err)
	}

	f.AddUser(slacktest.User{ID: "U1", Name: "ann", RealName: "Ann Smith", TZ: "Europe/Berlin", Admin: true})
	u, err := api.GetUserInfo("U1")
	if err != nil || u.TZ != "Europe/Berlin" || u.RealName != "Ann Smith" || !u.IsAdmin || u.Profile.DisplayName != "ann" {
		t.Fatalf("GetUserInfo = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfo("UNKNOWN"); err == nil || err.Error() != "user_not_found" {
		t.Fatalf("GetUserInfo of an unknown user: %v", err)
	}

	v, err := api.OpenView("trigger", slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "add",
		Title: slack.NewTextBlockObject("plain_text", "Add", false, false)})
	if err != nil || v.ID == "" || v.CallbackID != "add" {
		t.Fatalf("OpenView = %+v, %v", v, err)
	}
	if c := f.Calls()[len(f.Calls())-1]; c.Method != "views.open" || c.Token != f.BotToken || c.Params["trigger_id"] != "trigger" ||
		!strings.Contains(c.Params["view"], `"callback_id":"add"`) {
		t.Fatalf("views.open call = %+v", c)
	}
}

func TestFailures(t *testing.T) {
	f, api := newFake(t)
	f.Fail = func(c slacktest.Call) *slacktest.Failure {
		switch c.Params["channel"] {
		case "CBUSY":
			return &slacktest.Failure{Status: http.StatusTooManyRequests, Error: "ratelimited", RetryAfter: 2}
		case "CGONE":
			return &slacktest.Failure{Error: "channel_not_found"}
		case "CSLOW":
			return &slacktest.Failure{Delay: time.Hour}
		}
		return nil
	}

	_, _, err := api.PostMessage("CBUSY", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("PostMessage rate limited: %#v", err)
	}
	_, _, err = api.PostMessage("CGONE", slack.MsgOptionText("x", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "channel_not_found" {
		t.Fatalf("PostMessage to a missing channel: %#v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err = api.PostMessageContext(ctx, "CSLOW", slack.MsgOptionText("x", false)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("PostMessage that times out: %v", err)
	}
	calls := f.WaitFor(t, wait, "the slow call", func(cs []slacktest.Call) bool { return len(cs) == 3 })
	if calls[0].Status != 429 || calls[0].Error != "ratelimited" || calls[1].Status != 200 || calls[1].Error != "channel_not_found" || calls[2].Status != 0 {
		t.Fatalf("calls = %+v", calls)
	}
	if p := f.Posts(); len(p) != 0 {
		t.Fatalf("failed posts counted as posts: %+v", p)
	}
}

func TestUpload(t *testing.T) {
	f, api := newFake(t)
	data := []byte("id,title\n1,Buy milk\n")
	fs, err := api.UploadFileContext(context.Background(), slack.UploadFileParameters{Filename: "tasks.csv", FileSize: len(data),
		Reader: bytes.NewReader(data), Title: "Tasks", Channel: "DU1", InitialComment: "here you go"})
	if err != nil {
		t.Fatal(err)
	}
	ups := f.Uploads()
	if len(ups) != 1 || ups[0].FileID != fs.ID || fs.Title != "Tasks" {
		t.Fatalf("uploads = %+v, file = %+v", ups, fs)
	}
	if u := ups[0]; !bytes.Equal(u.Data, data) || u.Filename != "tasks.csv" || u.Channel != "DU1" || u.InitialComment != "here you go" || !u.Completed {
		t.Fatalf("upload = %+v", u)
	}
}

func TestSign(t *testing.T) {
	body := []byte("token=x&command=%2Ffollowthrough")
	ts, sig := slacktest.Sign("s3cret", time.Now(), body)
	h := http.Header{"X-Slack-Request-Timestamp": {ts}, "X-Slack-Signature": {sig}}
	sv, err := slack.NewSecretsVerifier(h, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	sv.Write(body)
	if err := sv.Ensure(); err != nil {
		t.Fatalf("signature rejected: %v", err)
	}
}

// next returns the client's next event of type typ, skipping others.
func next(t *testing.T, sm *socketmode.Client, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case e := <-sm.Events:
			if e.Type == typ {
				return e
			}
		case <-timeout:
			t.Fatalf("no %s event within %v", typ, wait)
		}
	}
}

func TestSocketMode(t *testing.T) {
	f, api := newFake(t)
	sm := socketmode.New(api)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- sm.RunContext(ctx) }()
	t.Cleanup(func() { cancel(); <-stopped })

	next(t, sm, socketmode.EventTypeConnected)
	next(t, sm, socketmode.EventTypeHello)
	f.WaitConnections(t, 1, wait)

	env, evID := f.DM(t, "U1", "remind me tomorrow")
	e := next(t, sm, socketmode.EventTypeEventsAPI)
	ev := e.Data.(slackevents.EventsAPIEvent)
	msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || msg.Text != "remind me tomorrow" || msg.User != "U1" || msg.Channel != "DU1" || msg.ChannelType != "im" {
		t.Fatalf("event = %#v", ev.InnerEvent.Data)
	}
	if cb := ev.Data.(*slackevents.EventsAPICallbackEvent); cb.EventID != evID || e.Request.EnvelopeID != env {
		t.Fatalf("event id %q envelope %q, want %q %q", cb.EventID, e.Request.EnvelopeID, evID, env)
	}
	if f.Acked(env) {
		t.Fatal("acked before the client acked")
	}
	sm.Ack(*e.Request)
	if p := f.WaitAck(t, env, wait); p != nil {
		t.Fatalf("ack payload = %s", p)
	}

	env = f.Slash(t, "U1", "DU1", "list")
	e = next(t, sm, socketmode.EventTypeSlashCommand)
	cmd := e.Data.(slack.SlashCommand)
	if cmd.Command != "/followthrough" || cmd.Text != "list" || cmd.ChannelName != "directmessage" || cmd.UserID != "U1" || !e.Request.AcceptsResponsePayload {
		t.Fatalf("slash command = %+v", cmd)
	}
	sm.Ack(*e.Request, map[string]any{"text": "working on it"})
	var ackBody struct{ Text string }
	if err := json.Unmarshal(f.WaitAck(t, env, wait), &ackBody); err != nil || ackBody.Text != "working on it" {
		t.Fatalf("slash ack = %+v, %v", ackBody, err)
	}
	if _, _, err := api.PostMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral), slack.MsgOptionText("3 tasks", false)); err != nil {
		t.Fatal(err)
	}
	if p := f.Posts(); len(p) != 1 || p[0].Method != "response_url" || p[0].Params["text"] != "3 tasks" || p[0].Params["response_type"] != "ephemeral" {
		t.Fatalf("posts = %+v", p)
	}

	f.Click(t, "U1", "DU1", "done", "task-7")
	cb := next(t, sm, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 || cb.User.ID != "U1" || cb.Container.ChannelID != "DU1" {
		t.Fatalf("click = %+v", cb)
	}
	if a := cb.ActionCallback.BlockActions[0]; a.ActionID != "done" || a.Value != "task-7" {
		t.Fatalf("action = %+v", a)
	}

	f.Submit(t, "U1", "add", "meta", map[string]map[string]string{"title": {"title_input": "Buy milk"}})
	cb = next(t, sm, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != "add" || cb.View.PrivateMetadata != "meta" ||
		cb.View.State.Values["title"]["title_input"].Value != "Buy milk" {
		t.Fatalf("submission = %+v", cb)
	}

	env = f.EventCallback(t, map[string]any{"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"}, 2, "EvSAME")
	e = next(t, sm, socketmode.EventTypeEventsAPI)
	if home, ok := e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); !ok || home.User != "U1" ||
		e.Request.RetryAttempt != 2 || e.Request.RetryReason != "timeout" || e.Request.EnvelopeID != env {
		t.Fatalf("app_home_opened = %#v, request %+v", e.Data, e.Request)
	}

	f.Disconnect(t)
	f.WaitConnections(t, 2, wait)
	env, _ = f.DM(t, "U1", "after reconnect")
	e = next(t, sm, socketmode.EventTypeEventsAPI)
	sm.Ack(*e.Request)
	f.WaitAck(t, env, wait)

	f.Drop()
	f.WaitConnections(t, 3, wait)
	opens := 0
	for _, c := range f.Calls() {
		if c.Method == "apps.connections.open" {
			opens++
			if c.Token != f.AppToken || c.Header.Get("Authorization") != "Bearer "+f.AppToken {
				t.Fatalf("apps.connections.open call = %+v", c)
			}
		}
	}
	if opens != 3 {
		t.Fatalf("%d apps.connections.open calls, want 3", opens)
	}
}

func TestPings(t *testing.T) {
	f, _ := newFake(t)
	f.PingEvery = 10 * time.Millisecond
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(f.URL, "http")+"/link", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pings := make(chan struct{}, 10)
	c.SetPingHandler(func(string) error {
		select {
		case pings <- struct{}{}:
		default:
		}
		return nil
	})
	go func() {
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for range 3 {
		select {
		case <-pings:
		case <-time.After(wait):
			t.Fatal("no ping")
		}
	}
}

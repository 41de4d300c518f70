// Package slacktest is a small Slack for tests: a Web API and a Socket Mode
// websocket on 127.0.0.1 that the real slack-go client connects to. It
// records every call the bot makes, sends the envelopes a test asks for,
// reads the bot's acks, and can answer with errors, 429s or slow replies.
//
// Point the client at it with
//
//	slack.New(f.BotToken, slack.OptionAPIURL(f.APIURL), slack.OptionAppLevelToken(f.AppToken))
package slacktest

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Call is one request the bot made to the fake.
type Call struct {
	// Method is the Web API method ("chat.postMessage", "users.info", ...),
	// "response_url" for a post to a response URL, or "upload" for the
	// file bytes sent to the upload URL of files.getUploadURLExternal.
	Method string
	// Params are the form fields, or the top-level JSON fields as strings
	// (nested JSON re-marshalled compactly), e.g. Params["channel"],
	// Params["text"], Params["blocks"]. Uploads have "file_id" and "filename".
	Params map[string]string
	Raw    []byte      // the body as sent
	Header http.Header // the headers as sent
	Token  string      // the Bearer token, or else the form field "token"
	Status int         // the HTTP status answered; 0 if the client gave up during a Failure's Delay
	Error  string      // the Slack "error" answered with ok=false; "" when ok
	At     time.Time   // when the fake took the call in
}

// Failure is an answer the fake gives instead of the normal one.
type Failure struct {
	Status     int           // HTTP status; 200 (with ok:false) when zero, 400 for an upload, whose body slack-go ignores
	Error      string        // Slack error code, e.g. "channel_not_found", "ratelimited"
	RetryAfter int           // seconds; sets the Retry-After header (slack-go reads it on 429)
	Delay      time.Duration // wait this long first; stops early when the client gives up
}

// User is a workspace member that users.info knows.
type User struct {
	ID, Name, RealName, TZ string
	DisplayName            string // profile.display_name; Name when empty
	Admin, Bot             bool
}

// Upload is a file sent through files.getUploadURLExternal, the upload URL
// and files.completeUploadExternal.
type Upload struct {
	FileID, Filename, Title, Channel, InitialComment string
	Data                                             []byte // the bytes posted to the upload URL
	Completed                                        bool   // files.completeUploadExternal named it
}

// Fake is a running fake Slack.
type Fake struct {
	URL    string // the server, http://127.0.0.1:port
	APIURL string // URL + "/api/", for slack.OptionAPIURL

	BotToken, AppToken              string
	TeamID, BotUserID, BotID, AppID string // "T0001", "UBOT", "BBOT", "A0001"

	// Command is the slash command Slash sends; "/followthrough" by default.
	Command string
	// PingEvery is how often a socket connection gets a websocket PING
	// (slack-go reconnects after 30 s without one); read when a
	// connection opens. 2 s by default (and when zero).
	PingEvery time.Duration

	// Fail, if set, is asked about every Web API, response_url and upload
	// call that passed the token check; a non-nil answer replaces the
	// normal one. A Failure with only a Delay delays the normal answer.
	// It is called from server goroutines. Set it before the client
	// starts; once it runs, use SetFail.
	Fail func(c Call) *Failure

	srv       *httptest.Server
	done      chan struct{} // closed by Close
	closeOnce sync.Once
	epoch     int64
	writeMu   sync.Mutex // serialises data writes to the sockets

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced on every change
	seq         int
	calls       []Call
	users       map[string]User
	uploads     []Upload
	lastTS      map[string]string // channel -> ts of the bot's latest message
	acks        map[string]json.RawMessage
	socks       map[*websocket.Conn]bool
	conn        *websocket.Conn // the connection that got hello last
	connections int
}

type obj = map[string]any

// New starts a fake Slack that accepts botToken for the Web API and
// appToken for apps.connections.open; t.Cleanup closes it.
func New(t testing.TB, botToken, appToken string) *Fake {
	f := &Fake{BotToken: botToken, AppToken: appToken, TeamID: "T0001", BotUserID: "UBOT", BotID: "BBOT", AppID: "A0001",
		Command: "/followthrough", PingEvery: 2 * time.Second, done: make(chan struct{}), epoch: time.Now().Unix(),
		changed: make(chan struct{}), users: map[string]User{}, lastTS: map[string]string{}, acks: map[string]json.RawMessage{},
		socks: map[*websocket.Conn]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	f.APIURL = f.URL + "/api/"
	t.Cleanup(f.Close)
	return f
}

// Close closes every socket connection and stops the fake.
func (f *Fake) Close() {
	f.closeOnce.Do(func() {
		f.locked(func() {
			close(f.done)
			for c := range f.socks {
				c.Close()
			}
			f.conn = nil
		})
		f.srv.Close()
	})
}

// notify wakes the waiters; f.mu must be held.
func (f *Fake) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *Fake) locked(fn func()) { f.mu.Lock(); defer f.mu.Unlock(); fn() }

func (f *Fake) next() (n int) { f.locked(func() { f.seq++; n = f.seq }); return n }

func (f *Fake) ts() string { return fmt.Sprintf("%d.%06d", f.epoch, f.next()) }

// SetFail replaces Fail while the client runs.
func (f *Fake) SetFail(fail func(c Call) *Failure) { f.locked(func() { f.Fail = fail }) }

// AddUser makes users.info know u; unknown users get "user_not_found".
func (f *Fake) AddUser(u User) { f.locked(func() { f.users[u.ID] = u }) }

// Calls returns every call so far, in order of answer.
func (f *Fake) Calls() (c []Call) { f.locked(func() { c = append(c, f.calls...) }); return c }

// Posts returns the accepted chat.postMessage, chat.postEphemeral,
// chat.update and response_url calls, in order.
func (f *Fake) Posts() []Call {
	var out []Call
	for _, c := range f.Calls() {
		switch c.Method {
		case "chat.postMessage", "chat.postEphemeral", "chat.update", "response_url":
			if c.Status == http.StatusOK && c.Error == "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// Uploads returns the files announced by files.getUploadURLExternal, in order.
func (f *Fake) Uploads() (u []Upload) { f.locked(func() { u = append(u, f.uploads...) }); return u }

// Connections counts the socket connections that got hello so far.
func (f *Fake) Connections() (n int) { f.locked(func() { n = f.connections }); return n }

// Acked reports whether the bot acked the envelope.
func (f *Fake) Acked(envelopeID string) (ok bool) {
	f.locked(func() { _, ok = f.acks[envelopeID] })
	return ok
}

// await re-checks done on every change until it holds, or fails the test
// after timeout with what().
func (f *Fake) await(t testing.TB, timeout time.Duration, done func() bool, what func() string) {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		f.mu.Lock()
		ch := f.changed
		f.mu.Unlock()
		if done() {
			return
		}
		select {
		case <-ch:
		case <-timer.C:
			t.Fatalf("slacktest: timed out after %v waiting for %s", timeout, what())
		}
	}
}

// WaitFor waits until cond holds for the calls so far and returns them, or
// fails the test after timeout naming what and listing the calls. It wakes
// on every new call, ack or connection: no sleeping.
func (f *Fake) WaitFor(t testing.TB, timeout time.Duration, what string, cond func([]Call) bool) []Call {
	t.Helper()
	var calls []Call
	f.await(t, timeout, func() bool { calls = f.Calls(); return cond(calls) },
		func() string { return what + "; calls:" + summary(calls) })
	return calls
}

func summary(calls []Call) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "\n  %s %d %q channel=%q text=%q", c.Method, c.Status, c.Error, c.Params["channel"], c.Params["text"])
	}
	return b.String()
}

// WaitConnections waits until at least n socket connections got hello.
func (f *Fake) WaitConnections(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	f.await(t, timeout, func() bool { return f.Connections() >= n },
		func() string { return fmt.Sprintf("%d socket connections (have %d)", n, f.Connections()) })
}

// WaitAck waits for the bot's ack of the envelope and returns its payload
// (nil when absent or null).
func (f *Fake) WaitAck(t testing.TB, envelopeID string, timeout time.Duration) json.RawMessage {
	t.Helper()
	var payload json.RawMessage
	f.await(t, timeout, func() (ok bool) {
		f.locked(func() { payload, ok = f.acks[envelopeID] })
		return ok
	}, func() string { return "the ack of envelope " + envelopeID })
	return payload
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path == "/link" {
		f.socket(w, r)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	params, file := parse(r, raw)
	c := Call{Params: params, Raw: raw, Header: r.Header.Clone(), At: time.Now()}
	switch {
	case strings.HasPrefix(path, "/api/"):
		c.Method = strings.TrimPrefix(path, "/api/")
	case strings.HasPrefix(path, "/response/"):
		c.Method = "response_url"
	case strings.HasPrefix(path, "/upload/"):
		c.Method, params["file_id"] = "upload", strings.TrimPrefix(path, "/upload/")
	default:
		http.NotFound(w, r)
		return
	}
	if c.Token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "); c.Token == "" {
		c.Token = params["token"]
	}
	status, body := f.answer(r, w, &c, file)
	if body["ok"] == false {
		c.Error, _ = body["error"].(string)
		if c.Method == "upload" && status == http.StatusOK {
			status = http.StatusBadRequest // slack-go reads only the status of an upload
		}
	}
	c.Status = status
	f.locked(func() { f.calls = append(f.calls, c); f.notify() })
	if status != 0 { // 0: the client is gone
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(body)
	}
}

// parse reads a form, JSON or multipart body into Params; the bytes of a
// multipart file part are returned apart.
func parse(r *http.Request, raw []byte) (p map[string]string, file []byte) {
	p = map[string]string{}
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	mt, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mt == "application/json":
		var m map[string]json.RawMessage
		json.Unmarshal(raw, &m)
		for k, v := range m {
			var s string
			if json.Unmarshal(v, &s) != nil { // not a string: compact JSON
				var b bytes.Buffer
				json.Compact(&b, v)
				s = b.String()
			}
			p[k] = s
		}
	case strings.HasPrefix(mt, "multipart/"):
		mr := multipart.NewReader(bytes.NewReader(raw), mp["boundary"])
		for part, err := mr.NextPart(); err == nil; part, err = mr.NextPart() {
			data, _ := io.ReadAll(part)
			if part.FileName() != "" {
				p["filename"], file = part.FileName(), data
			} else {
				p[part.FormName()] = string(data)
			}
		}
	default:
		q, _ := url.ParseQuery(string(raw))
		for k, v := range q {
			p[k] = v[0]
		}
	}
	return p, file
}

func ok(m obj) obj         { m["ok"] = true; return m }
func fail(code string) obj { return obj{"ok": false, "error": code} }

// answer checks the token and asks Fail; then reply gives the normal answer.
func (f *Fake) answer(r *http.Request, w http.ResponseWriter, c *Call, file []byte) (int, obj) {
	want := f.BotToken
	if c.Method == "apps.connections.open" {
		want = f.AppToken
	}
	if c.Method != "response_url" && c.Token != want {
		return http.StatusOK, fail("invalid_auth")
	}
	var fl *Failure
	var ask func(Call) *Failure
	f.locked(func() { ask = f.Fail })
	if ask != nil {
		fl = ask(*c)
	}
	if fl != nil && fl.Delay > 0 {
		timer := time.NewTimer(fl.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return 0, nil
		case <-f.done:
			return 0, nil
		}
	}
	if fl == nil || fl.Status == 0 && fl.Error == "" {
		return http.StatusOK, f.reply(c, file)
	}
	if fl.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(fl.RetryAfter))
	}
	return cmp.Or(fl.Status, http.StatusOK), fail(fl.Error)
}

// reply is the normal answer to c.
func (f *Fake) reply(c *Call, file []byte) obj {
	p := c.Params
	switch c.Method {
	case "auth.test":
		return ok(obj{"url": f.URL + "/", "team": "Fake Team", "user": "followthrough",
			"team_id": f.TeamID, "user_id": f.BotUserID, "bot_id": f.BotID})
	case "apps.connections.open":
		return ok(obj{"url": "ws://" + f.srv.Listener.Addr().String() + "/link"})
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		if p["channel"] == "" {
			return fail("channel_not_found")
		}
		if c.Method == "chat.postEphemeral" {
			return ok(obj{"message_ts": f.ts()})
		}
		ts := p["ts"]
		if c.Method == "chat.postMessage" {
			ts = f.ts()
		}
		f.locked(func() { f.lastTS[p["channel"]] = ts })
		return ok(obj{"channel": p["channel"], "ts": ts, "text": p["text"], "message": obj{"type": "message",
			"user": f.BotUserID, "bot_id": f.BotID, "text": p["text"], "ts": ts, "thread_ts": p["thread_ts"]}})
	case "chat.delete":
		return ok(obj{"channel": p["channel"], "ts": p["ts"]})
	case "conversations.open":
		id := p["channel"]
		if u, _, _ := strings.Cut(p["users"], ","); u != "" {
			id = "D" + u
		}
		if id == "" {
			return fail("users_list_not_supplied")
		}
		return ok(obj{"channel": obj{"id": id, "is_im": strings.HasPrefix(id, "D"), "is_open": true}})
	case "users.info":
		var u User
		var found bool
		f.locked(func() { u, found = f.users[p["user"]] })
		if !found {
			return fail("user_not_found")
		}
		offset := 0
		if loc, err := time.LoadLocation(u.TZ); err == nil {
			_, offset = time.Now().In(loc).Zone()
		}
		return ok(obj{"user": obj{"id": u.ID, "team_id": f.TeamID, "name": u.Name, "real_name": u.RealName, "tz": u.TZ,
			"tz_offset": offset, "is_admin": u.Admin, "is_bot": u.Bot,
			"profile": obj{"display_name": cmp.Or(u.DisplayName, u.Name), "real_name": u.RealName}}})
	case "views.open", "views.publish", "views.update":
		var req obj
		json.Unmarshal([]byte(p["view"]), &req)
		view := obj{"id": cmp.Or(p["view_id"], fmt.Sprintf("V%04d", f.next())), "team_id": f.TeamID, "app_id": f.AppID, "bot_id": f.BotID}
		for _, k := range []string{"type", "callback_id", "private_metadata", "external_id"} {
			if req[k] != nil {
				view[k] = req[k]
			}
		}
		return ok(obj{"view": view})
	case "files.getUploadURLExternal":
		id := fmt.Sprintf("F%04d", f.next())
		f.locked(func() { f.uploads = append(f.uploads, Upload{FileID: id, Filename: p["filename"]}) })
		return ok(obj{"upload_url": f.URL + "/upload/" + id, "file_id": id})
	case "upload":
		if !f.upload(p["file_id"], func(u *Upload) { u.Data = file }) {
			return fail("file_not_found")
		}
		return ok(obj{})
	case "files.completeUploadExternal":
		var files []struct{ ID, Title string }
		json.Unmarshal([]byte(p["files"]), &files)
		out := []obj{}
		for _, fl := range files {
			if !f.upload(fl.ID, func(u *Upload) {
				u.Title, u.Channel, u.InitialComment, u.Completed = fl.Title, cmp.Or(p["channel_id"], p["channels"]), p["initial_comment"], true
			}) {
				return fail("file_not_found")
			}
			out = append(out, obj{"id": fl.ID, "title": fl.Title})
		}
		return ok(obj{"files": out})
	case "response_url":
		return ok(obj{})
	}
	return fail("unknown_method")
}

// upload applies change to the upload with the id, if there is one.
func (f *Fake) upload(id string, change func(*Upload)) (found bool) {
	f.locked(func() {
		for i := range f.uploads {
			if f.uploads[i].FileID == id {
				change(&f.uploads[i])
				found = true
			}
		}
	})
	return found
}

// slack-go dials with Origin https://api.slack.com.
var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// socket serves one Socket Mode connection: hello, PINGs, and acks.
func (f *Fake) socket(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	closed := false
	f.locked(func() {
		select {
		case <-f.done:
			closed = true
		default:
			f.socks[c] = true
		}
	})
	defer f.locked(func() {
		delete(f.socks, c)
		if f.conn == c {
			f.conn = nil
		}
	})
	hello := obj{"type": "hello", "num_connections": 1, "connection_info": obj{"app_id": f.AppID},
		"debug_info": obj{"host": "slacktest", "build_number": 1, "approximate_connection_time": 18060}}
	if closed || f.write(c, hello) != nil {
		return
	}
	stop := make(chan struct{})
	defer close(stop)
	go f.ping(c, cmp.Or(f.PingEvery, 2*time.Second), stop)
	f.locked(func() { f.conn = c; f.connections++; f.notify() })
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) == nil && ack.EnvelopeID != "" {
			if string(ack.Payload) == "null" {
				ack.Payload = nil
			}
			f.locked(func() { f.acks[ack.EnvelopeID] = ack.Payload; f.notify() })
		}
	}
}

// ping sends a websocket PING now and then every period until stop.
func (f *Fake) ping(c *websocket.Conn, every time.Duration, stop chan struct{}) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for c.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)) == nil {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

func (f *Fake) write(c *websocket.Conn, v any) error {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.WriteJSON(v)
}

// send writes msg to the current connection, failing the test if there is
// none; retire makes the connection stop being current.
func (f *Fake) send(t testing.TB, what string, retire bool, msg obj) {
	t.Helper()
	var c *websocket.Conn
	f.locked(func() {
		if c = f.conn; retire {
			f.conn = nil
		}
	})
	if c == nil {
		t.Fatalf("slacktest: no socket mode connection to send %s to (WaitConnections first)", what)
	}
	if err := f.write(c, msg); err != nil {
		t.Fatalf("slacktest: sending %s: %v", what, err)
	}
}

// Send sends an envelope of type typ ("events_api", "slash_commands",
// "interactive") to the current connection and returns its envelope id.
// accepts_response_payload is true for all but events_api; retry_reason
// is "timeout" when retryAttempt > 0.
func (f *Fake) Send(t testing.TB, typ string, payload any, retryAttempt int) (envelopeID string) {
	t.Helper()
	envelopeID = fmt.Sprintf("env-%06d", f.next())
	reason := ""
	if retryAttempt > 0 {
		reason = "timeout"
	}
	f.send(t, "a "+typ+" envelope", false, obj{"envelope_id": envelopeID, "type": typ, "payload": payload,
		"retry_attempt": retryAttempt, "retry_reason": reason, "accepts_response_payload": typ != "events_api"})
	return envelopeID
}

// EventCallback sends an events_api envelope wrapping event in an
// event_callback; eventID "" means a new unique one.
func (f *Fake) EventCallback(t testing.TB, event map[string]any, retryAttempt int, eventID string) (envelopeID string) {
	t.Helper()
	if eventID == "" {
		eventID = fmt.Sprintf("Ev%08d", f.next())
	}
	return f.Send(t, "events_api", obj{"token": "fake-verification-token", "team_id": f.TeamID, "api_app_id": f.AppID,
		"event": event, "type": "event_callback", "event_id": eventID, "event_time": time.Now().Unix(),
		"authorizations": []obj{{"team_id": f.TeamID, "user_id": f.BotUserID, "is_bot": true}}}, retryAttempt)
}

// DM sends a direct message from user in channel "D"+user.
func (f *Fake) DM(t testing.TB, user, text string) (envelopeID, eventID string) {
	t.Helper()
	ts := f.ts()
	eventID = fmt.Sprintf("Ev%08d", f.next())
	envelopeID = f.EventCallback(t, obj{"type": "message", "channel_type": "im", "channel": "D" + user, "user": user,
		"text": text, "ts": ts, "event_ts": ts, "team": f.TeamID}, 0, eventID)
	return envelopeID, eventID
}

func (f *Fake) responseURL() string { return fmt.Sprintf("%s/response/%d", f.URL, f.next()) }
func (f *Fake) triggerID() string   { return fmt.Sprintf("%d.%d.fake", f.epoch, f.next()) }

// Slash sends the slash command f.Command with text, from user in channel
// (channel_name "directmessage" for a "D" channel).
func (f *Fake) Slash(t testing.TB, user, channel, text string) (envelopeID string) {
	t.Helper()
	name := strings.ToLower(channel)
	if strings.HasPrefix(channel, "D") {
		name = "directmessage"
	}
	return f.Send(t, "slash_commands", obj{"token": "fake-verification-token", "team_id": f.TeamID, "team_domain": "fake",
		"channel_id": channel, "channel_name": name, "user_id": user, "user_name": user, "command": f.Command, "text": text,
		"api_app_id": f.AppID, "is_enterprise_install": false, "response_url": f.responseURL(), "trigger_id": f.triggerID()}, 0)
}

func (f *Fake) member(user string) obj {
	return obj{"id": user, "name": user, "username": user, "team_id": f.TeamID}
}

// Click sends a block_actions press on a button (block_id "actions") in the
// bot's latest message in channel.
func (f *Fake) Click(t testing.TB, user, channel, actionID, value string) (envelopeID string) {
	t.Helper()
	var msgTS string
	f.locked(func() { msgTS = f.lastTS[channel] })
	if msgTS == "" {
		msgTS = f.ts()
	}
	now := fmt.Sprintf("%d.%06d", time.Now().Unix(), f.next())
	return f.Send(t, "interactive", obj{"type": "block_actions", "token": "fake-verification-token", "api_app_id": f.AppID,
		"user": f.member(user), "team": obj{"id": f.TeamID, "domain": "fake"}, "channel": obj{"id": channel},
		"container":  obj{"type": "message", "channel_id": channel, "message_ts": msgTS, "is_ephemeral": false},
		"message":    obj{"type": "message", "ts": msgTS, "user": f.BotUserID, "bot_id": f.BotID},
		"trigger_id": f.triggerID(), "response_url": f.responseURL(), "state": obj{"values": obj{}},
		"actions": []obj{{"type": "button", "action_id": actionID, "block_id": "actions", "value": value, "action_ts": now}}}, 0)
}

// Submit sends a view_submission of a modal; values maps block id to
// action id to a plain_text_input value.
func (f *Fake) Submit(t testing.TB, user, callbackID, privateMetadata string, values map[string]map[string]string) (envelopeID string) {
	t.Helper()
	state := obj{}
	for block, actions := range values {
		b := obj{}
		for action, v := range actions {
			b[action] = obj{"type": "plain_text_input", "value": v}
		}
		state[block] = b
	}
	id := fmt.Sprintf("V%04d", f.next())
	return f.Send(t, "interactive", obj{"type": "view_submission", "token": "fake-verification-token", "api_app_id": f.AppID,
		"user": f.member(user), "team": obj{"id": f.TeamID, "domain": "fake"}, "trigger_id": f.triggerID(), "response_urls": []obj{},
		"view": obj{"id": id, "team_id": f.TeamID, "type": "modal", "callback_id": callbackID, "private_metadata": privateMetadata,
			"state": obj{"values": state}, "hash": "h-" + id, "app_id": f.AppID, "bot_id": f.BotID, "root_view_id": id}}, 0)
}

// Disconnect asks the current connection to reconnect, as Slack does
// before it recycles a connection. The connection stops being current.
func (f *Fake) Disconnect(t testing.TB) {
	t.Helper()
	f.send(t, "disconnect", true, obj{"type": "disconnect", "reason": "refresh_requested", "debug_info": obj{"host": "slacktest"}})
}

// Drop closes the current connection abruptly, without a close frame, as a
// network blip would.
func (f *Fake) Drop() {
	var c *websocket.Conn
	f.locked(func() { c, f.conn = f.conn, nil })
	if c != nil {
		c.Close()
	}
}

// Sign returns the X-Slack-Request-Timestamp and X-Slack-Signature headers
// Slack puts on an HTTP request with body, signed with the signing secret.
func Sign(secret string, ts time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return timestamp, "v0=" + hex.EncodeToString(mac.Sum(nil))
}

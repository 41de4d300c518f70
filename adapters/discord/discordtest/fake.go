// Package discordtest is a small Discord for tests: a REST API and a
// gateway on 127.0.0.1 that the real discordgo client connects to. It
// records every request the bot makes, dispatches the events a test asks
// for, and can answer with 429s, 403s or 500s, slowly, or not at all.
//
// Like Discord, it makes one message per nonce (in a channel) when the
// request says enforce_nonce: a repeated request gets the first message
// back and makes none.
//
// Messages with attachments come, as to Discord, as multipart/form-data:
// the message's JSON in a payload_json part and each file in a files[n]
// part. The fake reads both (Request.Body and Request.Files) and refuses
// a form Discord would refuse (400, code 50035).
package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Request is one REST call the bot made.
type Request struct {
	Method string
	Path   string // with the API version, e.g. /api/v9/channels/1/messages
	// Body is the JSON body; for a multipart request, its payload_json
	// part (and any other plain form fields, as strings).
	Body map[string]any
	// Files are a multipart request's files[n] parts, in order.
	Files  []File
	Status int // what the fake answered
	// Raw and Header are the request as sent, for checking it against
	// Discord's API description.
	Raw    []byte
	Header http.Header
	Query  string
	// At is when the fake took the request in.
	At time.Time
	// Duplicate marks a message request whose enforced nonce matched an
	// earlier message: Discord answered with that one and made none.
	Duplicate bool
}

// File is one attachment of a multipart request.
type File struct {
	Field       string // the form field, "files[0]"
	Name        string // the file name
	ContentType string
	Data        []byte
}

// Accepted reports whether the request completed with a 2xx answer and,
// for a message, made one (it was not a duplicate).
func (r Request) Accepted() bool { return r.Status >= 200 && r.Status < 300 && !r.Duplicate }

// Failure is an answer the fake gives instead of the normal one. With
// Status 0 the normal answer is given, after the delays.
type Failure struct {
	Status int
	Body   string
	// Header is added to the answer (Retry-After, X-RateLimit-*).
	Header http.Header
	// Delay is a wait before the request is handled. A client that gives
	// up meanwhile leaves it unhandled, recorded with Status 0: nothing
	// was made.
	Delay time.Duration
	// AnswerDelay is a wait after the request was handled (a message
	// made) and before the answer: a client that gives up meanwhile never
	// learns that it went through, as when an answer is lost.
	AnswerDelay time.Duration
}

// Fake is a running fake Discord.
type Fake struct {
	URL   string
	Token string
	AppID string

	// Fail, if set, is asked about every REST request; a non-nil answer
	// is sent instead of the normal one. Set it before the client starts;
	// once it runs, use SetFail. It is called from server goroutines.
	Fail func(method, path string, body map[string]any) *Failure

	srv       *httptest.Server
	done      chan struct{} // closed by Close
	closeOnce sync.Once
	mu        sync.Mutex
	nonces    map[string]string // channel and nonce -> the message made
	reqs      []Request
	changed   chan struct{}
	conn      *websocket.Conn
	connMu    sync.Mutex // serialises writes to conn
	seq       int
	intents   []int
	resumes   int
	nextID    int
	identify  chan struct{}
	members   map[string]Member // guild id + "/" + user id -> the member
	usernames map[string]string // user id -> the name they last wrote with
}

// Member is a guild member as the fake knows them: their name there and
// their roles, which it puts on their interactions and resolves when
// someone picks them in a user option.
type Member struct {
	UserID, Username, Nick string
	Roles                  []string
}

// AddMember makes a user a member of a guild, with a nickname and roles.
func (f *Fake) AddMember(guildID string, m Member) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.members == nil {
		f.members = map[string]Member{}
	}
	f.members[Snowflake(guildID)+"/"+m.UserID] = m
}

func (f *Fake) member(guildID, userID string) (Member, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.members[guildID+"/"+userID]
	if !ok && f.usernames[userID] != "" {
		return Member{UserID: userID, Username: f.usernames[userID]}, true // a member who has written in the guild
	}
	return m, ok
}

// saw remembers a user's name from something they sent, as Discord
// knows every user's name.
func (f *Fake) saw(userID, username string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.usernames == nil {
		f.usernames = map[string]string{}
	}
	f.usernames[userID] = username
}

// New starts a fake Discord that accepts token; the test's end closes it.
func New(t testing.TB, token string) *Fake {
	f := Start(token)
	t.Cleanup(f.Close)
	return f
}

// Start starts a fake Discord outside a test (followthrough bench); the
// caller closes it.
func Start(token string) *Fake {
	f := &Fake{Token: token, AppID: "1000", changed: make(chan struct{}), identify: make(chan struct{}, 10), nextID: 5000,
		done: make(chan struct{}), nonces: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	return f
}

// Close stops the fake.
func (f *Fake) Close() {
	f.closeOnce.Do(func() {
		close(f.done)
		f.connMu.Lock()
		if f.conn != nil {
			f.conn.Close()
		}
		f.connMu.Unlock()
		f.srv.Close()
	})
}

// SetFail replaces Fail while the client runs.
func (f *Fake) SetFail(fail func(method, path string, body map[string]any) *Failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Fail = fail
}

func (f *Fake) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// Requests returns the REST calls so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.reqs...)
}

// Sent returns the messages the bot posted (channel messages and
// interaction follow-ups), in order, as made by the fake: a request the
// client gave up on before it was handled, or one that repeated an
// enforced nonce, made none.
func (f *Fake) Sent() []Request {
	var out []Request
	for _, r := range f.Requests() {
		if r.Method == "POST" && r.Accepted() && (strings.HasSuffix(r.Path, "/messages") || strings.HasPrefix(r.Path, "/api/v9/webhooks/")) {
			out = append(out, r)
		}
	}
	return out
}

// WaitFor waits until cond holds for the requests so far, or fails the
// test after timeout. It wakes on every new request: no sleeping.
func (f *Fake) WaitFor(t testing.TB, timeout time.Duration, what string, cond func([]Request) bool) []Request {
	t.Helper()
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		reqs := append([]Request(nil), f.reqs...)
		ch := f.changed
		f.mu.Unlock()
		if cond(reqs) {
			return reqs
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s; requests: %s", timeout, what, summary(reqs))
		}
	}
}

func summary(reqs []Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "\n  %s %s %d %v", r.Method, r.Path, r.Status, r.Body["content"])
		for _, file := range r.Files {
			fmt.Fprintf(&b, " [%s %s, %d bytes]", file.Name, file.ContentType, len(file.Data))
		}
	}
	return b.String()
}

// Intents returns the intents of every IDENTIFY so far.
func (f *Fake) Intents() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.intents...)
}

// Resumes counts RESUME requests.
func (f *Fake) Resumes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resumes
}

func (f *Fake) id() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return fmt.Sprint(f.nextID)
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway" || r.URL.Path == "/gateway/" {
		f.gateway(w, r)
		return
	}
	var body map[string]any
	var files []File
	var formErr error
	raw, _ := io.ReadAll(r.Body)
	if media, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); media == "multipart/form-data" {
		body, files, formErr = readForm(raw, params["boundary"])
	} else if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			body = map[string]any{"_raw": string(raw)}
		}
	}
	req := Request{Method: r.Method, Path: r.URL.Path, Body: body, Files: files, Raw: raw, Header: r.Header.Clone(), Query: r.URL.RawQuery, At: time.Now()}
	var fail *Failure
	f.mu.Lock()
	ask := f.Fail
	f.mu.Unlock()
	if ask != nil && f.authorized(r) && r.URL.Path != "/api/v9/gateway" {
		fail = ask(r.Method, r.URL.Path, body)
	}
	if fail != nil && fail.Delay > 0 && !f.wait(r, fail.Delay) {
		f.record(req) // Status 0: the client gave up first
		return
	}
	var answer string
	switch {
	case fail != nil && fail.Status != 0:
		req.Status, answer = fail.Status, fail.Body
	case formErr != nil && f.authorized(r):
		b, _ := json.Marshal(map[string]any{"message": "Invalid Form Body: " + formErr.Error(), "code": 50035})
		req.Status, answer = 400, string(b)
	default:
		req.Status, answer, req.Duplicate = f.answer(r, body, files)
	}
	f.record(req)
	if fail != nil && fail.AnswerDelay > 0 && !f.wait(r, fail.AnswerDelay) {
		return // handled, but the client never hears so
	}
	w.Header().Set("Content-Type", "application/json")
	if fail != nil {
		for k, v := range fail.Header {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(req.Status)
	if answer != "" {
		io.WriteString(w, answer)
	}
}

func (f *Fake) record(req Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	f.notify()
}

// wait waits d, or until the client gives up or the fake closes; it
// reports whether the whole of d passed.
func (f *Fake) wait(r *http.Request, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
	case <-f.done:
	}
	return false
}

func (f *Fake) authorized(r *http.Request) bool {
	path := r.URL.Path
	return r.Header.Get("Authorization") == "Bot "+f.Token || strings.HasPrefix(path, "/api/v9/webhooks/") || strings.HasPrefix(path, "/api/v9/interactions/")
}

// answer is the normal answer; duplicate reports a message request whose
// enforced nonce matched an earlier message.
func (f *Fake) answer(r *http.Request, body map[string]any, files []File) (status int, answer string, duplicate bool) {
	path := r.URL.Path
	if path == "/api/v9/gateway" {
		// Our own listener, never the Host header: a client that kept
		// the real Discord's host there must still come here.
		return 200, fmt.Sprintf(`{"url":"ws://%s/gateway"}`, f.srv.Listener.Addr()), false
	}
	if !f.authorized(r) {
		return 401, `{"message":"401: Unauthorized","code":0}`, false
	}
	switch {
	case path == "/api/v9/users/@me" && r.Method == "GET":
		return 200, `{"id":"` + f.AppID + `","username":"followthrough","bot":true}`, false
	case strings.HasSuffix(path, "/commands") && r.Method == "PUT":
		if raw, ok := body["_raw"].(string); ok {
			return 200, raw, false // the commands, as registered
		}
		return 200, "[]", false
	case path == "/api/v9/users/@me/channels" && r.Method == "POST":
		return 200, fmt.Sprintf(`{"id":"%s","type":1}`, DMChannel(fmt.Sprint(body["recipient_id"]))), false
	case strings.HasSuffix(path, "/messages") && r.Method == "POST":
		ch := strings.TrimSuffix(strings.TrimPrefix(path, "/api/v9/channels/"), "/messages")
		nonce, _ := body["nonce"].(string)
		if enforce, _ := body["enforce_nonce"].(bool); !enforce || nonce == "" {
			return 200, message(f.id(), ch, body, files), false
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if made, dup := f.nonces[ch+"\x00"+nonce]; dup {
			return 200, made, true
		}
		f.nextID++
		made := message(fmt.Sprint(f.nextID), ch, body, files)
		f.nonces[ch+"\x00"+nonce] = made
		return 200, made, false
	case strings.HasPrefix(path, "/api/v9/interactions/") && strings.HasSuffix(path, "/callback"):
		return 204, "", false
	case strings.HasPrefix(path, "/api/v9/webhooks/") && r.Method == "POST":
		return 200, message(f.id(), "webhook", body, files), false
	}
	return 404, `{"message":"Unknown route","code":0}`, false
}

func message(id, channel string, body map[string]any, files []File) string {
	attachments := []any{}
	for i, file := range files {
		aid := fmt.Sprintf("%s%d", id, i+1)
		url := fmt.Sprintf("https://cdn.discordapp.com/attachments/%s/%s/%s", channel, aid, file.Name)
		attachments = append(attachments, map[string]any{"id": aid, "filename": file.Name, "size": len(file.Data),
			"content_type": file.ContentType, "url": url, "proxy_url": url})
	}
	b, _ := json.Marshal(map[string]any{"id": id, "channel_id": channel, "content": body["content"], "type": 0,
		"attachments": attachments, "author": map[string]any{"id": "1000", "username": "followthrough", "bot": true}})
	return string(b)
}

// Discord's limits on a message's files.
const (
	maxFiles     = 10
	maxFileBytes = 10 << 20 // 10 MiB, a bot's upload limit without boosts
)

var fileField = regexp.MustCompile(`^files\[(\d+)\]$`)

// readForm reads a multipart/form-data body as Discord does: the JSON of
// the message in payload_json, files in files[n] parts (each with a file
// name), other fields as plain values. An error is what Discord would
// refuse with 400.
func readForm(raw []byte, boundary string) (map[string]any, []File, error) {
	if boundary == "" {
		return nil, nil, errors.New("multipart body without a boundary")
	}
	body := map[string]any{}
	var files []File
	seen := map[string]bool{}
	mr := multipart.NewReader(bytes.NewReader(raw), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("malformed multipart body: %w", err)
		}
		data, err := io.ReadAll(part)
		part.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("malformed multipart body: %w", err)
		}
		name := part.FormName()
		if seen[name] {
			return nil, nil, fmt.Errorf("form field %q given twice", name)
		}
		seen[name] = true
		switch {
		case name == "payload_json":
			var payload map[string]any
			if err := json.Unmarshal(data, &payload); err != nil {
				return nil, nil, fmt.Errorf("payload_json is not a JSON object: %w", err)
			}
			for k, v := range payload {
				body[k] = v
			}
		case fileField.MatchString(name):
			if part.FileName() == "" {
				return nil, nil, fmt.Errorf("%s has no file name", name)
			}
			if len(data) > maxFileBytes {
				return nil, nil, fmt.Errorf("%s is larger than %d bytes", name, maxFileBytes)
			}
			files = append(files, File{Field: name, Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: data})
		case part.FileName() != "":
			return nil, nil, fmt.Errorf("file in field %q; files go in files[n]", name)
		default:
			body[name] = string(data)
		}
	}
	if len(files) > maxFiles {
		return nil, nil, fmt.Errorf("%d files; at most %d", len(files), maxFiles)
	}
	return body, files, nil
}

var upgrader = websocket.Upgrader{}

// gateway speaks just enough of the gateway protocol: HELLO, IDENTIFY,
// READY, heartbeats and RESUME.
func (f *Fake) gateway(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	f.connMu.Lock()
	f.conn = c
	f.connMu.Unlock()
	f.write(c, map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}})
	for {
		var msg struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := c.ReadJSON(&msg); err != nil {
			return
		}
		switch msg.Op {
		case 1:
			f.write(c, map[string]any{"op": 11})
		case 2:
			var id struct {
				Intents int `json:"intents"`
			}
			json.Unmarshal(msg.D, &id)
			f.mu.Lock()
			f.intents = append(f.intents, id.Intents)
			f.mu.Unlock()
			f.dispatch(c, "READY", map[string]any{"v": 9, "session_id": "fake-session",
				"user":        map[string]any{"id": f.AppID, "username": "followthrough", "bot": true},
				"application": map[string]any{"id": f.AppID}, "guilds": []any{}})
			f.identify <- struct{}{}
		case 6:
			f.mu.Lock()
			f.resumes++
			f.mu.Unlock()
			f.dispatch(c, "RESUMED", map[string]any{})
			f.identify <- struct{}{}
		}
	}
}

func (f *Fake) write(c *websocket.Conn, v any) {
	f.connMu.Lock()
	defer f.connMu.Unlock()
	c.WriteJSON(v)
}

func (f *Fake) dispatch(c *websocket.Conn, event string, d any) {
	f.mu.Lock()
	f.seq++
	s := f.seq
	f.mu.Unlock()
	f.write(c, map[string]any{"op": 0, "t": event, "s": s, "d": d})
}

// WaitConnected waits for the next IDENTIFY or RESUME to be answered.
func (f *Fake) WaitConnected(t testing.TB, timeout time.Duration) {
	t.Helper()
	select {
	case <-f.identify:
	case <-time.After(timeout):
		t.Fatalf("the bot did not connect to the gateway within %v", timeout)
	}
}

// Dispatch sends an event to the connected bot.
func (f *Fake) Dispatch(event string, d any) {
	f.connMu.Lock()
	c := f.conn
	f.connMu.Unlock()
	if c != nil {
		f.dispatch(c, event, d)
	}
}

// DropConnection closes the gateway connection, as a network blip would;
// the client reconnects and resumes.
func (f *Fake) DropConnection() {
	f.connMu.Lock()
	defer f.connMu.Unlock()
	if f.conn != nil {
		f.conn.Close()
		f.conn = nil
	}
}

// DM dispatches a direct message from a user.
func (f *Fake) DM(id, userID, username, text string) {
	f.saw(userID, username)
	f.Dispatch("MESSAGE_CREATE", map[string]any{"id": Snowflake(id), "channel_id": DMChannel(userID), "content": text, "type": 0,
		"author": map[string]any{"id": userID, "username": username}})
}

// SlashCommand dispatches a slash command; guildID empty means in a DM.
func (f *Fake) SlashCommand(id, guildID, userID, username, name string, options ...map[string]any) {
	f.SlashCommandWithPermissions(id, guildID, userID, username, name, 0, options...)
}

// SlashCommandWithPermissions dispatches a slash command from a member
// with the given permissions. Like Discord, it resolves the channels and
// roles among the options: the command's data carries their names
// (ResolvedName).
func (f *Fake) SlashCommandWithPermissions(id, guildID, userID, username, name string, permissions int64, options ...map[string]any) {
	data := map[string]any{"id": "c-" + name, "name": name, "type": 1, "options": options}
	channels, roles, users, members := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	for _, o := range options {
		v := fmt.Sprint(o["value"])
		switch fmt.Sprint(o["type"]) {
		case "6": // a user: resolved as Discord does, with their guild membership
			m, ok := f.member(Snowflake(guildID), v)
			username := v
			if ok {
				username = m.Username
			}
			users[v] = map[string]any{"id": v, "username": username, "global_name": username}
			if ok && guildID != "" {
				roles := m.Roles
				if roles == nil {
					roles = []string{}
				}
				members[v] = map[string]any{"nick": m.Nick, "roles": roles}
			}
		case "7":
			channels[v] = map[string]any{"id": v, "name": ResolvedName(v), "type": 0}
		case "8":
			roles[v] = map[string]any{"id": v, "name": ResolvedName(v)}
		}
	}
	if len(channels) > 0 || len(roles) > 0 || len(users) > 0 {
		data["resolved"] = map[string]any{"channels": channels, "roles": roles, "users": users, "members": members}
	}
	f.Dispatch("INTERACTION_CREATE", f.interaction(id, guildID, userID, username, 2, data, permissions))
}

// ResolvedName is the name the fake gives the channel or role id.
func ResolvedName(id string) string { return "name-of-" + id }

// Button dispatches a press on a button with the given custom id.
func (f *Fake) Button(id, guildID, userID, username, customID string) {
	f.Dispatch("INTERACTION_CREATE", f.interaction(id, guildID, userID, username, 3, map[string]any{"custom_id": customID, "component_type": 2}, 0))
}

// ModalSubmit dispatches a submitted modal with one text input.
func (f *Fake) ModalSubmit(id, guildID, userID, username, customID, inputID, value string) {
	f.Dispatch("INTERACTION_CREATE", f.interaction(id, guildID, userID, username, 5, map[string]any{"custom_id": customID,
		"components": []any{map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": inputID, "value": value}}}}}, 0))
}

func (f *Fake) interaction(id, guildID, userID, username string, kind int, data map[string]any, permissions int64) map[string]any {
	f.saw(userID, username)
	user := map[string]any{"id": userID, "username": username}
	ix := map[string]any{"id": Snowflake(id), "application_id": f.AppID, "type": kind, "data": data, "token": "tok-" + id, "version": 1}
	if guildID == "" {
		ix["channel_id"] = DMChannel(userID)
		ix["user"] = user
	} else {
		ix["guild_id"] = Snowflake(guildID)
		ix["channel_id"] = Snowflake("chan-" + guildID)
		member := map[string]any{"user": user, "permissions": fmt.Sprint(permissions)}
		if m, ok := f.member(Snowflake(guildID), userID); ok {
			member["roles"], member["nick"] = m.Roles, m.Nick
		}
		ix["member"] = member
	}
	return ix
}

// Snowflake turns a test's readable id ("m1", "g1") into a Discord-shaped
// one (digits), the same every time; digits stay as they are.
func Snowflake(id string) string {
	if id != "" && strings.Trim(id, "0123456789") == "" {
		return id
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return fmt.Sprint(100000000000000000 + h.Sum64()%800000000000000000)
}

// DMChannel is the id of the DM channel between the bot and a user.
func DMChannel(userID string) string { return Snowflake("dm-" + userID) }

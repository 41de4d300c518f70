package slack_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"followthrough/adapters/slack"
	"followthrough/adapters/slack/slacktest"
	"followthrough/bot"
)

// signedPost sends body to the adapter's HTTP endpoint, signed with key at
// ts, and returns the status and the answer.
func signedPost(t *testing.T, base, path, contentType string, body []byte, key string, ts time.Time, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if key != "" {
		stamp, sig := slacktest.Sign(key, ts, body)
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", sig)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func dmEvent(user, text, ts string) []byte {
	b, _ := json.Marshal(map[string]any{"token": "x", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
		"event_id": "Ev" + ts, "event_time": 1, "event": map[string]any{"type": "message", "channel_type": "im",
			"channel": "D" + user, "user": user, "text": text, "ts": ts}})
	return b
}

func TestHTTPModeChecksEverySignature(t *testing.T) {
	r := start(t, slack.HTTP)
	srv := httptest.NewServer(r.a.Handler())
	defer srv.Close()
	const asJSON = "application/json"
	now := time.Now()
	hello := dmEvent("UANA", "hi", "1700000000.000001")

	// Slack checks the endpoint with a challenge when it is configured.
	challenge := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	if code, body := signedPost(t, srv.URL, "/slack/events", asJSON, challenge, secret, now, nil); code != 200 || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification = %d %q", code, body)
	}
	tampered := bytes.Replace(hello, []byte(`"hi"`), []byte(`"forget"`), 1)
	for _, c := range []struct {
		name string
		body []byte
		key  string
		ts   time.Time
	}{
		{"wrong secret", hello, "not-the-secret", now},
		{"no signature", hello, "", now},
		{"stale timestamp", hello, secret, now.Add(-6 * time.Minute)},
		{"future timestamp", hello, secret, now.Add(6 * time.Minute)},
	} {
		if code, _ := signedPost(t, srv.URL, "/slack/events", asJSON, c.body, c.key, c.ts, nil); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", c.name, code)
		}
	}
	// A body changed after signing: the signature of the original.
	stamp, sig := slacktest.Sign(secret, now, hello)
	req, _ := http.NewRequest("POST", srv.URL+"/slack/events", bytes.NewReader(tampered))
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", sig)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("tampered body: %v %v, want 401", resp.StatusCode, err)
	}
	// Nothing of the refused requests reached the engine.
	if _, ok, _ := r.DB.Person(bg, bot.NewPersonID("slack", "T0001", "UANA")); ok {
		t.Fatal("a refused request created a person")
	}
	for _, c := range r.fake.Calls() {
		if c.Method == "chat.postMessage" {
			t.Fatalf("a refused request was answered: %q", c.Params["text"])
		}
	}

	// The genuine request is handled, and Slack's retry of it is not
	// handled twice.
	if code, _ := signedPost(t, srv.URL, "/slack/events", asJSON, hello, secret, now, nil); code != 200 {
		t.Fatalf("signed event: %d", code)
	}
	r.expect(t, "DUANA", 0, "what brought you here")
	if code, _ := signedPost(t, srv.URL, "/slack/events", asJSON, hello, secret, now, map[string]string{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}); code != 200 {
		t.Fatalf("retried event: %d", code)
	}
	next := dmEvent("UANA", "skip", "1700000000.000002")
	signedPost(t, srv.URL, "/slack/events", asJSON, next, secret, now, nil)
	r.expect(t, "DUANA", 1, "What's the goal")
	if n := len(postsTo(r.fake.Calls(), "DUANA")); n != 2 {
		t.Errorf("%d answers to two messages and one retry", n)
	}

	// The slash command, form-encoded, answered through its response URL.
	form := url.Values{"command": {"/followthrough"}, "text": {"help"}, "team_id": {"T0001"}, "user_id": {"UANA"},
		"channel_id": {"CTEAM"}, "trigger_id": {"trig.1"}, "response_url": {r.fake.URL + "/response/77"}}
	if code, _ := signedPost(t, srv.URL, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), "wrong", now, nil); code != 401 {
		t.Errorf("unsigned command: %d", code)
	}
	if code, _ := signedPost(t, srv.URL, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), secret, now, nil); code != 200 {
		t.Fatalf("signed command: %d", code)
	}
	r.expect(t, "response_url", 0, "checkin")

	// Interactivity: an empty form is refused in the form.
	payload, _ := json.Marshal(map[string]any{"type": "view_submission", "team": map[string]any{"id": "T0001"}, "user": map[string]any{"id": "UANA"},
		"trigger_id": "trig.2", "view": map[string]any{"id": "V1", "callback_id": "ft|form|step", "state": map[string]any{"values": map[string]any{}}}})
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	if code, answer := signedPost(t, srv.URL, "/slack/interactive", "application/x-www-form-urlencoded", body, secret, now, nil); code != 200 || !strings.Contains(answer, `"response_action":"errors"`) {
		t.Errorf("empty form: %d %s", code, answer)
	}
	if code, _ := signedPost(t, srv.URL, "/slack/interactive", "application/x-www-form-urlencoded", body, "wrong", now, nil); code != 401 {
		t.Errorf("unsigned interaction: %d", code)
	}
	// An oversized body is refused before anything reads it as JSON.
	huge := bytes.Repeat([]byte("x"), 2<<20)
	if code, _ := signedPost(t, srv.URL, "/slack/events", asJSON, huge, secret, now, nil); code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d", code)
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"followthrough/adapters/slack/slacktest"
)

const (
	slackBot = "xoxb-e2e-bot-token-value"
	slackApp = "xapp-e2e-app-token-value"
)

func slackConfig(t *testing.T, apiURL, extra string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.yaml")
	cfg := fmt.Sprintf("database: %s\nzone: UTC\nlog:\n  level: debug\nslack:\n  enabled: true\n  api_url: %s\n%shttp:\n  addr: 127.0.0.1:0\n", filepath.Join(dir, "ft.db"), apiURL, extra)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEndToEndSlack: the built binary in Socket Mode against a fake
// Slack, one person from first DM to a celebrated check-in, then SIGTERM
// and a clean exit.
func TestEndToEndSlack(t *testing.T) {
	fake := slacktest.New(t, slackBot, slackApp)
	fake.AddUser(slacktest.User{ID: "UANA", Name: "ana", DisplayName: "Ana", TZ: "Asia/Tokyo"})
	cmd := exec.Command(binary, "run", "--config", slackConfig(t, fake.APIURL, "  channel: CTEAM\n"))
	cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN="+slackBot, "SLACK_APP_TOKEN="+slackApp, "SLACK_SIGNING_SECRET=unused-in-socket-mode")
	logs := newSyncBuffer()
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()

	fake.WaitConnections(t, 1, 15*time.Second)
	addr := waitForLog(t, logs, "http listening")
	waitForLog(t, logs, "socket mode connected")
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/readyz = %d %s", resp.StatusCode, body)
	}
	posts := func() []string {
		var out []string
		for _, c := range fake.Posts() {
			if c.Method == "chat.postMessage" && c.Params["channel"] == "DUANA" {
				out = append(out, c.Params["blocks"])
			}
		}
		return out
	}
	say := func(text, want string) {
		t.Helper()
		n := len(posts())
		env, _ := fake.DM(t, "UANA", text)
		fake.WaitFor(t, 10*time.Second, fmt.Sprintf("%q after %q", want, text), func([]slacktest.Call) bool {
			for _, p := range posts()[min(n, len(posts())):] {
				if strings.Contains(p, want) {
					return true
				}
			}
			return false
		})
		fake.WaitAck(t, env, 5*time.Second)
	}
	say("hi", "what brought you here")
	say("my coach suggested it", "What's the goal")
	say("Write 300 words every weekday", "checkpoints")
	say("skip", "smallest, easiest next step")
	say("open the draft and write one sentence", "On a scale of 1 to 10")
	say("8", "What makes it an 8")
	say("I love the story", "move it from 8 to 9")
	say("skip", "ride on something you already do")
	say("my morning coffee", "what time")
	say("9:00", "how often")
	say("daily", "Asia/Tokyo") // the plan, in the zone Slack knows
	say("done", "open the draft and write one sentence")
	all := posts()
	if celebration := all[len(all)-2]; !strings.Contains(celebration, "open the draft and write one sentence") || strings.Contains(celebration, "scale") {
		t.Errorf("the check-in was not celebrated: %s", celebration)
	}

	out := stopCleanly(t, cmd, exited, logs)
	for _, secret := range []string{slackBot, slackApp, "e2e-bot-token", "e2e-app-token", "Write 300 words", "my coach suggested"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q appears in the logs", secret)
		}
	}
}

func TestEndToEndSlackStartErrors(t *testing.T) {
	fake := slacktest.New(t, slackBot, slackApp)
	for _, c := range []struct {
		name, extra string
		env         []string
		want        string
	}{
		{"swapped tokens", "", []string{"SLACK_BOT_TOKEN=" + slackApp, "SLACK_APP_TOKEN=" + slackBot}, "holds the app-level token"},
		{"no app token", "", []string{"SLACK_BOT_TOKEN=" + slackBot, "SLACK_APP_TOKEN="}, "SLACK_APP_TOKEN is empty"},
		{"refused token", "", []string{"SLACK_BOT_TOKEN=xoxb-wrong", "SLACK_APP_TOKEN=" + slackApp}, "refused SLACK_BOT_TOKEN"},
		{"http mode without a secret", "  mode: http\n", []string{"SLACK_BOT_TOKEN=" + slackBot, "SLACK_SIGNING_SECRET="}, "SLACK_SIGNING_SECRET"},
		{"bad mode", "  mode: websocket\n", nil, "line 8: slack.mode"},
		{"channel name", "  channel: \"#team\"\n", nil, "line 8: slack.channel"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary, "run", "--config", slackConfig(t, fake.APIURL, c.extra))
			cmd.Env = append(os.Environ(), c.env...)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatal("the process kept running")
			}
			if err == nil || !strings.Contains(string(out), c.want) {
				t.Fatalf("err %v, want %q in:\n%s", err, c.want, out)
			}
			if strings.Contains(string(out), "e2e-bot-token") || strings.Contains(string(out), "e2e-app-token") {
				t.Errorf("a token appears in the output:\n%s", out)
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"followthrough/adapters/discord/discordtest"
)

// syncBuffer is an output buffer safe to read while the process writes.
type syncBuffer struct {
	mu    chan struct{}
	b     bytes.Buffer
	wrote chan struct{}
}

func newSyncBuffer() *syncBuffer {
	return &syncBuffer{mu: make(chan struct{}, 1), wrote: make(chan struct{}, 1)}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

// wait returns after the next write, or after d at the latest.
func (s *syncBuffer) wait(d time.Duration) {
	select {
	case <-s.wrote:
	case <-time.After(d):
	}
}

func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.String()
}

func discordConfig(t *testing.T, apiURL string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.yaml")
	cfg := fmt.Sprintf("database: %s\nzone: Europe/Berlin\nlog:\n  level: debug\ndiscord:\n  enabled: true\n  api_url: %s\nhttp:\n  addr: 127.0.0.1:0\n", filepath.Join(dir, "ft.db"), apiURL)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEndToEndDiscord: the built binary, a config pointing at a fake
// Discord, one person from first DM to a celebrated check-in, then
// SIGTERM and a clean exit.
func TestEndToEndDiscord(t *testing.T) {
	const token = "e2e-secret-token-value"
	fake := discordtest.New(t, token)
	cmd := exec.Command(binary, "run", "--config", discordConfig(t, fake.URL))
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN="+token)
	logs := newSyncBuffer()
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()

	fake.WaitConnected(t, 15*time.Second)
	addr := waitForLog(t, logs, "http listening")
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	waitForLog(t, logs, "discord connected")
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	_, before := get("/metrics")
	sentCount := func(reqs []discordtest.Request) int {
		n := 0
		for _, r := range reqs {
			if r.Method == "POST" && r.Path == "/api/v9/channels/"+discordtest.DMChannel("42")+"/messages" && r.Status < 300 {
				n++
			}
		}
		return n
	}
	say := func(id, text, want string) {
		t.Helper()
		fake.DM(id, "42", "ana", text)
		fake.WaitFor(t, 10*time.Second, fmt.Sprintf("%q after %q", want, text), func(reqs []discordtest.Request) bool {
			for _, r := range reqs {
				if r.Path == "/api/v9/channels/"+discordtest.DMChannel("42")+"/messages" && strings.Contains(fmt.Sprint(r.Body["content"]), want) {
					return true
				}
			}
			return false
		})
	}
	say("m1", "hi", "what brought you here")
	say("m2", "my coach suggested it", "What's the goal")
	say("m3", "Write 300 words every weekday", "checkpoints")
	say("m4", "skip", "smallest, easiest next step")
	say("m5", "open the draft and write one sentence", "On a scale of 1 to 10")
	say("m6", "8", "What makes it an 8")
	say("m7", "I love the story", "move it from 8 to 9")
	say("m8", "skip", "ride on something you already do")
	say("m9", "my morning coffee", "what time")
	say("m10", "9:00", "how often")
	say("m11", "daily", "Here's your plan")
	say("m12", "done", "Anything you want to remember")
	say("m13", "skip", "Can I ask something bigger") // the values question follows the first check-in, once told
	var contents []string
	for _, r := range fake.Requests() {
		if r.Path == "/api/v9/channels/"+discordtest.DMChannel("42")+"/messages" {
			contents = append(contents, fmt.Sprint(r.Body["content"]))
		}
	}
	if n := sentCount(fake.Requests()); n < 14 {
		t.Errorf("only %d DMs sent", n)
	}
	if celebration := contents[len(contents)-3]; !strings.Contains(celebration, "“open the draft and write one sentence”") || strings.Contains(celebration, "scale") {
		t.Errorf("the check-in was not celebrated: %q", celebration)
	}

	_, after := get("/metrics")
	for _, metric := range []string{
		`followthrough_events_total{kind="message",platform="discord"}`,
		`followthrough_replies_sent_total{platform="discord"}`,
	} {
		if b, a := metricValue(before, metric), metricValue(after, metric); a < b+12 {
			t.Errorf("%s went from %v to %v", metric, b, a)
		}
	}
	if !strings.Contains(after, `followthrough_people{state="all"}`) || !strings.Contains(after, "followthrough_event_seconds_bucket") {
		t.Errorf("metrics lack people or latency:\n%s", after[:min(len(after), 2000)])
	}

	out := stopCleanly(t, cmd, exited, logs)
	if strings.Contains(out, token) {
		t.Error("the token appears in the logs")
	}
	if strings.Contains(out, "Write 300 words") || strings.Contains(out, "my coach suggested") {
		t.Error("a person's words appear in the logs")
	}
}

func TestEndToEndDiscordBadToken(t *testing.T) {
	fake := discordtest.New(t, "the-right-token")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "run", "--config", discordConfig(t, fake.URL))
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN=a-wrong-token")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatal("a bad token kept the process running")
	}
	if err == nil || !strings.Contains(string(out), "refused the token") {
		t.Fatalf("err %v, output:\n%s", err, out)
	}
	if strings.Contains(string(out), "a-wrong-token") {
		t.Error("the token appears in the output")
	}
	cmd = exec.CommandContext(ctx, binary, "run", "--config", discordConfig(t, fake.URL))
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN=")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "DISCORD_TOKEN is empty") {
		t.Fatalf("missing token: err %v, output:\n%s", err, out)
	}
}

func TestEndToEndUnwritableBackupDir(t *testing.T) {
	path := discordConfig(t, "http://127.0.0.1:1")
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("backup:\n  dir: /proc/no-backups-here\n")
	f.Close()
	cmd := exec.Command(binary, "run", "--config", path)
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN=x")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "backup.dir /proc/no-backups-here cannot be written") {
		t.Fatalf("err %v, output %s", err, out)
	}
}

// stopCleanly sends the running binary SIGTERM and checks it exits 0
// within 15 s, saying it stopped cleanly; it returns the whole log.
func stopCleanly(t *testing.T, cmd *exec.Cmd, exited <-chan error, logs *syncBuffer) string {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit within 15s of SIGTERM\n%s", logs.String())
	}
	out := logs.String()
	if !strings.Contains(out, "stopped cleanly") {
		t.Errorf("no clean stop in the log:\n%s", out)
	}
	return out
}

// waitForLog waits until the process logs a line containing what, and
// returns that line's addr= value.
func waitForLog(t *testing.T, logs *syncBuffer, what string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, what) {
				if _, rest, ok := strings.Cut(line, "addr="); ok {
					return strings.Fields(rest)[0]
				}
				return line
			}
		}
		logs.wait(100 * time.Millisecond)
	}
	t.Fatalf("no %q in the log:\n%s", what, logs.String())
	return ""
}

// metricValue reads one sample from Prometheus text output (0 if absent).
func metricValue(text, name string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, _ := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v
		}
	}
	return 0
}

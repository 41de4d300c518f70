package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExampleConfigIsValid(t *testing.T) {
	c, err := loadConfig("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Reminders.Grace.Duration != 2*time.Hour || c.Zone != "UTC" || c.Log.Level != "info" {
		t.Errorf("example config = %+v", c)
	}
}

func TestConfigErrorsPointAtTheLine(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "zone: UTC\ndatabse: x.db\n", `line 2: unknown key "databse"`},
		{"unknown nested key", "log:\n  level: info\n  colour: blue\n", `line 3: unknown key "log.colour"`},
		{"bad zone", "database: x.db\nzone: Mars/Olympus\n", `line 2: zone: "Mars/Olympus" is not an IANA time zone`},
		{"bad duration", "reminders:\n  grace: two hours\n", `line 2: "two hours" is not a duration`},
		{"negative grace", "reminders:\n  grace: 0m\n", "line 2: reminders.grace: must be between"},
		{"bad level", "log:\n  level: loud\n", `line 2: log.level: "loud"`},
		{"bad format", "log:\n  format: xml\n", `line 2: log.format: "xml"`},
		{"not yaml", "zone: [UTC\n", "line"},
		{"wrong type", "log: verbose\n", `line 1: log: "verbose" does not fit here; log takes a section of keys`},
		{"list for a value", "zone:\n  - UTC\n", "line 2: zone: a list does not fit here"},
		{"bad weekly day", "weekly:\n  enabled: true\n  day: someday\n", `line 3: weekly.day: "someday"`},
		{"bad weekly time", "weekly:\n  time: 25:00\n", `line 2: weekly.time: "25:00"`},
		{"missing prompts folder", "prompts: /nonexistent/folder\n", "line 1: prompts:"},
		{"a count that is not whole", "backup:\n  keep: 1.5\n", `line 2: "1.5" is not a whole number`},
		{"a count in words", "backup:\n  keep: many\n", `line 2: "many" is not a whole number`},
		{"a second document", "zone: UTC\n---\nzone: Mars/Olympus\n", "line 2: a second YAML document"},
		{"an empty second document", "zone: UTC\n---\n", "line 2: a second YAML document"},
		{"metrics on the Slack address", "http:\n  addr: 127.0.0.1:9090\n  metrics_addr: 127.0.0.1:9090\n", "line 3: http.metrics_addr: must differ"},
		{"a burst that is not whole", "limits:\n  burst: 2.5\n", `line 2: "2.5" is not a whole number`},
		{"no outbox bound to speak of", "limits:\n  outbox: 3\n", "line 2: limits.outbox: must be between"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := loadConfig(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func TestEmptyConfigUsesDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, nil, 0o600)
	c, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Database == "" || c.Reminders.Grace.Duration != 2*time.Hour {
		t.Errorf("defaults not applied: %+v", c)
	}
}

// TestSafetyAndFollowUpSettings: the safety section reaches the reply to
// distress, and check_after the engine, 0 meaning never.
func TestSafetyAndFollowUpSettings(t *testing.T) {
	var c Config = defaultConfig()
	if err := parseConfig([]byte("safety:\n  emergency: \"999 or 112\"\n  helplines: \"Samaritans: 116 123\"\nreminders:\n  check_after: 0m\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c.Safety.Emergency != "999 or 112" || c.Safety.Helplines != "Samaritans: 116 123" || c.checkAfter() >= 0 {
		t.Fatalf("config = %+v, check after %v", c.Safety, c.checkAfter())
	}
	if d := defaultConfig(); d.checkAfter() != 0 {
		t.Fatalf("with nothing said, check after %v; want the engine's default (0)", d.checkAfter())
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ft.yaml")
	if err := os.WriteFile(cfg, []byte("database: "+filepath.Join(dir, "ft.db")+"\nsafety:\n  emergency: \"999 or 112\"\n  helplines: \"call Samaritans free on 116 123\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runBinary(t, "hi\ni don't want to be here anymore\n", "chat", "--config", cfg, "--user", "ana", "--clock", "simulated")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "999 or 112") || !strings.Contains(out, "call Samaritans free on 116 123") {
		t.Fatalf("the safety reply does not carry the configured help:\n%s", out)
	}
}

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

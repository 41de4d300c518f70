package slack_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"followthrough/adapters/slack"
	"followthrough/bot"
	"followthrough/bot/bottest"
)

// unnamed reports the commands of the engine's table that text does not
// name as a word.
func unnamed(text string, specs []bot.CommandSpec, skip func(bot.CommandSpec) bool) []string {
	var out []string
	for _, c := range specs {
		if skip != nil && skip(c) {
			continue
		}
		if !regexp.MustCompile(`(^|[^a-z_])` + regexp.QuoteMeta(c.Name) + `($|[^a-z_])`).MatchString(text) {
			out = append(out, c.Name)
		}
	}
	return out
}

// TestSlacksHelpNamesEveryCommand: Slack has no list of slash commands
// of its own (one command, /followthrough, takes the rest as words), so
// its help is where people learn them: it names every command of the
// engine's table. Not help itself (it is what they are reading) nor the
// admins' setup, which its own answers teach.
func TestSlacksHelpNamesEveryCommand(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	help := bottest.Joined(bottest.Texts(k.Send(bot.Event{Person: bot.NewPersonID(slack.Platform, "T1", "U1"), Command: "help"})))
	if !strings.Contains(help, "/followthrough") {
		t.Fatalf("this is not Slack's help: %q", help)
	}
	specs := k.Engine.CommandSpecs(slack.Platform)
	if len(specs) < 10 {
		t.Fatalf("the engine lists %d commands", len(specs))
	}
	if missing := unnamed(help, specs, func(bot.CommandSpec) bool { return false }); len(missing) > 0 {
		t.Errorf("Slack's help does not name %v:\n%s", missing, help)
	}
	// The check can fail.
	if missing := unnamed("checkin · winner", []bot.CommandSpec{{Name: "checkin"}, {Name: "win"}}, nil); len(missing) != 1 || missing[0] != "win" {
		t.Errorf("unnamed found %v; want [win]", missing)
	}
}

// TestManifestsNameEveryCommand: the slash command's usage hint, which
// Slack shows as people type, names every command of the engine's table.
func TestManifestsNameEveryCommand(t *testing.T) {
	specs := bottest.New(t, bottest.Options{}).Engine.CommandSpecs(slack.Platform)
	for _, name := range []string{"manifest.yaml", "manifest-http.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Features struct {
				SlashCommands []struct {
					UsageHint string `yaml:"usage_hint"`
				} `yaml:"slash_commands"`
			} `yaml:"features"`
		}
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if len(m.Features.SlashCommands) != 1 {
			t.Fatalf("%s: %d slash commands", name, len(m.Features.SlashCommands))
		}
		if missing := unnamed(m.Features.SlashCommands[0].UsageHint, specs, nil); len(missing) > 0 {
			t.Errorf("%s: the usage hint does not name %v", name, missing)
		}
	}
}

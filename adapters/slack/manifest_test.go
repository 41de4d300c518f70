package slack

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/pb33f/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// specs is where the platforms' own descriptions live, beside the
// repository (not copied into it).
const specs = "../../../shared/specs"

// TestManifestsMatchSlackSchema checks both manifests against Slack's
// published manifest schema, so a misspelt key or a wrong type is caught
// here and not by a new user pasting it.
func TestManifestsMatchSlackSchema(t *testing.T) {
	if _, err := os.Stat(filepath.Join(specs, "slack-manifest.schema.json")); err != nil {
		t.Skip("Slack's manifest schema is not beside the repository (../shared/specs): skipping the schema check")
	}
	c := jsonschema.NewCompiler()
	// The schema's domain patterns use lookaheads, which Go's regexp does
	// not have; we set no domains, so those patterns only need to compile.
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := regexp.Compile(s)
		if err != nil {
			re, err = regexp.Compile(lookahead.ReplaceAllString(s, ""))
		}
		return re, err
	})
	const base = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"
	for url, file := range map[string]string{
		"file:///manifest.schema.json":      "slack-manifest.schema.json",
		base + "manifest.schema.1.0.0.json": "slack-manifest.schema.1.0.0.json",
		base + "manifest.schema.2.0.0.json": "slack-manifest.schema.2.0.0.json",
	} {
		b, err := os.ReadFile(filepath.Join(specs, file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	schema, err := c.Compile("file:///manifest.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"manifest.yaml", "manifest-http.yaml"} {
		t.Run(name, func(t *testing.T) {
			if err := schema.Validate(readManifest(t, name)); err != nil {
				t.Errorf("%s does not match Slack's manifest schema:\n%v", name, err)
			}
		})
	}
	// The check can fail: a misspelt key is refused.
	bad := readManifest(t, "manifest.yaml").(map[string]any)
	bad["settings"].(map[string]any)["socket_mode_enabld"] = true
	if schema.Validate(bad) == nil {
		t.Error("the schema accepted a misspelt settings key")
	}
}

var lookahead = regexp.MustCompile(`\(\?[!=][^()]*(\([^()]*\))*[^()]*\)`)

// readManifest loads a manifest as JSON-shaped values.
func readManifest(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	j, _ := json.Marshal(v)
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestManifestAsksForWhatTheAdapterUses keeps the manifest and the code in
// step: the events the adapter handles, the least scopes, the command.
func TestManifestAsksForWhatTheAdapterUses(t *testing.T) {
	for _, name := range []string{"manifest.yaml", "manifest-http.yaml"} {
		var m struct {
			Features struct {
				SlashCommands []struct {
					Command      string `yaml:"command"`
					ShouldEscape bool   `yaml:"should_escape"`
					URL          string `yaml:"url"`
				} `yaml:"slash_commands"`
				AppHome struct {
					Home     bool `yaml:"home_tab_enabled"`
					Messages bool `yaml:"messages_tab_enabled"`
					ReadOnly bool `yaml:"messages_tab_read_only_enabled"`
				} `yaml:"app_home"`
			} `yaml:"features"`
			OAuth struct {
				Scopes struct {
					Bot []string `yaml:"bot"`
				} `yaml:"scopes"`
			} `yaml:"oauth_config"`
			Settings struct {
				Events struct {
					Bot []string `yaml:"bot_events"`
					URL string   `yaml:"request_url"`
				} `yaml:"event_subscriptions"`
				Interactivity struct {
					Enabled bool   `yaml:"is_enabled"`
					URL     string `yaml:"request_url"`
				} `yaml:"interactivity"`
				Socket bool `yaml:"socket_mode_enabled"`
			} `yaml:"settings"`
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		f := m.Features
		if len(f.SlashCommands) != 1 || f.SlashCommands[0].Command != "/followthrough" || !f.SlashCommands[0].ShouldEscape {
			t.Errorf("%s: want one escaped /followthrough command (setup reads <#C…> channel links), got %+v", name, f.SlashCommands)
		}
		if !f.AppHome.Home || !f.AppHome.Messages || f.AppHome.ReadOnly {
			t.Errorf("%s: the Home tab and a writable Messages tab are needed: %+v", name, f.AppHome)
		}
		scopes := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot))
		want := []string{"chat:write", "commands", "files:write", "im:history", "im:write", "users:read"}
		if !slices.Equal(scopes, want) {
			t.Errorf("%s: scopes %v, want exactly %v", name, scopes, want)
		}
		events := slices.Sorted(slices.Values(m.Settings.Events.Bot))
		if want := []string{"app_home_opened", "app_uninstalled", "message.im", "tokens_revoked"}; !slices.Equal(events, want) {
			t.Errorf("%s: events %v, want %v", name, events, want)
		}
		if !m.Settings.Interactivity.Enabled {
			t.Errorf("%s: buttons and forms need interactivity", name)
		}
		http := name == "manifest-http.yaml"
		if m.Settings.Socket == http {
			t.Errorf("%s: socket_mode_enabled = %v", name, m.Settings.Socket)
		}
		if http {
			for path, url := range map[string]string{"/slack/events": m.Settings.Events.URL, "/slack/commands": f.SlashCommands[0].URL, "/slack/interactive": m.Settings.Interactivity.URL} {
				if url != "https://bot.example.com"+path {
					t.Errorf("%s: %s should be served at https://bot.example.com%s, manifest says %q", name, path, path, url)
				}
			}
		}
	}
}

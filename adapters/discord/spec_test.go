package discord_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"followthrough/adapters/discord/discordtest"
	"followthrough/bot"
)

// specPath is Discord's official OpenAPI description, kept beside the
// repository (not in it).
var specPath = filepath.Join("..", "..", "..", "shared", "specs", "discord-openapi-v10.json")

var (
	specOnce sync.Once
	specV    validator.Validator
	specErr  string
)

// discordSpec builds the validator once per test binary (it takes seconds).
func discordSpec(t *testing.T) validator.Validator {
	t.Helper()
	specOnce.Do(func() {
		raw, err := os.ReadFile(specPath)
		if err != nil {
			specErr = "Discord's OpenAPI description is not at " + specPath + " (a clone without ../shared): " + err.Error()
			return
		}
		doc, err := libopenapi.NewDocument(raw)
		if err != nil {
			specErr = "cannot read the Discord OpenAPI description: " + err.Error()
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			specErr = "cannot build a validator: " + errs[0].Error()
			return
		}
		specV = v
	})
	if specV == nil {
		t.Skip(specErr)
	}
	return specV
}

// TestRequestsMatchDiscordsAPIDescription runs a session through the real
// client and checks every REST request it made against Discord's own
// OpenAPI description (v10; discordgo calls the same paths under v9).
func TestRequestsMatchDiscordsAPIDescription(t *testing.T) {
	v := discordSpec(t)
	r := start(t, false)
	r.db.SetGroupSettings(discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
	onboard(t, r, "1201")
	r.fake.SlashCommand("v1", "g1", "1201", "ana", "share", map[string]any{"name": "who", "type": 3, "value": "public"})
	r.fake.SlashCommand("v2", "g1", "1201", "ana", "win", map[string]any{"name": "what", "type": 3, "value": "@everyone ran 5k"})
	r.fake.SlashCommand("v3", "", "1201", "ana", "rate")
	r.fake.SlashCommand("v4", "", "1201", "ana", "goal")
	r.fake.WaitFor(t, 10*time.Second, "answers to every command", func(reqs []discordtest.Request) bool {
		callbacks := 0
		for _, q := range reqs {
			if strings.HasSuffix(q.Path, "/callback") {
				callbacks++
			}
		}
		return callbacks == 4 && len(sentTo(reqs, "777")) == 1 && len(sentTo(reqs, "webhook")) >= 3
	})
	checked := 0
	for _, q := range r.fake.Requests() {
		req, err := http.NewRequest(q.Method, "https://discord.com"+strings.Replace(q.Path, "/api/v9/", "/api/v10/", 1), bytes.NewReader(q.Raw))
		if err != nil {
			t.Fatal(err)
		}
		req.URL.RawQuery = q.Query
		req.Header = q.Header.Clone()
		ok, errs := v.ValidateHttpRequestSync(req)
		checked++
		if !ok {
			for _, e := range errs {
				var details []string
				for _, f := range e.SchemaValidationErrors {
					details = append(details, f.FieldPath+": "+f.Reason)
				}
				t.Errorf("%s %s does not match Discord's API description: %s\n%s\nbody: %s", q.Method, q.Path, e.Message, strings.Join(details, "\n"), clip(q.Raw))
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d requests checked", checked)
	}
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

package discord_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	bodycontent "github.com/pb33f/libopenapi-validator/content"

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
		// Without a decoder for multipart/form-data the validator
		// passes such bodies unread: messages with files would go
		// unchecked.
		v, errs := validator.NewValidator(doc, config.WithBodyDecoder("multipart/form-data", discordForm()))
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

var formFile = regexp.MustCompile(`^files\[(\d+)\]$`)

// discordForm decodes a multipart/form-data body the way Discord reads
// one, for the schema to check: the fields of the JSON in payload_json,
// and each files[n] part as a string property of that name (the spec
// lists files[0] to files[9] as binary strings). It refuses, as errors
// the validator reports, what Discord would not take: parts other than
// payload_json and files[n], a payload that is not a JSON object, a file
// without a name, or whose content type is not what its bytes are.
func discordForm() bodycontent.Decoder {
	return bodycontent.DecoderFunc(func(in *bodycontent.DecodeInput) (any, error) {
		boundary := in.Parameters["boundary"]
		if boundary == "" {
			return nil, errors.New("multipart body without a boundary")
		}
		out := map[string]any{}
		mr := multipart.NewReader(in.Body, boundary)
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, err
			}
			name := part.FormName()
			if _, dup := out[name]; dup {
				return nil, fmt.Errorf("part %q given twice", name)
			}
			switch m := formFile.FindStringSubmatch(name); {
			case name == "payload_json":
				var payload map[string]any
				if err := json.Unmarshal(data, &payload); err != nil {
					return nil, fmt.Errorf("payload_json is not a JSON object: %w", err)
				}
				for k, v := range payload {
					if _, dup := out[k]; dup {
						return nil, fmt.Errorf("payload_json repeats the form field %q", k)
					}
					out[k] = v
				}
			case m != nil:
				if n, _ := strconv.Atoi(m[1]); n >= 10 {
					return nil, fmt.Errorf("%s: Discord takes files[0] to files[9]", name)
				}
				if part.FileName() == "" {
					return nil, fmt.Errorf("%s has no file name", name)
				}
				declared, sniffed := part.Header.Get("Content-Type"), http.DetectContentType(data)
				if declared != sniffed && !strings.HasPrefix(sniffed, declared+";") {
					return nil, fmt.Errorf("%s (%s) says %s but is %s", name, part.FileName(), declared, sniffed)
				}
				out[name] = fmt.Sprintf("%d bytes of %s", len(data), declared)
			default:
				return nil, fmt.Errorf("unexpected form part %q", name)
			}
		}
	})
}

// validate checks one recorded request against the description.
func validate(v validator.Validator, q discordtest.Request) []string {
	req, err := http.NewRequest(q.Method, "https://discord.com"+strings.Replace(q.Path, "/api/v9/", "/api/v10/", 1), bytes.NewReader(q.Raw))
	if err != nil {
		return []string{err.Error()}
	}
	req.URL.RawQuery = q.Query
	req.Header = q.Header.Clone()
	ok, errs := v.ValidateHttpRequestSync(req)
	if ok {
		return nil
	}
	var out []string
	for _, e := range errs {
		details := []string{e.Message, e.Reason}
		for _, f := range e.SchemaValidationErrors {
			details = append(details, f.FieldPath+": "+f.Reason)
		}
		out = append(out, strings.Join(details, "\n"))
	}
	return out
}

// TestRequestsMatchDiscordsAPIDescription runs a session through the real
// client and checks every REST request it made against Discord's own
// OpenAPI description (v10; discordgo calls the same paths under v9).
func TestRequestsMatchDiscordsAPIDescription(t *testing.T) {
	v := discordSpec(t)
	r := start(t, false)
	r.DB.SetGroupSettings(bg, discordtest.Snowflake("g1"), bot.GroupSettings{Channel: "777"})
	onboard(t, r, "1201")
	// Progress, with its three pictures, as a DM: a channel message
	// with files, multipart.
	r.dm(t, "v0", "1201", "progress")
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
	// And as /progress: a follow-up with files, multipart too.
	r.fake.SlashCommand("v6", "", "1201", "ana", "progress")
	r.fake.WaitFor(t, 10*time.Second, "the pictures of /progress", func(reqs []discordtest.Request) bool {
		for _, q := range sentTo(reqs, "webhook") {
			if len(q.Files) > 0 {
				return true
			}
		}
		return false
	})
	checked, forms := 0, 0
	for _, q := range r.fake.Requests() {
		checked++
		if strings.HasPrefix(q.Header.Get("Content-Type"), "multipart/form-data") {
			forms++
		}
		if errs := validate(v, q); errs != nil {
			t.Errorf("%s %s does not match Discord's API description:\n%s\nbody: %s", q.Method, q.Path, strings.Join(errs, "\n"), clip(q.Raw))
		}
	}
	if checked < 20 || forms < 2 {
		t.Fatalf("only %d requests checked, %d of them multipart; want 20 and 2", checked, forms)
	}
}

// TestMultipartIsReallyChecked: the multipart decoder gives the schema
// something to check. A form with a payload Discord would refuse (an
// overlong content, a mention list that is not a list), a file whose
// bytes are not what it says, or a stray part, fails; a good one passes.
func TestMultipartIsReallyChecked(t *testing.T) {
	v := discordSpec(t)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	form := func(payload string, parts ...[3]string) discordtest.Request {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="payload_json"`)
		h.Set("Content-Type", "application/json")
		p, _ := w.CreatePart(h)
		io.WriteString(p, payload)
		for _, part := range parts { // field, file name, content type
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, part[0], part[1]))
			h.Set("Content-Type", part[2])
			p, _ := w.CreatePart(h)
			p.Write(png)
		}
		w.Close()
		header := http.Header{}
		header.Set("Content-Type", w.FormDataContentType())
		header.Set("Authorization", "Bot "+token)
		return discordtest.Request{Method: "POST", Path: "/api/v9/channels/777/messages", Raw: b.Bytes(), Header: header}
	}
	good := [3]string{"files[0]", "calendar.png", "image/png"}
	if errs := validate(v, form(`{"content":"hi","allowed_mentions":{"parse":[]}}`, good)); errs != nil {
		t.Fatalf("a good message with a file was refused: %v", errs)
	}
	for name, q := range map[string]discordtest.Request{
		"content too long":       form(`{"content":"`+strings.Repeat("x", 4001)+`"}`, good),
		"parse not a list":       form(`{"content":"hi","allowed_mentions":{"parse":"everyone"}}`, good),
		"payload not an object":  form(`["hi"]`, good),
		"file not what it says":  form(`{"content":"hi"}`, [3]string{"files[0]", "calendar.png", "application/pdf"}),
		"file without a name":    form(`{"content":"hi"}`, [3]string{"files[0]", "", "image/png"}),
		"a part Discord ignores": form(`{"content":"hi"}`, [3]string{"attachment", "calendar.png", "image/png"}),
	} {
		if errs := validate(v, q); errs == nil {
			t.Errorf("%s: passed as valid", name)
		}
	}
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

package discordtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"

	"followthrough/adapters/discord/discordtest"
)

func post(t *testing.T, f *discordtest.Fake, contentType string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", f.URL+"/api/v9/channels/777/messages", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+f.Token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &answer); err != nil {
		t.Fatalf("answer %q: %v", raw, err)
	}
	return resp.StatusCode, answer
}

// TestMultipartMessages: a message with files, as discordgo sends it, is
// recorded with its payload in Body and its files in Files, answered
// with its attachments, and made once per enforced nonce; a form
// Discord would refuse gets a 400.
func TestMultipartMessages(t *testing.T) {
	f := discordtest.New(t, "tok")
	payload := map[string]any{"content": "your week", "nonce": "n1", "enforce_nonce": true}
	files := []*discordgo.File{
		{Name: "calendar.png", ContentType: "image/png", Reader: bytes.NewReader([]byte("png one"))},
		{Name: "ratings.png", ContentType: "image/png", Reader: bytes.NewReader([]byte("png two"))},
	}
	ct, body, err := discordgo.MultipartBodyWithJSON(payload, files)
	if err != nil {
		t.Fatal(err)
	}
	status, answer := post(t, f, ct, body)
	if status != 200 {
		t.Fatalf("status %d: %v", status, answer)
	}
	if atts, _ := answer["attachments"].([]any); len(atts) != 2 || atts[0].(map[string]any)["filename"] != "calendar.png" {
		t.Errorf("answer's attachments: %v", answer["attachments"])
	}
	if again, _ := post(t, f, ct, body); again != 200 {
		t.Fatalf("repeat: status %d", again)
	}
	sent := f.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d messages made from one nonce; want 1", len(sent))
	}
	m := sent[0]
	if m.Body["content"] != "your week" || len(m.Files) != 2 {
		t.Fatalf("recorded %v with %d files", m.Body, len(m.Files))
	}
	want := discordtest.File{Field: "files[1]", Name: "ratings.png", ContentType: "image/png", Data: []byte("png two")}
	if got := m.Files[1]; got.Field != want.Field || got.Name != want.Name || got.ContentType != want.ContentType || !bytes.Equal(got.Data, want.Data) {
		t.Errorf("file 2 = %+v; want %+v", got, want)
	}

	// A file part without a file name, and a payload that is not JSON.
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("payload_json", `{"content":"x"}`)
	w.WriteField("files[0]", "no name")
	w.Close()
	if status, answer := post(t, f, w.FormDataContentType(), b.Bytes()); status != 400 || answer["code"] != float64(50035) {
		t.Errorf("file without a name: %d %v; want 400 (50035)", status, answer)
	}
	b.Reset()
	w = multipart.NewWriter(&b)
	w.WriteField("payload_json", `{"content":`)
	w.Close()
	if status, _ := post(t, f, w.FormDataContentType(), b.Bytes()); status != 400 {
		t.Errorf("broken payload_json: %d; want 400", status)
	}
	if n := len(f.Sent()); n != 1 {
		t.Errorf("%d messages after refused forms; want 1", n)
	}
}

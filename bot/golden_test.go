package bot_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"followthrough/adapters/console"
	"followthrough/bot/bottest"
)

var update = flag.Bool("update", false, "rewrite golden transcripts from what the engine says now")

// A transcript file is a console conversation: header lines
//
//	# start 2026-03-02T08:00:00
//	# zone Europe/Berlin
//	# user ana
//
// (and any other "#" comment lines at the top), then the conversation as
// the console prints it with a simulated clock: the person's lines start
// with "> ", everything else is the bot. A line "#restart" closes the
// database and opens it again, as a restart of the program would; a line
// "#as NAME" goes on as another person on the same database.
func TestGoldenTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in testdata: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := replay(t, string(want))
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(want) {
				t.Errorf("transcript differs (run go test ./bot -update to accept):\n%s", diff(string(want), got))
			}
		})
	}
}

// replay runs a transcript's input lines through the console and returns
// the transcript as it comes out now.
func replay(t *testing.T, transcript string) string {
	t.Helper()
	var header []string
	segments := [][]string{nil}
	var marks []string // what starts each segment after the first
	start, zone, user := "2026-03-02T08:00:00", "Europe/Berlin", "ana"
	inHeader := true
	for _, line := range strings.Split(transcript, "\n") {
		switch {
		case inHeader && strings.HasPrefix(line, "#") && line != "#restart":
			header = append(header, line)
			f := strings.Fields(strings.TrimPrefix(line, "#"))
			if len(f) == 2 {
				switch f[0] {
				case "start":
					start = f[1]
				case "zone":
					zone = f[1]
				case "user":
					user = f[1]
				}
			}
			continue
		case line == "#restart" || strings.HasPrefix(line, "#as "):
			segments = append(segments, nil)
			marks = append(marks, line)
		case strings.HasPrefix(line, "> "):
			segments[len(segments)-1] = append(segments[len(segments)-1], strings.TrimPrefix(line, "> "))
		}
		inHeader = false
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	begin, err := time.ParseInLocation("2006-01-02T15:04:05", start, loc)
	if err != nil {
		t.Fatal(err)
	}
	kit := bottest.New(t, bottest.Options{Start: begin, Zone: zone})
	exports := t.TempDir()
	var out bytes.Buffer
	out.WriteString(strings.Join(header, "\n") + "\n")
	for i, seg := range segments {
		if i > 0 {
			out.WriteString(marks[i-1] + "\n")
			if name, ok := strings.CutPrefix(marks[i-1], "#as "); ok {
				user = name
			}
			kit.Restart()
		}
		chat := &console.Chat{Engine: kit.Engine, Outbox: kit.DB, In: strings.NewReader(strings.Join(seg, "\n")),
			Out: &out, User: user, Zone: zone, Sim: kit.Clock, Echo: true, FilesDir: exports}
		if err := chat.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// Exported files land in a temporary folder: name it the same way
	// every time.
	return strings.ReplaceAll(out.String(), exports, "$EXPORTS")
}

// diff shows the first lines where two transcripts part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return "(same lines, different endings)"
}

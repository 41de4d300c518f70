package console_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"followthrough/adapters/console"
	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store"
)

func chat(t *testing.T, in io.Reader, sim *bot.SimClock) (*console.Chat, *bytes.Buffer) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "c.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	words, _ := prompts.New("")
	wake, queued := make(chan struct{}, 1), make(chan struct{}, 1)
	var clock bot.Clock = bot.SystemClock{}
	if sim != nil {
		clock = sim
	}
	e, err := bot.New(bot.Config{Store: db, Words: words, Clock: clock, DefaultZone: "UTC",
		Queued: func() {
			select {
			case queued <- struct{}{}:
			default:
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	return &console.Chat{Engine: e, Outbox: db, In: in, Out: &out, User: "ana", Zone: "UTC", Sim: sim, Wake: wake, Queued: queued}, &out
}

// TestRealClockEndsAtEndOfInput: with the real clock, the scheduler and
// printer run in the background, and the chat still ends cleanly when the
// input does.
func TestRealClockEndsAtEndOfInput(t *testing.T) {
	c, out := chat(t, strings.NewReader("hi\n/wait 1h\n/quit\nnever read\n"), nil)
	done := make(chan error, 1)
	go func() { done <- c.Run(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("chat did not end at /quit")
	}
	s := out.String()
	if !strings.Contains(s, "what brought you here") || !strings.Contains(s, "only works with a simulated clock") {
		t.Errorf("output:\n%s", s)
	}
	if strings.Contains(s, "[") && strings.Contains(s, "UTC]") {
		t.Error("real-clock output should not carry simulated timestamps")
	}
}

// TestNumbersPressChoices: a number answers the choices shown last, and
// only while they are the open question.
func TestNumbersPressChoices(t *testing.T) {
	script := "hi\nskip\nWrite 300 words every weekday\nskip\nopen the draft\n9\nskip\n9:00\n2\n2\n"
	c, out := chat(t, strings.NewReader(script), bot.NewSimClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)))
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "weekdays at 09:00 (UTC)") {
		t.Errorf("2 did not choose Weekdays:\n%s", s)
	}
	if strings.Contains(s, "Partly still counts") {
		t.Errorf("a bare 2 after the buttons were gone counted as a check-in:\n%s", s)
	}
}

// TestOverlongLine: a 10 MB line is cut to the console's limit, with a
// word; the chat goes on with the lines after it. It used to end the
// chat and drop the rest of the input.
func TestOverlongLine(t *testing.T) {
	in := "hi\n" + strings.Repeat("x", 10<<20) + "\n/help\n"
	c, out := chat(t, strings.NewReader(in), nil)
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "only its start was read") {
		t.Errorf("no word about the cut line: %.300s", s)
	}
	if !strings.Contains(s, "Here's what I can do") {
		t.Errorf("the line after the long one was not read: %.300s", s[len(s)-min(len(s), 300):])
	}
}

// TestNothingPrintedControlsTheTerminal: an unknown command written with
// escape sequences is answered, and no escape byte reaches the terminal
// (it recoloured it, or worse); piped input is echoed the same way.
func TestNothingPrintedControlsTheTerminal(t *testing.T) {
	c, out := chat(t, strings.NewReader("hi\n/\x1b[31mred\x1b]0;owned\x07\n"), nil)
	c.Echo = true
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, r := range s {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			t.Fatalf("printed control character %U: %q", r, s)
		}
	}
	if !strings.Contains(s, "red") {
		t.Errorf("the unknown command was not answered: %q", s)
	}
}

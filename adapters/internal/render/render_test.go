package render

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTrim(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		n        int
		want     string
	}{
		{"short stays", "Done", 80, "Done"},
		{"exactly the limit stays", "abcde", 5, "abcde"},
		{"cut ends with an ellipsis", "abcdef", 5, "abcd…"},
		{"counts characters, not bytes", "ééééé", 5, "ééééé"},
		{"emoji count as one", "🎉🎉🎉🎉🎉🎉", 5, "🎉🎉🎉🎉…"},
		{"no cut inside a joined emoji", "ab👩‍👩‍👧", 5, "ab…"},
		{"no cut before a skin tone", "abc👍🏽x", 5, "abc…"},
		{"no cut before a variation selector", "abc❤️x", 5, "abc…"},
		{"no cut inside a flag", "abc🇩🇪x", 5, "abc…"},
		{"a whole flag before the cut stays", "a🇩🇪🇫🇷x", 5, "a🇩🇪…"},
		{"no cut before a combining accent", "abce\u0301x", 5, "abc…"},
		{"control characters are kept and counted", "a\tb\nc\x00d", 7, "a\tb\nc\x00d"},
		{"a control character may be cut", "a\tb\nc\x00d", 5, "a\tb\n…"},
		{"no cut inside CRLF", "abc\r\nd", 5, "abc…"},
		{"the separator is only text here", "a|b|c|d", 4, "a|b…"},
		{"a limit of one is the ellipsis", "abc", 1, "…"},
		{"no room at all", "abc", 0, ""},
		{"empty stays empty", "", 3, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Trim(tt.in, tt.n)
			if got != tt.want {
				t.Errorf("Trim(%q, %d) = %q; want %q", tt.in, tt.n, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > max(tt.n, 0) || !utf8.ValidString(got) {
				t.Errorf("Trim(%q, %d) has %d characters (valid %v)", tt.in, tt.n, n, utf8.ValidString(got))
			}
		})
	}
}

func TestChoiceIDRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name              string
		ask, token, value string
		max               int
		want              string // "" to check only the round trip
	}{
		{"plain", "checkin", "checkin-1772434800000000000", "not yet", DiscordID, "ft|choice|checkin|checkin-1772434800000000000|not yet"},
		{"emoji stay as they are", "mood", "m-1", "🎉 great", DiscordID, "ft|choice|mood|m-1|🎉 great"},
		{"the separator inside values", "a|b", "t|1", "x|y|z", DiscordID, "ft|choice|a%7Cb|t%7C1|x%7Cy%7Cz"},
		{"the escape inside values", "ask", "100%", "%7C", DiscordID, "ft|choice|ask|100%25|%257C"},
		{"control characters", "ask", "tok", "line\none\ttab\x00\x7f\u0085", SlackID, "ft|choice|ask|tok|line%0Aone%09tab%00%7F%85"},
		{"empty parts", "", "", "", DiscordID, "ft|choice|||"},
		{"unicode everywhere", "frage", "jeton-ü", "ja, genau – 👍🏽", SlackID, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ChoiceID(tt.max, tt.ask, tt.token, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && id != tt.want {
				t.Errorf("id = %q; want %q", id, tt.want)
			}
			ask, token, value, ok := ParseChoiceID(id)
			if !ok || ask != tt.ask || token != tt.token || value != tt.value {
				t.Errorf("ParseChoiceID(%q) = %q %q %q %v; want %q %q %q", id, ask, token, value, ok, tt.ask, tt.token, tt.value)
			}
		})
	}
}

func TestOverLongIDsAreRefusedNotCut(t *testing.T) {
	for _, tt := range []struct {
		name  string
		max   int
		value string
		fits  bool
	}{
		// "ft|choice|a|t|" is 14 characters.
		{"Discord's 100 exactly", DiscordID, strings.Repeat("v", 86), true},
		{"one over Discord's 100", DiscordID, strings.Repeat("v", 87), false},
		{"Slack's 255 exactly", SlackID, strings.Repeat("v", 241), true},
		{"one over Slack's 255", SlackID, strings.Repeat("v", 242), false},
		{"characters, not bytes", DiscordID, strings.Repeat("🎉", 86), true},
		{"an escape counts three", DiscordID, strings.Repeat("|", 28) + "vv", true},
		{"an escape that does not fit", DiscordID, strings.Repeat("|", 29), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ChoiceID(tt.max, "a", "t", tt.value)
			switch {
			case tt.fits && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.fits && utf8.RuneCountInString(id) > tt.max:
				t.Fatalf("%d characters; at most %d", utf8.RuneCountInString(id), tt.max)
			case !tt.fits && !errors.Is(err, ErrTooLong):
				t.Fatalf("made %q (%d characters), error %v; want ErrTooLong", id, utf8.RuneCountInString(id), err)
			case !tt.fits && id != "":
				t.Fatalf("an id came with the error: %q", id)
			}
		})
	}
}

func TestParseIDRefusesWhatItDidNotMake(t *testing.T) {
	for _, id := range []string{
		"",
		"ft",
		"ft|choice|a|b",         // a part short
		"ft|choice|a|b|c|d",     // a part too many
		"xx|choice|a|b|c",       // another app's
		"ft|cmd|a|b|c",          // another kind
		"ft|choice|a|b|%",       // a cut escape
		"ft|choice|a|b|%7",      // a cut escape
		"ft|choice|a|b|%zz",     // not hex
		"ft-modal|goal",         // the old form ids
		"someone-else|x|y|z|w0", // a foreign id
	} {
		if _, _, _, ok := ParseChoiceID(id); ok {
			t.Errorf("ParseChoiceID(%q) accepted it", id)
		}
	}
	// A button posted by an earlier version is still read.
	if ask, token, value, ok := ParseChoiceID("ft|checkin|checkin-17|not yet|x"); !ok || ask != "checkin" || token != "checkin-17" || value != "not yet|x" {
		t.Errorf("an old button's id: %q %q %q %v", ask, token, value, ok)
	}
	parts, ok := ParseID("ft|form|goal", KindForm, 1)
	if !ok || len(parts) != 1 || parts[0] != "goal" {
		t.Errorf("a form id: %q %v", parts, ok)
	}
	if _, ok := ParseID("ft|form|goal", KindCommand, 1); ok {
		t.Error("a form id read as a command's")
	}
}

// TestTrimEscapedNeverEndsInsideAnEntity: wherever the cut lands in a run
// of entities, the text ends after a whole one.
func TestTrimEscapedNeverEndsInsideAnEntity(t *testing.T) {
	s := "ab" + strings.Repeat("&amp;", 4)
	for n := 1; n < len(s)+2; n++ {
		got := TrimEscaped(s, n)
		body := strings.TrimSuffix(got, Ellipsis)
		if strings.Count(body, "&") != strings.Count(body, ";") || !strings.HasPrefix(s, body) || len([]rune(got)) > n {
			t.Errorf("TrimEscaped(%q, %d) = %q", s, n, got)
		}
	}
}

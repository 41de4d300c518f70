package chart

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// withFaces runs fn with a canvas's face set.
func withFaces(t testing.TB, fn func(*faces)) {
	t.Helper()
	cv, err := newCanvas(10, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer cv.release()
	fn(cv.faces)
}

func TestFit(t *testing.T) {
	withFaces(t, func(f *faces) {
		tests := []struct {
			name, in string
			width    int
			want     string
		}{
			{"fits", "Run 5k", 300, "Run 5k"},
			{"empty", "", 300, ""},
			{"controls dropped", "\x00\x1b[31mred\x1b[0m\x7f", 300, "[31mred[0m"},
			{"white space collapsed and trimmed", " \t a \r\n\n  b\u00a0 ", 300, "a b"},
			{"format characters dropped", "a\u200db\u202ec\u2066d\ufeff", 300, "abcd"},
			{"emoji and their modifiers dropped, letters the font lacks kept", "ok 👍🏽️ 你", 300, "ok 你"},
			{"invalid UTF-8 is a replacement character", "a\xffb", 300, "a\uFFFDb"},
			{"cut with an ellipsis", "one two three four five six", 80, "one two…"},
			{"no space before the ellipsis", "one two three", measure(f.body, "one …"), "one…"},
			{"too narrow for anything but the ellipsis", "abcdef", measure(f.body, "…"), "…"},
			{"too narrow for the ellipsis", "abcdef", 2, ""},
			{"only controls", "\x00\x01\x02", 300, ""},
		}
		for _, tt := range tests {
			if got := fit(f.body, tt.in, tt.width); got != tt.want {
				t.Errorf("%s: fit(%q, %d) = %q, want %q", tt.name, tt.in, tt.width, got, tt.want)
			}
		}
	})
}

func TestFitLongText(t *testing.T) {
	withFaces(t, func(f *faces) {
		for _, s := range []string{
			strings.Repeat("long ", 2000),
			strings.Repeat("🎉", 10000),
			strings.Repeat("\u0301", 10000), // combining marks alone: dropped
			strings.Repeat("i", 10000),      // narrow letters: bounded by maxRunes
		} {
			got := fit(f.body, s, 600)
			if w := measure(f.body, got); w > 600 {
				t.Errorf("fit(%.10q…) is %d wide, more than 600", s, w)
			}
			if n := utf8.RuneCountInString(got); n > maxRunes {
				t.Errorf("fit(%.10q…) keeps %d characters, more than %d", s, n, maxRunes)
			}
		}
	})
}

// FuzzFit wants fit to return printable text no wider than asked, for any
// text and width.
func FuzzFit(f *testing.F) {
	for _, s := range torture {
		f.Add(s[:min(len(s), 200)], 300)
	}
	f.Add("", 0)
	f.Add("a b", -5)
	f.Fuzz(func(t *testing.T, s string, width int) {
		withFaces(t, func(fs *faces) {
			got := fit(fs.body, s, width)
			if !utf8.ValidString(got) {
				t.Fatalf("fit returned invalid UTF-8 %q", got)
			}
			if w := measure(fs.body, got); got != "" && w > width {
				t.Fatalf("fit(%q, %d) = %q, %d wide", s, width, got, w)
			}
			for _, r := range got {
				if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
					t.Fatalf("fit(%q) kept %U", s, r)
				}
			}
			if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
				t.Fatalf("fit(%q) = %q: spaces not collapsed", s, got)
			}
		})
	})
}

package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxTextRunes bounds any one piece of text the bot stores (a goal, a win,
// a note). Longer input is kept up to this length and the person is told.
const MaxTextRunes = 2000

// CleanText makes arbitrary input safe to store and echo: invalid UTF-8 is
// replaced, control characters other than newline and tab are dropped,
// surrounding space is trimmed, and the result is cut at MaxTextRunes.
// cut reports whether anything was cut off.
func CleanText(s string) (clean string, cut bool) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for _, r := range s {
		if r == '\r' {
			continue
		}
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			continue
		}
		// Bidirectional overrides can make echoed text read backwards.
		if r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069' {
			continue
		}
		if n == MaxTextRunes {
			cut = true
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String()), cut
}

// oneLine folds text to a single line for places where a newline would
// break the layout (summaries, quotes).
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// short cuts s to at most n runes with an ellipsis, on a word boundary
// where one is near.
func short(s string, n int) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// normal lower-cases s, trims it and drops trailing punctuation, for
// matching short answers ("Yes!" -> "yes").
func normal(s string) string {
	s = strings.ToLower(strings.TrimSpace(skinTones.Replace(s)))
	return strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSpace(r)
	})
}

// skinTones are emoji modifiers that change nothing of what is meant:
// "👍🏼" is "👍".
var skinTones = strings.NewReplacer("\U0001F3FB", "", "\U0001F3FC", "", "\U0001F3FD", "", "\U0001F3FE", "", "\U0001F3FF", "", "\uFE0F", "")

// ParseYesNo reads a yes or no answer.
func ParseYesNo(s string) (yes bool, ok bool) {
	switch normal(s) {
	case "y", "yes", "yeah", "yep", "yup", "sure", "ok", "okay", "correct", "right",
		"that's it", "thats it", "exactly", "👍", "✅", "absolutely", "definitely", "please", "yes please":
		return true, true
	case "n", "no", "nope", "nah", "not really", "no thanks", "👎", "❌":
		return false, true
	}
	return false, false
}

// ParseClock reads a time of day: "9", "9:00", "09:00", "7:30am",
// "7.30 pm", "18h", "noon", "midnight". It returns hour and minute.
func ParseClock(s string) (hour, minute int, err error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.TrimPrefix(n, "at ")
	n = strings.TrimPrefix(n, "around ")
	n = strings.TrimPrefix(n, "about ")
	n = strings.TrimSpace(n)
	switch n {
	case "noon", "midday":
		return 12, 0, nil
	case "midnight":
		return 0, 0, nil
	}
	suffix := ""
	for _, sfx := range []string{"a.m.", "p.m.", "am", "pm", "h"} {
		if strings.HasSuffix(n, sfx) {
			suffix = strings.TrimSuffix(sfx, ".")
			suffix = strings.ReplaceAll(suffix, ".", "")
			n = strings.TrimSpace(strings.TrimSuffix(n, sfx))
			break
		}
	}
	hs, ms, hasMin := strings.Cut(n, ":")
	if !hasMin {
		hs, ms, hasMin = strings.Cut(n, ".")
	}
	hour, err1 := strconv.Atoi(hs)
	if err1 != nil || len(hs) == 0 || len(hs) > 2 {
		return 0, 0, fmt.Errorf("%q is not a time of day", s)
	}
	if hasMin {
		m, err2 := strconv.Atoi(ms)
		if err2 != nil || len(ms) != 2 {
			return 0, 0, fmt.Errorf("%q is not a time of day", s)
		}
		minute = m
	}
	switch suffix {
	case "am", "pm":
		if hour < 1 || hour > 12 {
			return 0, 0, fmt.Errorf("%q: with am/pm the hour is 1 to 12", s)
		}
		if hour == 12 {
			hour = 0
		}
		if suffix == "pm" {
			hour += 12
		}
	}
	if hour > 23 || minute > 59 || hour < 0 || minute < 0 {
		return 0, 0, fmt.Errorf("%q is not a time of day", s)
	}
	return hour, minute, nil
}

// ParseDuration reads a Go duration, also accepting whole days ("1d",
// "2d12h") and weeks ("1w"), which people use and time.ParseDuration
// does not.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	in = strings.TrimPrefix(in, "for ")
	// "2 days", "1 week", "3 hours and 30 minutes" -> "2d", "1w", "3h30m".
	fields := strings.Fields(strings.ReplaceAll(in, " and ", " "))
	for i, f := range fields {
		switch strings.TrimSuffix(f, "s") {
		case "week", "wk":
			fields[i] = "w"
		case "day":
			fields[i] = "d"
		case "hour", "hr":
			fields[i] = "h"
		case "minute", "min":
			fields[i] = "m"
		case "a", "an", "one":
			fields[i] = "1"
		}
	}
	in = strings.Join(fields, "")
	if in == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var total time.Duration
	rest := in
	for _, unit := range []struct {
		suffix string
		d      time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}} {
		i := strings.Index(rest, unit.suffix)
		if i < 0 {
			continue
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > 10000 {
			return 0, fmt.Errorf("%q is not a duration like 36h, 2d or 1w", s)
		}
		total += time.Duration(n) * unit.d
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration like 36h, 2d or 1w", s)
		}
		total += d
	}
	if total < 0 {
		return 0, fmt.Errorf("%q: a duration cannot be negative", s)
	}
	return total, nil
}

// youForm turns a person's own words about themselves into the bot's
// words about them: "my coffee" becomes "your coffee", "when I get home"
// becomes "when you get home".
func youForm(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		core := strings.TrimRight(w, ".,;:!?")
		tail := w[len(core):]
		swap := ""
		switch strings.ToLower(core) {
		case "i":
			swap = "you"
			if i+1 < len(words) && strings.EqualFold(words[i+1], "am") {
				words[i+1] = "are"
			}
		case "my":
			swap = "your"
		case "me":
			swap = "you"
		case "mine":
			swap = "yours"
		case "myself":
			swap = "yourself"
		case "i'm", "i’m":
			swap = "you're"
		case "i've", "i’ve":
			swap = "you've"
		case "i'll", "i’ll":
			swap = "you'll"
		case "i'd", "i’d":
			swap = "you'd"
		}
		if swap != "" {
			words[i] = swap + tail
		}
	}
	return strings.Join(words, " ")
}

// AnchorPhrase says when the step happens relative to the habit, in the
// bot's voice: "after your morning coffee", "when you get home". Empty
// when there is no habit.
func AnchorPhrase(habit string) string {
	h := youForm(oneLine(habit))
	if h == "" {
		return ""
	}
	lower := strings.ToLower(h)
	for _, p := range []string{"when ", "once ", "as soon as ", "before ", "after ", "while ", "during ", "on ", "at "} {
		if strings.HasPrefix(lower, p) {
			return lower[:1] + h[1:]
		}
	}
	return "after " + h
}

// lowerFirst lower-cases the first letter of a phrase said mid-sentence
// ("Opening my laptop" in "after opening my laptop"), leaving an acronym
// or a name in capitals alone ("HR", "Sam's call" stays).
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) < 2 || !unicode.IsUpper(r[0]) || unicode.IsUpper(r[1]) {
		return s
	}
	if first, _, _ := strings.Cut(s, " "); !commonLead[strings.ToLower(first)] {
		return s // probably a name
	}
	return string(unicode.ToLower(r[0])) + string(r[1:])
}

// commonLead are first words of a habit that are never names.
var commonLead = map[string]bool{"my": true, "the": true, "opening": true, "brushing": true, "making": true, "having": true,
	"drinking": true, "getting": true, "lunch": true, "breakfast": true, "dinner": true, "after": true, "before": true,
	"when": true, "walking": true, "feeding": true, "finishing": true, "logging": true, "waking": true, "morning": true,
	"evening": true, "coffee": true, "tea": true, "dropping": true, "picking": true}

// words counts the words in s.
func words(s string) int { return len(strings.Fields(s)) }

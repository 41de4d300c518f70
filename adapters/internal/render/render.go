// Package render holds what every platform adapter does the same way
// when it turns a reply into a platform message: cutting text to one of
// the platform's limits, and the ids a button or a form carries back
// (Discord's custom_id, Slack's action_id and callback_id).
//
// One behaviour for both adapters, so that a label, a name or a value
// comes out the same on Discord and Slack, and an id made by one
// version of the bot is read by the next.
package render

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ellipsis ends a text that was cut.
const Ellipsis = "…"

// Trim cuts s to at most n characters (runes, as Discord and Slack count
// them), ending it with Ellipsis when it was cut. It never cuts inside a
// character, between a character and what joins or modifies it (an
// emoji's zero-width joiner, skin tone or variation selector, a
// combining accent) or inside "\r\n": a cut falls before the whole
// cluster. The rest of s is kept as it is, control characters included.
// For n < 1 the result is "".
func Trim(s string, n int) string {
	if n < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	cut := n - 1 // room for the ellipsis
	for cut > 0 && (joined(r[cut-1], r[cut]) || halfFlag(r, cut)) {
		cut--
	}
	return string(r[:cut]) + Ellipsis
}

// TrimEscaped is Trim for text already entity-escaped (Slack's &amp;
// &lt; &gt;, where every "&" starts an entity): a cut that would fall
// inside an entity falls before it instead, so the text never ends in
// half of one ("&am…"), which the platform would show as it is.
func TrimEscaped(s string, n int) string {
	t := Trim(s, n)
	if t == s {
		return t
	}
	body := strings.TrimSuffix(t, Ellipsis)
	if i := strings.LastIndexByte(body, '&'); i >= 0 && !strings.Contains(body[i:], ";") {
		return body[:i] + Ellipsis
	}
	return t
}

// halfFlag reports whether a cut before r[i] would split a flag: a pair
// of regional indicators, counted from the start of their run.
func halfFlag(r []rune, i int) bool {
	if !isRegional(r[i]) {
		return false
	}
	run := 0
	for j := i - 1; j >= 0 && isRegional(r[j]); j-- {
		run++
	}
	return run%2 == 1
}

// joined reports whether b belongs to the same visible character as a,
// so that no cut may fall between them.
func joined(a, b rune) bool {
	switch {
	case a == '\u200d' || b == '\u200d': // zero-width joiner
		return true
	case a == '\r' && b == '\n':
		return true
	case b >= '\ufe00' && b <= '\ufe0f': // variation selectors
		return true
	case b >= 0x1f3fb && b <= 0x1f3ff: // skin tones
		return true
	case b >= 0xe0020 && b <= 0xe007f: // tag sequences (flags of regions)
		return true
	case unicode.Is(unicode.Mn, b) || unicode.Is(unicode.Me, b): // combining marks
		return true
	}
	return false
}

func isRegional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// Limits of the ids platforms carry back, in characters.
const (
	// DiscordID is the most a Discord custom_id may have.
	DiscordID = 100
	// SlackID is the most a Slack action_id or callback_id may have.
	SlackID = 255
)

// prefix starts every id this bot makes, so that a foreign one (another
// app's, or a malformed one) is told apart.
const prefix = "ft"

// sep separates an id's parts. In a part, sep, escape and every control
// character are written as escape and two hex digits.
const (
	sep    = '|'
	escape = '%'
)

// ErrTooLong says an id would not fit its platform's limit. An id is not
// cut to fit: a button whose value was cut would answer something other
// than what the person pressed.
var ErrTooLong = errors.New("render: id longer than the platform allows")

// ID makes the id a button or form carries back: the kind of thing it is
// ("choice", "cmd", "form") and its parts, at most max characters long.
// Parts may hold anything: the separator, emoji, control characters.
func ID(max int, kind string, parts ...string) (string, error) {
	var b strings.Builder
	b.WriteString(prefix)
	for _, p := range append([]string{kind}, parts...) {
		b.WriteRune(sep)
		for _, r := range p {
			// Every control character (C0, DEL, C1) is below 0x100:
			// two hex digits hold it.
			if r == sep || r == escape || unicode.IsControl(r) {
				fmt.Fprintf(&b, "%c%02X", escape, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	id := b.String()
	if n := utf8.RuneCountInString(id); n > max {
		return "", fmt.Errorf("%w: %d characters, at most %d: %.40q…", ErrTooLong, n, max, id)
	}
	return id, nil
}

// ParseID reads an id made by ID with this kind and n parts; ok is false
// for any other id (another kind, another app's, a malformed one).
func ParseID(id, kind string, n int) (parts []string, ok bool) {
	fields := strings.Split(id, string(sep))
	if len(fields) != n+2 || fields[0] != prefix {
		return nil, false
	}
	if k, ok := unescape(fields[1]); !ok || k != kind {
		return nil, false
	}
	parts = make([]string, n)
	for i, f := range fields[2:] {
		if parts[i], ok = unescape(f); !ok {
			return nil, false
		}
	}
	return parts, true
}

func unescape(s string) (string, bool) {
	if !strings.ContainsRune(s, escape) {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != escape {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteRune(rune(v))
		i += 2
	}
	return b.String(), true
}

// Kinds of id.
const (
	// KindChoice is a button answering a question the bot asked: its
	// parts are the reply's Ask, its Token and the choice's value.
	KindChoice = "choice"
	// KindCommand is a button that runs a command with its text.
	KindCommand = "cmd"
	// KindForm is a form (a modal) or the button that opens one: its
	// part is the command the form writes the argument of.
	KindForm = "form"
)

// ChoiceID is the id of a button that answers the question ask (with
// token) with value.
func ChoiceID(max int, ask, token, value string) (string, error) {
	return ID(max, KindChoice, ask, token, value)
}

// ParseChoiceID reads a ChoiceID. It also reads the ids of buttons that
// versions before this codec posted ("ft|ask|token|value", unescaped),
// so that a press on one still in a chat is answered (as a stale
// button, most likely) rather than ignored.
func ParseChoiceID(id string) (ask, token, value string, ok bool) {
	if p, ok := ParseID(id, KindChoice, 3); ok {
		return p[0], p[1], p[2], true
	}
	old := strings.SplitN(id, string(sep), 4)
	if len(old) != 4 || old[0] != prefix || kinds[old[1]] {
		return "", "", "", false
	}
	return old[1], old[2], old[3], true
}

// kinds are the kinds of id: an old id never began with one.
var kinds = map[string]bool{KindChoice: true, KindCommand: true, KindForm: true}

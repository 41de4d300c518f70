package slack

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"followthrough/adapters/internal/render"
	"followthrough/bot"
)

// Slack's limits on what the bot sends.
const (
	maxSection     = 3000 // characters in a section's text
	maxSections    = 10   // sections per message (Slack allows 50 blocks)
	maxButtonText  = 75
	maxFallback    = 300 // the notification text
	maxViewTitle   = 24  // a modal's title, and its submit and close buttons
	maxInputLabel  = 2000
	maxPlaceholder = 150
	maxHeader      = 150 // a header block's text
)

// escape makes text safe to put in mrkdwn: Slack reads &, < and > as
// control characters, so a win "<!channel> hi" would notify everyone.
// Everything the bot sends goes through it: the wording mixes the
// person's own words with ours, and ours never needs a control sequence.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// escapedLen is the length of escape(string(r)).
func escapedLen(r rune) int {
	switch r {
	case '&':
		return 5
	case '<', '>':
		return 4
	}
	return 1
}

// chunks cuts text into pieces whose escaped length is at most max, at a
// line break or a space near the end where there is one, never inside a
// character or an escape, and escapes them.
func chunks(text string, max int) []string {
	var out []string
	runes := []rune(text)
	for len(runes) > 0 {
		n, size, lastBreak := 0, 0, -1
		for n < len(runes) && size+escapedLen(runes[n]) <= max {
			size += escapedLen(runes[n])
			if runes[n] == '\n' || runes[n] == ' ' {
				lastBreak = n
			}
			n++
		}
		if n < len(runes) && lastBreak > n/2 {
			n = lastBreak + 1
		}
		piece := strings.Trim(string(runes[:n]), " \n")
		if piece != "" {
			out = append(out, escape(piece))
		}
		runes = runes[n:]
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// mention matches Slack's control sequences in incoming text: user and
// channel mentions, special mentions and links.
var mention = regexp.MustCompile(`<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>`)

// plainText turns a message as Slack delivers it into what the person
// typed: links and mentions become their labels, entities are decoded.
// The engine stores and echoes this; escape makes it safe again.
func plainText(s string) string {
	s = mention.ReplaceAllStringFunc(s, func(m string) string {
		p := mention.FindStringSubmatch(m)
		sigil, target, label := p[1], p[2], p[3]
		switch {
		case label != "" && sigil != "":
			return sigil + label
		case label != "":
			return label
		case sigil == "!":
			// <!channel>, <!here>, <!subteam^ID>: keep the word only.
			word, _, _ := strings.Cut(target, "^")
			return "@" + word
		default:
			return sigil + target
		}
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// message is one chat message: the fallback text for notifications and
// the blocks.
type message struct {
	text   string
	blocks []slack.Block
}

// messages renders a reply: its text in sections (split at Slack's
// limits, ten to a message), the choices as buttons on the last one.
func messages(r bot.Reply) []message {
	parts := chunks(r.Text, maxSection)
	var out []message
	for len(parts) > 0 {
		n := min(len(parts), maxSections)
		m := message{text: fallback(parts[0])}
		for _, p := range parts[:n] {
			if p == "" {
				continue
			}
			m.blocks = append(m.blocks, slack.NewSectionBlock(mrkdwn(p), nil, nil))
		}
		out = append(out, m)
		parts = parts[n:]
	}
	if len(r.Choices) > 0 {
		last := &out[len(out)-1]
		last.blocks = append(last.blocks, buttons(r))
	}
	return out
}

// fallback is the notification text: the start of the (escaped) text.
func fallback(escaped string) string {
	if utf8.RuneCountInString(escaped) <= maxFallback {
		return escaped
	}
	cut := []rune(escaped)[:maxFallback]
	// Do not end inside an entity.
	if i := strings.LastIndexByte(string(cut), '&'); i >= 0 && !strings.Contains(string(cut)[i:], ";") {
		return string(cut)[:i] + "…"
	}
	return string(cut) + "…"
}

// buttons renders choices as one actions block (Slack wraps them). Each
// carries back the question it answers, the question's token and the
// value (render.ChoiceID); a choice whose id would not fit Slack's 255
// characters is left out rather than made to answer something else: the
// question's text still asks it.
func buttons(r bot.Reply) *slack.ActionBlock {
	var els []slack.BlockElement
	for _, c := range r.Choices {
		if len(els) == 25 {
			break
		}
		id, err := render.ChoiceID(render.SlackID, r.Ask, r.Token, c.Value)
		if err != nil {
			continue
		}
		b := slack.NewButtonBlockElement(id, c.Value, plain(render.Trim(c.Label, maxButtonText)))
		if c.Value == "done" || c.Value == "yes" {
			b.Style = slack.StylePrimary
		}
		els = append(els, b)
	}
	return slack.NewActionBlock("ft-choices", els...)
}

// formKinds are the forms the bot opens in a modal; their words are in
// the prompts (form.<kind>.title, .label and .placeholder).
var formKinds = map[string]bool{"goal": true, "step": true, "remind": true}

// modal is the form for writing a goal, a step or a reminder time.
// meta travels with it (the channel it was opened from).
func (a *Adapter) modal(kind, meta string) slack.ModalViewRequest {
	say := func(part string) string { return a.phrase(bot.Msg("form." + kind + "." + part)) }
	input := slack.NewPlainTextInputBlockElement(plain(render.Trim(say("placeholder"), maxPlaceholder)), "text")
	input.Multiline = kind != "remind"
	input.MaxLength = 1000
	// A form's id is a few fixed words: it always fits.
	id, _ := render.ID(render.SlackID, render.KindForm, kind)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: id, PrivateMetadata: meta,
		Title:  plain(render.Trim(say("title"), maxViewTitle)),
		Submit: plain(render.Trim(a.phrase(msgSave), maxViewTitle)), Close: plain(render.Trim(a.phrase(msgCancel), maxViewTitle)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("text", plain(render.Trim(say("label"), maxInputLabel)), nil, input)}},
	}
}

// modalText reads the text a submitted modal carries.
func modalText(v slack.View) string {
	if v.State == nil {
		return ""
	}
	var parts []string
	for _, block := range v.State.Values {
		for _, action := range block {
			if action.Value != "" {
				parts = append(parts, action.Value)
			}
		}
	}
	return strings.Join(parts, "\n")
}

// encodeInteraction packs what an answer to an interaction needs into
// Place.Interaction: its response_url (valid 30 minutes, 5 uses) and
// when it was given.
func encodeInteraction(responseURL string, at time.Time) string {
	if responseURL == "" {
		return ""
	}
	b, _ := json.Marshal([]string{responseURL, strconv.FormatInt(at.Unix(), 10)})
	return string(b)
}

func decodeInteraction(s string) (responseURL string, at time.Time, ok bool) {
	var parts []string
	if json.Unmarshal([]byte(s), &parts) != nil || len(parts) != 2 {
		return "", time.Time{}, false
	}
	sec, err := strconv.ParseInt(parts[1], 10, 64)
	return parts[0], time.Unix(sec, 0), err == nil && parts[0] != ""
}

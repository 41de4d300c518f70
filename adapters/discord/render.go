package discord

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"followthrough/adapters/internal/render"
	"followthrough/bot"
)

// maxContent is Discord's limit on a message's content.
const maxContent = 2000

// noMentions parses no mentions at all: a win titled "@everyone look"
// pings nobody. Every message the bot sends carries it. The list is
// explicitly empty: a zero value marshals as "parse": null, which is not
// the same promise.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// split cuts text into pieces of at most max runes, at a line break or a
// space where there is one near the end, never inside a character.
func split(text string, max int) []string {
	var out []string
	for utf8.RuneCountInString(text) > max {
		r := []rune(text)
		cut := string(r[:max])
		at := strings.LastIndex(cut, "\n")
		if at < len(cut)/2 {
			at = strings.LastIndex(cut, " ")
		}
		if at < len(cut)/2 {
			at = len(cut)
		}
		out = append(out, strings.TrimRight(cut[:at], " \n"))
		text = strings.TrimLeft(text[at:], " \n")
	}
	if text != "" || len(out) == 0 {
		out = append(out, text)
	}
	return out
}

// maxLabel is the most a button's label may have.
const maxLabel = 80

// buttons renders choices as rows of at most five buttons. Each carries
// back the question it answers, the question's token and the value
// (render.ChoiceID); a choice whose id would not fit Discord's 100
// characters is left out rather than made to answer something else:
// the question's text still asks it.
func buttons(r bot.Reply) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row discordgo.ActionsRow
	for _, c := range r.Choices {
		id, err := render.ChoiceID(render.DiscordID, r.Ask, r.Token, c.Value)
		if err != nil {
			continue
		}
		if len(row.Components) == 5 {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
		style := discordgo.SecondaryButton
		if c.Value == "done" || c.Value == "yes" {
			style = discordgo.SuccessButton
		}
		row.Components = append(row.Components, discordgo.Button{
			Label: render.Trim(c.Label, maxLabel), Style: style, CustomID: id,
		})
	}
	if len(row.Components) > 0 {
		rows = append(rows, row)
	}
	if len(rows) > 5 {
		rows = rows[:5]
	}
	return rows
}

// inertLinks makes every masked link ("[text](url)", which Discord
// shows as text linking anywhere) inert by escaping the "(" after "]":
// Discord then shows the words and the address as they are. The bot's own
// wording never holds "](", so only the person's words are touched and
// the whole text can go through it, once, before it is split; a split
// inside "]\(" leaves no link either, as a link needs both halves in one
// message. Markdown emphasis and <@…> mentions are not touched here: the
// bot's own wording uses both (setup names the channel and role), and
// allowed_mentions keeps any mention from pinging.
func inertLinks(s string) string { return strings.ReplaceAll(s, "](", `]\(`) }

// messages renders a reply as one or more messages: the text, its masked
// links made inert, split at Discord's limit, the buttons on the last one.
func messages(r bot.Reply) []*discordgo.MessageSend {
	parts := split(inertLinks(r.Text), maxContent)
	out := make([]*discordgo.MessageSend, len(parts))
	for i, p := range parts {
		out[i] = &discordgo.MessageSend{Content: p, AllowedMentions: noMentions()}
	}
	last := out[len(out)-1]
	if len(r.Choices) > 0 {
		last.Components = buttons(r)
	}
	for _, f := range r.Files {
		last.Files = append(last.Files, &discordgo.File{Name: f.Name, ContentType: f.Type, Reader: bytes.NewReader(f.Data)})
	}
	return out
}

package discord

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"followthrough/adapters/internal/render"
	"followthrough/bot"
)

// Discord's limits on a slash command's parts, in characters.
const (
	maxDescription = 100 // a command's or option's description
	maxChoiceName  = 100
	maxModalTitle  = 45
	maxInputLabel  = 45
	maxPlaceholder = 100
	maxFormText    = 1000 // what one of our forms takes
)

// optionTypes are the Discord option types of the engine's kinds of
// argument.
var optionTypes = map[bot.ArgKind]discordgo.ApplicationCommandOptionType{
	bot.TextArg:    discordgo.ApplicationCommandOptionString,
	bot.NumberArg:  discordgo.ApplicationCommandOptionInteger,
	bot.UserArg:    discordgo.ApplicationCommandOptionUser,
	bot.ChannelArg: discordgo.ApplicationCommandOptionChannel,
	bot.RoleArg:    discordgo.ApplicationCommandOptionRole,
}

// slashCommands are the engine's commands as Discord slash commands,
// registered with one bulk overwrite at start. No command carries
// default_member_permissions (discordgo sends it as a string where
// Discord's API description wants an integer): setup's rights are the
// engine's to check, on every use, from Event.Admin.
func slashCommands(specs []bot.CommandSpec) []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, 0, len(specs))
	for _, s := range specs {
		c := &discordgo.ApplicationCommand{Name: s.Name, Description: render.Trim(s.Description, maxDescription)}
		for _, o := range s.Options {
			c.Options = append(c.Options, option(o))
		}
		// Discord takes the required options first.
		slices.SortStableFunc(c.Options, func(x, y *discordgo.ApplicationCommandOption) int {
			return cmp.Compare(rank(x.Required), rank(y.Required))
		})
		out = append(out, c)
	}
	return out
}

func rank(required bool) int {
	if required {
		return 0
	}
	return 1
}

// option is one of the engine's command options as Discord's.
func option(o bot.OptionSpec) *discordgo.ApplicationCommandOption {
	d := &discordgo.ApplicationCommandOption{Type: optionTypes[o.Kind], Name: o.Name,
		Description: render.Trim(o.Description, maxDescription), Required: o.Required}
	for _, c := range o.Choices {
		d.Choices = append(d.Choices, &discordgo.ApplicationCommandOptionChoice{Name: render.Trim(c.Label, maxChoiceName), Value: c.Value})
	}
	if o.Kind == bot.NumberArg && (o.Min != 0 || o.Max != 0) {
		least := float64(o.Min)
		d.MinValue, d.MaxValue = &least, float64(o.Max)
	}
	if o.Kind == bot.TextArg && o.MaxLength > 0 {
		d.MaxLength = o.MaxLength
	}
	return d
}

// byName reports whether a command reads its options by name: one with
// an option that Discord resolves (a channel, a role) does (setup: see
// bot.ArgChannel and the others). The others read their options as
// words, in order ("win sent the email", "coach <id>", "rate 7").
func byName(spec bot.CommandSpec) bool {
	return slices.ContainsFunc(spec.Options, func(o bot.OptionSpec) bool {
		return o.Kind == bot.ChannelArg || o.Kind == bot.RoleArg
	})
}

// commandEvent is what a slash command asks the engine: the command,
// its words, and its options by name, with the names Discord resolved
// for a channel or a role (bot.ArgChannelName, bot.ArgRoleName).
func commandEvent(spec bot.CommandSpec, data discordgo.ApplicationCommandInteractionData) (command, text string, args map[string]string) {
	var words []string
	for _, o := range data.Options {
		v := optionValue(o)
		words = append(words, v)
		if args == nil {
			args = map[string]string{}
		}
		args[o.Name] = v
		if data.Resolved == nil {
			continue
		}
		switch o.Type {
		case discordgo.ApplicationCommandOptionChannel:
			if ch := data.Resolved.Channels[v]; ch != nil && o.Name == bot.ArgChannel {
				args[bot.ArgChannelName] = ch.Name
			}
		case discordgo.ApplicationCommandOptionRole:
			if r := data.Resolved.Roles[v]; r != nil && o.Name == bot.ArgCoachRole {
				args[bot.ArgRoleName] = r.Name
			}
		case discordgo.ApplicationCommandOptionUser:
			// The person picked, as Discord knows them: the engine names
			// a coach by id, shows their handle, and checks the coach role.
			if o.Name != bot.ArgCoach {
				continue
			}
			if u := data.Resolved.Users[v]; u != nil {
				args[bot.ArgCoachHandle] = u.Username
				args[bot.ArgCoachName] = cmp.Or(u.GlobalName, u.Username)
			}
			if m := data.Resolved.Members[v]; m != nil {
				if m.Nick != "" {
					args[bot.ArgCoachName] = m.Nick
				}
				args[bot.ArgCoachRoles] = strings.Join(m.Roles, ",")
			}
		}
	}
	if byName(spec) {
		return data.Name, "", args
	}
	return data.Name, strings.Join(words, " "), args
}

// optionValue is an option's value as text (a number without a
// fraction, an id as it is).
func optionValue(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// modal is the form for writing a command's argument (a goal, a step),
// in the words of the prompts (form.<command>.title, .label and
// .placeholder); a command without its own words gets its description.
func (a *Adapter) modal(spec bot.CommandSpec) *discordgo.InteractionResponse {
	title, label, placeholder := a.formWords(spec)
	input := spec.Name
	if len(spec.Options) > 0 {
		input = spec.Options[0].Name
	}
	// A form's id is short and its own: it always fits.
	id, _ := render.ID(render.DiscordID, render.KindForm, spec.Name)
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: id, Title: render.Trim(title, maxModalTitle),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: input, Label: render.Trim(label, maxInputLabel), Style: discordgo.TextInputParagraph,
				Placeholder: render.Trim(placeholder, maxPlaceholder), Required: true, MaxLength: maxFormText},
		}}},
	}}
}

// formWords are the title, label and placeholder of spec's form.
func (a *Adapter) formWords(spec bot.CommandSpec) (title, label, placeholder string) {
	say := func(part string) string {
		if s := a.o.Engine.Phrase(bot.Msg("form."+spec.Name+"."+part), Platform, bot.Extra{}); s != "" {
			return s
		}
		return spec.Description
	}
	return say("title"), say("label"), say("placeholder")
}

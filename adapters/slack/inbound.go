package slack

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"followthrough/adapters/internal/limit"
	"followthrough/adapters/internal/render"
	"followthrough/bot"
)

// onEvent takes an Events API callback: a DM, the App Home being opened,
// or the app being removed.
func (a *Adapter) onEvent(ctx context.Context, e slackevents.EventsAPIEvent) error {
	if a.gone.Load() || e.Type != slackevents.CallbackEvent {
		return nil
	}
	team := a.teamOf(e.TeamID)
	switch ev := e.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		// Only people's own new messages in the DM: not the bot's echo,
		// not edits, joins or other subtypes.
		if ev.ChannelType != slackevents.ChannelTypeIM || ev.BotID != "" || ev.SubType != "" || ev.User == "" || ev.User == a.botUser {
			return nil
		}
		id := bot.NewPersonID(Platform, team, ev.User)
		place := bot.Place{Group: team, Channel: ev.Channel, Direct: true}
		if !a.admit(id, place) {
			return nil
		}
		if err := a.rememberDM(ctx, id, ev.Channel); err != nil {
			return fmt.Errorf("remember DM channel: %w", err)
		}
		return a.handle(ctx, bot.Event{ID: "slack:m:" + ev.Channel + ":" + ev.TimeStamp, Person: id, Text: plainText(ev.Text),
			Place: place}, ev.User)
	case *slackevents.AppHomeOpenedEvent:
		if ev.Tab == "home" {
			a.home.opened(bot.NewPersonID(Platform, team, ev.User))
		}
	case *slackevents.AppUninstalledEvent:
		go a.purge(team, "app_uninstalled") // after the ack
	case *slackevents.TokensRevokedEvent:
		for _, u := range ev.Tokens.Bot {
			if u == a.botUser {
				go a.purge(team, "tokens_revoked")
			}
		}
	}
	return nil
}

// admit reports whether a person's event may go to the engine: within
// their limit. One past it is dropped; the first in a while gets the
// notice, privately (in the DM, or as an answer only they see), sent
// aside so that the ack does not wait for it.
func (a *Adapter) admit(id bot.PersonID, place bot.Place) bool {
	v := a.people.Take(id)
	if v.Notice && (place.Direct || place.Interaction != "") {
		a.o.Log.Warn("slack: a person is past their limit of events; the rest is dropped for a while", "person", id)
		go a.deliverDirect(bot.Reply{To: id, Place: place, Visibility: bot.Private, Text: a.phrase(limit.Message)})
	}
	return v.Allow
}

// rememberDM stores the DM channel a person wrote from, and that their DMs
// work.
func (a *Adapter) rememberDM(ctx context.Context, id bot.PersonID, channel string) error {
	addr, err := a.o.Store.Address(ctx, id)
	if err != nil {
		return err
	}
	if addr.DM == channel && addr.Closed.IsZero() {
		return nil
	}
	addr.DM, addr.Closed = channel, time.Time{}
	return a.o.Store.SetAddress(ctx, id, addr)
}

// handle passes an event to the engine with what Slack knows about the
// person (name, user name, time zone, admin rights), and queues their
// App Home for a refresh.
func (a *Adapter) handle(ctx context.Context, ev bot.Event, user string) error {
	info := a.user(ctx, user)
	ev.Name, ev.Handle, ev.Zone, ev.Admin = info.name, info.handle, info.tz, info.admin
	replies, err := a.o.Engine.Handle(ctx, ev)
	if err != nil {
		return fmt.Errorf("handle event: %w", err)
	}
	for _, r := range replies {
		if r.Direct {
			a.deliverDirect(r)
		}
	}
	// After "forget" too: the home then shows nothing of them.
	a.home.refresh(ev.Person)
	return nil
}

// onCommand takes the slash command: "/followthrough checkin done". The
// ack carries an answer only when the engine could not be reached or a
// form could not be opened; every other answer, setup's too, follows
// from the outbox through the command's response_url, for the person
// alone.
func (a *Adapter) onCommand(ctx context.Context, c slack.SlashCommand) any {
	if a.gone.Load() {
		return nil
	}
	team := a.teamOf(c.TeamID)
	raw := strings.TrimSpace(c.Text)
	sub, _, _ := strings.Cut(raw, " ")
	sub = strings.ToLower(strings.TrimPrefix(sub, "/"))
	var args map[string]string
	if a.channelArgs[sub] {
		// "setup <#C123|wins> digest friday": the channel is the
		// engine's to read by name, the rest are words.
		args, raw = channelArgs(raw)
	}
	args = userArgs(sub, raw, args)
	text := strings.TrimSpace(plainText(raw))
	_, words, _ := strings.Cut(text, " ")
	words = strings.TrimSpace(words)
	if sub == "" {
		sub = "help"
	}
	place := bot.Place{Group: team, Channel: c.ChannelID, Direct: isDM(c.ChannelID), Interaction: encodeInteraction(c.ResponseURL, a.o.Now())}
	person := bot.NewPersonID(Platform, team, c.UserID)
	if !a.admit(person, place) {
		return nil
	}
	if formKinds[sub] && words == "" {
		if err := a.openForm(ctx, c.TriggerID, sub, c.ChannelID); err != nil {
			a.o.Log.Warn("slack: open form", "err", err)
			return ephemeral("I couldn't open the form just now. You can also write it after the command: `" + a.o.Command + " " + sub + " …`")
		}
		return nil
	}
	ev := bot.Event{ID: idOf("slack:t:", c.TriggerID), Person: person, Command: sub, Text: words, Args: args, Place: place}
	if !bot.IsCommand(sub) {
		// "/followthrough I did it": conversation, not a command.
		ev.Command, ev.Text, ev.Args = "", text, nil
	}
	if err := a.handle(ctx, ev, c.UserID); err != nil {
		a.o.Log.Error("slack: command", "err", err)
		return ephemeral(a.phrase(msgFailed))
	}
	return nil
}

// userRef is a person as Slack escapes them in a command's text.
var userRef = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|([^>]*))?>`)

// userArgs passes the people a command names by mention as who they are,
// before the text is made plain: "coach <@U02|kim>" names the person
// U02 (bot.ArgCoach), "setup coaches <@U02> <@U03>" names the group's
// coaches (bot.ArgCoaches).
func userArgs(sub, raw string, args map[string]string) map[string]string {
	refs := userRef.FindAllStringSubmatch(raw, -1)
	if len(refs) == 0 || sub != "coach" && sub != "setup" {
		return args
	}
	if args == nil {
		args = map[string]string{}
	}
	if sub == "coach" {
		args[bot.ArgCoach], args[bot.ArgCoachHandle] = refs[0][1], refs[0][2]
		return args
	}
	var ids []string
	for _, r := range refs {
		ids = append(ids, r[1])
	}
	args[bot.ArgCoaches] = strings.Join(ids, ",")
	return args
}

// isDM reports whether a channel id is a direct conversation (with the
// bot, or between people): never a team channel.
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// channelRef is a channel as Slack escapes it in a command's text.
var channelRef = regexp.MustCompile(`<#([CG][A-Z0-9]+)(?:\|([^>]*))?>`)

// channelArgs takes the channels out of a command's text: the first
// becomes bot.ArgChannel (and its name bot.ArgChannelName), and all are
// removed from the words.
func channelArgs(text string) (map[string]string, string) {
	m := channelRef.FindStringSubmatch(text)
	if m == nil {
		return nil, text
	}
	args := map[string]string{bot.ArgChannel: m[1]}
	if m[2] != "" {
		args[bot.ArgChannelName] = m[2]
	}
	return args, strings.Join(strings.Fields(channelRef.ReplaceAllString(text, " ")), " ")
}

// openForm opens a modal; Slack's trigger ids last 3 seconds, so it
// waits no longer than that.
func (a *Adapter) openForm(ctx context.Context, trigger, kind, meta string) error {
	ctx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	defer cancel()
	_, err := a.api.OpenViewContext(ctx, trigger, a.modal(kind, meta))
	return err
}

// idOf makes an event id from a platform id, or none ("") when the
// platform gave none: an empty id must not make every later event look
// like a redelivery.
func idOf(prefix, id string) string {
	if id == "" {
		return ""
	}
	return prefix + id
}

// ephemeral is an immediate answer only the person sees.
func ephemeral(text string) map[string]any {
	return map[string]any{"response_type": "ephemeral", "text": escape(text)}
}

// onInteraction takes a button press or a submitted form.
func (a *Adapter) onInteraction(ctx context.Context, ic slack.InteractionCallback) (any, error) {
	if a.gone.Load() {
		return nil, nil
	}
	team := a.teamOf(ic.Team.ID, ic.User.TeamID)
	id := bot.NewPersonID(Platform, team, ic.User.ID)
	if !a.admit(id, bot.Place{Group: team, Channel: ic.Channel.ID, Direct: isDM(ic.Channel.ID), Interaction: encodeInteraction(ic.ResponseURL, a.o.Now())}) {
		return nil, nil
	}
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		for _, act := range ic.ActionCallback.BlockActions {
			ev := bot.Event{ID: idOf("slack:a:"+ic.User.ID+":", act.ActionTs), Person: id,
				Place: bot.Place{Group: team, Channel: ic.Channel.ID, Direct: isDM(ic.Channel.ID), Interaction: encodeInteraction(ic.ResponseURL, a.o.Now())}}
			if form, ok := render.ParseID(act.ActionID, render.KindForm, 1); ok && formKinds[form[0]] {
				if err := a.openForm(ctx, ic.TriggerID, form[0], ""); err != nil {
					a.o.Log.Warn("slack: open form", "err", err)
				}
				continue
			}
			if cmd, ok := render.ParseID(act.ActionID, render.KindCommand, 2); ok {
				ev.Command, ev.Text = cmd[0], cmd[1]
			} else if ask, token, value, ok := render.ParseChoiceID(act.ActionID); ok {
				ev.Action, ev.Token, ev.Text = ask, token, value
			} else {
				continue
			}
			if err := a.handle(ctx, ev, ic.User.ID); err != nil {
				return nil, err
			}
		}
	case slack.InteractionTypeViewSubmission:
		form, ok := render.ParseID(ic.View.CallbackID, render.KindForm, 1)
		if !ok || !formKinds[form[0]] {
			return nil, nil
		}
		text := strings.TrimSpace(modalText(ic.View))
		if text == "" {
			return map[string]any{"response_action": "errors", "errors": map[string]string{"text": a.phrase(msgFormEmpty)}}, nil
		}
		channel := ic.View.PrivateMetadata
		// The view's id and hash, not the trigger: a form submitted again
		// after a slow answer is the same form.
		err := a.handle(ctx, bot.Event{ID: idOf("slack:v:", ic.View.ID+":"+ic.View.Hash), Person: id, Command: form[0], Text: text,
			Place: bot.Place{Group: team, Channel: channel, Direct: isDM(channel)}}, ic.User.ID)
		if err != nil {
			return map[string]any{"response_action": "errors", "errors": map[string]string{"text": a.phrase(msgFormFailed)}}, nil
		}
	}
	return nil, nil
}

// purge asks the engine to delete everything about a workspace that
// removed the app, and stops: Slack will send nothing more, and the
// tokens no longer work.
func (a *Adapter) purge(team, why string) {
	if a.gone.Swap(true) {
		return
	}
	n, err := a.o.Engine.ForgetWorkspace(context.Background(), team, bot.NewPersonID(Platform, team, ""))
	if err != nil {
		a.o.Log.Error("slack: delete the workspace's data after "+why, "team", team, "err", err)
	} else {
		a.o.Log.Warn("slack: the app was removed from the workspace ("+why+"); its data is deleted", "team", team, "people", n)
	}
	if a.stop != nil {
		a.stop()
	}
}

// The adapter's own words, in prompts/text/adapter.tmpl.
const (
	msgFailed     bot.Msg = "adapter.failed"
	msgFormEmpty  bot.Msg = "form.empty"
	msgFormFailed bot.Msg = "form.failed"
	msgSave       bot.Msg = "form.save"
	msgCancel     bot.Msg = "form.cancel"
)

// phrase renders one of the adapter's own messages.
func (a *Adapter) phrase(name bot.Msg) string { return a.o.Engine.Phrase(name, Platform, bot.Extra{}) }

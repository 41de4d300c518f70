// Package discord runs Follow Through on Discord through discordgo:
// members talk to the bot in DMs and with slash commands, answer check-ins
// with buttons and longer answers in modals, and a server admin chooses
// the group's channel for public wins and the weekly digest, and the
// digest's day, time and zone, with /setup.
//
// Inbound events become bot.Events; interactions are deferred at once
// (Discord allows 3 seconds) and answered with follow-ups from the
// outbox. Every message goes out with empty allowed_mentions.
package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"followthrough/bot"
)

// Platform is Discord's name in person ids and the outbox.
const Platform = "discord"

// Engine is what the adapter needs from the conversation engine.
type Engine interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Reply, error)
	DigestWhen(g bot.GroupSettings) string
}

// Store is what the adapter needs from the store.
type Store interface {
	Pending(platform string, max int) ([]bot.Envelope, error)
	Delivered(platform string, seqs ...uint64) error
	GiveUp(env bot.Envelope, reason string, at time.Time) error
	Address(id bot.PersonID) (bot.Address, error)
	SetAddress(id bot.PersonID, a bot.Address) error
	GroupSettings(group string) (bot.GroupSettings, error)
	SetGroupSettings(group string, g bot.GroupSettings) error
	Person(id bot.PersonID) (*bot.Person, bool, error)
}

// client is the part of discordgo's Session the adapter calls; tests and
// the real Session both satisfy it.
type client interface {
	User(userID string, options ...discordgo.RequestOption) (*discordgo.User, error)
	ApplicationCommandBulkOverwrite(appID, guildID string, commands []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	UserChannelCreate(recipientID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	// The raw requests, for messages with fields discordgo does not
	// know (a nonce Discord enforces).
	RequestWithBucketID(method, urlStr string, data any, bucketID string, options ...discordgo.RequestOption) ([]byte, error)
	RequestRaw(method, urlStr, contentType string, b []byte, bucketID string, sequence int, options ...discordgo.RequestOption) ([]byte, error)
}

// Options configure the adapter.
type Options struct {
	Token string // the bot token, from DISCORD_TOKEN
	// APIURL points the client at another Discord (a local fake in
	// tests); empty for the real one.
	APIURL string
	// Guilds, if set, get the slash commands registered directly (they
	// update at once); otherwise commands are registered globally.
	Guilds []string
	Engine Engine
	Store  Store
	Log    *slog.Logger
	// Queued wakes the sender when replies were queued.
	Queued <-chan struct{}
	// Reconnect makes the gateway reconnect after network errors (on in
	// production; tests turn it off so a closed fake does not loop).
	Reconnect bool
	// Rate bounds proactive sends per second (default 40, below
	// Discord's global 50/s); PerChannel spaces sends to one
	// conversation (default none: Discord's 429s say when).
	Rate       float64
	PerChannel time.Duration
	// Grace drops queued reminders older than this (reminders.grace).
	Grace time.Duration
	// Metrics, if set, counts deliveries and failures.
	Metrics bot.DeliveryMetrics
	// HTTPTimeout bounds one REST request, answer included (default
	// 30s with APIURL, else discordgo's 20s). A send that times out is
	// retried; its nonce keeps Discord from making the message twice.
	HTTPTimeout time.Duration
	// Backoff is the first wait after a failed send that is not a rate
	// limit (default 1s); it doubles, up to a minute.
	Backoff time.Duration
}

// Adapter is a running Discord connection.
type Adapter struct {
	o         Options
	s         *discordgo.Session
	api       client
	appID     string
	ready     chan string
	connected atomic.Bool
	zones     *bot.Zones // for /setup's zone
}

// New prepares a session; Run connects it.
func New(o Options) (*Adapter, error) {
	if strings.TrimSpace(o.Token) == "" {
		return nil, errors.New("discord: DISCORD_TOKEN is empty: put the bot token from the Developer Portal (Bot → Reset Token) in the environment")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s, err := discordgo.New("Bot " + strings.TrimPrefix(strings.TrimSpace(o.Token), "Bot "))
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	// DMs and interactions carry their content: no privileged intent.
	s.Identify.Intents = discordgo.IntentsDirectMessages
	s.ShouldReconnectOnError = o.Reconnect
	// One event at a time, in the order Discord sent them: a person's
	// answers must not overtake each other. Handling takes milliseconds.
	s.SyncEvents = true
	s.LogLevel = discordgo.LogError
	if o.APIURL != "" {
		base, err := url.Parse(o.APIURL)
		if err != nil || base.Host == "" {
			return nil, fmt.Errorf("discord: api_url %q is not a URL", o.APIURL)
		}
		s.Client = &http.Client{Transport: rewrite{base: base}, Timeout: 30 * time.Second}
	}
	if o.HTTPTimeout > 0 {
		s.Client.Timeout = o.HTTPTimeout
	}
	a := &Adapter{o: o, s: s, api: s, ready: make(chan string, 1), zones: bot.NewZones()}
	s.AddHandler(a.onReady)
	s.AddHandler(a.onMessage)
	s.AddHandler(a.onInteraction)
	s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { a.connected.Store(false) })
	s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { a.connected.Store(true) })
	return a, nil
}

// rewrite sends every request to another scheme and host (a local fake).
type rewrite struct{ base *url.URL }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.base.Scheme, r.base.Host
	req.Host = r.base.Host
	return http.DefaultTransport.RoundTrip(req)
}

// Connected reports whether the gateway is up (for readiness checks).
func (a *Adapter) Connected() bool { return a.connected.Load() }

// Run checks the token, connects, registers the slash commands and sends
// replies from the outbox until ctx ends.
func (a *Adapter) Run(ctx context.Context) error {
	if _, err := a.api.User("@me", discordgo.WithContext(ctx)); err != nil {
		var re *discordgo.RESTError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
			return errors.New("discord: Discord refused the token in DISCORD_TOKEN (401 Unauthorized): copy it again from the Developer Portal (Bot → Reset Token)")
		}
		return fmt.Errorf("discord: check the token: %w", err)
	}
	if err := a.s.Open(); err != nil {
		return fmt.Errorf("discord: connect to the gateway: %w", err)
	}
	defer a.s.Close()
	select {
	case a.appID = <-a.ready:
	case <-time.After(15 * time.Second):
		return errors.New("discord: the gateway did not say READY within 15s")
	case <-ctx.Done():
		return nil
	}
	if err := a.register(ctx); err != nil {
		return err
	}
	a.o.Log.Info("discord connected", "application", a.appID)
	a.sendLoop(ctx)
	return nil
}

func (a *Adapter) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	a.connected.Store(true)
	id := ""
	if r.Application != nil {
		id = r.Application.ID
	}
	if id == "" && r.User != nil {
		id = r.User.ID
	}
	select {
	case a.ready <- id:
	default:
	}
}

// register bulk-overwrites the slash commands, per guild or globally.
func (a *Adapter) register(ctx context.Context) error {
	guilds := a.o.Guilds
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	for _, g := range guilds {
		if _, err := a.api.ApplicationCommandBulkOverwrite(a.appID, g, slashCommands(), discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("discord: register slash commands (guild %q): %w", g, err)
		}
	}
	return nil
}

func personOf(u *discordgo.User) (bot.PersonID, string) {
	name := u.GlobalName
	if name == "" {
		name = u.Username
	}
	return bot.NewPersonID(Platform, u.ID), name
}

// onMessage takes a DM. Guild messages are not subscribed to.
func (a *Adapter) onMessage(_ *discordgo.Session, m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot || m.GuildID != "" {
		return
	}
	id, name := personOf(m.Author)
	// They wrote to us: their DMs work, and this is their DM channel.
	if err := a.o.Store.SetAddress(id, bot.Address{DM: m.ChannelID}); err != nil {
		a.o.Log.Error("discord: remember DM channel", "err", err)
	}
	ev := bot.Event{ID: "discord:m:" + m.ID, Person: id, Name: name, Text: m.Content, Place: bot.Place{Channel: m.ChannelID}}
	replies, err := a.o.Engine.Handle(context.Background(), ev)
	if err != nil {
		a.o.Log.Error("discord: handle message", "err", err)
	}
	a.sendDirect(replies)
}

const ephemeral = discordgo.MessageFlagsEphemeral

// onInteraction answers slash commands, buttons and modals: it defers at
// once and lets the outbox send the answer as follow-ups.
func (a *Adapter) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	user := i.User
	if i.Member != nil && i.Member.User != nil {
		user = i.Member.User
	}
	if user == nil {
		return
	}
	id, name := personOf(user)
	ev := bot.Event{ID: "discord:i:" + i.ID, Person: id, Name: name,
		Place: bot.Place{Group: i.GuildID, Channel: i.ChannelID, Reply: encodeReply(i.AppID, i.Token, time.Now())}}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		args := commandArgs(data)
		switch {
		case data.Name == "setup":
			a.setup(i, data)
			return
		case (data.Name == "goal" || data.Name == "step") && args == "":
			a.respond(i, modal(data.Name))
			return
		}
		ev.Command, ev.Text = data.Name, args
	case discordgo.InteractionMessageComponent:
		ask, token, value, ok := parseCustomID(i.MessageComponentData().CustomID)
		if !ok {
			return
		}
		ev.Action, ev.Token, ev.Text = ask, token, value
	case discordgo.InteractionModalSubmit:
		data := i.ModalSubmitData()
		kind, ok := strings.CutPrefix(data.CustomID, "ft-modal|")
		if !ok {
			return
		}
		ev.Command, ev.Text = kind, modalText(data)
	default:
		return
	}
	flags := discordgo.MessageFlags(0)
	if i.GuildID != "" {
		flags = ephemeral // private answers stay private in a channel
	}
	a.respond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags}})
	if i.GuildID != "" {
		a.noticeClosedDMs(i, id)
	}
	replies, err := a.o.Engine.Handle(context.Background(), ev)
	if err != nil {
		a.o.Log.Error("discord: handle interaction", "err", err)
		a.followup(i, "Sorry — something went wrong on my side. Nothing you said was lost; please try again.", flags)
		return
	}
	if len(replies) == 0 {
		// A redelivered interaction: already answered once.
		a.o.Log.Debug("discord: duplicate interaction", "id", i.ID)
	}
	a.sendDirect(replies)
}

// sendDirect sends the replies that were not queued (the farewell after
// forget), once, best effort: nothing of them may stay in the database.
func (a *Adapter) sendDirect(replies []bot.Reply) {
	for _, r := range replies {
		if !r.Direct {
			continue
		}
		if err := a.deliverDirect(r); err != nil {
			a.o.Log.Warn("discord: direct reply not delivered", "err", err)
		}
	}
}

func (a *Adapter) respond(i *discordgo.Interaction, r *discordgo.InteractionResponse) {
	if err := a.api.InteractionRespond(i, r); err != nil {
		a.o.Log.Warn("discord: respond to interaction", "err", err)
	}
}

func (a *Adapter) followup(i *discordgo.Interaction, text string, flags discordgo.MessageFlags) {
	_, err := a.api.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: text, Flags: flags, AllowedMentions: noMentions()})
	if err != nil {
		a.o.Log.Warn("discord: follow up", "err", err)
	}
}

// noticeClosedDMs tells someone whose DMs are closed, once, privately.
func (a *Adapter) noticeClosedDMs(i *discordgo.Interaction, id bot.PersonID) {
	addr, err := a.o.Store.Address(id)
	if err != nil || addr.Closed.IsZero() || !addr.Told.IsZero() {
		return
	}
	a.followup(i, closedDMsText, ephemeral)
	addr.Told = time.Now()
	if err := a.o.Store.SetAddress(id, addr); err != nil {
		a.o.Log.Error("discord: remember notice", "err", err)
	}
}

const closedDMsText = "I couldn't send you a direct message, so your reminders can't reach you. To fix it: right-click this server → Privacy Settings → allow direct messages from server members, then send me any DM."

// setup changes the group's settings (Manage Server only): the channel
// for public wins and the weekly digest, the coach role, and the digest's
// day, time and zone. It changes only the options given, and nothing at
// all when one of them is wrong.
func (a *Adapter) setup(i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	reply := func(text string) {
		a.respond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: text, Flags: ephemeral, AllowedMentions: noMentions()}})
	}
	if i.GuildID == "" {
		reply("Run /setup in your group's server, not in a DM.")
		return
	}
	if i.Member == nil || i.Member.User == nil || i.Member.Permissions&discordgo.PermissionManageGuild == 0 {
		reply("Only server admins (Manage Server permission) can run /setup.")
		return
	}
	g, err := a.o.Store.GroupSettings(i.GuildID)
	if err != nil {
		a.o.Log.Error("discord: setup: read group", "err", err)
		reply("Sorry — I couldn't read this group's settings. Nothing was changed; please try again.")
		return
	}
	for _, o := range data.Options {
		value := strings.TrimSpace(fmt.Sprint(o.Value))
		switch o.Name {
		case "channel":
			g.Channel = value
		case "coach_role":
			g.CoachRole = value
		case "digest_day":
			d, ok := bot.ParseWeekday(value)
			if !ok {
				reply(fmt.Sprintf("“%s” is not a day of the week: choose one from the list, like Friday. Nothing was changed.", trimRunes(value, 40)))
				return
			}
			g.DigestDay = strings.ToLower(d.String())
		case "digest_time":
			h, m, err := bot.ParseClock(value)
			if err != nil {
				reply(fmt.Sprintf("“%s” is not a time of day I can read: give the digest's time as 24-hour HH:MM, like 17:30. Nothing was changed.", trimRunes(value, 40)))
				return
			}
			g.DigestTime = fmt.Sprintf("%02d:%02d", h, m)
		case "zone":
			if _, err := a.zones.Load(value); err != nil {
				reply(fmt.Sprintf("I don't know the time zone “%s”: use an IANA name like Europe/Berlin or America/New_York. Nothing was changed.", trimRunes(value, 64)))
				return
			}
			g.Zone = value
		}
	}
	if g.Channel == "" {
		g.Channel = i.ChannelID
	}
	g.At, g.By = time.Now(), i.Member.User.ID
	if err := a.o.Store.SetGroupSettings(i.GuildID, g); err != nil {
		a.o.Log.Error("discord: setup", "err", err)
		reply("Sorry — I couldn't save that. Nothing was changed; please try again.")
		return
	}
	reply(setupDone(g, a.o.Engine.DigestWhen(g)))
}

// setupDone says what the group's settings now are; when is when the
// digest goes out (Engine.DigestWhen).
func setupDone(g bot.GroupSettings, when string) string {
	text := "Done: public wins and the weekly digest will be posted in <#" + g.Channel + ">."
	if g.CoachRole != "" {
		text += " Coaches have the <@&" + g.CoachRole + "> role."
	}
	text += " The weekly digest comes " + when + "."
	if g.DigestDay == "" && g.DigestTime == "" && g.Zone == "" {
		text += " /setup digest_day, digest_time and zone change it."
	}
	return text
}

// commandArgs flattens a slash command's options into the text the engine
// reads ("win sent the email", "coach <id>", "rate 7").
func commandArgs(data discordgo.ApplicationCommandInteractionData) string {
	var parts []string
	for _, o := range data.Options {
		switch v := o.Value.(type) {
		case string:
			parts = append(parts, v)
		case float64:
			parts = append(parts, strconv.FormatFloat(v, 'f', -1, 64))
		default:
			parts = append(parts, fmt.Sprint(v))
		}
	}
	return strings.Join(parts, " ")
}

// modal is the form for writing a goal or a step.
func modal(kind string) *discordgo.InteractionResponse {
	label, title, placeholder := "Your goal", "Your goal", "What would you be doing differently?"
	if kind == "step" {
		label, title, placeholder = "The smallest next step", "Your next step", "Something that takes five minutes or less"
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: "ft-modal|" + kind, Title: title,
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: kind, Label: label, Style: discordgo.TextInputParagraph, Placeholder: placeholder, Required: true, MaxLength: 1000},
		}}},
	}}
}

// modalText reads the text inputs of a submitted modal.
func modalText(data discordgo.ModalSubmitInteractionData) string {
	var parts []string
	for _, row := range data.Components {
		if r, ok := row.(*discordgo.ActionsRow); ok {
			for _, c := range r.Components {
				if t, ok := c.(*discordgo.TextInput); ok {
					parts = append(parts, t.Value)
				}
			}
		}
	}
	return strings.Join(parts, "\n")
}

// encodeReply packs what a follow-up needs; interaction tokens last 15
// minutes.
func encodeReply(appID, token string, at time.Time) string {
	b, _ := json.Marshal([]string{appID, token, strconv.FormatInt(at.Unix(), 10)})
	return string(b)
}

func decodeReply(s string) (appID, token string, at time.Time, ok bool) {
	var parts []string
	if json.Unmarshal([]byte(s), &parts) != nil || len(parts) != 3 {
		return "", "", time.Time{}, false
	}
	sec, err := strconv.ParseInt(parts[2], 10, 64)
	return parts[0], parts[1], time.Unix(sec, 0), err == nil
}

// Package discord runs Follow Through on Discord through discordgo:
// members talk to the bot in DMs and with slash commands, answer check-ins
// with buttons and longer answers in modals, and a server admin chooses
// the group's channel for public wins and the weekly digest, and the
// digest's day, time and zone, with /setup.
//
// The slash commands are the engine's commands (Engine.CommandSpecs), in
// its words. Inbound events become bot.Events, /setup included: the
// engine checks the admin's rights, reads the options and answers.
// Interactions are deferred at once (Discord allows 3 seconds) and
// answered with follow-ups from the outbox. Every message goes out with
// empty allowed_mentions.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"followthrough/adapters/internal/limit"
	"followthrough/adapters/internal/outbox"
	"followthrough/bot"
)

// Platform is Discord's name in person ids and the outbox.
const Platform = "discord"

// Engine is what the adapter needs from the conversation engine.
type Engine interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Reply, error)
	// CommandSpecs are the commands to register as slash commands.
	CommandSpecs(platform string) []bot.CommandSpec
	// Phrase renders the adapter's own words (the notice of a limit).
	Phrase(name bot.Msg, platform string, x bot.Extra) string
}

// Store is what the adapter keeps: the outbox, how to reach people, and
// (read only) the groups' channels. store.DB implements it.
type Store = outbox.DeliveryStore

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
	// Now is the clock the adapter stamps and ages interactions and
	// closed DMs by, and the sender paces by (default time.Now).
	Now func() time.Time
	// Burst and PerMinute limit each person's events (defaults 20 and
	// 30): one past it is dropped, with a notice once in a while.
	Burst     int
	PerMinute float64
	// OutboxMax, with OutboxDepth (the replies waiting for Discord),
	// bounds the outbox: past it, events wait to be handled (and, once
	// Queue are waiting, the gateway waits to be read). 0: no bound.
	OutboxMax   int
	OutboxDepth func(ctx context.Context) (int, error)
	// Queue bounds the events taken in and not yet handled (default
	// 1024): past it, the gateway is read no further until one is.
	Queue int
	// AckTimeout bounds an interaction's acknowledgement (default 3s,
	// Discord's window: a later one is refused anyway).
	AckTimeout time.Duration
}

// Adapter is a running Discord connection.
type Adapter struct {
	o         Options
	s         *discordgo.Session
	api       client
	appID     string
	ready     chan string
	connected atomic.Bool
	// commands are the engine's commands, as registered; specs the same
	// by name.
	commands []bot.CommandSpec
	specs    map[string]bot.CommandSpec
	// Inbound events wait in lanes, one per person, each handled in
	// order by its own goroutine; queue holds a token per event waiting
	// or being handled.
	lanes   lanes
	queue   chan struct{}
	seen    recent // interactions taken in lately
	people  *limit.People
	backlog *limit.Backlog
	// stopped is closed when Run ends: lanes waiting for the outbox
	// to drain give up, and leave their events unhandled.
	stopped chan struct{}
}

// New prepares a session; Run connects it.
func New(o Options) (*Adapter, error) {
	if strings.TrimSpace(o.Token) == "" {
		return nil, errors.New("discord: DISCORD_TOKEN is empty: put the bot token from the Developer Portal (Bot → Reset Token) in the environment")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s, err := discordgo.New("Bot " + strings.TrimPrefix(strings.TrimSpace(o.Token), "Bot "))
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	// DMs and interactions carry their content: no privileged intent.
	s.Identify.Intents = discordgo.IntentsDirectMessages
	s.ShouldReconnectOnError = o.Reconnect
	// Handlers run on the gateway's own goroutine, in the order Discord
	// sent the events, and only hand each to its person's lane: people
	// are handled at once, each in order (see dispatch).
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
	if o.Queue <= 0 {
		o.Queue = 1024
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 3 * time.Second
	}
	a := &Adapter{o: o, s: s, api: s, ready: make(chan string, 1), specs: map[string]bot.CommandSpec{},
		queue: make(chan struct{}, o.Queue), seen: recent{keep: 15 * time.Minute, now: o.Now},
		people: limit.NewPeople(o.Burst, o.PerMinute, 0, o.Now), backlog: &limit.Backlog{Max: o.OutboxMax, Depth: o.OutboxDepth},
		stopped: make(chan struct{})}
	if o.Engine != nil {
		a.commands = o.Engine.CommandSpecs(Platform)
		for _, c := range a.commands {
			a.specs[c.Name] = c
		}
	}
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
	// The lanes finish what they took in before Run returns (and the
	// database closes), once the gateway sends nothing more.
	defer a.lanes.wait()
	defer close(a.stopped)
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
	commands := slashCommands(a.commands)
	for _, g := range guilds {
		if _, err := a.api.ApplicationCommandBulkOverwrite(a.appID, g, commands, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("discord: register slash commands (guild %q): %w", g, err)
		}
	}
	return nil
}

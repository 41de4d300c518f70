// Package slack runs Follow Through on Slack through slack-go: each
// person talks to the bot in its App Home messages tab and with one slash
// command (/followthrough checkin …), answers check-ins with Block Kit
// buttons and longer answers in modals, and sees their plan, streak and
// wins on the App Home tab. Public wins go to the team's channel.
//
// Two connection modes: Socket Mode (the default: no public URL needed)
// and HTTP, where Slack posts to endpoints on the bot's HTTP listener and
// every request is checked against the signing secret. Both feed the same
// dispatch: events are handled (a durable commit) and then acknowledged,
// within Slack's 3 seconds; the answers follow from the outbox. Setup is
// one of the engine's commands like any other; an uninstall asks the
// engine to forget the workspace.
//
// Everything the bot posts is escaped for mrkdwn, so echoed text such as
// "<!channel>" notifies nobody.
//
// The package's files follow its concerns: the connection and the
// socket loop (socket.go), what comes in (inbound.go, users.go), the App
// Home (home.go), rendering (render.go), sending (sender.go) and HTTP
// mode (http.go); client.go is the part of slack-go it calls.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"followthrough/adapters/internal/limit"
	"followthrough/adapters/internal/outbox"
	"followthrough/bot"
)

// Platform is Slack's name in person ids and the outbox.
const Platform = "slack"

// Engine is what the adapter needs from the conversation engine.
type Engine interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Reply, error)
	// Snapshot is a person's progress, for their App Home.
	Snapshot(ctx context.Context, id bot.PersonID, group string) (bot.Snapshot, error)
	// CommandSpecs tells which commands take a channel (setup).
	CommandSpecs(platform string) []bot.CommandSpec
	// ForgetWorkspace deletes a workspace that removed the app.
	ForgetWorkspace(ctx context.Context, group string, people bot.PersonID) (int, error)
	// Phrase renders the adapter's own words (the notice of a limit).
	Phrase(name bot.Msg, platform string, x bot.Extra) string
}

// Store is what the adapter keeps: the outbox, how to reach people, and
// (read only) the teams' channels. store.DB implements it.
type Store = outbox.DeliveryStore

// Modes of connection.
const (
	Socket = "socket"
	HTTP   = "http"
)

// Options configure the adapter.
type Options struct {
	BotToken string // xoxb-…, from SLACK_BOT_TOKEN
	AppToken string // xapp-…, from SLACK_APP_TOKEN (Socket Mode)
	// SigningSecret checks HTTP-mode requests (SLACK_SIGNING_SECRET).
	SigningSecret string
	Mode          string // Socket (default) or HTTP
	// APIURL points the client at another Slack (a local fake in tests),
	// ending in "/api/"; empty for the real one.
	APIURL string
	// Command is the slash command as configured in the manifest.
	Command string
	// Channel is the team channel (an id like C0123) for public wins,
	// until an admin picks one with "setup".
	Channel string
	Engine  Engine
	Store   Store
	Log     *slog.Logger
	// Queued wakes the sender when replies were queued.
	Queued <-chan struct{}
	// PerChannel spaces posts to one conversation (default 1s, Slack's
	// chat.postMessage limit); Rate bounds all posts per second
	// (default 20).
	PerChannel time.Duration
	Rate       float64
	// Grace drops queued reminders older than this (reminders.grace).
	Grace time.Duration
	// Metrics, if set, counts deliveries and failures.
	Metrics bot.DeliveryMetrics
	// Now is the clock for signature windows, reply freshness, the user
	// cache and the sender's pacing (default time.Now).
	Now func() time.Time
	// HTTPTimeout bounds one Web API call, answer included (default
	// 30s). A post that times out is retried: Slack has no way to say
	// whether the first one was made (see deliver).
	HTTPTimeout time.Duration
	// Backoff is the first wait after a failed post that is not a rate
	// limit (default 1s); it doubles, up to a minute.
	Backoff time.Duration
	// Burst and PerMinute limit each person's events (defaults 20 and
	// 30): one past it is dropped, with a notice once in a while.
	Burst     int
	PerMinute float64
	// OutboxMax, with OutboxDepth (the replies waiting for Slack),
	// bounds the outbox: past it, events are refused so that Slack
	// sends them again later (HTTP 503; no ack in Socket Mode). 0: no
	// bound.
	OutboxMax   int
	OutboxDepth func(ctx context.Context) (int, error)
	// OutboxEvery is how often the depth is read (default 100ms).
	OutboxEvery time.Duration
	// InFlight bounds the HTTP-mode requests read and handled at once
	// (default 32; with bodies of up to 1 MiB, what unverified requests
	// can hold is bounded so); one more is answered 503 before its
	// body is read.
	InFlight int
	// BodyTimeout bounds the time an HTTP-mode request's body may take
	// to arrive (default 5s).
	BodyTimeout time.Duration
}

// Adapter is a running Slack connection.
type Adapter struct {
	o Options
	// sc is slack-go's client, for Socket Mode; api is the same client
	// as the adapter calls it.
	sc        *slack.Client
	api       client
	team      string // the workspace, from auth.test
	botUser   string
	connected atomic.Bool
	gone      atomic.Bool  // uninstalled: handle nothing more
	fatal     atomic.Value // an error that stopped Run
	stop      context.CancelFunc
	ready     chan struct{} // closed once auth.test has answered
	users     users
	home      homes
	// channelArgs are the commands that take a channel (setup): a
	// channel named in their text is theirs to read by name.
	channelArgs map[string]bool
	// inFlight holds a token per HTTP-mode request being handled.
	inFlight chan struct{}
	people   *limit.People
	backlog  *limit.Backlog
}

// New checks the tokens' shapes and prepares a client; Run connects it.
func New(o Options) (*Adapter, error) {
	o.BotToken, o.AppToken, o.SigningSecret = strings.TrimSpace(o.BotToken), strings.TrimSpace(o.AppToken), strings.TrimSpace(o.SigningSecret)
	if o.Mode == "" {
		o.Mode = Socket
	}
	if err := checkTokens(o); err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Command == "" {
		o.Command = "/followthrough"
	}
	if o.PerChannel <= 0 {
		o.PerChannel = time.Second
	}
	if o.Rate <= 0 {
		o.Rate = 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPTimeout <= 0 {
		o.HTTPTimeout = 30 * time.Second
	}
	if o.InFlight <= 0 {
		o.InFlight = 32
	}
	if o.BodyTimeout <= 0 {
		o.BodyTimeout = 5 * time.Second
	}
	opts := []slack.Option{slack.OptionAppLevelToken(o.AppToken), slack.OptionHTTPClient(&http.Client{Timeout: o.HTTPTimeout})}
	if o.APIURL != "" {
		if !strings.HasSuffix(o.APIURL, "/") {
			o.APIURL += "/"
		}
		opts = append(opts, slack.OptionAPIURL(o.APIURL))
	}
	sc := slack.New(o.BotToken, opts...)
	a := &Adapter{o: o, sc: sc, api: sc, ready: make(chan struct{}), home: newHomes(), channelArgs: map[string]bool{},
		inFlight: make(chan struct{}, o.InFlight), people: limit.NewPeople(o.Burst, o.PerMinute, 0, o.Now),
		backlog: &limit.Backlog{Max: o.OutboxMax, Depth: o.OutboxDepth, Every: o.OutboxEvery}}
	a.users.now = o.Now
	if o.Engine != nil {
		for _, c := range o.Engine.CommandSpecs(Platform) {
			for _, opt := range c.Options {
				if opt.Kind == bot.ChannelArg {
					a.channelArgs[c.Name] = true
				}
			}
		}
	}
	return a, nil
}

// checkTokens catches the common mistakes before anything connects: a
// missing token, or tokens in each other's variables.
func checkTokens(o Options) error {
	switch {
	case o.Mode != Socket && o.Mode != HTTP:
		return fmt.Errorf("slack: mode %q: use socket or http", o.Mode)
	case o.BotToken == "":
		return errors.New("slack: SLACK_BOT_TOKEN is empty: put the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page in the environment")
	case strings.HasPrefix(o.BotToken, "xapp-"):
		return errors.New("slack: SLACK_BOT_TOKEN holds the app-level token (xapp-…): that one goes in SLACK_APP_TOKEN; SLACK_BOT_TOKEN takes the Bot User OAuth Token (xoxb-…)")
	case !strings.HasPrefix(o.BotToken, "xoxb-"):
		return errors.New("slack: SLACK_BOT_TOKEN must start with xoxb- (the Bot User OAuth Token on the app's OAuth & Permissions page)")
	}
	if o.Mode == Socket {
		switch {
		case o.AppToken == "":
			return errors.New("slack: SLACK_APP_TOKEN is empty: Socket Mode needs an app-level token (xapp-…) with the connections:write scope (Basic Information → App-Level Tokens), or set slack.mode: http")
		case strings.HasPrefix(o.AppToken, "xoxb-"):
			return errors.New("slack: SLACK_APP_TOKEN holds the bot token (xoxb-…): it takes the app-level token (xapp-…); the bot token goes in SLACK_BOT_TOKEN")
		case !strings.HasPrefix(o.AppToken, "xapp-"):
			return errors.New("slack: SLACK_APP_TOKEN must start with xapp- (an app-level token with connections:write, under Basic Information → App-Level Tokens)")
		}
	}
	if o.Mode == HTTP && o.SigningSecret == "" {
		return errors.New("slack: HTTP mode needs SLACK_SIGNING_SECRET (Basic Information → App Credentials → Signing Secret) to check that requests come from Slack")
	}
	return nil
}

// Connected reports whether the adapter can take events: in Socket Mode
// the socket is up; in HTTP mode the token was accepted.
func (a *Adapter) Connected() bool { return a.connected.Load() && !a.gone.Load() }

// Started is closed once Slack accepted the bot token and events can be
// handled.
func (a *Adapter) Started() <-chan struct{} { return a.ready }

// teamOf is the workspace an event is from: the first id Slack gave, or
// else the bot's own workspace (from auth.test).
func (a *Adapter) teamOf(ids ...string) string {
	for _, id := range ids {
		if id != "" {
			return id
		}
	}
	return a.team
}

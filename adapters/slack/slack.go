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
// within Slack's 3 seconds; the answers follow from the outbox.
//
// Everything the bot posts is escaped for mrkdwn, so echoed text such as
// "<!channel>" notifies nobody.
package slack

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"followthrough/bot"
)

// Platform is Slack's name in person ids and the outbox.
const Platform = "slack"

// Engine is what the adapter needs from the conversation engine.
type Engine interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Reply, error)
	Snapshot(id bot.PersonID) (bot.Snapshot, error)
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
	ForgetGroup(group string, prefix bot.PersonID) (int, error)
}

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
	// Now is the clock for signature windows and reply freshness
	// (default time.Now).
	Now func() time.Time
	// HTTPTimeout bounds one Web API call, answer included (default
	// 30s). A post that times out is retried: Slack has no way to say
	// whether the first one was made (see deliver).
	HTTPTimeout time.Duration
	// Backoff is the first wait after a failed post that is not a rate
	// limit (default 1s); it doubles, up to a minute.
	Backoff time.Duration
}

// Adapter is a running Slack connection.
type Adapter struct {
	o         Options
	api       *slack.Client
	team      string // the workspace, from auth.test
	botUser   string
	connected atomic.Bool
	gone      atomic.Bool  // uninstalled: handle nothing more
	fatal     atomic.Value // an error that stopped Run
	stop      context.CancelFunc
	ready     chan struct{} // closed once auth.test has answered
	users     sync.Map      // user id -> userInfo
	homes     chan bot.PersonID
	homeMu    sync.Mutex
	homeDue   map[bot.PersonID]bool
	shown     map[bot.PersonID][32]byte // hash of the home last published
}

// userInfo is what users.info told about someone, kept for a day.
type userInfo struct {
	name, tz string
	admin    bool
	at       time.Time
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
	opts := []slack.Option{slack.OptionAppLevelToken(o.AppToken), slack.OptionHTTPClient(&http.Client{Timeout: o.HTTPTimeout})}
	if o.APIURL != "" {
		if !strings.HasSuffix(o.APIURL, "/") {
			o.APIURL += "/"
		}
		opts = append(opts, slack.OptionAPIURL(o.APIURL))
	}
	return &Adapter{
		o: o, api: slack.New(o.BotToken, opts...), ready: make(chan struct{}),
		homes: make(chan bot.PersonID, 256), homeDue: map[bot.PersonID]bool{}, shown: map[bot.PersonID][32]byte{},
	}, nil
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

// Run checks the token, connects (Socket Mode) and sends replies from the
// outbox until ctx ends. In HTTP mode events arrive through Handler. Run
// returns nil after an uninstall, once the workspace's data is deleted.
func (a *Adapter) Run(ctx context.Context) error {
	ctx, a.stop = context.WithCancel(ctx)
	defer a.stop()
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		switch code := slackError(err); code {
		case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired":
			return fmt.Errorf("slack: Slack refused SLACK_BOT_TOKEN (%s): copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions, and reinstall the app if it was removed", code)
		}
		return fmt.Errorf("slack: check the token: %w", err)
	}
	a.team, a.botUser = auth.TeamID, auth.UserID
	close(a.ready)
	a.o.Log.Info("slack: token accepted", "team", auth.TeamID, "bot_user", auth.UserID, "mode", a.o.Mode)
	// The loops finish before Run returns, so nothing is sent after the
	// database closes (it would be sent again after a restart).
	var loops sync.WaitGroup
	defer loops.Wait()
	loops.Go(func() { a.homeLoop(ctx) })
	loops.Go(func() { a.sendLoop(ctx) })
	if a.o.Mode == HTTP {
		a.connected.Store(true)
		<-ctx.Done()
		return nil
	}
	sm := socketmode.New(a.api)
	sockErr := make(chan error, 1)
	go func() { sockErr <- sm.RunContext(ctx) }()
	// Requests are handled by workers, each person always by the same
	// one: a person's messages keep their order, and one slow call
	// (users.info, a form, a purge) does not hold up everyone else's ack.
	workers := make([]chan socketmode.Event, 8)
	for i := range workers {
		workers[i] = make(chan socketmode.Event, 64)
		loops.Go(func() {
			for ev := range workers[i] {
				a.onRequest(ctx, sm, ev)
			}
		})
	}
	defer func() {
		for _, w := range workers {
			close(w)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			<-sockErr
			return a.fatalErr()
		case err := <-sockErr:
			// A refused app token ends the socket and cancels ctx: which
			// of the two is seen first, the error must win.
			if fatal := a.fatalErr(); fatal != nil {
				return fatal
			}
			if ctx.Err() != nil || a.gone.Load() {
				return nil
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case ev := <-sm.Events:
			if ev.Request == nil {
				a.onConnection(ev)
				continue
			}
			h := fnv.New32a()
			h.Write([]byte(requestUser(ev)))
			select {
			case workers[h.Sum32()%uint32(len(workers))] <- ev:
			case <-ctx.Done():
			}
		}
	}
}

// fatalErr is the error that stopped Run, if one did.
func (a *Adapter) fatalErr() error {
	err, _ := a.fatal.Load().(error)
	return err
}

// requestUser is who a Socket Mode request is from ("" if nobody).
func requestUser(ev socketmode.Event) string {
	switch d := ev.Data.(type) {
	case slackevents.EventsAPIEvent:
		switch in := d.InnerEvent.Data.(type) {
		case *slackevents.MessageEvent:
			return in.User
		case *slackevents.AppHomeOpenedEvent:
			return in.User
		}
	case slack.SlashCommand:
		return d.UserID
	case slack.InteractionCallback:
		return d.User.ID
	}
	return ""
}

// onConnection follows the socket's state.
func (a *Adapter) onConnection(ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		if !a.connected.Swap(true) {
			a.o.Log.Info("slack: socket mode connected")
		}
	case socketmode.EventTypeDisconnect, socketmode.EventTypeConnecting:
		a.connected.Store(false)
	case socketmode.EventTypeInvalidAuth:
		a.fatal.Store(errors.New("slack: Slack refused SLACK_APP_TOKEN (invalid_auth): create an app-level token with connections:write under Basic Information → App-Level Tokens"))
		a.stop()
	case socketmode.EventTypeConnectionError:
		a.connected.Store(false)
		a.o.Log.Warn("slack: socket mode connection failed; retrying", "err", ev.Data)
	}
}

// onRequest handles one Socket Mode request and then acknowledges it.
// An event the engine could not keep is not acknowledged: Slack sends it
// again.
func (a *Adapter) onRequest(ctx context.Context, sm *socketmode.Client, ev socketmode.Event) {
	if ev.Request.RetryAttempt > 0 {
		a.o.Log.Debug("slack: redelivery", "attempt", ev.Request.RetryAttempt, "reason", ev.Request.RetryReason)
	}
	var ack any
	var err error
	switch data := ev.Data.(type) {
	case slackevents.EventsAPIEvent:
		err = a.onEvent(ctx, data)
	case slack.SlashCommand:
		ack = a.onCommand(ctx, data)
	case slack.InteractionCallback:
		ack, err = a.onInteraction(ctx, data)
	}
	if err != nil {
		a.o.Log.Error("slack: not acknowledged, Slack will send it again", "err", err)
		return
	}
	if err := sm.AckCtx(ctx, ev.Request.EnvelopeID, ack); err != nil && ctx.Err() == nil {
		a.o.Log.Warn("slack: ack", "err", err)
	}
}

// onEvent takes an Events API callback: a DM, the App Home being opened,
// or the app being removed.
func (a *Adapter) onEvent(ctx context.Context, e slackevents.EventsAPIEvent) error {
	if a.gone.Load() || e.Type != slackevents.CallbackEvent {
		return nil
	}
	team := e.TeamID
	if team == "" {
		team = a.team
	}
	switch ev := e.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		// Only people's own new messages in the DM: not the bot's echo,
		// not edits, joins or other subtypes.
		if ev.ChannelType != slackevents.ChannelTypeIM || ev.BotID != "" || ev.SubType != "" || ev.User == "" || ev.User == a.botUser {
			return nil
		}
		id := bot.NewPersonID(Platform, team, ev.User)
		if err := a.rememberDM(id, ev.Channel); err != nil {
			return fmt.Errorf("remember DM channel: %w", err)
		}
		return a.handle(ctx, bot.Event{ID: "slack:m:" + ev.Channel + ":" + ev.TimeStamp, Person: id, Text: plainText(ev.Text),
			Place: bot.Place{Group: team, Channel: ev.Channel}}, ev.User)
	case *slackevents.AppHomeOpenedEvent:
		if ev.Tab == "home" {
			id := bot.NewPersonID(Platform, team, ev.User)
			a.homeMu.Lock()
			delete(a.shown, id) // publish even if unchanged
			a.homeMu.Unlock()
			a.refreshHome(id)
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

// rememberDM stores the DM channel a person wrote from, and that their DMs
// work.
func (a *Adapter) rememberDM(id bot.PersonID, channel string) error {
	addr, err := a.o.Store.Address(id)
	if err != nil {
		return err
	}
	if addr.DM == channel && addr.Closed.IsZero() {
		return nil
	}
	addr.DM, addr.Closed = channel, time.Time{}
	return a.o.Store.SetAddress(id, addr)
}

// handle passes an event to the engine with what Slack knows about the
// person (name, time zone), and queues their App Home for a refresh.
func (a *Adapter) handle(ctx context.Context, ev bot.Event, user string) error {
	info := a.user(ctx, user)
	ev.Name, ev.Zone = info.name, info.tz
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
	a.refreshHome(ev.Person)
	return nil
}

// user looks someone up with users.info, at first contact and then once a
// day; a failure leaves the name and zone unknown rather than waiting.
func (a *Adapter) user(ctx context.Context, id string) userInfo {
	if v, ok := a.users.Load(id); ok && a.o.Now().Sub(v.(userInfo).at) < 24*time.Hour {
		return v.(userInfo)
	}
	ctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	u, err := a.api.GetUserInfoContext(ctx, id)
	if err != nil {
		a.o.Log.Warn("slack: users.info", "user", id, "err", err)
		if v, ok := a.users.Load(id); ok {
			return v.(userInfo)
		}
		// Not known: try again in a minute, not on every message.
		a.users.Store(id, userInfo{at: a.o.Now().Add(time.Minute - 24*time.Hour)})
		return userInfo{}
	}
	name := u.Profile.DisplayName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	info := userInfo{name: name, tz: u.TZ, admin: u.IsAdmin || u.IsOwner, at: a.o.Now()}
	a.users.Store(id, info)
	return info
}

// onCommand takes the slash command: "/followthrough checkin done". It
// answers at once with the ack only for what needs no engine (setup, a
// form); everything else is answered from the outbox.
func (a *Adapter) onCommand(ctx context.Context, c slack.SlashCommand) any {
	if a.gone.Load() {
		return nil
	}
	team := c.TeamID
	if team == "" {
		team = a.team
	}
	text := strings.TrimSpace(plainText(c.Text))
	sub, args, _ := strings.Cut(text, " ")
	sub, args = strings.ToLower(strings.TrimPrefix(sub, "/")), strings.TrimSpace(args)
	if sub == "" {
		sub = "help"
	}
	id := bot.NewPersonID(Platform, team, c.UserID)
	switch {
	case sub == "setup":
		return ephemeral(a.setup(ctx, team, c, args))
	case forms[sub].title != "" && args == "":
		if err := a.openForm(ctx, c.TriggerID, sub, c.ChannelID); err != nil {
			a.o.Log.Warn("slack: open form", "err", err)
			return ephemeral("I couldn't open the form just now. You can also write it after the command: `" + a.o.Command + " " + sub + " …`")
		}
		return nil
	}
	ev := bot.Event{ID: idOf("slack:t:", c.TriggerID), Person: id, Command: sub, Text: args,
		Place: bot.Place{Group: team, Channel: c.ChannelID, Reply: encodeReply(c.ResponseURL, a.o.Now())}}
	if !isCommand(sub) {
		// "/followthrough I did it": conversation, not a command.
		ev.Command, ev.Text = "", text
	}
	if err := a.handle(ctx, ev, c.UserID); err != nil {
		a.o.Log.Error("slack: command", "err", err)
		return ephemeral("Sorry — something went wrong on my side and I couldn't take that. Please try again in a moment.")
	}
	return nil
}

// openForm opens a modal; Slack's trigger ids last 3 seconds, so it
// waits no longer than that.
func (a *Adapter) openForm(ctx context.Context, trigger, kind, meta string) error {
	ctx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	defer cancel()
	_, err := a.api.OpenViewContext(ctx, trigger, modal(kind, meta))
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

func isCommand(name string) bool {
	for _, c := range bot.CommandNames {
		if c == name {
			return true
		}
	}
	return false
}

// ephemeral is an immediate answer only the person sees.
func ephemeral(text string) map[string]any {
	return map[string]any{"response_type": "ephemeral", "text": escape(text)}
}

// setup stores the team's channel for public wins, or (setup digest …)
// when the weekly digest goes out; workspace admins and owners only. It
// changes only what was given: the other settings are kept.
func (a *Adapter) setup(ctx context.Context, team string, c slack.SlashCommand, args string) string {
	if !a.user(ctx, c.UserID).admin {
		return "Only workspace admins can run setup. Ask one to run " + a.o.Command + " setup #channel."
	}
	if word, rest, _ := strings.Cut(args, " "); strings.EqualFold(word, "digest") {
		return a.setupDigest(team, c.UserID, rest)
	}
	channel := ""
	if m := channelRef.FindStringSubmatch(c.Text); m != nil {
		channel = m[1]
	} else if args == "" && !strings.HasPrefix(c.ChannelID, "D") {
		channel = c.ChannelID
	}
	if channel == "" {
		return "Name the team channel for public wins: " + a.o.Command + " setup #channel (or run it in that channel). To move the weekly digest: " + a.o.Command + " setup digest friday 17:30 America/New_York."
	}
	err := a.changeGroup(team, c.UserID, func(g *bot.GroupSettings) { g.Channel = channel })
	if err != nil {
		a.o.Log.Error("slack: setup", "err", err)
		return "Sorry — I couldn't save that. Please try again."
	}
	return "Done: public wins and the weekly group view will be posted in that channel. Invite me there if I'm not in it yet: /invite @Follow Through"
}

// changeGroup reads a team's settings, changes them and writes them back,
// noting who changed them and when.
func (a *Adapter) changeGroup(team, by string, change func(*bot.GroupSettings)) error {
	g, err := a.o.Store.GroupSettings(team)
	if err != nil {
		return fmt.Errorf("read group settings: %w", err)
	}
	change(&g)
	g.By, g.At = by, a.o.Now()
	if err := a.o.Store.SetGroupSettings(team, g); err != nil {
		return fmt.Errorf("save group settings: %w", err)
	}
	return nil
}

// setupDigest sets the day, time and zone of the team's weekly digest
// from "friday 17:30 America/New_York": any of the three, in any order.
// Anything it cannot read changes nothing and is named in the answer.
func (a *Adapter) setupDigest(team, by, args string) string {
	example := a.o.Command + " setup digest friday 17:30 America/New_York"
	var day, at, zone string
	words := strings.Fields(args)
	for i := 0; i < len(words); i++ {
		w := strings.TrimSuffix(words[i], ",")
		// "5:30 pm" is one time.
		if i+1 < len(words) && slices.Contains([]string{"am", "pm", "a.m.", "p.m."}, strings.ToLower(words[i+1])) {
			w += words[i+1]
			i++
		}
		lw, quoted := strings.ToLower(w), "“"+trimRunes(w, 40)+"”"
		switch {
		case lw == "at" || lw == "on" || lw == "in" || lw == "every":
			continue
		case isWeekday(lw):
			if day != "" {
				return "That's two days (" + quoted + " too): the digest goes out once a week, on one day. Nothing was changed."
			}
			day = weekday(lw)
		case strings.ContainsAny(lw, "0123456789") || lw == "noon" || lw == "midday" || lw == "midnight":
			h, m, err := bot.ParseClock(lw)
			if err != nil {
				return "I couldn't read " + quoted + " as a time of day: use 24-hour time like 17:30, or 5:30pm. Nothing was changed."
			}
			if at != "" {
				return "That's two times (" + quoted + " too): the digest goes out once, at one time. Nothing was changed."
			}
			at = fmt.Sprintf("%02d:%02d", h, m)
		case strings.Contains(w, "/") || lw == "utc":
			if lw == "utc" {
				w = "UTC"
			}
			if _, err := bot.NewZones().Load(w); err != nil {
				return "I don't know the time zone " + quoted + ": use an IANA name like Europe/Berlin or America/New_York, capitals as written. Nothing was changed."
			}
			if zone != "" {
				return "That's two time zones (" + quoted + " too): give one. Nothing was changed."
			}
			zone = w
		default:
			return "I couldn't read " + quoted + ". Give the digest's day, time or time zone, for example: " + example + ". Nothing was changed."
		}
	}
	if day == "" && at == "" && zone == "" {
		g, err := a.o.Store.GroupSettings(team)
		if err != nil {
			a.o.Log.Error("slack: setup digest", "err", err)
			return "Sorry — I couldn't read the settings just now. Please try again."
		}
		return "The weekly digest goes out " + a.o.Engine.DigestWhen(g) + ". To change it, give any of the day, time and time zone: " + example
	}
	var now bot.GroupSettings
	err := a.changeGroup(team, by, func(g *bot.GroupSettings) {
		g.DigestDay, g.DigestTime, g.Zone = cmp.Or(day, g.DigestDay), cmp.Or(at, g.DigestTime), cmp.Or(zone, g.Zone)
		now = *g
	})
	if err != nil {
		a.o.Log.Error("slack: setup digest", "err", err)
		return "Sorry — I couldn't save that. Please try again."
	}
	return "Done: the weekly digest (and the coaches' reports) now go out " + a.o.Engine.DigestWhen(now) + "."
}

// weekday is the weekday a word names ("friday", "fri", "fridays"), as
// stored: "friday"; "" if it names none.
func weekday(w string) string {
	d, ok := bot.ParseWeekday(strings.TrimSuffix(w, "s"))
	if !ok {
		return ""
	}
	return strings.ToLower(d.String())
}

func isWeekday(w string) bool { return weekday(w) != "" }

// channelRef is a channel as Slack escapes it in a command's text.
var channelRef = regexp.MustCompile(`<#(C[A-Z0-9]+|G[A-Z0-9]+)(?:\|[^>]*)?>`)

// onInteraction takes a button press or a submitted form.
func (a *Adapter) onInteraction(ctx context.Context, ic slack.InteractionCallback) (any, error) {
	if a.gone.Load() {
		return nil, nil
	}
	team := ic.Team.ID
	if team == "" {
		team = ic.User.TeamID
	}
	if team == "" {
		team = a.team
	}
	id := bot.NewPersonID(Platform, team, ic.User.ID)
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		for _, act := range ic.ActionCallback.BlockActions {
			ev := bot.Event{ID: idOf("slack:a:"+ic.User.ID+":", act.ActionTs), Person: id,
				Place: bot.Place{Group: team, Channel: ic.Channel.ID, Reply: encodeReply(ic.ResponseURL, a.o.Now())}}
			if kind, ok := strings.CutPrefix(act.ActionID, "ft-open|"); ok && forms[kind].title != "" {
				if err := a.openForm(ctx, ic.TriggerID, kind, ""); err != nil {
					a.o.Log.Warn("slack: open form", "err", err)
				}
				continue
			}
			if rest, ok := strings.CutPrefix(act.ActionID, "ft-cmd|"); ok {
				ev.Command, ev.Text, _ = strings.Cut(rest, "|")
			} else if ask, token, value, ok := parseActionID(act.ActionID); ok {
				ev.Action, ev.Token, ev.Text = ask, token, value
			} else {
				continue
			}
			if err := a.handle(ctx, ev, ic.User.ID); err != nil {
				return nil, err
			}
		}
	case slack.InteractionTypeViewSubmission:
		kind, ok := strings.CutPrefix(ic.View.CallbackID, "ft-modal|")
		if !ok || forms[kind].title == "" {
			return nil, nil
		}
		text := strings.TrimSpace(modalText(ic.View))
		if text == "" {
			return map[string]any{"response_action": "errors", "errors": map[string]string{"text": "Please write something here."}}, nil
		}
		// The view's id and hash, not the trigger: a form submitted again
		// after a slow answer is the same form.
		err := a.handle(ctx, bot.Event{ID: idOf("slack:v:", ic.View.ID+":"+ic.View.Hash), Person: id, Command: kind, Text: text,
			Place: bot.Place{Group: team, Channel: ic.View.PrivateMetadata}}, ic.User.ID)
		if err != nil {
			return map[string]any{"response_action": "errors", "errors": map[string]string{"text": "Sorry — I couldn't save that just now. Please try again."}}, nil
		}
	}
	return nil, nil
}

// purge deletes everything about a workspace that removed the app, and
// stops: Slack will send nothing more, and the tokens no longer work.
func (a *Adapter) purge(team, why string) {
	if a.gone.Swap(true) {
		return
	}
	n, err := a.o.Store.ForgetGroup(team, bot.NewPersonID(Platform, team, ""))
	if err != nil {
		a.o.Log.Error("slack: delete the workspace's data after "+why, "team", team, "err", err)
	} else {
		a.o.Log.Warn("slack: the app was removed from the workspace ("+why+"); its data is deleted", "team", team, "people", n)
	}
	if a.stop != nil {
		a.stop()
	}
}

// refreshHome asks for a person's App Home to be published again, once,
// whatever number of events asked for it meanwhile.
func (a *Adapter) refreshHome(id bot.PersonID) {
	a.homeMu.Lock()
	defer a.homeMu.Unlock()
	if a.homeDue[id] {
		return
	}
	select {
	case a.homes <- id:
		a.homeDue[id] = true
	default: // busy: the next event refreshes it
	}
}

// homeLoop publishes App Home views, one at a time.
func (a *Adapter) homeLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-a.homes:
			a.homeMu.Lock()
			delete(a.homeDue, id)
			a.homeMu.Unlock()
			if a.gone.Load() {
				continue
			}
			if err := a.publishHome(ctx, id); err != nil && ctx.Err() == nil {
				a.o.Log.Warn("slack: publish App Home", "person", id, "err", err)
			}
		}
	}
}

func (a *Adapter) publishHome(ctx context.Context, id bot.PersonID) error {
	snap, err := a.o.Engine.Snapshot(id)
	if err != nil {
		return err
	}
	view := homeView(snap, a.o.Command)
	b, _ := json.Marshal(view)
	sum := sha256.Sum256(b)
	a.homeMu.Lock()
	same := a.shown[id] == sum
	a.homeMu.Unlock()
	if same {
		// Most turns (a question answered mid-flow) change nothing the
		// home shows: views.publish is rate limited per workspace.
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err = a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userOf(id), View: view}); err != nil {
		return err
	}
	a.homeMu.Lock()
	a.shown[id] = sum
	a.homeMu.Unlock()
	return nil
}

// userOf is the Slack user id in a person id (slack:TEAM:USER).
func userOf(id bot.PersonID) string {
	s := string(id)
	return s[strings.LastIndexByte(s, ':')+1:]
}

// slackError is the error code of a failed Web API call ("" if none).
func slackError(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

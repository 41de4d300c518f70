package discord

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"followthrough/adapters/internal/limit"
	"followthrough/adapters/internal/render"
	"followthrough/bot"
)

// personOf is who a Discord user is to the engine: their person id,
// the name they show and their unique user name.
func personOf(u *discordgo.User) (id bot.PersonID, name, handle string) {
	name = u.GlobalName
	if name == "" {
		name = u.Username
	}
	return bot.NewPersonID(Platform, u.ID), name, u.Username
}

// onMessage takes a DM. Guild messages are not subscribed to.
func (a *Adapter) onMessage(_ *discordgo.Session, m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot || m.GuildID != "" {
		return
	}
	id, name, handle := personOf(m.Author)
	if v := a.people.Take(id); !v.Allow {
		if v.Notice {
			a.noticeDM(id, m.ChannelID)
		}
		return
	}
	ev := bot.Event{ID: "discord:m:" + m.ID, Person: id, Name: name, Handle: handle, Text: m.Content,
		Place: bot.Place{Channel: m.ChannelID, Direct: true}}
	a.dispatch(id, func(ctx context.Context) {
		// They wrote to us: their DMs work, and this is their DM channel.
		if err := a.rememberDM(ctx, id, m.ChannelID); err != nil {
			a.o.Log.Error("discord: remember DM channel", "err", err)
		}
		replies, err := a.o.Engine.Handle(ctx, ev)
		if err != nil {
			a.o.Log.Error("discord: handle message", "err", err)
		}
		a.sendDirect(replies)
	})
}

// noticeDM tells a person, in their DM, that they are past their limit;
// aside, so that the gateway does not wait for it.
func (a *Adapter) noticeDM(id bot.PersonID, channel string) {
	a.o.Log.Warn("discord: a person is past their limit of events; the rest is dropped for a while", "person", id)
	r := bot.Reply{To: id, Visibility: bot.Private, Place: bot.Place{Channel: channel, Direct: true}, Text: a.notice()}
	go func() {
		if err := a.deliverDirect(r); err != nil {
			a.o.Log.Warn("discord: notice of a limit not delivered", "err", err)
		}
	}()
}

// notice is what a person past their limit is told.
func (a *Adapter) notice() string { return a.o.Engine.Phrase(limit.Message, Platform, bot.Extra{}) }

// dispatch hands an event's handling to its person's lane: people are
// handled at once, each person's events in the order they came. It is
// called on the gateway's goroutine and waits only when Queue events
// are already waiting: then the gateway is read no further (Discord
// keeps the rest, and sends them again on a resume) until one is done.
// A lane waits while the outbox is past its bound.
func (a *Adapter) dispatch(id bot.PersonID, handle func(ctx context.Context)) {
	select {
	case a.queue <- struct{}{}:
	case <-a.stopped:
		return
	}
	a.lanes.push(id, func() {
		defer func() { <-a.queue }()
		if !a.drained() {
			return
		}
		handle(context.Background()) // work in hand is finished at shutdown
	})
}

// drained waits while the outbox is past its bound; false if Run ended
// meanwhile.
func (a *Adapter) drained() bool {
	for a.backlog.Full(context.Background()) {
		t := time.NewTimer(250 * time.Millisecond)
		select {
		case <-t.C:
		case <-a.stopped:
			t.Stop()
			return false
		}
	}
	return true
}

// lanes run jobs in order per person, each person's on a goroutine of
// its own that ends when their lane is empty.
type lanes struct {
	mu   sync.Mutex
	jobs map[bot.PersonID][]func() // a lane is there while its goroutine runs
	wg   sync.WaitGroup
}

func (l *lanes) push(id bot.PersonID, job func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.jobs == nil {
		l.jobs = map[bot.PersonID][]func(){}
	}
	q, running := l.jobs[id]
	l.jobs[id] = append(q, job)
	if !running {
		l.wg.Go(func() { l.run(id) })
	}
}

func (l *lanes) run(id bot.PersonID) {
	for {
		l.mu.Lock()
		q := l.jobs[id]
		if len(q) == 0 {
			delete(l.jobs, id)
			l.mu.Unlock()
			return
		}
		job := q[0]
		q[0] = nil
		l.jobs[id] = q[1:]
		l.mu.Unlock()
		job()
	}
}

// wait waits for every lane to finish.
func (l *lanes) wait() { l.wg.Wait() }

// recent remembers the interactions taken in lately, so that one
// Discord delivers again is known before it is acknowledged (a second
// acknowledgement is refused, and the engine would find it handled only
// after). An interaction can be answered for 15 minutes: kept as long.
type recent struct {
	keep  time.Duration
	now   func() time.Time
	mu    sync.Mutex
	at    map[string]time.Time
	order []string // oldest first
}

// first reports whether id is new, and remembers it.
func (r *recent) first(id string) bool {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at == nil {
		r.at = map[string]time.Time{}
	}
	for len(r.order) > 0 && now.Sub(r.at[r.order[0]]) > r.keep {
		delete(r.at, r.order[0])
		r.order = r.order[1:]
	}
	if _, ok := r.at[id]; ok {
		return false
	}
	r.at[id] = now
	r.order = append(r.order, id)
	return true
}

// rememberDM records that a person's DMs work and which channel they
// are; the guild they last used a command in is kept. It writes only
// what changed: most messages change nothing.
func (a *Adapter) rememberDM(ctx context.Context, id bot.PersonID, channel string) error {
	addr, err := a.o.Store.Address(ctx, id)
	if err != nil {
		return err
	}
	if addr.DM == channel && addr.Closed.IsZero() && addr.Told.IsZero() {
		return nil
	}
	addr.DM, addr.Closed, addr.Told = channel, time.Time{}, time.Time{}
	return a.o.Store.SetAddress(ctx, id, addr)
}

const ephemeral = discordgo.MessageFlagsEphemeral

// admin is what makes a member an admin of their group for setup.
const admin = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator

// onInteraction answers slash commands (setup too), buttons and modals:
// it acknowledges at once, on a goroutine of its own, so that no
// acknowledgement waits behind anyone's call (Discord allows 3 s), and
// the handling follows in the person's lane; the outbox sends the
// answer as follow-ups. An interaction delivered again is recognised
// first, and neither acknowledged nor handled.
func (a *Adapter) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	user := i.User
	if i.Member != nil && i.Member.User != nil {
		user = i.Member.User
	}
	if user == nil {
		return
	}
	if !a.seen.first(i.ID) {
		a.o.Log.Debug("discord: interaction delivered again; already taken", "id", i.ID)
		return
	}
	id, name, handle := personOf(user)
	ev := bot.Event{ID: "discord:i:" + i.ID, Person: id, Name: name, Handle: handle,
		Place: bot.Place{Group: i.GuildID, Channel: i.ChannelID, Direct: i.GuildID == "", Interaction: encodeInteraction(i.AppID, i.Token, a.o.Now())}}
	if i.Member != nil {
		ev.Admin = i.Member.Permissions&admin != 0
		ev.Roles = i.Member.Roles
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		spec := a.specs[data.Name]
		ev.Command, ev.Text, ev.Args = commandEvent(spec, data)
		if spec.Form && len(data.Options) == 0 {
			if a.limited(i, id) {
				return
			}
			go a.respond(i, a.modal(spec))
			return
		}
	case discordgo.InteractionMessageComponent:
		ask, token, value, ok := render.ParseChoiceID(i.MessageComponentData().CustomID)
		if !ok {
			return
		}
		ev.Action, ev.Token, ev.Text = ask, token, value
	case discordgo.InteractionModalSubmit:
		data := i.ModalSubmitData()
		form, ok := render.ParseID(data.CustomID, render.KindForm, 1)
		if !ok {
			return
		}
		ev.Command, ev.Text = form[0], modalText(data)
	default:
		return
	}
	if a.limited(i, id) {
		return
	}
	flags := discordgo.MessageFlags(0)
	if i.GuildID != "" {
		flags = ephemeral // private answers stay private in a channel
	}
	acked := make(chan struct{})
	go func() {
		defer close(acked)
		a.respond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: flags}})
	}()
	a.dispatch(id, func(ctx context.Context) {
		// Follow-ups need the acknowledgement first.
		<-acked
		if i.GuildID != "" {
			a.rememberGuild(ctx, i, id)
		}
		replies, err := a.o.Engine.Handle(ctx, ev)
		if err != nil {
			a.o.Log.Error("discord: handle interaction", "err", err)
			a.followup(i, a.phrase(msgFailed), flags)
			return
		}
		if len(replies) == 0 {
			// Handled before (by an earlier run of the bot).
			a.o.Log.Debug("discord: duplicate interaction", "id", i.ID)
		}
		a.sendDirect(replies)
	})
}

// limited reports whether a person is past their limit, and answers
// their interaction if so: with the notice, privately, when it is due
// or when they asked for something (a command, a form); a button press
// is only acknowledged.
func (a *Adapter) limited(i *discordgo.Interaction, id bot.PersonID) bool {
	v := a.people.Take(id)
	if v.Allow {
		return false
	}
	r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	if v.Notice || i.Type != discordgo.InteractionMessageComponent {
		if v.Notice {
			a.o.Log.Warn("discord: a person is past their limit of events; the rest is dropped for a while", "person", id)
		}
		r = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: a.notice(), Flags: ephemeral, AllowedMentions: noMentions()}}
	}
	go a.respond(i, r)
	return true
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

// respond acknowledges an interaction, giving up after AckTimeout:
// Discord refuses a later one.
func (a *Adapter) respond(i *discordgo.Interaction, r *discordgo.InteractionResponse) {
	ctx, cancel := context.WithTimeout(context.Background(), a.o.AckTimeout)
	defer cancel()
	if err := a.api.InteractionRespond(i, r, discordgo.WithContext(ctx)); err != nil {
		a.o.Log.Warn("discord: respond to interaction", "err", err)
	}
}

func (a *Adapter) followup(i *discordgo.Interaction, text string, flags discordgo.MessageFlags) {
	_, err := a.api.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: text, Flags: flags, AllowedMentions: noMentions()})
	if err != nil {
		a.o.Log.Warn("discord: follow up", "err", err)
	}
}

// rememberGuild keeps the guild a person last used a command in, which
// is where they are told if their DMs turn out closed; and tells them
// now, once and privately, if they already are.
func (a *Adapter) rememberGuild(ctx context.Context, i *discordgo.Interaction, id bot.PersonID) {
	addr, err := a.o.Store.Address(ctx, id)
	if err != nil {
		a.o.Log.Error("discord: read address", "err", err)
		return
	}
	changed := addr.Group != i.GuildID
	addr.Group = i.GuildID
	if !addr.Closed.IsZero() && addr.Told.IsZero() {
		a.followup(i, a.phrase(msgClosedDMs), ephemeral)
		addr.Told, changed = a.o.Now(), true
	}
	if !changed {
		return
	}
	if err := a.o.Store.SetAddress(ctx, id, addr); err != nil {
		a.o.Log.Error("discord: remember guild", "err", err)
	}
}

// The adapter's own words, in prompts/text/adapter.tmpl.
const (
	msgFailed    bot.Msg = "adapter.failed"
	msgClosedDMs bot.Msg = "dm.closed"
)

// phrase renders one of the adapter's own messages.
func (a *Adapter) phrase(name bot.Msg) string { return a.o.Engine.Phrase(name, Platform, bot.Extra{}) }

// encodeInteraction packs what a follow-up needs into Place.Interaction;
// interaction tokens last 15 minutes.
func encodeInteraction(appID, token string, at time.Time) string {
	b, _ := json.Marshal([]string{appID, token, strconv.FormatInt(at.Unix(), 10)})
	return string(b)
}

func decodeInteraction(s string) (appID, token string, at time.Time, ok bool) {
	var parts []string
	if json.Unmarshal([]byte(s), &parts) != nil || len(parts) != 3 {
		return "", "", time.Time{}, false
	}
	sec, err := strconv.ParseInt(parts[2], 10, 64)
	return parts[0], parts[1], time.Unix(sec, 0), err == nil
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

package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"followthrough/adapters/internal/outbox"
	"followthrough/bot"
)

// followupWindow is how long after an interaction its token may answer;
// Discord allows 15 minutes.
const followupWindow = 14 * time.Minute

type (
	permanent  = outbox.Permanent
	retryLater = outbox.RetryLater
)

// sendLoop delivers the outbox until ctx ends (see package outbox): in
// order per conversation, paced below Discord's global limit, a reply
// leaving the outbox only when Discord accepted it or refused it for good.
func (a *Adapter) sendLoop(ctx context.Context) {
	l := &outbox.Loop{
		Platform: Platform, Store: a.o.Store, Deliver: a.deliver,
		Rate: a.o.Rate, PerKey: a.o.PerChannel, Grace: a.o.Grace,
		Queued: a.o.Queued, Metrics: a.o.Metrics, Log: a.o.Log,
	}
	l.Run(ctx)
}

// deliver sends one reply: as a follow-up to the interaction it answers,
// to the group channel, or as a DM.
func (a *Adapter) deliver(ctx context.Context, env bot.Envelope) error {
	r := env.Reply
	opts := []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
	switch {
	case r.Visibility == bot.Group:
		g, err := a.o.Store.GroupSettings(r.Place.Group)
		if err != nil {
			return err
		}
		if g.Channel == "" {
			return permanent{Kind: "no_channel", Reason: "group has no channel: a server admin runs /setup"}
		}
		return a.sendAll(g.Channel, r, opts)
	case r.Place.Reply != "":
		appID, token, at, ok := decodeReply(r.Place.Reply)
		if ok && time.Since(at) < followupWindow {
			flags := discordgo.MessageFlags(0)
			if r.Place.Group != "" {
				flags = ephemeral
			}
			for _, m := range messages(r) {
				_, err := a.api.FollowupMessageCreate(&discordgo.Interaction{AppID: appID, Token: token}, true,
					&discordgo.WebhookParams{Content: m.Content, Components: m.Components, Files: m.Files, AllowedMentions: noMentions(), Flags: flags}, opts...)
				if err != nil {
					return classify(err)
				}
			}
			return nil
		}
	}
	return a.dm(ctx, env, opts)
}

// dm sends a reply to the person's DM channel, opening it once.
func (a *Adapter) dm(ctx context.Context, env bot.Envelope, opts []discordgo.RequestOption) error {
	id := env.Reply.To
	addr, err := a.o.Store.Address(id)
	if err != nil {
		return err
	}
	if !addr.Closed.IsZero() {
		return permanent{Kind: "dms_closed", Reason: "DMs closed: not retried until the person writes again"}
	}
	if addr.DM == "" {
		userID := strings.TrimPrefix(string(id), Platform+":")
		ch, err := a.api.UserChannelCreate(userID, opts...)
		if err != nil {
			return classify(err)
		}
		addr.DM = ch.ID
		if err := a.o.Store.SetAddress(id, addr); err != nil {
			return err
		}
	}
	err = a.sendAll(addr.DM, env.Reply, opts)
	var p permanent
	if errors.As(err, &p) && strings.HasPrefix(p.Reason, "DMs closed") {
		addr.Closed = time.Now()
		if err := a.o.Store.SetAddress(id, addr); err != nil {
			return err
		}
		a.tellGroup(id, opts)
	}
	return err
}

// tellGroup says once, in the person's group channel, that their DMs are
// closed; the mention is allowed for that one user only.
func (a *Adapter) tellGroup(id bot.PersonID, opts []discordgo.RequestOption) {
	addr, err := a.o.Store.Address(id)
	if err != nil || !addr.Told.IsZero() {
		return
	}
	p, ok, err := a.o.Store.Person(id)
	if err != nil || !ok || p.Group == "" {
		return
	}
	g, err := a.o.Store.GroupSettings(p.Group)
	if err != nil || g.Channel == "" {
		return
	}
	userID := strings.TrimPrefix(string(id), Platform+":")
	_, err = a.api.ChannelMessageSendComplex(g.Channel, &discordgo.MessageSend{
		Content:         "<@" + userID + "> " + closedDMsText,
		AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{userID}},
	}, opts...)
	if err != nil {
		a.o.Log.Warn("discord: tell about closed DMs", "err", err)
		return
	}
	addr.Told = time.Now()
	if err := a.o.Store.SetAddress(id, addr); err != nil {
		a.o.Log.Error("discord: remember notice", "err", err)
	}
}

func (a *Adapter) sendAll(channel string, r bot.Reply, opts []discordgo.RequestOption) error {
	for _, m := range messages(r) {
		if _, err := a.api.ChannelMessageSendComplex(channel, m, opts...); err != nil {
			return classify(err)
		}
	}
	return nil
}

// classify sorts a failed request: refusals that will not change are
// permanent; rate limits and server or network trouble are retried.
func classify(err error) error {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		var rl *discordgo.RateLimitError
		if errors.As(err, &rl) {
			return retryLater{After: rl.RetryAfter, RateLimited: true, Err: err}
		}
		return retryLater{After: time.Second, Err: err}
	}
	code := 0
	if re.Message != nil {
		code = re.Message.Code
	}
	switch status := re.Response.StatusCode; {
	case code == discordgo.ErrCodeCannotSendMessagesToThisUser:
		return permanent{Kind: "dms_closed", Reason: "DMs closed (50007)"}
	case status == http.StatusTooManyRequests:
		var body struct {
			RetryAfter float64 `json:"retry_after"`
		}
		_ = json.Unmarshal(re.ResponseBody, &body)
		return retryLater{After: time.Duration(body.RetryAfter*float64(time.Second)) + 10*time.Millisecond, RateLimited: true, Err: err}
	case status == http.StatusForbidden:
		return permanent{Kind: "forbidden", Reason: fmt.Sprintf("forbidden (403, code %d)", code)}
	case status == http.StatusNotFound:
		return permanent{Kind: "not_found", Reason: fmt.Sprintf("unknown channel or interaction (404, code %d)", code)}
	case status == http.StatusBadRequest:
		return permanent{Kind: "invalid", Reason: fmt.Sprintf("rejected as invalid (400, code %d)", code)}
	}
	return retryLater{After: time.Second, Err: err}
}

// deliverDirect sends a reply that is not in the outbox: as a follow-up
// to its interaction, or to the DM channel it came from.
func (a *Adapter) deliverDirect(r bot.Reply) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := []discordgo.RequestOption{discordgo.WithContext(ctx)}
	if appID, token, _, ok := decodeReply(r.Place.Reply); ok {
		flags := discordgo.MessageFlags(0)
		if r.Place.Group != "" {
			flags = ephemeral
		}
		_, err := a.api.FollowupMessageCreate(&discordgo.Interaction{AppID: appID, Token: token}, true,
			&discordgo.WebhookParams{Content: r.Text, AllowedMentions: noMentions(), Flags: flags}, opts...)
		return err
	}
	if r.Place.Channel == "" {
		return errors.New("nowhere to send it")
	}
	return a.sendAll(r.Place.Channel, r, opts)
}

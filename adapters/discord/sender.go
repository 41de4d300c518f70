package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"followthrough/bot"
)

// followupWindow is how long after an interaction its token may answer;
// Discord allows 15 minutes.
const followupWindow = 14 * time.Minute

// permanent is a refusal that retrying cannot fix; kind names it for
// metrics (dms_closed, forbidden, not_found, invalid, no_channel).
type permanent struct{ kind, reason string }

func (p permanent) Error() string { return p.reason }

// retryLater is a failure worth retrying after a wait. A rate limit says
// how long; other failures back off exponentially.
type retryLater struct {
	after       time.Duration
	rateLimited bool
	err         error
}

func (r retryLater) Error() string { return fmt.Sprintf("retry in %v: %v", r.after, r.err) }

// sendLoop delivers the outbox until ctx ends: in order, a reply leaving
// the outbox only when Discord accepted it or refused it for good.
func (a *Adapter) sendLoop(ctx context.Context) {
	backoff := time.Duration(0)
	for {
		wait := time.Second
		if backoff > 0 {
			wait = backoff
		}
		if err := a.drain(ctx); err != nil {
			var later retryLater
			switch {
			case errors.As(err, &later) && later.rateLimited:
				// Discord said how long: wait exactly that.
				wait = later.after
				a.o.Log.Info("discord: rate limited", "retry_after", wait)
			case errors.As(err, &later):
				// Server or network trouble: back off, with jitter, up
				// to a minute.
				backoff = min(2*backoff+time.Second, 60*time.Second)
				wait = backoff + time.Duration(rand.Int64N(int64(backoff/4)+1))
				a.o.Log.Warn("discord: delivery will be retried", "in", wait, "err", later.err)
			default:
				a.o.Log.Error("discord: outbox", "err", err)
			}
		} else {
			backoff = 0
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-a.o.Queued:
			timer.Stop()
		case <-timer.C:
		}
	}
}

// drain sends what is pending, stopping at the first reply that must be
// retried so that each conversation keeps its order.
func (a *Adapter) drain(ctx context.Context) error {
	for {
		batch, err := a.o.Store.Pending(Platform, 50)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, env := range batch {
			if ctx.Err() != nil {
				return nil
			}
			err := a.deliver(ctx, env)
			var p permanent
			switch {
			case err == nil:
				a.o.Metrics.Sent(Platform)
				if err := a.o.Store.Delivered(Platform, env.Seq); err != nil {
					return err
				}
			case errors.As(err, &p):
				a.o.Metrics.Failed(Platform, p.kind)
				a.o.Log.Warn("discord: reply undeliverable", "to", env.Reply.To, "reason", p.reason)
				if err := a.o.Store.GiveUp(env, p.reason, time.Now()); err != nil {
					return err
				}
			default:
				kind := "retry"
				if later := (retryLater{}); errors.As(err, &later) && later.rateLimited {
					kind = "rate_limited"
				}
				a.o.Metrics.Failed(Platform, kind)
				return err
			}
			select { // pace proactive sends below the global limit
			case <-ctx.Done():
				return nil
			case <-time.After(a.o.SendInterval):
			}
		}
	}
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
			return permanent{"no_channel", "group has no channel: a server admin runs /setup"}
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
		return permanent{"dms_closed", "DMs closed: not retried until the person writes again"}
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
	if errors.As(err, &p) && strings.HasPrefix(p.reason, "DMs closed") {
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
			return retryLater{after: rl.RetryAfter, rateLimited: true, err: err}
		}
		return retryLater{after: time.Second, err: err}
	}
	code := 0
	if re.Message != nil {
		code = re.Message.Code
	}
	switch status := re.Response.StatusCode; {
	case code == discordgo.ErrCodeCannotSendMessagesToThisUser:
		return permanent{"dms_closed", "DMs closed (50007)"}
	case status == http.StatusTooManyRequests:
		var body struct {
			RetryAfter float64 `json:"retry_after"`
		}
		_ = json.Unmarshal(re.ResponseBody, &body)
		return retryLater{after: time.Duration(body.RetryAfter*float64(time.Second)) + 10*time.Millisecond, rateLimited: true, err: err}
	case status == http.StatusForbidden:
		return permanent{"forbidden", fmt.Sprintf("forbidden (403, code %d)", code)}
	case status == http.StatusNotFound:
		return permanent{"not_found", fmt.Sprintf("unknown channel or interaction (404, code %d)", code)}
	case status == http.StatusBadRequest:
		return permanent{"invalid", fmt.Sprintf("rejected as invalid (400, code %d)", code)}
	}
	return retryLater{after: time.Second, err: err}
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

package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"followthrough/adapters/internal/outbox"
	"followthrough/bot"
)

// replyWindow is how long an interaction's response_url is used; Slack
// allows 30 minutes (and 5 uses).
const replyWindow = 25 * time.Minute

type (
	permanent  = outbox.Permanent
	retryLater = outbox.RetryLater
)

// sendLoop delivers the outbox until ctx ends (see package outbox): in
// order per conversation, paced, a reply leaving the outbox only when
// Slack accepted it or refused it for good.
func (a *Adapter) sendLoop(ctx context.Context) {
	l := &outbox.Loop{
		Platform: Platform, Store: a.o.Store, Deliver: a.deliver,
		Rate: a.o.Rate, PerKey: a.o.PerChannel, Grace: a.o.Grace, Backoff: a.o.Backoff,
		Queued: a.o.Queued, Metrics: a.o.Metrics, Log: a.o.Log, Now: a.o.Now,
	}
	l.Run(ctx)
}

// deliver sends one reply: to the team channel, as an answer to the
// interaction it follows (only the person sees it), or in their DM. A
// reply of several messages or files goes on after those an earlier try
// got through (outbox.PartsSent).
//
// Delivery is at least once: a post whose answer never came (a timeout)
// may have been made, and Slack's chat.postMessage has no idempotency
// key to ask it not to make it again. A post the client gave up on
// before Slack took it is not made; the retry makes it once.
func (a *Adapter) deliver(ctx context.Context, env bot.Envelope) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	r := env.Reply
	if r.Visibility == bot.Public {
		channel, err := a.groupChannel(ctx, r)
		if err != nil {
			return err
		}
		return a.post(ctx, channel, r)
	}
	addr, err := a.o.Store.Address(ctx, r.To)
	if err != nil {
		return err
	}
	// An answer to a command or a button in a channel (or in a DM between
	// people) goes through its response URL, visible to the person only;
	// in the bot's own DM it is an ordinary message.
	if url, at, ok := decodeInteraction(r.Place.Interaction); ok && r.Place.Channel != addr.DM && a.o.Now().Sub(at) < replyWindow && len(r.Files) == 0 {
		err := a.respond(ctx, url, r)
		var later retryLater
		if err == nil || errors.As(err, &later) && later.RateLimited {
			return err
		}
		// Expired, used up or refused: say it in the DM instead.
		a.o.Log.Debug("slack: response_url failed; using the DM", "err", err)
	}
	channel, err := a.dm(ctx, r.To, addr)
	if err != nil {
		return err
	}
	return a.post(ctx, channel, r)
}

// groupChannel is where a group's public posts go: the channel chosen
// with setup, else the one in the config.
func (a *Adapter) groupChannel(ctx context.Context, r bot.Reply) (string, error) {
	if group := r.Place.Group; group != "" {
		g, err := a.o.Store.GroupSettings(ctx, group)
		if err != nil {
			return "", err
		}
		if g.Channel != "" {
			return g.Channel, nil
		}
	}
	if a.o.Channel != "" {
		return a.o.Channel, nil
	}
	return "", permanent{Kind: "no_channel", Reason: "the team has no channel for public wins: set slack.channel, or an admin runs " + a.o.Command + " setup #channel"}
}

// dm finds a person's DM channel (addr is how they are reached now),
// opening it once.
func (a *Adapter) dm(ctx context.Context, id bot.PersonID, addr bot.Address) (string, error) {
	if addr.DM != "" {
		return addr.DM, nil
	}
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{id.User()}})
	if err != nil {
		return "", classify(err)
	}
	addr.DM = ch.ID
	if err := a.o.Store.SetAddress(ctx, id, addr); err != nil {
		return "", err
	}
	return ch.ID, nil
}

// post sends a reply's messages and then its files to a channel, after
// the parts an earlier try got through.
func (a *Adapter) post(ctx context.Context, channel string, r bot.Reply) error {
	done, part := outbox.PartsSent(ctx), 0
	for _, m := range messages(r) {
		if part++; part <= done {
			continue
		}
		_, _, err := a.api.PostMessageContext(ctx, channel,
			slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...), slack.MsgOptionDisableLinkUnfurl())
		if err != nil {
			return classify(err)
		}
		outbox.PartSent(ctx)
	}
	for _, f := range r.Files {
		if part++; part <= done {
			continue
		}
		_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(f.Data), FileSize: len(f.Data), Filename: f.Name, Title: f.Name, Channel: channel,
		})
		if err != nil {
			return classify(err)
		}
		outbox.PartSent(ctx)
	}
	return nil
}

// respond answers an interaction through its response_url, visible to
// the person only, after the parts an earlier try got through.
func (a *Adapter) respond(ctx context.Context, url string, r bot.Reply) error {
	done := outbox.PartsSent(ctx)
	for i, m := range messages(r) {
		if i < done {
			continue
		}
		_, _, err := a.api.PostMessageContext(ctx, r.Place.Channel, slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral),
			slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
		if err != nil {
			// The URL lets anyone post to the person for 30 minutes: it
			// stays out of errors and logs.
			c := classify(err)
			if later, ok := c.(retryLater); ok {
				later.Err = errors.New(strings.ReplaceAll(later.Err.Error(), url, "<response_url>"))
				return later
			}
			return c
		}
		outbox.PartSent(ctx)
	}
	return nil
}

// Explanations of Slack's permanent refusals, for the undeliverable log.
var refusals = map[string]string{
	"channel_not_found":     "the channel does not exist or the bot cannot see it",
	"not_in_channel":        "the bot is not in the team channel: /invite @Follow Through there",
	"is_archived":           "the channel is archived",
	"user_not_found":        "the person is no longer in the workspace",
	"account_inactive":      "the person's account is deactivated",
	"cannot_dm_bot":         "the person is a bot",
	"messages_tab_disabled": "the app's Messages tab is off: turn it on in App Home settings",
	"restricted_action":     "the workspace does not allow the bot to post there",
	"msg_too_long":          "the message is too long",
	"invalid_blocks":        "Slack rejected the message's blocks",
	"no_text":               "the message was empty",
	"expired_url":           "the interaction's response URL expired",
	"used_url":              "the interaction's response URL was used up",
}

// classify sorts a failed call: refusals that will not change are
// permanent; rate limits, server trouble and network errors are retried.
func classify(err error) error {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return retryLater{After: max(rl.RetryAfter, time.Second), RateLimited: true, Err: err}
	}
	if code := slackError(err); code != "" {
		if why, ok := refusals[code]; ok {
			return permanent{Kind: code, Reason: code + ": " + why}
		}
		switch code {
		case "ratelimited":
			return retryLater{After: time.Second, RateLimited: true, Err: err}
		case "invalid_auth", "not_authed", "token_revoked", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return retryLater{After: time.Second, Err: err}
		}
		return permanent{Kind: "invalid", Reason: code}
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code >= 500 || sc.Code == http.StatusTooManyRequests:
			return retryLater{After: time.Second, Err: err}
		case sc.Code == http.StatusNotFound || sc.Code == http.StatusGone:
			return permanent{Kind: "not_found", Reason: fmt.Sprintf("not found (%d)", sc.Code)}
		case sc.Code >= 400:
			return permanent{Kind: "invalid", Reason: fmt.Sprintf("refused (%d)", sc.Code)}
		}
	}
	return retryLater{After: time.Second, Err: err}
}

// deliverDirect sends a reply that is not in the outbox (the farewell
// after forget), once, best effort: nothing of it may stay behind.
func (a *Adapter) deliverDirect(r bot.Reply) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	// After "forget" nothing of the person is stored: a message in the
	// DM carries its channel, a command its response URL.
	if url, _, ok := decodeInteraction(r.Place.Interaction); ok {
		err = a.respond(ctx, url, r)
	} else if r.Place.Channel != "" {
		err = a.post(ctx, r.Place.Channel, r)
	} else {
		err = errors.New("nowhere to send it")
	}
	if err != nil {
		a.o.Log.Warn("slack: direct reply not delivered", "err", err)
	}
}

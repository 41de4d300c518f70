package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"followthrough/bot"
)

// replyWindow is how long an interaction's response_url is used; Slack
// allows 30 minutes (and 5 uses).
const replyWindow = 25 * time.Minute

// permanent is a refusal that retrying cannot fix; kind names it for
// metrics (Slack's error code, or not_found, no_channel).
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

// sendLoop delivers the outbox until ctx ends: in order per
// conversation, a reply leaving the outbox only when Slack accepted it or
// refused it for good.
func (a *Adapter) sendLoop(ctx context.Context) {
	backoff := time.Duration(0)
	for {
		wait, err := a.drain(ctx)
		if wait <= 0 {
			wait = time.Second
		}
		var later retryLater
		switch {
		case err == nil:
			backoff = 0
		case errors.As(err, &later) && later.rateLimited:
			// Slack said how long: the message stays queued until then.
			wait = max(later.after, 100*time.Millisecond)
			a.o.Log.Info("slack: rate limited", "retry_after", wait)
		case errors.As(err, &later):
			backoff = min(2*backoff+time.Second, 60*time.Second)
			wait = backoff + time.Duration(rand.Int64N(int64(backoff/4)+1))
			a.o.Log.Warn("slack: delivery will be retried", "in", wait, "err", later.err)
		default:
			a.o.Log.Error("slack: outbox", "err", err)
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

// conversation names the stream a reply belongs to, for ordering and
// pacing: the group channel, or the person.
func conversation(r bot.Reply) string {
	if r.Visibility == bot.Group {
		return "g:" + r.Place.Group
	}
	return "p:" + string(r.To)
}

// drain sends what is pending. A conversation posted to less than
// PerChannel ago is skipped for now, with all its later replies, so that
// order holds; drain then says how long until it may go on. It stops at
// the first reply that must be retried.
func (a *Adapter) drain(ctx context.Context) (time.Duration, error) {
	blocked := map[string]bool{}
	soonest := time.Duration(0)
	for {
		batch, err := a.o.Store.Pending(Platform, 200)
		if err != nil || len(batch) == 0 {
			return soonest, err
		}
		progressed := false
		for _, env := range batch {
			if ctx.Err() != nil {
				return 0, nil
			}
			key := conversation(env.Reply)
			if blocked[key] {
				continue
			}
			if wait := a.paceWait(key); wait > 0 {
				blocked[key] = true
				if soonest == 0 || wait < soonest {
					soonest = wait
				}
				continue
			}
			err := a.deliver(ctx, env)
			a.posted(key)
			var p permanent
			switch {
			case err == nil:
				a.o.Metrics.Sent(Platform)
				if err := a.o.Store.Delivered(Platform, env.Seq); err != nil {
					return 0, err
				}
			case errors.As(err, &p):
				a.o.Metrics.Failed(Platform, p.kind)
				a.o.Log.Warn("slack: reply undeliverable", "to", env.Reply.To, "reason", p.reason)
				if err := a.o.Store.GiveUp(env, p.reason, a.o.Now()); err != nil {
					return 0, err
				}
			default:
				kind := "retry"
				if later := (retryLater{}); errors.As(err, &later) && later.rateLimited {
					kind = "rate_limited"
				}
				a.o.Metrics.Failed(Platform, kind)
				return 0, err
			}
			progressed = true
			select { // pace all posts below the workspace's limits
			case <-ctx.Done():
				return 0, nil
			case <-time.After(a.o.SendInterval):
			}
		}
		if !progressed {
			return soonest, nil
		}
	}
}

// paceWait is how long until a conversation may be posted to again.
func (a *Adapter) paceWait(key string) time.Duration {
	a.paceMu.Lock()
	defer a.paceMu.Unlock()
	last, ok := a.lastPost[key]
	if !ok {
		return 0
	}
	wait := a.o.PerChannel - time.Since(last)
	if wait <= 0 {
		delete(a.lastPost, key) // keep the map small
		return 0
	}
	return wait
}

func (a *Adapter) posted(key string) {
	a.paceMu.Lock()
	a.lastPost[key] = time.Now()
	a.paceMu.Unlock()
}

// deliver sends one reply: to the team channel, as an answer to the
// interaction it follows (only the person sees it), or in their DM.
func (a *Adapter) deliver(ctx context.Context, env bot.Envelope) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	r := env.Reply
	if r.Visibility == bot.Group {
		channel, err := a.groupChannel(r)
		if err != nil {
			return err
		}
		return a.post(ctx, channel, r)
	}
	if url, at, ok := decodeReply(r.Place.Reply); ok && !isDM(r.Place.Channel) && a.o.Now().Sub(at) < replyWindow && len(r.Files) == 0 {
		err := a.respond(ctx, url, r)
		var p permanent
		if !errors.As(err, &p) {
			return err
		}
		// The response URL expired or was used up: say it in the DM.
		a.o.Log.Debug("slack: response_url refused; using the DM", "reason", p.reason)
	}
	channel := r.Place.Channel
	if !isDM(channel) {
		var err error
		if channel, err = a.dm(ctx, r.To); err != nil {
			return err
		}
	}
	return a.post(ctx, channel, r)
}

// isDM reports whether a conversation id is a direct message.
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// groupChannel is where a group's public posts go: the channel chosen
// with setup, else the one in the config.
func (a *Adapter) groupChannel(r bot.Reply) (string, error) {
	group := r.Place.Group
	if group == "" {
		if p, ok, err := a.o.Store.Person(r.To); err != nil {
			return "", err
		} else if ok {
			group = p.Group
		}
	}
	g, err := a.o.Store.GroupSettings(group)
	if err != nil {
		return "", err
	}
	if g.Channel != "" {
		return g.Channel, nil
	}
	if a.o.Channel != "" {
		return a.o.Channel, nil
	}
	return "", permanent{"no_channel", "the team has no channel for public wins: set slack.channel, or an admin runs " + a.o.Command + " setup #channel"}
}

// dm finds a person's DM channel, opening it once.
func (a *Adapter) dm(ctx context.Context, id bot.PersonID) (string, error) {
	addr, err := a.o.Store.Address(id)
	if err != nil {
		return "", err
	}
	if addr.DM != "" {
		return addr.DM, nil
	}
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userOf(id)}})
	if err != nil {
		return "", classify(err)
	}
	addr.DM = ch.ID
	if err := a.o.Store.SetAddress(id, addr); err != nil {
		return "", err
	}
	return ch.ID, nil
}

// post sends a reply's messages and files to a channel.
func (a *Adapter) post(ctx context.Context, channel string, r bot.Reply) error {
	for _, m := range messages(r) {
		_, _, err := a.api.PostMessageContext(ctx, channel,
			slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...), slack.MsgOptionDisableLinkUnfurl())
		if err != nil {
			return classify(err)
		}
	}
	for _, f := range r.Files {
		_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(f.Data), FileSize: len(f.Data), Filename: f.Name, Title: f.Name, Channel: channel,
		})
		if err != nil {
			return classify(err)
		}
	}
	return nil
}

// respond answers an interaction through its response_url, visible to
// the person only.
func (a *Adapter) respond(ctx context.Context, url string, r bot.Reply) error {
	for _, m := range messages(r) {
		_, _, err := a.api.PostMessageContext(ctx, r.Place.Channel, slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral),
			slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
		if err != nil {
			return classify(err)
		}
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
		return retryLater{after: max(rl.RetryAfter, time.Second), rateLimited: true, err: err}
	}
	if code := slackError(err); code != "" {
		if why, ok := refusals[code]; ok {
			return permanent{code, code + ": " + why}
		}
		switch code {
		case "ratelimited":
			return retryLater{after: time.Second, rateLimited: true, err: err}
		case "invalid_auth", "not_authed", "token_revoked", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return retryLater{after: time.Second, err: err}
		}
		return permanent{"invalid", code}
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code >= 500 || sc.Code == http.StatusTooManyRequests:
			return retryLater{after: time.Second, err: err}
		case sc.Code == http.StatusNotFound || sc.Code == http.StatusGone:
			return permanent{"not_found", fmt.Sprintf("not found (%d)", sc.Code)}
		case sc.Code >= 400:
			return permanent{"invalid", fmt.Sprintf("refused (%d)", sc.Code)}
		}
	}
	return retryLater{after: time.Second, err: err}
}

// deliverDirect sends a reply that is not in the outbox (the farewell
// after forget), once, best effort: nothing of it may stay behind.
func (a *Adapter) deliverDirect(r bot.Reply) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	if url, _, ok := decodeReply(r.Place.Reply); ok && !isDM(r.Place.Channel) {
		err = a.respond(ctx, url, r)
	} else if isDM(r.Place.Channel) {
		err = a.post(ctx, r.Place.Channel, r)
	} else {
		err = errors.New("nowhere to send it")
	}
	if err != nil {
		a.o.Log.Warn("slack: direct reply not delivered", "err", err)
	}
}

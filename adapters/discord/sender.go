package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
		Rate: a.o.Rate, PerKey: a.o.PerChannel, Grace: a.o.Grace, Backoff: a.o.Backoff,
		Queued: a.o.Queued, Metrics: a.o.Metrics, Log: a.o.Log, Now: a.o.Now,
	}
	l.Run(ctx)
}

// deliver sends one reply: as a follow-up to the interaction it answers,
// to the group channel, or as a DM. A reply of several messages goes on
// after those an earlier try got through (outbox.PartsSent).
func (a *Adapter) deliver(ctx context.Context, env bot.Envelope) error {
	r := env.Reply
	opts := []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
	switch {
	case r.Visibility == bot.Public:
		g, err := a.o.Store.GroupSettings(ctx, r.Place.Group)
		if err != nil {
			return err
		}
		if g.Channel == "" {
			return permanent{Kind: "no_channel", Reason: "group has no channel: a server admin runs /setup"}
		}
		return a.sendAll(ctx, g.Channel, r, env.Seq, opts)
	case r.Place.Interaction != "":
		appID, token, at, ok := decodeInteraction(r.Place.Interaction)
		if ok && a.o.Now().Sub(at) < followupWindow {
			done := outbox.PartsSent(ctx)
			for i, m := range messages(r) {
				if i < done {
					continue
				}
				if err := a.followupPart(appID, token, m, flagsFor(r), opts); err != nil {
					return classify(err)
				}
				outbox.PartSent(ctx)
			}
			return nil
		}
	}
	return a.dm(ctx, env, opts)
}

// flagsFor is how an answer to an interaction goes: ephemeral in a
// guild (only the person sees it), as it is in a DM.
func flagsFor(r bot.Reply) discordgo.MessageFlags {
	if r.Place.Group != "" {
		return ephemeral
	}
	return 0
}

// followupPart posts one message as a follow-up to an interaction.
func (a *Adapter) followupPart(appID, token string, m *discordgo.MessageSend, flags discordgo.MessageFlags, opts []discordgo.RequestOption) error {
	_, err := a.api.FollowupMessageCreate(&discordgo.Interaction{AppID: appID, Token: token}, true,
		&discordgo.WebhookParams{Content: m.Content, Components: m.Components, Files: m.Files, AllowedMentions: noMentions(), Flags: flags}, opts...)
	return err
}

// dm sends a reply to the person's DM channel, opening it once.
func (a *Adapter) dm(ctx context.Context, env bot.Envelope, opts []discordgo.RequestOption) error {
	id := env.Reply.To
	addr, err := a.o.Store.Address(ctx, id)
	if err != nil {
		return err
	}
	if !addr.Closed.IsZero() {
		return permanent{Kind: "dms_closed", Reason: "DMs closed: not retried until the person writes again"}
	}
	if addr.DM == "" {
		ch, err := a.api.UserChannelCreate(id.User(), opts...)
		if err != nil {
			return classify(err)
		}
		addr.DM = ch.ID
		if err := a.o.Store.SetAddress(ctx, id, addr); err != nil {
			return err
		}
	}
	err = a.sendAll(ctx, addr.DM, env.Reply, env.Seq, opts)
	var p permanent
	if errors.As(err, &p) && strings.HasPrefix(p.Reason, "DMs closed") {
		addr.Closed = a.o.Now()
		a.tellGroup(ctx, id, &addr, opts)
		if err := a.o.Store.SetAddress(ctx, id, addr); err != nil {
			return err
		}
	}
	return err
}

// tellGroup says once, in the channel of the guild the person last used
// a command in (addr.Group), that their DMs are closed; the mention is
// allowed for that one user only. It marks addr as told.
func (a *Adapter) tellGroup(ctx context.Context, id bot.PersonID, addr *bot.Address, opts []discordgo.RequestOption) {
	if !addr.Told.IsZero() || addr.Group == "" {
		return
	}
	g, err := a.o.Store.GroupSettings(ctx, addr.Group)
	if err != nil || g.Channel == "" {
		return
	}
	_, err = a.api.ChannelMessageSendComplex(g.Channel, &discordgo.MessageSend{
		Content:         "<@" + id.User() + "> " + a.phrase(msgClosedDMs),
		AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{id.User()}},
	}, opts...)
	if err != nil {
		a.o.Log.Warn("discord: tell about closed DMs", "err", err)
		return
	}
	addr.Told = a.o.Now()
}

// sendAll sends a reply's messages to a channel, after those an earlier
// try got through (outbox.PartsSent). seq is the reply's place in the
// outbox (0 when it is not queued), for its nonces.
func (a *Adapter) sendAll(ctx context.Context, channel string, r bot.Reply, seq uint64, opts []discordgo.RequestOption) error {
	done := outbox.PartsSent(ctx)
	for i, m := range messages(r) {
		if i < done {
			continue
		}
		if err := a.send(channel, m, nonce(r, seq, i), opts); err != nil {
			return err
		}
		outbox.PartSent(ctx)
	}
	return nil
}

// messageCreate is a message with a nonce that Discord enforces: when
// a send whose answer was lost (a timeout, a dropped connection) is
// tried again, Discord gives back the message the first try made
// instead of making a second one. discordgo's MessageSend has no nonce.
type messageCreate struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// send posts one message to a channel, as ChannelMessageSendComplex
// does, with its nonce; a failure comes back classified.
func (a *Adapter) send(channel string, m *discordgo.MessageSend, nonce string, opts []discordgo.RequestOption) error {
	body := messageCreate{MessageSend: m, Nonce: nonce, EnforceNonce: nonce != ""}
	endpoint := discordgo.EndpointChannelMessages(channel)
	var err error
	if len(m.Files) == 0 {
		_, err = a.api.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, opts...)
	} else {
		contentType, b, encErr := discordgo.MultipartBodyWithJSON(body, m.Files)
		if encErr != nil {
			return permanent{Kind: "invalid", Reason: "could not encode the message: " + encErr.Error()}
		}
		_, err = a.api.RequestRaw(http.MethodPost, endpoint, contentType, b, endpoint, 0, opts...)
	}
	if err != nil {
		return classify(err)
	}
	return nil
}

// nonce names message part of a reply for Discord's duplicate check:
// the same on every try, different for every message (at most 25
// characters). Discord checks it for a few minutes, so a retry much
// later than the lost answer can still make a second message.
func nonce(r bot.Reply, seq uint64, part int) string {
	id := r.Key
	if id == "" {
		if seq == 0 {
			return ""
		}
		id = fmt.Sprint("outbox ", seq)
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s#%d", id, part)))
	return hex.EncodeToString(sum[:])[:25]
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
	if appID, token, _, ok := decodeInteraction(r.Place.Interaction); ok {
		for _, m := range messages(r) {
			if err := a.followupPart(appID, token, m, flagsFor(r), opts); err != nil {
				return err
			}
		}
		return nil
	}
	if r.Place.Channel == "" {
		return errors.New("nowhere to send it")
	}
	return a.sendAll(ctx, r.Place.Channel, r, 0, opts)
}

package slack

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// workers is how many Socket Mode requests are handled at once.
const workers = 8

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
	return a.socketLoop(ctx, &loops)
}

// socketLoop takes Socket Mode requests until ctx ends or the socket
// fails for good. Requests are handled by workers, each person always
// by the same one: a person's messages keep their order, and one slow
// call (users.info, a form, a purge) does not hold up everyone else's
// ack.
func (a *Adapter) socketLoop(ctx context.Context, loops *sync.WaitGroup) error {
	sm := socketmode.New(a.sc)
	sockErr := make(chan error, 1)
	go func() { sockErr <- sm.RunContext(ctx) }()
	queues := make([]chan socketmode.Event, workers)
	for i := range queues {
		queues[i] = make(chan socketmode.Event, 64)
		loops.Go(func() {
			for ev := range queues[i] {
				a.onRequest(ctx, sm, ev)
			}
		})
	}
	defer func() {
		for _, q := range queues {
			close(q)
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
			case queues[h.Sum32()%uint32(len(queues))] <- ev:
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
	if requestUser(ev) != "" && a.backlog.Full(ctx) {
		// Too much waiting to be sent: not acknowledged, so that Slack
		// sends it again later.
		a.o.Log.Warn("slack: the outbox is past its bound; a request is left for Slack to send again", "type", ev.Type)
		return
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

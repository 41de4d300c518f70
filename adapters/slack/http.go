package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"golang.org/x/net/netutil"
)

// maxBody is the largest request Slack sends us that we read.
const maxBody = 1 << 20

// Handler serves HTTP mode: the Events API at /slack/events, the slash
// command at /slack/commands and interactivity at /slack/interactive.
// Every request must carry a valid signature made with the signing
// secret no more than 5 minutes ago; any other gets 401 and changes
// nothing. Requests are handled before they are answered (a durable
// commit takes milliseconds), so an answer means it was kept.
//
// What a request costs before it is known to be Slack's is bounded:
// its headers are checked before its body is read (a timestamp within
// the window, a signature of the right shape); at most InFlight are
// read and handled at once, one more gets 503 at once (Slack tries
// again); a body must arrive within BodyTimeout and be at most 1 MiB.
// Serve it with NewServer, whose timeouts bound the rest.
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", a.verified(a.serveEvents))
	mux.HandleFunc("POST /slack/commands", a.verified(a.serveCommand))
	mux.HandleFunc("POST /slack/interactive", a.verified(a.serveInteractive))
	return mux
}

// Limits of the HTTP server NewServer makes.
const (
	// MaxHeaderBytes: Slack's requests carry a few hundred bytes of
	// headers.
	MaxHeaderBytes = 16 << 10
	// MaxConns bounds the connections open at once (each costs a
	// goroutine and its buffers); more wait to be accepted.
	MaxConns = 1024
)

// NewServer is an HTTP server fit to face the internet with h: headers
// within 5 s and 16 KiB, the whole request within 10 s (a body that
// trickles in is cut off), the answer within 10 s, idle connections
// closed after a minute.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: MaxHeaderBytes}
}

// Listen is a listener on addr that accepts at most MaxConns
// connections at once.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return netutil.LimitListener(ln, MaxConns), nil
}

// verified checks a request's headers, takes a place among those in
// flight, reads the body and checks its signature before next sees it.
func (a *Adapter) verified(next func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := a.checkHeaders(r.Header); err != nil {
			a.o.Log.Warn("slack: refused an unsigned or badly signed request", "path", r.URL.Path, "err", err)
			refuse(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		select {
		case a.inFlight <- struct{}{}:
			defer func() { <-a.inFlight }()
		default:
			w.Header().Set("Retry-After", "1")
			refuse(w, "busy, try again in a moment", http.StatusServiceUnavailable)
			return
		}
		if r.ContentLength > maxBody {
			refuse(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		// Not supported only where no connection is (tests' recorders).
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(a.o.BodyTimeout))
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				refuse(w, "request too large", http.StatusRequestEntityTooLarge)
			} else {
				refuse(w, "request not read", http.StatusBadRequest)
			}
			return
		}
		if err := a.verify(r.Header, body); err != nil {
			a.o.Log.Warn("slack: refused an unsigned or badly signed request", "path", r.URL.Path, "err", err)
			refuse(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.o.Log.Debug("slack: redelivery", "attempt", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		select {
		case <-a.ready:
		default:
			// Not started yet: Slack retries events; commands get a word.
			http.Error(w, "starting, try again in a moment", http.StatusServiceUnavailable)
			return
		}
		if a.backlog.Full(r.Context()) {
			// Too much waiting to be sent: Slack sends it again later.
			w.Header().Set("Retry-After", "30")
			http.Error(w, "busy, try again later", http.StatusServiceUnavailable)
			return
		}
		next(w, r, body)
	}
}

// refuse answers before the body was read, and closes the connection:
// what is left of the body is not worth reading.
func refuse(w http.ResponseWriter, msg string, code int) {
	w.Header().Set("Connection", "close")
	http.Error(w, msg, code)
}

// checkHeaders checks what can be checked before the body is read: a
// timestamp within 5 minutes and a signature of the right shape.
func (a *Adapter) checkHeaders(h http.Header) error {
	ts, err := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return errors.New("no timestamp")
	}
	if d := a.o.Now().Unix() - ts; d > 300 || d < -300 {
		return slack.ErrExpiredTimestamp
	}
	sig := h.Get("X-Slack-Signature")
	if hexSig, ok := strings.CutPrefix(sig, "v0="); !ok || len(hexSig) != 64 || strings.Trim(hexSig, "0123456789abcdef") != "" {
		return errors.New("no signature of the form v0=<hex sha256>")
	}
	return nil
}

// verify checks Slack's signature: v0=HMAC-SHA256(secret, "v0:"+ts+":"+body),
// compared in constant time, the timestamp within 5 minutes.
func (a *Adapter) verify(h http.Header, body []byte) error {
	if err := a.checkHeaders(h); err != nil {
		return err
	}
	sv, err := slack.NewSecretsVerifier(h, a.o.SigningSecret)
	if err != nil {
		return err
	}
	sv.Write(body)
	return sv.Ensure()
}

func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		// Signed, so from Slack: an event we do not take. Answer 200, or
		// Slack sends it three more times.
		a.o.Log.Debug("slack: event not understood", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	if ev.Type == slackevents.URLVerification {
		var ch slackevents.ChallengeResponse
		_ = json.Unmarshal(body, &ch)
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, ch.Challenge)
		return
	}
	if err := a.onEvent(context.WithoutCancel(r.Context()), ev); err != nil {
		// Not kept: Slack sends it again.
		a.o.Log.Error("slack: event not handled; Slack will retry", "err", err)
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	c := slack.SlashCommand{
		TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"), Text: form.Get("text"),
		ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id"),
	}
	writeAck(w, a.onCommand(context.WithoutCancel(r.Context()), c))
}

func (a *Adapter) serveInteractive(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	var ic slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	ack, err := a.onInteraction(context.WithoutCancel(r.Context()), ic)
	if err != nil {
		a.o.Log.Error("slack: interaction not handled", "err", err)
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	writeAck(w, ack)
}

// writeAck answers 200 with an immediate response, if there is one.
func writeAck(w http.ResponseWriter, ack any) {
	if ack == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(ack)
}

package discord_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"followthrough/adapters/discord"
	"followthrough/adapters/discord/discordtest"
	"followthrough/adapters/internal/outbox/outboxtest"
	"followthrough/bot"
	"followthrough/bot/bottest"
)

// What "exactly once" means here. The fake counts a message as made
// when it handled the request (Request.Accepted). A request the client
// gave up on before the fake handled it (Failure.Delay past the client's
// timeout) made nothing, and its retry makes the message once. A request
// the fake handled but whose answer the client never got
// (Failure.AnswerDelay) did make the message: the retry carries the same
// nonce with enforce_nonce, and the fake, like Discord, gives back the
// message already made instead of a second one (Request.Duplicate).
// discordgo itself repeats a request after a 502, up to three times:
// the same body, so the same nonce.

// faultRig is a running adapter (the real discordgo client) against the
// fake Discord, with a real bbolt store, a short HTTP timeout and short
// back-offs. The subtests share it: discordgo's Close takes a second.
type faultRig struct {
	*bottest.Kit
	fake   *discordtest.Fake
	store  *outboxtest.Watched
	queued chan struct{}
}

const clientTimeout = 250 * time.Millisecond

func startFaults(t *testing.T) *faultRig {
	t.Helper()
	fake := discordtest.New(t, token)
	queued := make(chan struct{}, 1)
	k := kit(t, queued)
	r := &faultRig{Kit: k, fake: fake, store: outboxtest.Watch(k.DB), queued: queued}
	a, err := discord.New(discord.Options{Token: token, APIURL: fake.URL, Engine: k.Engine, Store: r.store, Queued: r.queued, Reconnect: true,
		Rate: 2000, HTTPTimeout: clientTimeout, Backoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("adapter did not stop")
		}
	})
	fake.WaitConnected(t, 10*time.Second)
	registered(t, fake)
	return r
}

// conversation is where a burst's replies go: a person's DM, or (user
// "") a group's channel.
type conversation struct{ user, channel string }

// queuedReply is one reply of a burst, named by its text's first word.
type queuedReply struct {
	conv     int
	id, text string
}

// burst queues each replies to every conversation, in turn, straight
// into the outbox (one commit, as the engine's would be), and wakes the
// sender. A reply's text is its id ("case.c1.m07"); a long one, over
// Discord's 2,000 characters and so sent as two messages, goes on with
// words that carry the id too ("case.c1.m07.w001 …").
func (r *faultRig) burst(t *testing.T, name string, convs []conversation, group string, each int, long bool) []queuedReply {
	t.Helper()
	sender := bot.NewPersonID(discord.Platform, "sender-"+name)
	var replies []bot.Reply
	var out []queuedReply
	for i := 0; i < each; i++ {
		for c, conv := range convs {
			id := fmt.Sprintf("%s.c%d.m%02d", name, c, i)
			text := id
			if long {
				for w := 0; w < 150; w++ {
					text += fmt.Sprintf(" %s.w%03d", id, w)
				}
			}
			rep := bot.Reply{Key: fmt.Sprintf("%s/%d/%d", name, c, i), Text: text, At: time.Now(), Visibility: bot.Private,
				To: bot.NewPersonID(discord.Platform, conv.user)}
			if conv.user == "" {
				rep.To, rep.Visibility, rep.Place = sender, bot.Public, bot.Place{Group: group}
			}
			replies = append(replies, rep)
			out = append(out, queuedReply{c, id, text})
		}
	}
	if err := r.DB.Commit(bg, bot.Change{Person: &bot.Person{ID: sender, Identity: bot.Identity{LastSeen: time.Now()}}, Replies: replies}); err != nil {
		t.Fatal(err)
	}
	select {
	case r.queued <- struct{}{}:
	default:
	}
	return out
}

// replyID is the id of the reply a message is (part of): its first word,
// without a word number.
func replyID(content string) string {
	first, _, _ := strings.Cut(content, " ")
	if i := strings.Index(first, ".w"); i >= 0 {
		first = first[:i]
	}
	return first
}

// checkOnce checks that every queued reply was made exactly once (its
// messages, in order, spell its text, no part twice) or recorded as
// undeliverable with a reason (the one in failing for its conversation,
// and only there), never both; and that each conversation's messages
// came in the order their replies were queued.
func checkOnce(t *testing.T, r *faultRig, name string, convs []conversation, queued []queuedReply, failing map[int]string) {
	t.Helper()
	parts := map[string][]string{} // reply id -> its messages, in the order made
	got := map[string][]string{}   // channel -> reply ids, in the order made
	for _, q := range r.fake.Sent() {
		text := content(q)
		id := replyID(text)
		if !strings.HasPrefix(id, name+".") {
			continue
		}
		parts[id] = append(parts[id], text)
		ch := strings.TrimSuffix(strings.TrimPrefix(q.Path, "/api/v9/channels/"), "/messages")
		if ids := got[ch]; len(ids) == 0 || ids[len(ids)-1] != id {
			got[ch] = append(ids, id)
		}
	}
	undelivered, err := r.DB.Undelivered(bg, discord.Platform)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, u := range undelivered {
		if id := replyID(u.Envelope.Reply.Text); strings.HasPrefix(id, name+".") {
			reasons[id] = u.Reason
		}
	}
	want := map[string][]string{}
	for _, q := range queued {
		made := strings.Join(parts[q.id], " ")
		reason, gaveUp := reasons[q.id]
		switch {
		case made != "" && made != q.text:
			t.Errorf("%s was made as %d messages that do not spell its text once (%d characters for %d)", q.id, len(parts[q.id]), len(made), len(q.text))
		case made != "" && gaveUp:
			t.Errorf("%s was made and also recorded undeliverable (%s)", q.id, reason)
		case made == "" && !gaveUp:
			t.Errorf("%s was lost: neither made nor recorded undeliverable", q.id)
		}
		if why, ok := failing[q.conv]; ok {
			if !gaveUp || !strings.Contains(reason, why) {
				t.Errorf("%s: recorded %v with reason %q; want a permanent failure saying %q", q.id, gaveUp, reason, why)
			}
		} else if gaveUp {
			t.Errorf("%s was given up though every fault was passing: %s", q.id, reason)
		}
		if made != "" {
			ch := convs[q.conv].channel
			want[ch] = append(want[ch], q.id)
		}
	}
	for ch, w := range want {
		if strings.Join(got[ch], " ") != strings.Join(w, " ") {
			t.Errorf("channel %s got, in order:\n  %s\nwant:\n  %s", ch, strings.Join(got[ch], " "), strings.Join(w, " "))
		}
	}
	if left, _ := r.DB.Pending(bg, discord.Platform, 1); len(left) != 0 {
		t.Errorf("the outbox is not empty: %s", replyID(left[0].Reply.Text))
	}
}

// The fake's answers, as Discord gives them.
var (
	routeLimited = &discordtest.Failure{Status: 429, Body: `{"message":"You are being rate limited.","retry_after":0.05,"global":false}`,
		Header: http.Header{"Retry-After": {"1"}, "X-Ratelimit-Limit": {"5"}, "X-Ratelimit-Remaining": {"0"},
			"X-Ratelimit-Reset-After": {"0.050"}, "X-Ratelimit-Bucket": {"fault-bucket"}, "X-Ratelimit-Scope": {"user"}}}
	globalLimited = &discordtest.Failure{Status: 429, Body: `{"message":"You are being rate limited.","retry_after":0.05,"global":true}`,
		Header: http.Header{"Retry-After": {"1"}, "X-Ratelimit-Global": {"true"}, "X-Ratelimit-Scope": {"global"}}}
	serverError = func(status int) *discordtest.Failure {
		return &discordtest.Failure{Status: status, Body: fmt.Sprintf(`{"message":"%s","code":0}`, http.StatusText(status))}
	}
	timedOut   = &discordtest.Failure{Delay: 8 * clientTimeout}       // the client gives up before it is handled
	lostAnswer = &discordtest.Failure{AnswerDelay: 8 * clientTimeout} // handled; the answer never reaches the client
	dmsClosed  = &discordtest.Failure{Status: 403, Body: `{"message":"Cannot send messages to this user","code":50007}`}
	noChannel  = &discordtest.Failure{Status: 404, Body: `{"message":"Unknown Channel","code":10003}`}
)

// TestFaultsLoseAndRepeatNothing queues a burst (5 people × 20 replies,
// and in the last case a group channel too) and answers with faults: it
// checks, after each, that every reply was made exactly once or recorded
// as undeliverable, in order per conversation, and that the outbox is
// empty.
func TestFaultsLoseAndRepeatNothing(t *testing.T) {
	r := startFaults(t)
	cases := []struct {
		name string
		// fail answers the nth message post (from 0) of the case, to
		// path, saying text. Channel opens are not counted, nor posts
		// refuse refused. Posts come one at a time.
		fail    func(n int, path, text string) *discordtest.Failure
		refuse  func(path string) *discordtest.Failure
		group   bool           // a sixth conversation: a group's channel
		long    bool           // replies of two messages each
		failing map[int]string // conversations refused for good: the reason
		// settle, if set, says when the fake has recorded all it will
		// (a request the client gave up on is recorded when the fake
		// notices); check then looks at the case's requests.
		settle func(reqs []discordtest.Request) bool
		check  func(t *testing.T, reqs []discordtest.Request)
	}{{
		name: "429-route",
		fail: func(n int, _, _ string) *discordtest.Failure {
			if n < 8 {
				return routeLimited
			}
			return nil
		},
		check: func(t *testing.T, reqs []discordtest.Request) { checkRetryAfter(t, reqs, 8) },
	}, {
		name: "429-global",
		fail: func(n int, _, _ string) *discordtest.Failure {
			if n%3 == 0 && n < 24 {
				return globalLimited
			}
			return nil
		},
		check: func(t *testing.T, reqs []discordtest.Request) { checkRetryAfter(t, reqs, 8) },
	}, {
		name: "5xx",
		fail: func(n int, _, _ string) *discordtest.Failure {
			if n >= 3 && n < 21 {
				return serverError([]int{500, 502, 503}[n%3])
			}
			return nil
		},
		check: func(t *testing.T, reqs []discordtest.Request) {
			if n := count(reqs, func(q discordtest.Request) bool { return q.Status >= 500 }); n != 18 {
				t.Errorf("%d 5xx answers; want 18", n)
			}
		},
	}, {
		name: "timeouts",
		fail: func(n int, _, _ string) *discordtest.Failure {
			if n >= 2 && n < 6 {
				return timedOut
			}
			return nil
		},
		check: func(t *testing.T, reqs []discordtest.Request) {
			if n := count(reqs, func(q discordtest.Request) bool { return q.Status == 0 }); n != 4 {
				t.Errorf("%d requests given up by the client; want 4", n)
			}
		},
		settle: func(reqs []discordtest.Request) bool {
			return count(reqs, func(q discordtest.Request) bool { return q.Status == 0 }) >= 4
		},
	}, {
		name: "lost-answers",
		fail: func(n int, _, _ string) *discordtest.Failure {
			if n >= 2 && n < 6 {
				return lostAnswer
			}
			return nil
		},
		check: func(t *testing.T, reqs []discordtest.Request) {
			// Each lost answer was retried, and the retry matched.
			if n := count(reqs, func(q discordtest.Request) bool { return q.Duplicate }); n != 4 {
				t.Errorf("%d retries matched a message already made; want 4", n)
			}
		},
	}, {
		name: "gateway-dropped",
		fail: func(n int, _, _ string) *discordtest.Failure {
			if n == 10 {
				r.fake.DropConnection() // while this post is in flight
			}
			return nil
		},
		check: func(t *testing.T, _ []discordtest.Request) {
			r.fake.WaitConnected(t, 10*time.Second) // and the gateway came back
		},
	}, {
		// A reply of two messages whose second fails goes on from the
		// second: the first is not sent again (not even to be matched
		// by its nonce).
		name: "long-replies",
		long: true,
		fail: func() func(int, string, string) *discordtest.Failure {
			failed := map[string]bool{}
			return func(n int, _, text string) *discordtest.Failure {
				// The second message of six replies fails, once.
				id := replyID(text)
				if !strings.HasPrefix(text, id+".w") || len(failed) == 6 || failed[id] {
					return nil
				}
				failed[id] = true
				return []*discordtest.Failure{serverError(500), timedOut, lostAnswer}[len(failed)%3]
			}
		}(),
		check: func(t *testing.T, reqs []discordtest.Request) {
			if n := count(reqs, func(q discordtest.Request) bool { return q.Status >= 500 || q.Status == 0 }); n == 0 {
				t.Error("no second part failed")
			}
			for _, q := range reqs {
				if text := content(q); q.Duplicate && !strings.HasPrefix(text, replyID(text)+".w") {
					t.Errorf("the first message of %s was sent again after its second failed", replyID(content(q)))
				}
			}
		},
	}, {
		name:  "mixed",
		group: true,
		refuse: func(path string) *discordtest.Failure {
			switch path {
			case "/api/v9/channels/" + discordtest.DMChannel(user("mixed", 4)) + "/messages":
				return dmsClosed
			case "/api/v9/channels/8888/messages":
				return noChannel
			}
			return nil
		},
		fail: func(n int, _, _ string) *discordtest.Failure {
			switch {
			case n == 30:
				r.fake.DropConnection()
			case n%4 == 1 && n < 64:
				return []*discordtest.Failure{routeLimited, serverError(500), timedOut, serverError(502), lostAnswer, globalLimited, serverError(503)}[n/4%7]
			}
			return nil
		},
		failing: map[int]string{4: "DMs closed", 5: "unknown channel or interaction (404, code 10003)"},
		check: func(t *testing.T, reqs []discordtest.Request) {
			r.fake.WaitConnected(t, 10*time.Second)
			if n := count(reqs, func(q discordtest.Request) bool {
				return q.Status == 429 || q.Status >= 500 || q.Status == 0 || q.Duplicate
			}); n < 16 {
				t.Errorf("only %d faults injected", n)
			}
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var convs []conversation
			for p := 0; p < 5; p++ {
				convs = append(convs, conversation{user(c.name, p), discordtest.DMChannel(user(c.name, p))})
			}
			group := "g-" + c.name
			if c.group {
				convs = append(convs, conversation{"", "8888"})
				if err := r.DB.SetGroupSettings(bg, group, bot.GroupSettings{Channel: "8888"}); err != nil {
					t.Fatal(err)
				}
			}
			before := len(r.fake.Requests())
			var mu sync.Mutex
			posts := 0
			r.fake.SetFail(func(method, path string, body map[string]any) *discordtest.Failure {
				if method != "POST" || !strings.HasSuffix(path, "/messages") {
					return nil
				}
				if c.refuse != nil {
					if no := c.refuse(path); no != nil {
						return no
					}
				}
				text, _ := body["content"].(string)
				mu.Lock()
				defer mu.Unlock()
				posts++
				return c.fail(posts-1, path, text)
			})
			defer r.fake.SetFail(nil)
			start := time.Now()
			queued := r.burst(t, c.name, convs, group, 20, c.long)
			r.store.Drained(t, discord.Platform, 20*time.Second)
			took := time.Since(start)
			settle := func([]discordtest.Request) bool { return true }
			if c.settle != nil {
				settle = c.settle
			}
			reqs := r.fake.WaitFor(t, 5*time.Second, "the fake to record every request", func(reqs []discordtest.Request) bool {
				return settle(reqs[before:])
			})[before:]
			checkOnce(t, r, c.name, convs, queued, c.failing)
			if c.check != nil {
				c.check(t, reqs)
			}
			t.Logf("%d replies, %d requests, drained in %v", len(queued), len(reqs), took.Round(time.Millisecond))
		})
	}
}

// user is the Discord user id of person p in a case.
func user(name string, p int) string { return discordtest.Snowflake(fmt.Sprintf("%s-%d", name, p)) }

func count(reqs []discordtest.Request, match func(discordtest.Request) bool) int {
	n := 0
	for _, q := range reqs {
		if match(q) {
			n++
		}
	}
	return n
}

// checkRetryAfter checks that want 429s were answered and that after
// each, nothing was asked of Discord until its retry_after (50 ms) had
// passed: the global and the per-route forms both stop every send.
func checkRetryAfter(t *testing.T, reqs []discordtest.Request, want int) {
	t.Helper()
	n := 0
	for i, q := range reqs {
		if q.Status != 429 {
			continue
		}
		n++
		if i+1 < len(reqs) {
			if gap := reqs[i+1].At.Sub(q.At); gap < 50*time.Millisecond {
				t.Errorf("%s %s came %v after a 429 that said retry_after 0.05", reqs[i+1].Method, reqs[i+1].Path, gap)
			}
		}
	}
	if n != want {
		t.Errorf("%d 429s answered; want %d", n, want)
	}
}

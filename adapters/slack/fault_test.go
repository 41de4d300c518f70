package slack_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"followthrough/adapters/internal/outbox/outboxtest"
	"followthrough/adapters/slack"
	"followthrough/adapters/slack/slacktest"
	"followthrough/bot"
)

// What "exactly once" means here. The fake counts a post as made when it
// answered it (Call.Status 200, no error). A post the client gave up on
// before the fake handled it (Failure.Delay past the client's timeout)
// is recorded with Status 0 and made nothing; its retry makes it once.
// Slack's chat.postMessage has no idempotency key, so a post Slack made
// but whose answer was lost would be made again on retry: delivery is at
// least once there, and no case here loses an answer after the fake made
// the post (the client's timeout is far above a local answer's time).

const clientTimeout = 500 * time.Millisecond

// faultRig is the real adapter (slack-go, Socket Mode) against the fake
// Slack, with a real bbolt store it reports on, a short HTTP timeout and
// short back-offs.
type faultRig struct {
	*rig
	store  *outboxtest.Watched
	queued chan struct{}
}

func startFaults(t *testing.T) *faultRig {
	t.Helper()
	f := &faultRig{queued: make(chan struct{}, 1)}
	f.rig = start(t, slack.Socket, func(o *slack.Options) {
		f.store = outboxtest.Watch(o.Store)
		o.Store, o.Queued, o.HTTPTimeout, o.Backoff = f.store, f.queued, clientTimeout, 5*time.Millisecond
	})
	return f
}

// queuedReply is one reply of a burst, named by its id.
type queuedReply struct {
	conv     int
	id, text string
}

// burst queues each replies to every conversation in turn (people's
// DMs; with group, the team channel last), straight into the outbox in
// one commit, as the engine's would be, and wakes the sender. A reply's
// text is its id ("case.c1.m07"); with files, each carries one named
// after it.
func (f *faultRig) burst(t *testing.T, name string, people int, group bool, each int, files bool) []queuedReply {
	t.Helper()
	sender := bot.NewPersonID(slack.Platform, "T0001", "USENDER"+strings.ToUpper(name))
	var replies []bot.Reply
	var out []queuedReply
	convs := people
	if group {
		convs++
	}
	for i := 0; i < each; i++ {
		for c := 0; c < convs; c++ {
			id := fmt.Sprintf("%s.c%d.m%02d", name, c, i)
			rep := bot.Reply{Key: fmt.Sprintf("%s/%d/%d", name, c, i), Text: id, At: time.Now(), Visibility: bot.Private,
				To: bot.NewPersonID(slack.Platform, "T0001", slackUser(name, c))}
			if c == people {
				rep.To, rep.Visibility, rep.Place = sender, bot.Public, bot.Place{Group: "T0001"}
			}
			if files {
				rep.Files = []bot.File{{Name: id + ".json", Type: "application/json", Data: []byte(`{"reply":"` + id + `"}`)}}
			}
			replies = append(replies, rep)
			out = append(out, queuedReply{c, id, id})
		}
	}
	if err := f.DB.Commit(bg, bot.Change{Person: &bot.Person{ID: sender, Identity: bot.Identity{LastSeen: time.Now()}}, Replies: replies}); err != nil {
		t.Fatal(err)
	}
	select {
	case f.queued <- struct{}{}:
	default:
	}
	return out
}

// slackUser is the Slack user id of person c in a case.
func slackUser(name string, c int) string {
	return "U" + strings.ToUpper(strings.NewReplacer("-", "", ".", "").Replace(name)) + fmt.Sprint(c)
}

// checkOnce checks that every queued reply was posted exactly once (and
// its file shared once) or recorded as undeliverable with a reason (the
// one in failing for its conversation, and only there), never both; and
// that each channel got its posts in the order they were queued.
func checkOnce(t *testing.T, f *faultRig, name string, channels []string, queued []queuedReply, failing map[int]string, files bool) {
	t.Helper()
	made := map[string]int{}
	got := map[string][]string{} // channel -> ids, in the order posted
	for _, c := range f.fake.Posts() {
		id := textOf(c)
		if !strings.HasPrefix(id, name+".") {
			continue
		}
		made[id]++
		got[c.Params["channel"]] = append(got[c.Params["channel"]], id)
	}
	shared := map[string]int{}
	for _, u := range f.fake.Uploads() {
		if u.Completed {
			shared[strings.TrimSuffix(u.Filename, ".json")]++
		}
	}
	undelivered, err := f.DB.Undelivered(bg, slack.Platform)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, u := range undelivered {
		if id := u.Envelope.Reply.Text; strings.HasPrefix(id, name+".") {
			reasons[id] = u.Reason
		}
	}
	want := map[string][]string{}
	for _, q := range queued {
		n := made[q.id]
		reason, gaveUp := reasons[q.id]
		switch {
		case n > 1:
			t.Errorf("%s was posted %d times", q.id, n)
		case n == 1 && gaveUp:
			t.Errorf("%s was posted and also recorded undeliverable (%s)", q.id, reason)
		case n == 0 && !gaveUp:
			t.Errorf("%s was lost: neither posted nor recorded undeliverable", q.id)
		case files && !gaveUp && shared[q.id] != 1:
			t.Errorf("%s's file was shared %d times", q.id, shared[q.id])
		}
		if why, ok := failing[q.conv]; ok {
			if !gaveUp || !strings.Contains(reason, why) {
				t.Errorf("%s: recorded %v with reason %q; want a permanent failure saying %q", q.id, gaveUp, reason, why)
			}
		} else if gaveUp {
			t.Errorf("%s was given up though every fault was passing: %s", q.id, reason)
		}
		if n == 1 {
			want[channels[q.conv]] = append(want[channels[q.conv]], q.id)
		}
	}
	for ch, w := range want {
		if strings.Join(got[ch], " ") != strings.Join(w, " ") {
			t.Errorf("channel %s got, in order:\n  %s\nwant:\n  %s", ch, strings.Join(got[ch], " "), strings.Join(w, " "))
		}
	}
	if left, _ := f.DB.Pending(bg, slack.Platform, 1); len(left) != 0 {
		t.Errorf("the outbox is not empty: %q", left[0].Reply.Text)
	}
}

// The fake's answers, as Slack gives them.
var (
	limited     = &slacktest.Failure{Status: http.StatusTooManyRequests, Error: "ratelimited", RetryAfter: 1}
	limitedOK   = &slacktest.Failure{Error: "ratelimited"} // ok:false in a 200, as some methods answer
	serverError = func(status int) *slacktest.Failure {
		return &slacktest.Failure{Status: status, Error: strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))}
	}
	slackTrouble = func(code string) *slacktest.Failure { return &slacktest.Failure{Error: code} } // internal_error, fatal_error, ...
	timedOut     = &slacktest.Failure{Delay: 8 * clientTimeout}                                    // the client gives up before it is handled
	noChannel    = &slacktest.Failure{Error: "channel_not_found"}
	notIn        = &slacktest.Failure{Error: "not_in_channel"}
)

// TestFaultsLoseAndRepeatNothing queues a burst (5 people × 20 replies;
// in the last case the team channel too) and answers with faults: it
// checks, after each, that every reply was posted exactly once or
// recorded as undeliverable, in order per conversation, and that the
// outbox is empty.
func TestFaultsLoseAndRepeatNothing(t *testing.T) {
	cases := []struct {
		name string
		// fail answers call c, the nth (from 0) of the case to a method
		// that posts (chat.postMessage and, with files, the upload's
		// calls); posts that refuse refused are not counted. Calls come
		// one at a time.
		fail    func(f *faultRig, n int, c slacktest.Call) *slacktest.Failure
		refuse  func(c slacktest.Call) *slacktest.Failure
		each    int
		group   bool           // a sixth conversation: the team channel
		files   bool           // each reply carries a file
		failing map[int]string // conversations refused for good: the reason
		settle  func(calls []slacktest.Call) bool
		check   func(t *testing.T, f *faultRig, calls []slacktest.Call)
	}{{
		name: "429",
		fail: func(_ *faultRig, n int, _ slacktest.Call) *slacktest.Failure {
			switch n {
			case 3:
				return limited
			case 40:
				return limitedOK
			}
			return nil
		},
		check: func(t *testing.T, _ *faultRig, calls []slacktest.Call) {
			n := 0
			for i, c := range calls {
				if c.Error != "ratelimited" {
					continue
				}
				n++
				for _, next := range calls[i+1:] {
					if next.Method == "chat.postMessage" && next.At.Sub(c.At) < time.Second {
						t.Errorf("a post came %v after Slack said to wait a second", next.At.Sub(c.At))
					}
				}
			}
			if n != 2 {
				t.Errorf("%d rate limits answered; want 2", n)
			}
		},
	}, {
		name: "5xx",
		fail: func(_ *faultRig, n int, _ slacktest.Call) *slacktest.Failure {
			if n >= 3 && n < 21 {
				return []*slacktest.Failure{serverError(500), serverError(502), serverError(503),
					slackTrouble("internal_error"), slackTrouble("fatal_error"), slackTrouble("service_unavailable")}[n%6]
			}
			return nil
		},
		check: func(t *testing.T, _ *faultRig, calls []slacktest.Call) {
			n := 0
			for _, c := range calls {
				if c.Status >= 500 || strings.HasSuffix(c.Error, "_error") || c.Error == "service_unavailable" {
					n++
				}
			}
			if n != 18 {
				t.Errorf("%d server errors answered; want 18", n)
			}
		},
	}, {
		name: "timeouts",
		fail: func(_ *faultRig, n int, _ slacktest.Call) *slacktest.Failure {
			if n == 2 || n == 7 {
				return timedOut
			}
			return nil
		},
		settle: func(calls []slacktest.Call) bool { return countGivenUp(calls) >= 2 },
		check: func(t *testing.T, _ *faultRig, calls []slacktest.Call) {
			if n := countGivenUp(calls); n != 2 {
				t.Errorf("%d posts given up by the client; want 2", n)
			}
		},
	}, {
		name: "socket-dropped",
		fail: func(f *faultRig, n int, _ slacktest.Call) *slacktest.Failure {
			if n == 10 {
				f.fake.Drop() // while this post is in flight
			}
			return nil
		},
		check: func(t *testing.T, f *faultRig, _ []slacktest.Call) {
			f.fake.WaitConnections(t, 2, wait) // and the socket came back
		},
	}, {
		// A reply with a file whose upload fails goes on with the file:
		// its text is not posted again.
		name:  "files",
		each:  4,
		files: true,
		fail: func(_ *faultRig, n int, c slacktest.Call) *slacktest.Failure {
			if (c.Method == "files.getUploadURLExternal" || c.Method == "files.completeUploadExternal") && n%5 == 1 && n < 40 {
				return serverError(500)
			}
			return nil
		},
		check: func(t *testing.T, _ *faultRig, calls []slacktest.Call) {
			n := 0
			for _, c := range calls {
				if strings.HasPrefix(c.Method, "files.") && c.Status == 500 {
					n++
				}
			}
			if n == 0 {
				t.Error("no upload failed")
			}
		},
	}, {
		name:  "mixed",
		group: true,
		refuse: func(c slacktest.Call) *slacktest.Failure {
			switch c.Params["channel"] {
			case "D" + slackUser("mixed", 4):
				return noChannel
			case "CGONE":
				return notIn
			}
			return nil
		},
		fail: func(f *faultRig, n int, _ slacktest.Call) *slacktest.Failure {
			if n == 30 {
				f.fake.Drop()
			}
			if n%4 == 1 && n < 48 {
				return []*slacktest.Failure{serverError(500), timedOut, limited, serverError(502), slackTrouble("fatal_error"),
					serverError(503), serverError(500), slackTrouble("internal_error"), serverError(502), serverError(503),
					slackTrouble("service_unavailable"), serverError(500)}[n/4]
			}
			return nil
		},
		failing: map[int]string{4: "channel_not_found", 5: "not_in_channel"},
		settle:  func(calls []slacktest.Call) bool { return countGivenUp(calls) >= 1 },
		check: func(t *testing.T, f *faultRig, calls []slacktest.Call) {
			f.fake.WaitConnections(t, 2, wait)
			n := 0
			for _, c := range calls {
				if c.Method == "chat.postMessage" && (c.Status != 200 || c.Error != "" && c.Error != "channel_not_found" && c.Error != "not_in_channel") {
					n++
				}
			}
			if n != 12 {
				t.Errorf("%d faults injected; want 12", n)
			}
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startFaults(t)
			people, channels := 5, []string{}
			for p := 0; p < people; p++ {
				channels = append(channels, "D"+slackUser(c.name, p))
			}
			if c.group {
				channels = append(channels, "CGONE")
				if err := f.DB.SetGroupSettings(bg, "T0001", bot.GroupSettings{Channel: "CGONE"}); err != nil {
					t.Fatal(err)
				}
			}
			var mu sync.Mutex
			posts := 0
			f.fake.SetFail(func(call slacktest.Call) *slacktest.Failure {
				switch call.Method {
				case "chat.postMessage", "files.getUploadURLExternal", "upload", "files.completeUploadExternal":
				default:
					return nil
				}
				if c.refuse != nil {
					if no := c.refuse(call); no != nil {
						return no
					}
				}
				mu.Lock()
				defer mu.Unlock()
				posts++
				return c.fail(f, posts-1, call)
			})
			each := c.each
			if each == 0 {
				each = 20
			}
			before := len(f.fake.Calls())
			start := time.Now()
			queued := f.burst(t, c.name, people, c.group, each, c.files)
			f.store.Drained(t, slack.Platform, 20*time.Second)
			took := time.Since(start)
			settle := func([]slacktest.Call) bool { return true }
			if c.settle != nil {
				settle = c.settle
			}
			calls := f.fake.WaitFor(t, wait, "the fake to record every call", func(calls []slacktest.Call) bool {
				return settle(calls[before:])
			})[before:]
			checkOnce(t, f, c.name, channels, queued, c.failing, c.files)
			if c.check != nil {
				c.check(t, f, calls)
			}
			t.Logf("%d replies, %d calls, drained in %v", len(queued), len(calls), took.Round(time.Millisecond))
		})
	}
}

// countGivenUp counts the calls the client gave up on before the fake
// answered.
func countGivenUp(calls []slacktest.Call) int {
	n := 0
	for _, c := range calls {
		if c.Status == 0 {
			n++
		}
	}
	return n
}

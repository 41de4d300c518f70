package discord_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"followthrough/adapters/discord"
	"followthrough/adapters/discord/discordtest"
)

// callbacks are the acknowledgements of interaction id.
func callbacks(reqs []discordtest.Request, id string) []discordtest.Request {
	var out []discordtest.Request
	for _, q := range reqs {
		if strings.HasSuffix(q.Path, "/tok-"+id+"/callback") {
			out = append(out, q)
		}
	}
	return out
}

// TestAHungCallbackHoldsUpNoOneElse: one person's acknowledgement hangs
// (Discord does not answer it); another's /setup, sent after, is
// acknowledged within Discord's 3 seconds. Events were handled one at a
// time, each acknowledged inside its handler with a 30 s timeout: the
// /setup waited behind the hung call and missed its window.
func TestAHungCallbackHoldsUpNoOneElse(t *testing.T) {
	r := start(t, false)
	hung := "/tok-" + discordtest.Snowflake("hang-1") + "/callback"
	r.fake.SetFail(func(method, path string, body map[string]any) *discordtest.Failure {
		if strings.HasSuffix(path, "/tok-hang-1/callback") || strings.HasSuffix(path, hung) {
			return &discordtest.Failure{Delay: 20 * time.Second}
		}
		return nil
	})
	r.fake.SlashCommand("hang-1", "g1", "901", "hana", "help")
	sent := time.Now()
	r.fake.SlashCommandWithPermissions("setup-1", "g1", "902", "sol", "setup", 0x20)
	reqs := r.fake.WaitFor(t, 3*time.Second, "the /setup acknowledged", func(reqs []discordtest.Request) bool {
		return len(callbacks(reqs, "setup-1")) > 0
	})
	if took := callbacks(reqs, "setup-1")[0].At.Sub(sent); took > 3*time.Second {
		t.Errorf("/setup acknowledged %v after it came", took)
	}
	r.answered(t, "setup-1", "")
}

// TestOnePersonsSlowCallHoldsUpNoOneElse: a person's farewell after
// forget is sent while they wait, and Discord takes 5 s to answer it;
// someone else's DM is answered meanwhile, and the first person's next
// message waits for their own.
func TestOnePersonsSlowCallHoldsUpNoOneElse(t *testing.T) {
	r := start(t, false)
	r.dm(t, "f-1", "911", "hi")
	if asked := r.dm(t, "f-2", "911", "/forget"); !strings.Contains(content(asked[0]), "Delete everything?") {
		t.Fatalf("forget asked %q", content(asked[0]))
	}
	r.fake.SetFail(func(method, path string, body map[string]any) *discordtest.Failure {
		if path == "/api/v9/channels/"+discordtest.DMChannel("911")+"/messages" {
			return &discordtest.Failure{Delay: 5 * time.Second}
		}
		return nil
	})
	r.fake.DM("f-3", "911", "911", "yes") // the farewell hangs
	r.fake.DM("f-4", "911", "911", "hi")  // waits behind it
	at := time.Now()
	r.dm(t, "o-1", "912", "hi")
	if took := time.Since(at); took > 3*time.Second {
		t.Errorf("someone else's DM was answered after %v", took)
	}
}

// TestEachPersonsEventsKeepTheirOrder: two people's messages, taken in
// at once, are each answered in the order they were sent.
func TestEachPersonsEventsKeepTheirOrder(t *testing.T) {
	r := start(t, false, func(o *discord.Options) { o.Burst = 100 })
	for _, u := range []string{"921", "922"} {
		onboard(t, r, u)
	}
	const n = 8
	for i := range n {
		for _, u := range []string{"921", "922"} {
			r.fake.DM(fmt.Sprintf("w-%s-%d", u, i), u, u, fmt.Sprintf("/win number %d", i))
		}
	}
	for _, u := range []string{"921", "922"} {
		before := 0
		for _, m := range sentTo(r.fake.Requests(), discordtest.DMChannel(u)) {
			if !strings.Contains(content(m), "number ") {
				before++
			}
		}
		reqs := r.fake.WaitFor(t, 10*time.Second, "the wins of "+u, func(reqs []discordtest.Request) bool {
			return len(sentTo(reqs, discordtest.DMChannel(u))) >= before+n
		})
		var got []string
		for _, m := range sentTo(reqs, discordtest.DMChannel(u)) {
			if c := content(m); strings.Contains(c, "number ") {
				got = append(got, c)
			}
		}
		for i, c := range got {
			if want := fmt.Sprintf("number %d", i); !strings.Contains(c, want) {
				t.Errorf("%s: answer %d is %q; want it about %q (in order)", u, i, c, want)
			}
		}
	}
}

// TestARedeliveredInteractionIsNotAcknowledgedAgain: the same
// interaction delivered twice is acknowledged once and answered once.
// It used to be acknowledged a second time before the engine found it
// handled.
func TestARedeliveredInteractionIsNotAcknowledgedAgain(t *testing.T) {
	r := start(t, false)
	r.slash(t, "dup-i", "g1", "931", "ida", "help", "")
	r.fake.SlashCommand("dup-i", "g1", "931", "ida", "help")
	r.slash(t, "after-i", "g1", "931", "ida", "help", "") // handled after the redelivery
	reqs := r.fake.Requests()
	if n := len(callbacks(reqs, "dup-i")); n != 1 {
		t.Errorf("the interaction was acknowledged %d times", n)
	}
	if n := len(followups(reqs, "dup-i")); n != 1 {
		t.Errorf("the interaction was answered %d times", n)
	}
}

// TestAFloodingPersonIsLimitedWithOneNotice: 100 DMs at once from one
// person: a burst is handled, the person is told once, the rest dropped;
// someone else is answered as usual.
func TestAFloodingPersonIsLimitedWithOneNotice(t *testing.T) {
	r := start(t, false, func(o *discord.Options) { o.Burst, o.PerMinute = 5, 1 })
	const flood = "941"
	for i := range 100 {
		r.fake.DM(fmt.Sprintf("fl-%d", i), flood, flood, fmt.Sprintf("/win number %d", i))
	}
	r.dm(t, "calm-1", "942", "hi")
	// count counts the notices and the other answers in the flooder's DM.
	count := func(reqs []discordtest.Request) (notices, answered int) {
		for _, m := range sentTo(reqs, discordtest.DMChannel(flood)) {
			if strings.Contains(content(m), "That's a lot at once") {
				notices++
			} else {
				answered++
			}
		}
		return notices, answered
	}
	reqs := r.fake.WaitFor(t, 10*time.Second, "the notice and the burst's answers", func(reqs []discordtest.Request) bool {
		n, answered := count(reqs)
		return n >= 1 && answered >= 5
	})
	notices, answered := count(reqs)
	if notices != 1 || answered > 6 {
		t.Errorf("%d notices and %d answers to 100 DMs; want one notice and about 5 answers", notices, answered)
	}
}

// TestAFullOutboxDefersEvents: while the outbox is past its bound, a DM
// is taken in but not handled; once it drains, it is.
func TestAFullOutboxDefersEvents(t *testing.T) {
	var depth atomic.Int64
	depth.Store(1_000_000)
	reads := make(chan struct{}, 100)
	r := start(t, false, func(o *discord.Options) {
		o.OutboxMax = 1000
		o.OutboxDepth = func(context.Context) (int, error) {
			select {
			case reads <- struct{}{}:
			default:
			}
			return int(depth.Load()), nil
		}
	})
	r.fake.DM("bp-1", "951", "951", "hi")
	// The DM's lane reads the depth, finds it past the bound, waits and
	// reads it again: the DM is held, not handled.
	for range 2 {
		select {
		case <-reads:
		case <-time.After(5 * time.Second):
			t.Fatal("the outbox's depth was not read")
		}
	}
	if n := len(sentTo(r.fake.Requests(), discordtest.DMChannel("951"))); n > 0 {
		t.Fatalf("answered while the outbox was full")
	}
	if _, seen, _ := r.DB.Load(context.Background(), "discord:951", "discord:m:"+discordtest.Snowflake("bp-1")); seen {
		t.Fatal("handled while the outbox was full")
	}
	depth.Store(0)
	r.fake.WaitFor(t, 5*time.Second, "the answer once the outbox drained", func(reqs []discordtest.Request) bool {
		return len(sentTo(reqs, discordtest.DMChannel("951"))) > 0
	})
}

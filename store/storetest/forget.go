package storetest

import (
	"slices"
	"testing"
	"time"

	"followthrough/bot"
)

// forgetStory commits ana, who is in two groups, coaches sam in both,
// is being asked about as bo's coach, is a coach of g1 and set it up,
// has records, replies queued and given up, an address and event ids;
// and what others have that is not hers.
func forgetStory(t *testing.T, s Store) (ana *bot.Person) {
	ctx := t.Context()
	ana = member(fullPerson("ana"), "g1", "g2")
	ana.Groups[0].Coach = ""
	at := start()
	commit(t, s, bot.Change{Person: ana, EventID: "ana-ev-1",
		CheckIns: []bot.CheckIn{{At: at, Outcome: bot.Done, Note: "walked by the river"}},
		Wins:     []bot.Win{{At: at, Text: "walked by the river"}},
		Ratings:  []bot.Rating{{At: at, Value: 8, Why: "the river"}},
		Replies:  []bot.Reply{{Key: "to-ana-1", To: ana.ID, Text: "well done"}, {Key: "to-ana-2", To: ana.ID, Text: "given up"}},
		Settings: &bot.GroupChange{Group: "g1", Settings: bot.GroupSettings{Channel: "C1",
			Coaches: []bot.PersonID{ana.ID, "test:sam"}, By: ana.ID, At: at}}})
	q := pending(t, s)
	if err := s.GiveUp(ctx, q[1], "DMs closed", at); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAddress(ctx, ana.ID, bot.Address{DM: "D-ana", Group: "g1"}); err != nil {
		t.Fatal(err)
	}
	sam := member(newPerson("sam"), "g1", "g2")
	sam.Plan.Goal = "write every day"
	for i := range sam.Groups {
		sam.Groups[i].Coach = ana.ID
	}
	commit(t, s, bot.Change{Person: sam, EventID: "sam-ev-1", Replies: []bot.Reply{
		{Key: "report", To: sam.ID, Text: "ana walked by the river", About: []bot.PersonID{ana.ID}},
		{Key: "to-sam", To: sam.ID, Text: "your own news"}}})
	bo := member(newPerson("bo"), "g1")
	bo.Talk.Flow = bot.FlowState{Flow: "coach", Step: "confirm",
		Draft: bot.Draft{Coach: ana.ID, CoachName: "ana", Group: "g1"}}
	commit(t, s, bot.Change{Person: bo})
	return ana
}

// forgetPerson: after Forget nothing of the person can be read, through
// any method, and what others had keeps all but their links to her.
func forgetPerson(t *testing.T, s Store) {
	ctx := t.Context()
	ana := forgetStory(t, s)
	if err := s.Forget(ctx, ana.ID, ""); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := s.Person(ctx, ana.ID); ok || p != nil || err != nil {
		t.Fatalf("Person after Forget = %+v, %v, %v", p, ok, err)
	}
	ci, _ := s.CheckIns(ctx, ana.ID, time.Time{})
	wins, _ := s.Wins(ctx, ana.ID, 10)
	ratings, _ := s.Ratings(ctx, ana.ID, 10)
	if len(ci)+len(wins)+len(ratings) != 0 {
		t.Fatalf("records after Forget: %+v %+v %+v", ci, wins, ratings)
	}
	if a, err := s.Address(ctx, ana.ID); err != nil || a != (bot.Address{}) {
		t.Fatalf("address after Forget = %+v, %v", a, err)
	}
	members(t, s, "g1", "test:bo", "test:sam")
	members(t, s, "g2", "test:sam")
	if _, ok, _ := s.NextDue(ctx); ok {
		t.Error("her reminder is still due")
	}
	if q := pending(t, s); len(q) != 1 || q[0].Reply.Key != "to-sam" {
		t.Fatalf("queued after Forget = %+v; want only sam's own news", q)
	}
	if failed, _ := s.Undelivered(ctx, platform); len(failed) != 0 {
		t.Fatalf("given up after Forget = %+v", failed)
	}
	sam := load(t, s, "test:sam")
	if sam.Plan.Goal != "write every day" || len(sam.Groups) != 2 || sam.Groups[0].Coach != "" || sam.Groups[1].Coach != "" {
		t.Fatalf("sam after his coach left: %+v %+v", sam.Plan, sam.Groups)
	}
	if d := load(t, s, "test:bo").Talk.Flow.Draft; d.Coach != "" || d.CoachName != "" || d.Group != "g1" {
		t.Fatalf("bo's draft still names her: %+v", d)
	}
	g, _ := s.GroupSettings(ctx, "g1")
	if g.Channel != "C1" || !slices.Equal(g.Coaches, []bot.PersonID{"test:sam"}) || g.By != "" {
		t.Fatalf("g1's settings after Forget = %+v", g)
	}
	// Her event ids went with her; sam's stay.
	commit(t, s, bot.Change{Person: newPerson("newcomer"), EventID: "ana-ev-1"})
	wantErr(t, "sam's event again", s.Commit(ctx, bot.Change{Person: sam, Expect: sam.Version, EventID: "sam-ev-1"}), bot.ErrDuplicate)
}

// forgetConfirmation: the event that confirmed a Forget is remembered
// as handled, so that its redelivery changes nothing, not even to bring
// back someone new by the same id; later events are new; and a Forget
// is carried out whatever its event id.
func forgetConfirmation(t *testing.T, s Store) {
	ctx := t.Context()
	ana := newPerson("ana")
	commit(t, s, bot.Change{Person: ana, EventID: "ev-forget"})
	if err := s.Forget(ctx, ana.ID, "ev-yes"); err != nil {
		t.Fatal(err)
	}
	if p, seen, err := s.Load(ctx, ana.ID, "ev-yes"); p != nil || !seen || err != nil {
		t.Fatalf("Load with the confirmation again = %+v, seen %v, %v", p, seen, err)
	}
	wantErr(t, "the confirmation redelivered", s.Commit(ctx, bot.Change{Person: newPerson("ana"), EventID: "ev-yes"}), bot.ErrDuplicate)
	if _, ok, _ := s.Person(ctx, ana.ID); ok {
		t.Fatal("a redelivered confirmation brought her back")
	}
	// A forget is never skipped, even with an event handled before.
	commit(t, s, bot.Change{Person: newPerson("ana"), EventID: "ev-hello-again"})
	if err := s.Forget(ctx, ana.ID, "ev-hello-again"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Person(ctx, ana.ID); ok {
		t.Fatal("Forget with a handled event id kept her")
	}
	wantErr(t, "the second confirmation redelivered", s.Commit(ctx, bot.Change{Person: newPerson("ana"), EventID: "ev-hello-again"}), bot.ErrDuplicate)
	commit(t, s, bot.Change{Person: newPerson("ana"), EventID: "ev-back"})
	if got := load(t, s, ana.ID); got.Version != 1 {
		t.Fatalf("coming back: version %d; want a new person", got.Version)
	}
}

// forgetGroup: forgetting a group forgets the people whose only group it
// was and those under the prefix, members or not; takes the membership
// from members of other groups, who stay; and drops the group's
// settings, weekly record and queued replies, leaving other groups be.
func forgetGroup(t *testing.T, s Store) {
	ctx := t.Context()
	at := start()
	for _, p := range []*bot.Person{
		member(newPerson("T1:a"), "T1"),
		member(newPerson("T1:b"), "T1", "console"),
		member(newPerson("c"), "T1", "console"),
		member(newPerson("d"), "T1"),
		newPerson("T1:e"),
		member(newPerson("x"), "console"),
	} {
		commit(t, s, bot.Change{Person: p})
	}
	c := load(t, s, "test:c")
	c.Groups[1].Coach = "test:T1:b"
	commit(t, s, bot.Change{Person: c, Expect: 1, Settings: &bot.GroupChange{Group: "T1", Settings: bot.GroupSettings{Channel: "C-T1"}}})
	digest := func(group string) bot.Reply {
		return bot.Reply{Key: "weekly/" + group, Platform: platform, Visibility: bot.Public, Place: bot.Place{Group: group}, Text: "the week"}
	}
	for _, g := range []string{"T1", "console"} {
		if done, err := s.CommitWeekly(ctx, g, at, []bot.Reply{digest(g)}); !done || err != nil {
			t.Fatalf("CommitWeekly(%s) = %v, %v", g, done, err)
		}
	}
	n, err := s.ForgetGroup(ctx, "T1", "test:T1:")
	if err != nil || n != 4 {
		t.Fatalf("ForgetGroup = %d, %v; want 4 forgotten (T1:a, T1:b, d, T1:e)", n, err)
	}
	for _, id := range []bot.PersonID{"test:T1:a", "test:T1:b", "test:d", "test:T1:e"} {
		if _, ok, _ := s.Person(ctx, id); ok {
			t.Errorf("%s is still there", id)
		}
	}
	c = load(t, s, "test:c")
	if len(c.Groups) != 1 || c.Groups[0].Group != "console" || c.Groups[0].Coach != "" {
		t.Fatalf("c after T1 went: %+v", c.Groups)
	}
	members(t, s, "T1")
	members(t, s, "console", "test:c", "test:x")
	if groups, _ := s.Groups(ctx); slices.Contains(groups, "T1") {
		t.Errorf("Groups still lists T1: %q", groups)
	}
	if g, _ := s.GroupSettings(ctx, "T1"); g.Channel != "" {
		t.Errorf("T1's settings are still there: %+v", g)
	}
	if last, _ := s.LastWeekly(ctx, "T1"); !last.IsZero() {
		t.Errorf("T1's weekly record is still there: %v", last)
	}
	if last, _ := s.LastWeekly(ctx, "console"); !last.Equal(at) {
		t.Errorf("console's weekly record = %v", last)
	}
	if q := pending(t, s); len(q) != 1 || q[0].Reply.Key != "weekly/console" {
		t.Fatalf("queued after ForgetGroup = %+v; want console's digest only", q)
	}
}

// forgetNobody: forgetting someone never seen, or twice, is no error
// and changes nobody else.
func forgetNobody(t *testing.T, s Store) {
	ctx := t.Context()
	commit(t, s, bot.Change{Person: member(newPerson("sam"), "g"), Replies: []bot.Reply{{Key: "r", To: "test:sam", Text: "hi"}}})
	for range 2 {
		if err := s.Forget(ctx, "test:nobody", ""); err != nil {
			t.Fatal(err)
		}
	}
	members(t, s, "g", "test:sam")
	if q := pending(t, s); len(q) != 1 {
		t.Fatalf("queued after forgetting nobody = %+v", q)
	}
	if n, err := s.ForgetGroup(ctx, "no such group", ""); err != nil || n != 0 {
		t.Fatalf("ForgetGroup of no group = %d, %v", n, err)
	}
	members(t, s, "g", "test:sam")
}

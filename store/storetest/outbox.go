package storetest

import (
	"testing"

	"followthrough/bot"
)

// outboxPerPlatform: replies queue per platform (the recipient's, or the
// reply's own for a group's), come back oldest first up to max, and
// leave once delivered.
func outboxPerPlatform(t *testing.T, s Store) {
	ctx := t.Context()
	ana := newPerson("ana")
	var replies []bot.Reply
	for _, text := range []string{"a", "b", "c", "d", "e"} {
		replies = append(replies, bot.Reply{Key: "ana/" + text, To: ana.ID, Text: text, Visibility: bot.Private})
	}
	replies = append(replies,
		bot.Reply{Key: "x", To: "other:x", Text: "elsewhere"},
		bot.Reply{Key: "digest", Platform: "other", Text: "the group's week", Visibility: bot.Public, Place: bot.Place{Group: "g"}})
	commit(t, s, bot.Change{Person: ana, Replies: replies})
	commit(t, s, bot.Change{Person: ana, Expect: 1, Replies: []bot.Reply{{Key: "ana/f", To: ana.ID, Text: "f"}}})

	first, err := s.Pending(ctx, platform, 3)
	if err != nil || len(first) != 3 || first[0].Reply.Text != "a" || first[2].Reply.Text != "c" {
		t.Fatalf("Pending(3) = %+v, %v", first, err)
	}
	if first[0].Platform != platform || first[0].Reply.Key != "ana/a" || first[0].Reply.Visibility != bot.Private {
		t.Errorf("envelope = %+v", first[0])
	}
	if first[0].Seq == first[1].Seq || first[1].Seq == first[2].Seq {
		t.Errorf("sequence numbers repeat: %d %d %d", first[0].Seq, first[1].Seq, first[2].Seq)
	}
	if err := s.Delivered(ctx, platform, first[0].Seq, first[1].Seq); err != nil {
		t.Fatal(err)
	}
	rest := pending(t, s)
	if len(rest) != 4 || rest[0].Reply.Text != "c" || rest[3].Reply.Text != "f" {
		t.Fatalf("after delivering two: %+v", rest)
	}
	other, err := s.Pending(ctx, "other", 10)
	if err != nil || len(other) != 2 || other[0].Reply.Key != "x" || other[1].Reply.Key != "digest" || other[1].Reply.Place.Group != "g" {
		t.Fatalf("the other platform's outbox = %+v, %v", other, err)
	}
	if err := s.Delivered(ctx, platform, other[0].Seq); err != nil {
		t.Fatal(err)
	}
	if other, _ := s.Pending(ctx, "other", 10); len(other) != 2 {
		t.Errorf("delivering on one platform removed from another: %+v", other)
	}
}

// outboxGiveUp: a reply given up on leaves the outbox for the
// undeliverable ones, with why.
func outboxGiveUp(t *testing.T, s Store) {
	ctx := t.Context()
	ana := newPerson("ana")
	commit(t, s, bot.Change{Person: ana, Replies: []bot.Reply{{Key: "r1", To: ana.ID, Text: "one"}, {Key: "r2", To: ana.ID, Text: "two"}}})
	q := pending(t, s)
	if len(q) != 2 {
		t.Fatalf("queued = %+v", q)
	}
	if err := s.GiveUp(ctx, q[0], "blocked the bot", start()); err != nil {
		t.Fatal(err)
	}
	if left := pending(t, s); len(left) != 1 || left[0].Reply.Key != "r2" {
		t.Fatalf("after giving up on r1: %+v", left)
	}
	failed, err := s.Undelivered(ctx, platform)
	if err != nil || len(failed) != 1 || failed[0].Envelope.Reply.Key != "r1" || failed[0].Reason != "blocked the bot" || !failed[0].At.Equal(start()) {
		t.Fatalf("Undelivered = %+v, %v", failed, err)
	}
	if other, _ := s.Undelivered(ctx, "other"); len(other) != 0 {
		t.Errorf("another platform's undeliverable = %+v", other)
	}
}

// outboxPendingFrom: a reader that skips some replies pages on from a
// sequence number, the number itself included.
func outboxPendingFrom(t *testing.T, s Store) {
	ctx := t.Context()
	ana := newPerson("ana")
	var replies []bot.Reply
	for _, text := range []string{"a", "b", "c", "d"} {
		replies = append(replies, bot.Reply{Key: "ana/" + text, To: ana.ID, Text: text})
	}
	commit(t, s, bot.Change{Person: ana, Replies: replies})
	all := pending(t, s)
	if len(all) != 4 {
		t.Fatalf("queued = %+v", all)
	}
	from, err := s.PendingFrom(ctx, platform, all[2].Seq, 10)
	if err != nil || len(from) != 2 || from[0].Reply.Text != "c" || from[1].Reply.Text != "d" {
		t.Fatalf("PendingFrom(the third) = %+v, %v; want c, d", from, err)
	}
	if past, _ := s.PendingFrom(ctx, platform, all[3].Seq+1, 10); len(past) != 0 {
		t.Errorf("PendingFrom past the last = %+v", past)
	}
	if one, _ := s.PendingFrom(ctx, platform, all[1].Seq, 1); len(one) != 1 || one[0].Reply.Text != "b" {
		t.Errorf("PendingFrom(the second, 1) = %+v", one)
	}
	if !all[0].Queued.Equal(start()) {
		t.Errorf("queued at %v; want the person's last message, %v", all[0].Queued, start())
	}
}

// outboxAddresses: how to reach a person is kept per person, replaced
// whole, and zero for someone unknown.
func outboxAddresses(t *testing.T, s Store) {
	ctx := t.Context()
	if a, err := s.Address(ctx, "test:nobody"); err != nil || a != (bot.Address{}) {
		t.Fatalf("address of someone unknown = %+v, %v", a, err)
	}
	closed := start()
	if err := s.SetAddress(ctx, "test:ana", bot.Address{DM: "D1", Group: "g1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAddress(ctx, "test:sam", bot.Address{DM: "D2"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAddress(ctx, "test:ana", bot.Address{DM: "D1", Closed: closed, Told: closed}); err != nil {
		t.Fatal(err)
	}
	a, err := s.Address(ctx, "test:ana")
	if err != nil || a.DM != "D1" || !a.Closed.Equal(closed) || !a.Told.Equal(closed) || a.Group != "" {
		t.Fatalf("ana's address = %+v, %v", a, err)
	}
	if a, _ := s.Address(ctx, "test:sam"); a.DM != "D2" {
		t.Errorf("sam's address = %+v", a)
	}
}

package store_test

import (
	"testing"

	"followthrough/bot"
)

// TestGroupsAndWeeklyRounds: Groups lists each group once however many
// members it has; a weekly round is recorded with its replies once; and
// forgetting a group takes its round record and queued digest with it.
func TestGroupsAndWeeklyRounds(t *testing.T) {
	db, _ := open(t)
	for i, g := range []string{"b", "a", "b", "c", "a", "b"} {
		p := person(string(rune('p'+i)), 0)
		p.Group = g
		if err := db.Commit(bot.Change{Person: p}); err != nil {
			t.Fatal(err)
		}
	}
	groups, err := db.Groups()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(groups); got != 3 || groups[0] != "a" || groups[1] != "b" || groups[2] != "c" {
		t.Fatalf("Groups() = %q; want [a b c]", groups)
	}

	digest := bot.Reply{Key: "weekly/b/1/digest", Text: "🌟 well done", Visibility: bot.Group, Place: bot.Place{Group: "b"}, Platform: "test"}
	for i, want := range []bool{true, false} {
		done, err := db.CommitWeekly("b", t0, []bot.Reply{digest})
		if err != nil || done != want {
			t.Fatalf("CommitWeekly #%d = %v, %v; want %v", i+1, done, err, want)
		}
	}
	if done, _ := db.CommitWeekly("b", t0.Add(-1), []bot.Reply{digest}); done {
		t.Fatal("an older round was made after a newer one")
	}
	last, err := db.LastWeekly("b")
	if err != nil || !last.Equal(t0) {
		t.Fatalf("LastWeekly = %v, %v; want %v", last, err, t0)
	}
	pending, err := db.Pending("test", 10)
	if err != nil || len(pending) != 1 || pending[0].Reply.Key != digest.Key || pending[0].Platform != "test" {
		t.Fatalf("outbox after the round: %+v, %v", pending, err)
	}

	if _, err := db.ForgetGroup("b", ""); err != nil {
		t.Fatal(err)
	}
	if pending, _ := db.Pending("test", 10); len(pending) != 0 {
		t.Fatalf("the forgotten group's digest is still queued: %+v", pending)
	}
	if last, _ := db.LastWeekly("b"); !last.IsZero() {
		t.Fatalf("the forgotten group's round record is still there: %v", last)
	}
	if groups, _ := db.Groups(); len(groups) != 2 {
		t.Fatalf("Groups() after forgetting b = %q", groups)
	}
}

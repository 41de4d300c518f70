package storetest

import (
	"testing"
	"time"

	"followthrough/bot"
)

// recordsCheckIns: check-ins come back oldest first, from a time on; one
// at the same instant as another replaces it (a note added to a check-in
// just made); and one person's records are not another's, even when
// their ids share a prefix.
func recordsCheckIns(t *testing.T, s Store) {
	ctx := t.Context()
	ana, ana2 := newPerson("ana"), newPerson("ana2")
	at := start()
	commit(t, s, bot.Change{Person: ana, CheckIns: []bot.CheckIn{
		{At: at.Add(time.Hour), Outcome: bot.Partly}, {At: at, Outcome: bot.Done}}})
	commit(t, s, bot.Change{Person: ana2, CheckIns: []bot.CheckIn{{At: at.Add(30 * time.Minute), Outcome: bot.NotYet}}})
	commit(t, s, bot.Change{Person: ana, Expect: 1, CheckIns: []bot.CheckIn{
		{At: at.Add(time.Hour), Outcome: bot.Partly, Note: "a meeting ran over"}}})

	got, err := s.CheckIns(ctx, ana.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Outcome != bot.Done || got[1].Note != "a meeting ran over" || !got[0].At.Equal(at) {
		t.Fatalf("check-ins = %+v; want done, then partly with its note", got)
	}
	if got, _ := s.CheckIns(ctx, ana.ID, at.Add(time.Minute)); len(got) != 1 || got[0].Outcome != bot.Partly {
		t.Errorf("check-ins since a minute later = %+v", got)
	}
	if got, _ := s.CheckIns(ctx, ana.ID, at.Add(time.Hour)); len(got) != 1 {
		t.Errorf("check-ins since the exact time of one = %+v; want it included", got)
	}
	if got, _ := s.CheckIns(ctx, ana2.ID, time.Time{}); len(got) != 1 || got[0].Outcome != bot.NotYet {
		t.Errorf("ana2's check-ins = %+v", got)
	}
}

// recordsWinsAndRatings: wins come back newest first and never replace
// each other, even at the same instant; ratings come back oldest first,
// the most recent n, and one at the same instant replaces the other.
func recordsWinsAndRatings(t *testing.T, s Store) {
	ctx := t.Context()
	ana, ana2 := newPerson("ana"), newPerson("ana2")
	at := start()
	commit(t, s, bot.Change{Person: ana, Wins: []bot.Win{{At: at, Text: "one"}, {At: at, Text: "two, same instant"}},
		Ratings: []bot.Rating{{At: at, Value: 4}, {At: at.Add(2 * time.Hour), Value: 6}}})
	commit(t, s, bot.Change{Person: ana2, Wins: []bot.Win{{At: at.Add(time.Hour), Text: "not ana's"}},
		Ratings: []bot.Rating{{At: at.Add(time.Hour), Value: 1}}})
	commit(t, s, bot.Change{Person: ana, Expect: 1, Wins: []bot.Win{{At: at.Add(-time.Hour), Text: "earlier"}},
		Ratings: []bot.Rating{{At: at.Add(2 * time.Hour), Value: 7, Why: "I have time", Up: "a friend"}, {At: at.Add(3 * time.Hour), Value: 8}}})

	wins, err := s.Wins(ctx, ana.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(wins) != 3 || wins[0].Text != "two, same instant" || wins[1].Text != "one" || wins[2].Text != "earlier" {
		t.Fatalf("wins = %+v; want both at the same instant, newest first", wins)
	}
	if wins, _ := s.Wins(ctx, ana.ID, 1); len(wins) != 1 || wins[0].Text != "two, same instant" {
		t.Errorf("the newest win = %+v", wins)
	}
	ratings, err := s.Ratings(ctx, ana.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ratings) != 3 || ratings[0].Value != 4 || ratings[1].Value != 7 || ratings[1].Why != "I have time" || ratings[2].Value != 8 {
		t.Fatalf("ratings = %+v; want 4, 7 (replacing 6), 8", ratings)
	}
	if r, _ := s.Ratings(ctx, ana.ID, 2); len(r) != 2 || r[0].Value != 7 || r[1].Value != 8 {
		t.Errorf("the two most recent ratings = %+v; want 7, 8", r)
	}
	if r, _ := s.Ratings(ctx, ana2.ID, 10); len(r) != 1 || r[0].Value != 1 {
		t.Errorf("ana2's ratings = %+v", r)
	}
}

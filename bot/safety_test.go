package bot_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/bot/bottest"
)

// TestDistressIsNeverKept: distress said at every question of
// onboarding, a check-in, a note, a win and a coach's consent is never
// stored (not a goal, step, obstacle, reason, note or win: the raw
// database file holds none of it), never quoted in any reply, and
// reminders stay away until the person chooses to go on.
func TestDistressIsNeverKept(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	ctx := context.Background()
	// Each says distress in its own distinctive words.
	said := func(i int) string {
		return []string{
			"honestly i feel worthless and nothing matters QUOKKA",
			"i dont want to be here anymore PANGOLIN",
			"everyone would be better off without me NARWHAL",
			"i want to die AXOLOTL",
			"i cant go on like this OKAPI",
			"thinking about ending it all TAPIR",
			"i keep wanting to hurt myself IBEX",
		}[i%7]
	}
	n := 0
	next := func() string { n++; return said(n) }
	in := func(who, text string) []bot.Reply {
		t.Helper()
		return k.Send(bot.Event{Person: bottest.ID(who), Name: who, Place: bot.Place{Group: "g1"}, Text: text})
	}
	goOn := func(who string) {
		t.Helper()
		if got := bottest.Joined(bottest.Texts(in(who, "go on"))); !strings.Contains(got, "back") && !strings.Contains(got, "start gently") {
			t.Fatalf("go on was not taken: %q", got)
		}
	}
	k.Onboard("kim")
	in("kim", "hi")
	// Distress at every question of onboarding, each time going on.
	script := []string{"hi", "skip", "Write 300 words every weekday", "skip", "open the draft", "7", "skip", "skip", "my coffee", "9:00", "daily"}
	for i := range script {
		who := "p" + string(rune('a'+i))
		for _, line := range script[:i] {
			in(who, line)
		}
		got := strings.ToLower(bottest.Joined(bottest.Texts(in(who, next()))))
		if !strings.Contains(got, "not a crisis service") && !strings.Contains(got, "how are you doing, really") {
			t.Fatalf("distress at question %d got no safety reply: %q", i, got)
		}
		goOn(who)
	}
	// A check-in, its note, a win, a values answer and a coach's consent.
	k.Onboard("ana")
	in("ana", "hi")
	k.Clock.Set(k.Clock.Now().Add(2 * time.Hour))
	k.Send(bot.Event{Person: bottest.ID("ana"), Command: "checkin", Text: "not yet"})
	in("ana", next()) // as what got in the way
	goOn("ana")
	k.Send(bot.Event{Person: bottest.ID("ana"), Command: "win", Text: "finished a chapter but " + next()})
	goOn("ana")
	k.Send(bot.Event{Person: bottest.ID("ana"), Command: "why"})
	in("ana", next())
	goOn("ana")
	k.Send(bot.Event{Person: bottest.ID("ana"), Place: bot.Place{Group: "g1"}, Command: "coach", Text: "kim"})
	in("ana", next())
	in("ana", "yes") // tell the coach
	// A week goes by: one gentle question, no reminder.
	said0 := k.Drain("test")
	replies := k.Wait(7 * 24 * time.Hour)
	var toAna []string
	for _, r := range replies {
		if r.To == bottest.ID("ana") {
			toAna = append(toAna, r.Text)
		}
	}
	if len(toAna) != 1 || !strings.Contains(toAna[0], "Checking in gently") {
		t.Errorf("a week after distress ana got %q; want only the one gentle question", toAna)
	}
	replies = append(replies, said0...)
	pending, _ := k.DB.Pending(ctx, "test", 10000)
	for _, env := range pending {
		replies = append(replies, env.Reply)
	}
	for _, r := range replies {
		for i := 0; i < 7; i++ {
			secret := strings.Fields(said(i))
			word := secret[len(secret)-1]
			if strings.Contains(r.Text, word) {
				t.Errorf("a reply quotes what was said in distress (%s): %q", word, r.Text)
			}
		}
	}
	k.DB.Close()
	raw, err := os.ReadFile(k.Path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		secret := strings.Fields(said(i))
		word := secret[len(secret)-1]
		if bytes.Contains(raw, []byte(word)) {
			t.Errorf("the database file holds what was said in distress: %q", word)
		}
	}
	k.Reopen()
	p := k.Person(bottest.ID("ana"))
	if p.Plan.InnerReason != "" || p.Memory.LastObstacle != "" || p.Counts.Wins != 0 {
		t.Errorf("distress became plan data: reason %q, obstacle %q, wins %d", p.Plan.InnerReason, p.Memory.LastObstacle, p.Counts.Wins)
	}
	if len(p.Safety.Replies) == 0 {
		t.Error("the times of the safety replies are not kept")
	}
}

// TestSafetyTellsTheCoachOnlyOnYes: the coach hears nothing unless the
// person says yes to the offer, and then only that they would welcome a
// call.
func TestSafetyTellsTheCoachOnlyOnYes(t *testing.T) {
	for _, answer := range []string{"yes", "no", "maybe later", "i dont know"} {
		k := bottest.New(t, bottest.Options{})
		in := func(who, text string) []bot.Reply {
			t.Helper()
			return k.Send(bot.Event{Person: bottest.ID(who), Name: who, Place: bot.Place{Group: "g1"}, Text: text})
		}
		k.Onboard("kim")
		in("kim", "hi")
		k.Onboard("ana")
		in("ana", "coach kim")
		in("ana", "yes")
		offer := bottest.Joined(bottest.Texts(in("ana", "i want to die")))
		if !strings.Contains(offer, "let kim know") {
			t.Fatalf("no offer to tell the coach: %q", offer)
		}
		var told []bot.Reply
		for _, r := range in("ana", answer) {
			if r.To == bottest.ID("kim") {
				told = append(told, r)
			}
		}
		switch {
		case answer == "yes" && (len(told) != 1 || !strings.Contains(told[0].Text, "welcome you reaching out") || strings.Contains(told[0].Text, "die")):
			t.Errorf("after yes the coach got %+v", told)
		case answer != "yes" && len(told) != 0:
			t.Errorf("after %q the coach was told: %+v", answer, told)
		}
	}
}

// TestHowAreYouReallyIsListenedTo: the answer to "how are you doing,
// really?" is heard in the person's own words. All right, said with
// hedges ("fine i guess"), goes back to the plan; anything heavy, or
// all right with a "but", gets the ways to help and the pause.
func TestHowAreYouReallyIsListenedTo(t *testing.T) {
	cases := []struct {
		answer string
		okay   bool
	}{
		{"fine i guess", true},
		{"ok-ish tbh", true},
		{"yeah better now thx", true},
		{"im alright, just tired", true},
		{"not too bad honestly", true},
		{"all good 👍", true},
		{"pretty decent actually", true},
		{"not great", false},
		{"fine but i cant sleep", false},
		{"idk", false},
		{"honestly pretty low", false},
		{"not fine", false},
		{"meh", false},
		{"i don't know anymore", false},
	}
	for i, c := range cases {
		t.Run(c.answer, func(t *testing.T) {
			k := bottest.New(t, bottest.Options{})
			who := "p" + strings.Repeat("x", i)
			in := func(text string) string {
				t.Helper()
				return bottest.Joined(bottest.Texts(k.Send(bot.Event{Person: bottest.ID(who), Name: who, Text: text})))
			}
			in("hi")
			in("skip")
			if got := in("im so tired of everything lately tbh"); !strings.Contains(got, "How are you doing, really?") {
				t.Fatalf("no gentle question: %q", got)
			}
			got := in(c.answer)
			support := strings.Contains(got, "not a counsellor")
			if c.okay && (support || !strings.Contains(got, "goal")) {
				t.Errorf("%q was not heard as all right: %q", c.answer, got)
			}
			if !c.okay && !support {
				t.Errorf("%q was heard as all right: %q", c.answer, got)
			}
		})
	}
}

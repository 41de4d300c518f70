package bot_test

import (
	"strings"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/bot/bottest"
)

// ev is an event from a person with a display name and a handle, in a
// group.
func ev(id bot.PersonID, name, handle, group, command, text string) bot.Event {
	return bot.Event{Person: id, Name: name, Handle: handle, Place: bot.Place{Group: group}, Command: command, Text: text}
}

// TestCoachByNameIsNeverAGuess: two people share the display name "Coach
// Kim"; "coach Coach Kim" names neither and offers both, told apart by
// their handles; a handle names one at once; the summary goes only to
// the one chosen, after a yes.
func TestCoachByNameIsNeverAGuess(t *testing.T) {
	k := bottest.New(t, bottest.Options{NoSync: true})
	kim, fake, ana := bot.NewPersonID("slack", "T1", "UKIM"), bot.NewPersonID("slack", "T1", "UFAKE"), bot.NewPersonID("slack", "T1", "UANA")
	k.Send(ev(kim, "Coach Kim", "kim.l", "T1", "", "hi"))
	k.Send(ev(fake, "Coach Kim", "kimposter", "T1", "", "hi"))
	for _, line := range []string{"hi", "skip", "Write 300 words every weekday", "skip", "open the draft", "9", "my coffee", "9:00", "daily"} {
		k.Send(ev(ana, "ana", "ana", "T1", "", line))
	}
	got := k.Send(ev(ana, "ana", "ana", "T1", "coach", "Coach Kim"))
	ask := got[len(got)-1]
	if !strings.Contains(ask.Text, "More than one person") || len(ask.Choices) != 2 {
		t.Fatalf("a shared name was taken for one person: %+v", got)
	}
	labels := ask.Choices[0].Label + " " + ask.Choices[1].Label
	if !strings.Contains(labels, "@kim.l") || !strings.Contains(labels, "@kimposter") {
		t.Fatalf("the choices cannot be told apart: %q", labels)
	}
	if m := k.Person(ana).Membership("T1"); m.Coach != "" {
		t.Fatalf("a coach was set without a choice: %q", m.Coach)
	}
	var pick string
	for _, c := range ask.Choices {
		if strings.Contains(c.Label, "@kim.l") {
			pick = c.Value
		}
	}
	consent := k.Send(bot.Event{Person: ana, Place: bot.Place{Group: "T1"}, Action: ask.Ask, Token: ask.Token, Text: pick})
	if j := bottest.Joined(bottest.Texts(consent)); !strings.Contains(j, "Coach Kim (@kim.l)") {
		t.Fatalf("the consent question does not say who: %q", j)
	}
	k.Send(ev(ana, "ana", "ana", "T1", "", "nah, rather not"))
	if m := k.Person(ana).Membership("T1"); m.Coach != "" {
		t.Fatalf("\"nah, rather not\" set the coach: %q", m.Coach)
	}
	// A mention names one person, whatever their name.
	k.Send(ev(ana, "ana", "ana", "T1", "coach", "<@UKIM|kim.l>"))
	k.Send(ev(ana, "ana", "ana", "T1", "", "yes"))
	if m := k.Person(ana).Membership("T1"); m.Coach != kim {
		t.Fatalf("coach = %q; want %q", m.Coach, kim)
	}
	if j := bottest.Joined(bottest.Texts(k.Send(ev(fake, "Coach Kim", "kimposter", "T1", "coach", "")))); strings.Contains(j, "Write 300 words") {
		t.Fatalf("the impostor saw the member: %q", j)
	}
	if j := bottest.Joined(bottest.Texts(k.Send(ev(kim, "Coach Kim", "kim.l", "T1", "coach", "")))); !strings.Contains(j, "Write 300 words") {
		t.Fatalf("the coach does not see the member: %q", j)
	}
}

// TestOnlyNamedCoachesCanBeChosen: where an admin named the group's
// coaches, a member cannot choose anyone else.
func TestOnlyNamedCoachesCanBeChosen(t *testing.T) {
	k := bottest.New(t, bottest.Options{NoSync: true})
	kim, bo, ana := bot.NewPersonID("slack", "T1", "UKIM"), bot.NewPersonID("slack", "T1", "UBO"), bot.NewPersonID("slack", "T1", "UANA")
	k.Send(ev(bo, "bo", "bo", "T1", "", "hi"))
	setup := ev(kim, "kim", "kim", "T1", "setup", "coaches <@UKIM|kim>")
	setup.Admin = true
	if j := bottest.Joined(bottest.Texts(k.Send(setup))); !strings.Contains(j, "The coaches here: kim") {
		t.Fatalf("setup coaches answered %q", j)
	}
	k.Send(ev(ana, "ana", "ana", "T1", "", "hi"))
	if j := bottest.Joined(bottest.Texts(k.Send(ev(ana, "ana", "ana", "T1", "coach", "<@UBO>")))); !strings.Contains(j, "isn't one of this group's coaches") {
		t.Fatalf("a coach who was not named was accepted: %q", j)
	}
	if j := bottest.Joined(bottest.Texts(k.Send(ev(ana, "ana", "ana", "T1", "coach", "<@UKIM>")))); !strings.Contains(j, "Share your progress summary with kim") {
		t.Fatalf("the named coach was refused: %q", j)
	}
	// The coach needs no plan of their own: they are welcomed as a coach.
	if j := bottest.Joined(bottest.Texts(k.Send(ev(kim, "kim", "kim", "T1", "", "hello")))); !strings.Contains(j, "you're a coach here") {
		t.Fatalf("the coach was not welcomed as one: %q", j)
	}
	if p := k.Person(kim); p.Talk.Flow.Flow == "onboard" {
		t.Fatal("the coach was put through a member's onboarding")
	}
}

// TestCoachSeesOnlyWhatWasPromised plants words in every private field
// of several members on every platform — what brought them, their
// reason, what got in the way, their notes, their ratings' reasons, their
// doubts — and finds none of them in anything a coach is shown: the
// summary, the weekly report, the report's pictures.
func TestCoachSeesOnlyWhatWasPromised(t *testing.T) {
	for _, platform := range []string{"console", "discord", "slack"} {
		t.Run(platform, func(t *testing.T) {
			k := bottest.New(t, bottest.Options{NoSync: true})
			id := func(who string) bot.PersonID {
				if platform == "slack" {
					return bot.NewPersonID("slack", "T1", who)
				}
				return bot.NewPersonID(platform, who)
			}
			coach := id("coach")
			say := func(who bot.PersonID, command, text string) []bot.Reply {
				return k.Send(bot.Event{Person: who, Name: who.User(), Place: bot.Place{Group: "g1"}, Command: command, Text: text})
			}
			say(coach, "", "hi")
			for i, who := range []bot.PersonID{id("ana"), id("bo")} {
				n := string(rune('a' + i))
				for _, line := range []string{"hi", "secretstart" + n + " brought me here", "Write 300 words every weekday", "skip",
					"open the draft", "4", "secretwhy" + n + " makes it a 4", "secretup" + n + " would move it", "my coffee", "9:00", "daily"} {
					say(who, "", line)
				}
				say(who, "coach", "coach")
				say(who, "", "yes")
				say(who, "checkin", "")
				say(who, "", "done")
				say(who, "", "secretnote"+n+" was my note")
				say(who, "", "secretvalue"+n+" is why it matters to me")
				say(who, "checkin", "")
				say(who, "", "not yet")
				say(who, "", "secretobstacle"+n+" got in the way")
				say(who, "checkin", "")
				say(who, "", "not yet") // twice: the coach is told they may be stuck
				say(who, "", "secretagain"+n+" got in the way")
				say(who, "win", "shipped the draft")
			}
			var shown []bot.Reply
			shown = append(shown, say(coach, "coach", "")...)
			shown = append(shown, k.Wait(8*24*time.Hour)...)
			var coachFacing int
			for _, r := range shown {
				if r.To != coach {
					continue
				}
				coachFacing++
				all := r.Text
				for _, f := range r.Files {
					all += " " + f.Name + " " + string(f.Data)
				}
				if strings.Contains(strings.ToLower(all), "secret") {
					t.Errorf("a coach was shown a private word: %q", r.Text)
				}
			}
			if coachFacing < 2 {
				t.Fatalf("the coach was shown %d replies; want the summary and the weekly report", coachFacing)
			}
			for _, want := range []string{"Write 300 words every weekday", "shipped the draft", "try asking: What would make"} {
				found := false
				for _, r := range shown {
					found = found || r.To == coach && strings.Contains(r.Text, want)
				}
				if !found {
					t.Errorf("the coach was not shown what was shared: %q", want)
				}
			}
		})
	}
}

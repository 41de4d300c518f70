package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"followthrough/bot"
	"followthrough/bot/bottest"
)

// at is where each kind of question is asked in the engine: a flow, a
// step, and what the flow holds by then.
var at = map[string]bot.FlowState{
	"goal":       {Flow: "goal", Step: "goal"},
	"doing":      {Flow: "goal", Step: "doing", Draft: bot.Draft{Vague: "be more confident"}},
	"who":        {Flow: "goal", Step: "notice", Draft: bot.Draft{Vague: "be more confident", Doing: "speak up in meetings"}},
	"confirm":    {Flow: "goal", Step: "confirm", Draft: bot.Draft{Vague: "be more confident", Doing: "speak up in meetings"}},
	"milestones": {Flow: "onboard", Step: "milestones"},
	"step":       {Flow: "step", Step: "step"},
	"smaller":    {Flow: "step", Step: "smaller", Draft: bot.Draft{Big: "finish the whole chapter and send it"}},
	"rating":     {Flow: "rate", Step: "scale"},
	"why":        {Flow: "rate", Step: "scale_why", Draft: bot.Draft{Rating: 4}},
	"up":         {Flow: "rate", Step: "scale_up", Draft: bot.Draft{Rating: 4}},
	"reason":     {Flow: "onboard", Step: "reason"},
	"values":     {Flow: "values", Step: "ask"},
	"habit":      {Flow: "adjust", Step: "adj_anchor"},
	"time":       {Flow: "adjust", Step: "adj_time"},
	"days":       {Flow: "adjust", Step: "adj_days"},
	"obstacle":   {Flow: "checkin", Step: "obstacle"},
	"note":       {Flow: "checkin", Step: "note"},
	"win":        {Flow: "win", Step: "text"},
}

// putAt puts the person on a question, as if it had just been asked.
func putAt(t *testing.T, k *bottest.Kit, id bot.PersonID, f bot.FlowState) *bot.Person {
	t.Helper()
	p := k.Person(id)
	f.Asked = k.Clock.Now()
	if f.Flow == "checkin" {
		f.Draft.CheckInAt, f.Draft.Outcome = k.Clock.Now().Add(-time.Minute), bot.Done
	}
	p.Talk.Flow = f
	if err := k.DB.Commit(context.Background(), bot.Change{Person: p, Expect: p.Version}); err != nil {
		t.Fatal(err)
	}
	return k.Person(id)
}

// kept is every text the bot keeps about a person that came from them.
func kept(t *testing.T, k *bottest.Kit, p *bot.Person) []string {
	t.Helper()
	out := []string{p.Plan.Goal, p.Plan.Step, p.Plan.Anchor.Habit, p.Plan.InnerReason, p.Plan.StartingReason,
		p.Memory.LastWin, p.Memory.LastObstacle, p.Talk.Flow.Draft.Vague, p.Talk.Flow.Draft.Doing, p.Talk.Flow.Draft.Notice,
		p.Talk.Flow.Draft.Big}
	for _, m := range p.Plan.Milestones {
		out = append(out, m.Text)
	}
	checkIns, err := k.DB.CheckIns(context.Background(), p.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checkIns {
		out = append(out, c.Note)
	}
	wins, err := k.DB.Wins(context.Background(), p.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wins {
		out = append(out, w.Text)
	}
	return out
}

// TestNonAnswersNeverBecomeThePlan sends every reply of the labelled
// corpus that is a non-answer to the question it was labelled at, in the
// engine, and checks that nothing the bot keeps now holds it.
func TestNonAnswersNeverBecomeThePlan(t *testing.T) {
	k := bottest.New(t, bottest.Options{NoSync: true})
	k.Onboard("ana")
	id := bottest.ID("ana")
	sent := 0
	for _, l := range loadReplies(t) {
		f, ok := at[l.question]
		if !ok || l.reading != "nonanswer" {
			continue
		}
		p := putAt(t, k, id, f)
		before := map[string]bool{}
		for _, s := range kept(t, k, p) {
			before[s] = true
		}
		k.Say("ana", l.reply)
		sent++
		core := strings.ToLower(strings.TrimSpace(l.reply))
		for _, s := range kept(t, k, k.Person(id)) {
			if s == "" || before[s] {
				continue
			}
			if low := strings.ToLower(s); low == core || len(core) >= 3 && strings.Contains(low, core) {
				t.Errorf("replies.tsv:%d: %s %q was kept: %q", l.line, l.question, l.reply, s)
			}
		}
	}
	if sent < 100 {
		t.Fatalf("only %d non-answers sent", sent)
	}
	t.Logf("%d non-answers sent at their questions", sent)
}

// TestReAsksNeverRepeatThemselves: four non-answers in a row to the same
// question never get the same words twice in a row.
func TestReAsksNeverRepeatThemselves(t *testing.T) {
	k := bottest.New(t, bottest.Options{NoSync: true})
	k.Onboard("ana")
	id := bottest.ID("ana")
	stayed := 0
	for q, f := range at {
		putAt(t, k, id, f)
		last := ""
		for i, reply := range []string{"idk", "no idea", "dunno", "hmm not sure"} {
			got := bottest.Joined(k.Say("ana", reply))
			if got == last {
				t.Errorf("%s: non-answer %d got the same words again: %q", q, i+1, got)
			}
			last = got
			if k.Person(id).Talk.Flow.Step != f.Step {
				break // the question was left (it may be skipped): nothing more to repeat
			}
			if i == 3 {
				stayed++
			}
		}
	}
	// The questions that cannot be skipped stay open through all four.
	if stayed < 8 {
		t.Errorf("only %d questions were asked four times; the test says little", stayed)
	}
	t.Logf("%d questions asked again four times in a row, never in the same words twice", stayed)
}

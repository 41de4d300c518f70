package bot

// Celebrate every win (technique 9): any win, however small, any time,
// gets real recognition in words that differ from the last time; firsts,
// streaks and milestones get a bigger celebration. A person who chose
// public accountability also has the win posted to their group: their
// name and what they did, nothing else.

const flowWin FlowID = "win"

const stepWinText StepID = "text"

func winFlow() *Flow {
	return &Flow{ID: flowWin, First: stepWinText, Steps: []*Step{
		{ID: stepWinText, Prompt: "win.ask", ReAsk: "win.reask", Expect: ExpectWin, Parse: func(t *turn, r Reading) Next {
			return finish().saying(t.recordWin(r.Value)...)
		}},
	}}
}

func cmdWin(t *turn, args string) {
	if args == "" {
		if t.p.Talk.Flow.Flow == "" || t.p.Talk.Flow.Flow == flowWin {
			t.start(flowWin)
			return
		}
		t.say(say("win.ask"))
		return
	}
	for _, l := range t.recordWin(args) {
		t.say(l)
	}
}

// recordWin records a win and returns its celebration.
func (t *turn) recordWin(text string) []Line {
	p := t.p
	t.wins = append(t.wins, Win{At: t.now, Text: text})
	p.Counts.Wins++
	p.Memory.LastWin = text
	x := Extra{Win: t.e.escaper(p.ID.Platform())(text)}
	celebration := sayWith("celebrate.firstwin", x)
	if p.Counts.Wins > 1 {
		celebration = t.celebrate("celebrate.win", x)
	}
	return []Line{celebration, t.publicLine("public.win", x)}
}

// celebrate is a line in a wording different from the last one of its
// kind. The choice is a pure function of the person's history, so a
// transcript replays the same way.
func (t *turn) celebrate(name Msg, x Extra) Line {
	p := t.p
	n := max(t.e.words.Variants(string(name)), 1)
	if p.Memory.LastWording == nil {
		p.Memory.LastWording = map[string]int{}
	}
	v := int((uint64(p.Counts.Wins)*7 + uint64(p.Counts.CheckIns)*3 + uint64(len(p.ID))) % uint64(n))
	if last := p.Memory.LastWording[string(name)]; n > 1 && last == v+1 {
		v = (v + 1) % n
	}
	p.Memory.LastWording[string(name)] = v + 1
	return Line{Msg: name, With: x, Variant: v}
}

// publicLine is a line posted to each group where the person chose
// public accountability.
func (t *turn) publicLine(name Msg, x Extra) Line {
	return Line{Msg: name, With: x, Public: true}
}

// post puts a public line in the channel of every group where the person
// chose public accountability. It carries their name and the values of
// the line (the win, the streak, the milestone), nothing else.
func (t *turn) post(l Line) {
	esc := t.e.escaper(t.p.ID.Platform())
	for _, m := range t.p.Groups {
		if !m.Public() || m.Group == "" {
			continue
		}
		d := Data{Name: esc(t.p.Identity.Name), Extra: Extra{Win: l.With.Win, Streak: l.With.Streak, Milestone: l.With.Milestone}}
		if d.Name == "" {
			d.Name = t.e.phrase("name.unknown", t.p.ID.Platform(), Extra{})
		}
		text, err := t.e.words.Say(string(l.Msg), t.p.ID.Platform(), 0, d)
		if err != nil {
			t.e.log.Error("render public message", "message", l.Msg, "err", err)
			continue
		}
		t.add(Reply{Text: text, Visibility: Public, Place: Place{Group: m.Group}})
	}
}

// streakMoments are the streaks that get a bigger celebration.
var streakMoments = map[int]bool{3: true, 7: true, 14: true, 30: true, 60: true, 100: true, 365: true}

// streak computes the current streak including this turn's check-ins.
func (t *turn) streak() int {
	return t.e.streakOf(t.p, t.checkInsNow(), t.loc, t.now)
}

// checkInsNow is the person's recent check-ins including this turn's,
// which are not committed yet.
func (t *turn) checkInsNow() []CheckIn {
	return append(t.e.recentCheckIns(t.ctx, t.p.ID, t.now), t.checkIns...)
}

// streakWindow is how many days of check-ins a streak is counted from
// (Streak looks back 400 days from local midnight).
const streakWindow = 401

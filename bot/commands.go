package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// command is something a person can ask for by name, anywhere: /help in
// the console, a slash command on Discord or Slack, or the bare word.
type command struct {
	run func(t *turn, args string)
	// keepsFlow commands answer and then return to the open question.
	keepsFlow bool
}

// CommandNames lists the commands in the order help shows them; adapters
// use it to register slash commands.
var CommandNames = []string{
	"help", "checkin", "win", "progress", "goal", "step", "milestone", "rate", "why",
	"adjust", "remind", "pause", "resume", "stop", "zone", "share", "coach", "setup",
	"export", "forget", "cancel",
}

func builtinCommands() map[string]command {
	return map[string]command{
		"help":       {run: func(t *turn, _ string) { t.say("help", nil) }, keepsFlow: true},
		"start":      {run: cmdStart},
		"hi":         {run: cmdStart},
		"hello":      {run: cmdStart},
		"goal":       {run: cmdGoal},
		"step":       {run: cmdStep},
		"checkin":    {run: cmdCheckIn},
		"win":        {run: cmdWin, keepsFlow: true},
		"progress":   {run: cmdProgress, keepsFlow: true},
		"remind":     {run: cmdRemind, keepsFlow: true},
		"pause":      {run: cmdPause},
		"resume":     {run: cmdResume, keepsFlow: true},
		"stop":       {run: cmdStop},
		"cancel":     {run: cmdCancel},
		"zone":       {run: cmdZone, keepsFlow: true},
		"share":      {run: cmdShare, keepsFlow: true},
		"coach":      {run: cmdCoach, keepsFlow: true},
		"rate":       {run: cmdRate},
		"why":        {run: cmdWhy},
		"milestone":  {run: cmdMilestone, keepsFlow: true},
		"milestones": {run: cmdMilestone, keepsFlow: true},
		"adjust":     {run: cmdAdjust},
		"setup":      {run: func(t *turn, _ string) { t.say("setup.none", nil) }, keepsFlow: true},
		"export":     {run: cmdExport, keepsFlow: true},
		"forget":     {run: func(t *turn, _ string) { t.start("forget") }},
	}
}

// fixedMessages are messages the engine says outside flow steps.
var fixedMessages = []string{
	"help", "hello.back", "empty", "text.trimmed", "stale.button", "unknown.command",
	"need.plan", "onboard.resume", "onboard.done", "goal.set", "step.set",
	"checkin.partly", "checkin.notyet", "checkin.noted", "celebrate.checkin",
	"celebrate.win", "celebrate.firstwin", "progress", "remind.set", "remind.show",
	"remind.bad", "remind.none", "pause.set", "pause.bad", "resume.set", "resume.none",
	"stop.set", "cancel.set", "cancel.none", "zone.set", "zone.show", "zone.bad",
	"share.set", "share.show", "setup.none", "export.ready", "export.failed", "forget.done", "forget.kept",
	"scale.high", "scale.thanks", "values.thanks", "milestones.set", "milestones.list",
	"milestones.none", "milestone.bad", "milestone.already", "celebrate.milestone",
	"celebrate.streak", "public.win", "public.streak", "public.milestone",
	"checkin.obstacle.thanks", "adjust.normalise", "adjust.heard", "checkin.heard", "adjust.keep", "adjust.done",
	"fade.done", "fade.keep", "coach.summary", "coach.howto", "coach.yours",
	"coach.withdrawn", "coach.notfound", "coach.self", "coach.nogroup", "coach.set",
	"coach.notset",
	"reminder", "back.to.question", "quiet.welcome", "quiet.back",
	"digest.week", "digest.quiet", "coach.report",
}

// command runs a named command. Commands that keep the flow re-ask the
// open question afterwards, so the person knows where they were.
func (t *turn) command(name, args string) {
	c, ok := t.e.commands[name]
	if !ok {
		t.say("unknown.command", map[string]any{"Command": short(name, 40)})
		return
	}
	before := t.p.Flow
	c.run(t, args)
	if c.keepsFlow && t.p.Flow.Flow != "" && t.p.Flow.Flow == before.Flow && t.p.Flow.Step == before.Step {
		if f := t.e.flows[t.p.Flow.Flow]; f != nil {
			if s := f.step(t.p.Flow.Step); s != nil && !s.Soft {
				t.say("back.to.question", nil)
				t.prompt(s)
			}
		}
	}
}

// needsPlan answers people who ask for something that needs a plan they
// have not made yet, and offers to make it.
func (t *turn) needsPlan() bool {
	if t.p.Onboarded {
		return false
	}
	if t.p.Flow.Flow == "onboard" {
		t.say("onboard.resume", nil)
		t.prompt(t.e.flows["onboard"].step(t.p.Flow.Step))
		return true
	}
	t.say("need.plan", nil)
	t.start("onboard")
	return true
}

func cmdStart(t *turn, _ string) {
	if !t.p.Onboarded && t.p.Flow.Flow == "" {
		t.start("onboard")
		return
	}
	if t.needsPlan() {
		return
	}
	t.say("hello.back", nil)
	if f := t.e.flows[t.p.Flow.Flow]; f != nil {
		if s := f.step(t.p.Flow.Step); s != nil && !s.Soft {
			t.say("back.to.question", nil)
			t.prompt(s)
			return
		}
		t.p.Flow = FlowState{} // an optional note can wait for another day
	}
}

func cmdGoal(t *turn, args string) { t.startWith("goal", args) }

func cmdStep(t *turn, args string) { t.startWith("step", args) }

// startWith begins a flow once there is a plan; arguments given with the
// command ("goal run a 5k", "rate 7") answer its first question at once.
func (t *turn) startWith(flow, args string) {
	if t.needsPlan() {
		return
	}
	if args == "" {
		t.start(flow)
		return
	}
	f := t.e.flows[flow]
	t.enter(flow, f.First)
	t.answer(args)
}

func cmdCheckIn(t *turn, args string) {
	if t.needsPlan() {
		return
	}
	if o, ok := ParseOutcome(args); ok {
		t.enter("checkin", "outcome")
		t.recordOutcome(o)
		return
	}
	t.start("checkin")
}

func cmdWin(t *turn, args string) {
	if args == "" {
		if t.p.Flow.Flow == "" || t.p.Flow.Flow == "win" {
			t.start("win")
			return
		}
		t.say("win.ask", nil)
		return
	}
	t.recordWin(args)
}

func cmdProgress(t *turn, _ string) {
	vars, checkIns, ratings := t.progress()
	t.add(Reply{Text: t.render("progress", 0, vars), Files: t.progressPictures(checkIns, ratings)})
}

func cmdRemind(t *turn, args string) {
	if args == "" {
		if t.p.Schedule.Cron == "" {
			t.say("remind.none", nil)
			return
		}
		t.say("remind.show", nil)
		return
	}
	in, err := ParseSchedule(args)
	if err != nil {
		t.say("remind.bad", map[string]any{"Problem": err.Error()})
		return
	}
	if in.Habit != "" {
		t.p.Anchor.Habit = short(in.Habit, 120)
	}
	if in.Time != "" {
		t.p.Anchor.Time = in.Time
	}
	t.setSchedule(in.Cron, in.Label)
	t.say("remind.set", nil)
}

func cmdPause(t *turn, args string) {
	if t.p.Schedule.Cron == "" {
		t.say("remind.none", nil)
		return
	}
	var until time.Time
	if a := strings.TrimSpace(strings.TrimPrefix(strings.ToLower(args), "for ")); a != "" {
		d, err := ParseDuration(a)
		if err != nil || d < time.Hour || d > 366*24*time.Hour {
			t.say("pause.bad", map[string]any{"Problem": short(args, 40)})
			return
		}
		until = t.now.Add(d)
	}
	t.p.pause(t.now, until)
	t.reschedule()
	vars := map[string]any{"Until": ""}
	if !until.IsZero() {
		vars["Until"] = t.when(until)
	}
	t.say("pause.set", vars)
	t.leaveFlow()
}

func cmdResume(t *turn, _ string) {
	if t.p.Schedule.Cron == "" || !t.p.Schedule.Paused {
		t.say("resume.none", nil)
		return
	}
	t.p.resume(t.now)
	t.reschedule()
	t.say("resume.set", nil)
}

func cmdStop(t *turn, _ string) {
	t.leaveFlow()
	t.p.resume(t.now)
	t.p.Schedule = Schedule{}
	t.reschedule()
	t.say("stop.set", nil)
}

func cmdCancel(t *turn, _ string) {
	if t.p.Flow.Flow == "" {
		t.say("cancel.none", nil)
		return
	}
	t.leaveFlow()
	t.say("cancel.set", nil)
}

// leaveFlow drops the open question. Leaving onboarding keeps what was
// already answered; /start picks it up again from the beginning.
func (t *turn) leaveFlow() {
	t.p.Flow = FlowState{}
}

func cmdZone(t *turn, args string) {
	if args == "" {
		t.say("zone.show", nil)
		return
	}
	name := strings.TrimSpace(args)
	if _, err := t.e.zones.Load(name); err != nil {
		t.say("zone.bad", map[string]any{"Problem": err.Error()})
		return
	}
	t.p.Zone, t.p.OwnZone = name, true
	t.loc, _ = t.e.zones.Load(name)
	t.reschedule()
	t.say("zone.set", nil)
}

func cmdShare(t *turn, args string) {
	switch normal(args) {
	case "public", "group", "on":
		t.p.Share = Group
	case "private", "off", "dm":
		t.p.Share = Private
	default:
		t.say("share.show", map[string]any{"Public": t.p.Share == Group})
		return
	}
	t.say("share.set", map[string]any{"Public": t.p.Share == Group})
}

func cmdRate(t *turn, args string) { t.startWith("rate", args) }

func cmdWhy(t *turn, _ string) {
	if t.needsPlan() {
		return
	}
	t.askValues()
}

func cmdAdjust(t *turn, _ string) {
	if t.needsPlan() {
		return
	}
	t.start("adjust")
}

// cmdMilestone lists milestones, marks one done ("milestone 2", "milestone
// done 2") or adds one ("milestone add …").
func cmdMilestone(t *turn, args string) {
	p := t.p
	a := strings.TrimSpace(args)
	lower := strings.ToLower(a)
	switch {
	case a == "":
		if len(p.Milestones) == 0 {
			t.say("milestones.none", nil)
			return
		}
		t.say("milestones.list", t.milestoneVars())
		return
	case strings.HasPrefix(lower, "add "):
		if len(p.Milestones) >= 5 {
			t.say("milestone.bad", map[string]any{"Problem": "You have five already — five at most keeps them in view."})
			return
		}
		p.Milestones = append(p.Milestones, Milestone{Text: short(a[4:], 200)})
		t.say("milestones.list", t.milestoneVars())
		return
	}
	a = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(lower, "done"), "#"))
	n, err := strconv.Atoi(a)
	if err != nil || n < 1 || n > len(p.Milestones) {
		t.say("milestone.bad", map[string]any{"Problem": fmt.Sprintf("Say which one by number, 1 to %d — for example: milestone 1.", max(len(p.Milestones), 1))})
		return
	}
	t.milestoneDone(n - 1)
}

// milestoneVars lists milestones for messages.
func (t *turn) milestoneVars() map[string]any {
	var list []map[string]any
	done := 0
	for i, m := range t.p.Milestones {
		list = append(list, map[string]any{"N": i + 1, "Text": m.Text, "Done": !m.Done.IsZero()})
		if !m.Done.IsZero() {
			done++
		}
	}
	return map[string]any{"Milestones": list, "DoneCount": done}
}

// cmdCoach: name a coach (with consent), withdraw, or — for a coach — see
// the members who chose to share with them.
func cmdCoach(t *turn, args string) {
	p := t.p
	a := strings.TrimSpace(args)
	if p.Group == "" {
		t.say("coach.nogroup", nil)
		return
	}
	switch strings.ToLower(a) {
	case "":
		if members := t.coachSummary(); len(members) > 0 {
			t.say("coach.summary", map[string]any{"Members": members})
			return
		}
		if p.Coach != "" {
			t.say("coach.yours", map[string]any{"Coach": t.nameOf(p.Coach)})
			return
		}
		t.say("coach.howto", nil)
		return
	case "stop", "off", "withdraw", "none", "remove", "private":
		name := t.nameOf(p.Coach)
		p.Coach = ""
		t.say("coach.withdrawn", map[string]any{"Coach": name})
		return
	}
	m, err := t.findMember(a)
	if err != nil {
		t.e.log.Error("find member", "err", err)
	}
	switch {
	case m == nil:
		t.say("coach.notfound", map[string]any{"Coach": short(a, 40)})
	case m.ID == p.ID:
		t.say("coach.self", nil)
	default:
		t.enter("coachconsent", "confirm")
		p.Flow.Draft["coach"], p.Flow.Draft["coach_name"] = string(m.ID), m.Name
		t.ask("coach.consent", "consent", yesNo, map[string]any{"Coach": m.Name})
	}
}

// nameOf returns a person's display name, or "your coach".
func (t *turn) nameOf(id PersonID) string {
	if id == "" {
		return "your coach"
	}
	if p, ok, err := t.e.store.Person(id); err == nil && ok {
		return p.Name
	}
	return "your coach"
}

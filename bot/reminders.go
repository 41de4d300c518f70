package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Habit anchoring and reminders (technique 7): the step rides on a habit
// the person already has ("after my 9:00 coffee"); the bot asks for the
// habit, its usual time and the days, and reminds them then, in their own
// zone. Reminders can be paused, changed or stopped with one command.
// What a due reminder becomes (a reminder, a curious question after two
// misses, a "still want this?" for someone quiet) is decided by fire.

const (
	stepAnchor StepID = "anchor"
	stepTime   StepID = "time"
	stepDays   StepID = "days"
)

const (
	askDays    = "days"
	askCheckIn = "checkin"
)

// anchorSteps ask for the habit, its time and the days; the last sets
// the schedule. A time or days said before their question are used
// when it comes.
func anchorSteps() []*Step {
	return []*Step{
		{ID: stepAnchor, Prompt: "anchor.ask", ReAsk: "anchor.reask", Expect: ExpectHabit, Skip: true, Examples: "habit",
			Parse: parseAnchor, Other: anchorOther, Next: stepTime},
		{ID: stepTime, Prompt: "anchor.time", ReAsk: "anchor.time.reask", Expect: ExpectTime, Examples: "time",
			Parse: parseAnchorTime, Next: stepDays, With: hourExtra},
		{ID: stepDays, Prompt: "anchor.days", Ask: askDays, Choice: howOften, ReAsk: "anchor.days.reask", Expect: ExpectDays,
			Parse: parseDaysAnswer},
	}
}

// hourExtra is an hour said without morning or evening, for the time
// question to ask which.
func hourExtra(t *turn) Extra {
	d := t.p.Talk.Flow.Draft
	return Extra{Hour: d.Hour, Value: openHour(d.Hour, d.Minute)}
}

// openHour says an hour that could be morning or evening: "8", "7:30".
func openHour(h, m int) string {
	if m == 0 {
		return strconv.Itoa(h)
	}
	return strconv.Itoa(h) + ":" + strconv.Itoa(100 + m)[1:]
}

func parseAnchor(t *turn, r Reading) Next {
	h := short(lowerFirst(cleanHabit(r.Value)), 120)
	if h == "" {
		return reask("problem.anchor.none")
	}
	t.p.Plan.Anchor.Habit = h
	return t.afterHabit()
}

// anchorOther takes a time said for the habit as the time: the habit
// question may be skipped, and the time was what mattered.
func anchorOther(t *turn, r Reading) (Next, bool) {
	if r.Other != ExpectTime {
		return Next{}, false
	}
	d := &t.p.Talk.Flow.Draft
	if r.TimeOpen {
		d.Hour, d.Minute = r.Hour, r.Minute
		return goStep(stepTime), true
	}
	d.Time = clock(r.Hour, r.Minute)
	return t.afterHabit(), true
}

// afterHabit goes on to the time, or past it when the time was said.
func (t *turn) afterHabit() Next {
	d := &t.p.Talk.Flow.Draft
	if d.Time == "" || t.p.Talk.Flow.Flow != flowOnboard {
		return next()
	}
	t.p.Plan.Anchor.Time, d.Time = d.Time, ""
	return t.afterTime().saying(sayWith("anchor.time.known", Extra{Value: t.p.Plan.Anchor.Time}))
}

// afterTime goes on to the days, or sets the schedule when they were
// said already.
func (t *turn) afterTime() Next {
	d := &t.p.Talk.Flow.Draft
	if d.Days == "" {
		if t.p.Talk.Flow.Step == stepTime {
			return next()
		}
		return goStep(stepDays)
	}
	t.setSchedule(dailyCron(t.p.Plan.Anchor.Time, d.Days), d.DaysLabel+" at "+t.p.Plan.Anchor.Time)
	d.Days, d.DaysLabel = "", ""
	return finish()
}

func parseAnchorTime(t *turn, r Reading) Next {
	if n, ok := t.setAnchorTime(r); !ok {
		return n
	}
	return t.afterTime()
}

// setAnchorTime takes the time of day from an answer, loosely: "7:15ish",
// "around 8" (morning or evening?), "noon", "after lunch" (which time is
// that?). It reports whether the time is set; if not, Next asks again.
func (t *turn) setAnchorTime(r Reading) (Next, bool) {
	d := &t.p.Talk.Flow.Draft
	h, m := r.Hour, r.Minute
	if r.HasTime && (r.TimeOpen || r.TimeGuess) {
		// What the step follows may say which: "my morning coffee" at 8
		// is 08:00, "when I get home" at 6:30 is 18:30; so may the part
		// of the day said just before ("after lunch", then "1:30").
		if r.TimeGuess && h <= 5 {
			r.TimeOpen = true // "1:30" is rarely the middle of the night
		}
		half := dayHalf(d.DayPart + " " + t.p.Plan.Anchor.Habit)
		if half == 0 { // "brushing my teeth" could be either: the goal may say ("in bed by 11")
			half = dayHalf(t.p.Plan.Goal + " " + t.p.Plan.Step + " " + d.Doing + " " + d.Vague)
		}
		switch half {
		case -1:
			r.TimeOpen = false
		case 1:
			r.TimeOpen, h = false, h+12
		}
	}
	switch {
	case r.HasTime && r.TimeOpen:
		d.Hour, d.Minute = h, m
		return reaskWith("problem.time.half", Extra{Hour: h, Value: openHour(h, m)}), false
	case r.HasTime:
	case d.Hour > 0 && dayHalf(r.Text) != 0:
		h, m = d.Hour, d.Minute
		if dayHalf(r.Text) > 0 && h < 12 {
			h += 12
		}
	case r.DayPart != "":
		d.DayPart = r.DayPart
		return reaskWith("problem.time.daypart", Extra{Value: r.DayPart, Changed: true}), false
	default:
		return reask("problem.time.unread"), false
	}
	d.Hour, d.Minute, d.DayPart = 0, 0, ""
	t.p.Plan.Anchor.Time = clock(h, m)
	return Next{}, true
}

// dayHalf reads morning (-1) or evening (+1) in an answer to "8 in the
// morning or the evening?"; 0 when it says neither.
func dayHalf(text string) int {
	p := plain(text)
	switch {
	case eveningWords.MatchString(p):
		return 1
	case morningWords.MatchString(p):
		return -1
	}
	return 0
}

var (
	eveningWords = regexp.MustCompile(`\b(evening|evenings|night|tonight|pm|afternoon|afternoons|p m|later one|second|lunch|lunchtime|after lunch|dinner|supper|get home|getting home|home from work|after work|bed|bedtime|asleep|teeth at night)\b`)
	morningWords = regexp.MustCompile(`\b(morning|mornings|am|a m|early|first|coffee|breakfast|wake|waking|wake up|shower|commute|school run|standup|stand up|alarm|laptop|arrive at work|get to work|start work|before work)\b`)
)

func parseDaysAnswer(t *turn, r Reading) Next {
	if r.Days == "" && r.DaysNote != "" {
		// "every other day", "3 times a week": days to pick from.
		x := Extra{Value: r.DaysNote, Examples: t.examples("days." + r.DaysNote)}
		return stay().saying(t.offerLine("days.note", x, false))
	}
	if r.Days == "" {
		_, _, err := ParseDays(r.Text)
		return reaskScheduleProblem(err)
	}
	if t.p.Plan.Anchor.Time == "" {
		t.p.Plan.Anchor.Time = "09:00"
	}
	t.setSchedule(dailyCron(t.p.Plan.Anchor.Time, r.Days), r.DaysLabel+" at "+t.p.Plan.Anchor.Time)
	return next()
}

// reaskScheduleProblem re-asks with what a ScheduleProblem says.
func reaskScheduleProblem(err error) Next {
	var sp ScheduleProblem
	if errors.As(err, &sp) {
		return reaskWith(sp.Msg, Extra{Value: sp.Value})
	}
	return reask("problem.schedule.unread")
}

// scheduleWords says a schedule in the words of the prompts: "weekdays
// at 08:30", "Mon, Wed, Fri at 18:00", "Mondays at 09:00", or the cron
// spec itself when it is not one time on some days.
func (e *Engine) scheduleWords(spec, platform string) string {
	f := strings.Fields(spec)
	if len(f) != 5 {
		return ""
	}
	m, errM := strconv.Atoi(f[0])
	h, errH := strconv.Atoi(f[1])
	if errM != nil || errH != nil || f[2] != "*" || f[3] != "*" || h > 23 || m > 59 {
		return e.phrase("schedule.raw", platform, Extra{Value: spec})
	}
	at := fmt.Sprintf("%02d:%02d", h, m)
	var days string
	switch f[4] {
	case "*", "0-6", "0-7", "1-7":
		days = e.phrase("schedule.daily", platform, Extra{})
	case "1-5", "1,2,3,4,5":
		days = e.phrase("schedule.weekdays", platform, Extra{})
	case "0,6", "6,0", "6,7", "6-7":
		days = e.phrase("schedule.weekends", platform, Extra{})
	default:
		set, ok := cronDays(f[4])
		if !ok {
			return e.phrase("schedule.raw", platform, Extra{Value: spec})
		}
		var names []string
		for d := 1; d <= 7; d++ { // Monday first, as people list them
			if set[d%7] {
				names = append(names, strings.ToLower(time.Weekday(d%7).String()))
			}
		}
		if len(names) == 1 {
			days = e.phrase(Msg("label.every."+names[0]), platform, Extra{})
		} else {
			for i, n := range names {
				names[i] = e.phrase(Msg("label.short."+n), platform, Extra{})
			}
			days = strings.Join(names, ", ")
		}
	}
	return e.phrase("schedule.at", platform, Extra{Value: days, Due: at})
}

// cronDays reads a cron day-of-week field of numbers, lists and ranges.
func cronDays(field string) (set [7]bool, ok bool) {
	for _, part := range strings.Split(field, ",") {
		a, b, isRange := strings.Cut(part, "-")
		from, err1 := strconv.Atoi(a)
		to := from
		var err2 error
		if isRange {
			to, err2 = strconv.Atoi(b)
		}
		if err1 != nil || err2 != nil || from < 0 || to > 7 || from > to {
			return set, false
		}
		for d := from; d <= to; d++ {
			set[d%7] = true
		}
	}
	return set, true
}

// setSchedule sets the person's reminder schedule and the next reminder.
func (t *turn) setSchedule(spec, label string) {
	pauses := t.p.Schedule.Pauses
	t.p.Schedule = Schedule{Cron: spec, Label: label, Pauses: pauses, Last: t.p.Schedule.Last}
	t.reschedule()
}

// reschedule recomputes the next reminder from the schedule, zone and
// pause, and keeps "how did it go?" in it when that comes first.
func (t *turn) reschedule() {
	s := &t.p.Schedule
	s.Next = time.Time{}
	if !t.p.Safety.Held.IsZero() {
		s.Check = time.Time{}
		s.Next = t.heldNext() // no reminders until they choose to go on
		return
	}
	if s.Cron == "" || s.Paused {
		s.Check = time.Time{}
	}
	if s.Cron == "" || s.Paused && s.PausedUntil.IsZero() {
		return
	}
	defer func() {
		if !s.Check.IsZero() && (s.Next.IsZero() || s.Check.Before(s.Next)) {
			s.Next = s.Check
		}
	}()
	sched, err := t.e.crons.Parse(s.Cron)
	if err != nil {
		t.e.log.Warn("stored schedule no longer parses", "person", t.p.ID, "err", err)
		return
	}
	from := t.now
	if s.Paused && s.PausedUntil.After(from) {
		from = s.PausedUntil
	}
	s.Next = NextFire(sched, from, t.loc)
}

func cmdRemind(t *turn, args string) {
	if args == "" {
		if t.p.Schedule.Cron == "" {
			t.say(say("remind.none"))
			return
		}
		t.say(say("remind.show"))
		return
	}
	if rest, ok := cutWord(args, "check"); ok {
		t.setCheckAfter(rest)
		return
	}
	in, err := ParseSchedule(args)
	if err != nil {
		t.say(sayWith("remind.bad", Extra{Problem: t.scheduleProblem(err)}))
		return
	}
	if in.Habit != "" {
		t.p.Plan.Anchor.Habit = short(in.Habit, 120)
	}
	if in.Time != "" {
		t.p.Plan.Anchor.Time = in.Time
	}
	t.setSchedule(in.Cron, in.Label)
	t.say(say("remind.set"))
}

// scheduleProblem says a ScheduleProblem in words.
func (t *turn) scheduleProblem(err error) string {
	var sp ScheduleProblem
	if !errors.As(err, &sp) {
		sp = ScheduleProblem{Msg: "problem.schedule.unread"}
	}
	return t.render(sp.Msg, 0, Extra{Value: t.e.escaper(t.p.ID.Platform())(sp.Value)})
}

// cutWord cuts a leading word off args, reporting whether it was there.
func cutWord(args, word string) (string, bool) {
	first, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	if !strings.EqualFold(first, word) {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// setCheckAfter sets how long after a reminder "how did it go?" comes:
// "remind check 90m", "remind check off", "remind check" to show it.
func (t *turn) setCheckAfter(arg string) {
	s := &t.p.Schedule
	a := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.ToLower(arg), "after ")))
	switch a {
	case "":
	case "off", "never", "no", "none":
		s.CheckAfter, s.Check = -1, time.Time{}
		t.reschedule()
		t.say(say("remind.check.off"))
		return
	case "default":
		s.CheckAfter = 0
	default:
		d, err := ParseDuration(a)
		if err != nil || d < 10*time.Minute || d > 12*time.Hour {
			t.say(sayWith("remind.check.bad", Extra{Value: t.esc(short(arg, 40))}))
			return
		}
		s.CheckAfter = d
	}
	mins := int(t.e.checkAfterFor(t.p) / time.Minute)
	if mins == 0 {
		t.say(say("remind.check.off"))
		return
	}
	x := Extra{Value: t.e.phrase("duration", t.p.ID.Platform(), Extra{Max: mins, Done: mins / 60, Of: mins % 60})}
	t.say(sayWith("remind.check", x))
}

func cmdPause(t *turn, args string) {
	if t.p.Schedule.Cron == "" {
		t.say(say("remind.none"))
		return
	}
	var until time.Time
	if a := strings.TrimSpace(strings.TrimPrefix(strings.ToLower(args), "for ")); a != "" {
		d, err := ParseDuration(a)
		if err != nil || d < time.Hour || d > 366*24*time.Hour {
			t.say(sayWith("pause.bad", Extra{Problem: t.e.escaper(t.p.ID.Platform())(short(args, 40))}))
			return
		}
		until = t.now.Add(d)
	}
	for _, l := range t.pauseReminders(until) {
		t.say(l)
	}
	t.leaveFlow()
}

// pauseReminders holds reminders until until (zero: until resumed) and
// says so.
func (t *turn) pauseReminders(until time.Time) []Line {
	t.p.Schedule.pause(t.now, until)
	t.reschedule()
	x := Extra{}
	if !until.IsZero() {
		x.Until = t.when(until)
	}
	return []Line{sayWith("pause.set", x)}
}

func cmdResume(t *turn, _ string) {
	if t.p.Schedule.Cron == "" || !t.p.Schedule.Paused {
		t.say(say("resume.none"))
		return
	}
	t.p.Schedule.resume(t.now)
	t.reschedule()
	t.say(say("resume.set"))
}

func cmdStop(t *turn, _ string) {
	t.leaveFlow()
	t.p.Schedule.resume(t.now)
	pauses := t.p.Schedule.Pauses
	t.p.Schedule = Schedule{Pauses: pauses, Last: t.p.Schedule.Last}
	t.reschedule()
	t.say(say("stop.set"))
}

func cmdZone(t *turn, args string) {
	if args == "" {
		t.say(say("zone.show"))
		return
	}
	name := strings.TrimSpace(args)
	loc, err := t.e.zones.Load(name)
	if err != nil {
		t.say(sayWith("zone.bad", Extra{Value: t.e.escaper(t.p.ID.Platform())(short(name, 64))}))
		return
	}
	t.p.Identity.Zone, t.p.Identity.OwnZone = loc.String(), true
	t.loc = loc
	t.reschedule()
	t.say(say("zone.set"))
}

// nextReminder is when the person's next reminder is due: Schedule.Next,
// unless that is the "how did it go?" that comes first.
func (e *Engine) nextReminder(p *Person, loc *time.Location, now time.Time) time.Time {
	s := p.Schedule
	if s.Check.IsZero() || !s.Next.Equal(s.Check) {
		return s.Next
	}
	sched, err := e.crons.Parse(s.Cron)
	if err != nil {
		return time.Time{}
	}
	from := now
	if s.Paused && s.PausedUntil.After(from) {
		from = s.PausedUntil
	}
	return NextFire(sched, from, loc)
}

// checkAfterFor is how long after a reminder the person is asked how it
// went: their own choice, or the engine's default; 0 for never.
func (e *Engine) checkAfterFor(p *Person) time.Duration {
	d := p.Schedule.CheckAfter
	if d == 0 {
		d = e.checkAfter
	}
	return max(d, 0)
}

// checkTime is when "how did it go?" follows a reminder sent at now:
// after the delay, but not later than 21:30 the same evening; zero (the
// reminder asks itself) when that leaves less than half an hour.
func checkTime(now time.Time, after time.Duration, loc *time.Location) time.Time {
	at := now.Add(after)
	l := now.In(loc)
	if night := time.Date(l.Year(), l.Month(), l.Day(), 21, 30, 0, 0, loc); at.After(night) {
		at = night
	}
	if at.Sub(now) < 30*time.Minute || at.In(loc).Hour() < 7 {
		return time.Time{} // too soon, or in the night: the reminder asks itself
	}
	return at
}

// followUp asks how the step went, once it could have happened, unless
// the person reported since the reminder (or is away, or the question
// is stale after downtime).
func (e *Engine) followUp(t *turn, late time.Duration) []Reply {
	p := t.p
	s := &p.Schedule
	s.Check = time.Time{}
	reported := !p.Memory.LastCheckIn.Before(s.Last)
	if !reported && !s.Paused && s.Cron != "" && late <= e.grace {
		fl := p.Talk.Flow.Flow
		if fl == "" || fl == flowCheckin || e.flows[fl] == nil || t.askedAgo() > time.Hour {
			t.enter(flowCheckin, stepOutcome)
			t.ask(Line{Msg: "checkin.followup", Ask: askCheckIn, Choices: outcomes})
		}
		for i := range t.replies {
			t.replies[i].Reminder = true
		}
	}
	t.reschedule()
	return t.replies
}

// fire decides what a due reminder becomes and moves the person's next
// reminder on. It only changes p and returns replies: no side effects, as
// the store may call it more than once.
func (e *Engine) fire(ctx context.Context, p *Person, due, now time.Time) []Reply {
	t := &turn{ctx: ctx, e: e, p: p, ev: Event{Person: p.ID}, now: now, loc: e.zoneOf(p)}
	s := &p.Schedule
	if s.Paused && !s.PausedUntil.IsZero() && !now.Before(s.PausedUntil) {
		s.resume(s.PausedUntil)
	}
	if !p.Safety.Held.IsZero() {
		// Paused after a safety reply: one gentle question a day later,
		// and no reminder until they choose to go on.
		if t.checkBack() {
			for i := range t.replies {
				t.replies[i].Reminder = true
			}
		}
		t.reschedule()
		return t.replies
	}
	late := now.Sub(due)
	if !s.Check.IsZero() && !s.Check.After(due) {
		return e.followUp(t, late)
	}
	switch {
	case s.Cron == "" || s.Paused:
		t.reschedule()
		return nil
	case late > e.grace:
		// Missed while the bot was down, too long ago to be useful: skip
		// it without counting it as the person's miss. Computing the next
		// time from now (not from due) means no burst of stale reminders.
		e.log.Info("reminder skipped after downtime", "person", p.ID, "due", due, "late", late)
		t.reschedule()
		return nil
	}
	// Someone who goes quiet gets fewer reminders, not more.
	c := &p.Counts
	if !s.Last.IsZero() && p.Identity.LastSeen.Before(s.Last) {
		c.Unanswered++
	} else {
		c.Unanswered = 0
	}
	// A reminder with no check-in before the next one is a missed day.
	missed := !s.Last.IsZero() && p.Memory.LastCheckIn.Before(s.Last)
	if missed {
		c.Misses++
	}
	if c.Unanswered >= quietPause {
		s.pause(now, time.Time{})
		e.log.Info("reminders paused for a quiet person", "person", p.ID)
		t.reschedule()
		return nil
	}
	s.Last = now
	s.Check = time.Time{}
	if after := e.checkAfterFor(p); after > 0 && !p.Plan.Faded && c.Unanswered == 0 {
		s.Check = checkTime(now, after, t.loc)
	}
	x := Extra{Late: late > time.Minute, Due: t.when(due), Missed: missed}
	if !s.Check.IsZero() {
		x.Check = t.when(s.Check)
	}
	// Take the person to the question unless they are in the middle of
	// a conversation right now (asked within the hour): the reminder is
	// then the latest question, and their answer belongs to it. The
	// buttons work either way (they go by time).
	fl := p.Talk.Flow.Flow
	takeOver := fl == "" || fl == flowCheckin || fl == flowStillWant || e.flows[fl] == nil || t.askedAgo() > time.Hour
	openToken := p.Talk.Flow.Token
	switch {
	case c.Misses == 2 && c.Unanswered < quietAsk && takeOver:
		// Two missed days: curiosity and an offer to adjust, not
		// another reminder.
		t.enter(flowAdjust, stepAdjustOpen)
		t.say(sayWith("adjust.open", x))
	case c.Unanswered == quietAsk:
		if takeOver {
			t.enter(flowStillWant, stepStillWant)
		}
		t.ask(Line{Msg: "quiet.stillwant", With: x, Ask: askStillWant, Choices: stillWantChoices})
	case !s.Check.IsZero():
		// The reminder prompts the step; how it went is asked later.
		if takeOver {
			t.enter(flowCheckin, stepOutcome)
		}
		t.ask(Line{Msg: "reminder", With: x, Ask: askCheckIn, Choices: outcomes[:1]})
	default:
		if takeOver {
			t.enter(flowCheckin, stepOutcome)
		}
		t.ask(Line{Msg: "reminder", With: x, Ask: askCheckIn, Choices: outcomes})
	}
	if !takeOver {
		p.Talk.Flow.Token = openToken
	}
	t.replies[len(t.replies)-1].Late = late > time.Minute
	for i := range t.replies {
		t.replies[i].Reminder = true
	}
	t.reschedule()
	if gap := quietGap(c.Unanswered); gap > 0 {
		if sched, err := e.crons.Parse(s.Cron); err == nil {
			s.Next = NextFire(sched, now.Add(gap-time.Hour), t.loc)
		}
	}
	return t.replies
}

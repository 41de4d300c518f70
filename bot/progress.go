package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"followthrough/bot/chart"
)

// Tracking that makes progress visible (technique 8): the person can see
// their record at any time — goal, milestones, step, this week, streak,
// the trend of their ratings, recent wins — as text and as pictures.

// trendRatings is how many ratings the trend shows.
const trendRatings = 30

func cmdProgress(t *turn, _ string) {
	if !t.p.Plan.Onboarded && t.p.Talk.Flow.Flow == "" && t.isCoachHere() {
		t.say(say("coach.noplan"))
		return
	}
	x, checkIns, ratings := t.progress()
	t.add(Reply{Text: t.render("progress", 0, x), Files: t.progressPictures(checkIns, ratings)})
}

// progress gathers what the progress summary shows: check-ins this week,
// the current streak, the latest wins and ratings. It returns the
// check-ins and ratings it read too, for the pictures.
func (t *turn) progress() (Extra, []CheckIn, []Rating) {
	p := t.p
	esc := t.e.escaper(p.ID.Platform())
	x := t.milestoneList()
	x.RecentWins = []string{}
	local := t.now.In(t.loc)
	weekday := (int(local.Weekday()) + 6) % 7 // Monday is 0
	weekStart := time.Date(local.Year(), local.Month(), local.Day()-weekday, 0, 0, 0, 0, t.loc)
	checkIns := t.checkInsNow()
	for _, c := range checkIns {
		if c.At.Before(weekStart) {
			continue
		}
		x.Week++
		switch c.Outcome {
		case Done:
			x.WeekDone++
		case Partly:
			x.WeekPartly++
		default:
			x.WeekNotYet++
		}
	}
	x.Streak = t.e.streakOf(p, checkIns, t.loc, t.now)
	wins, err := t.e.store.Wins(t.ctx, p.ID, 3)
	if err != nil {
		t.e.log.Error("load wins", "person", p.ID, "err", err)
	}
	for i := len(t.wins) - 1; i >= 0 && len(x.RecentWins) < 3; i-- {
		x.RecentWins = append(x.RecentWins, esc(short(t.wins[i].Text, 80)))
	}
	for _, w := range wins {
		if len(x.RecentWins) == 3 {
			break
		}
		x.RecentWins = append(x.RecentWins, esc(short(w.Text, 80)))
	}
	ratings, err := t.e.store.Ratings(t.ctx, p.ID, trendRatings)
	if err != nil {
		t.e.log.Error("load ratings", "person", p.ID, "err", err)
	}
	ratings = mergeRatings(ratings, t.ratings, trendRatings)
	var trend []string
	for _, r := range ratings[max(len(ratings)-6, 0):] {
		trend = append(trend, strconv.Itoa(r.Value))
	}
	x.Ratings = strings.Join(trend, " → ")
	return x, checkIns, ratings
}

// progressPictures draws the pictures that go with the progress summary:
// the check-in calendar, the trend of the 1 to 10 ratings, and milestones
// done against planned. A picture that cannot be drawn is left out (and
// logged): the words still say it all.
func (t *turn) progressPictures(checkIns []CheckIn, ratings []Rating) []File {
	p := t.p
	var files []File
	add := func(name string, png []byte, err error) {
		if err != nil {
			t.e.log.Error("draw chart", "chart", name, "person", p.ID, "err", err)
			return
		}
		files = append(files, File{Name: name, Type: "image/png", Data: png})
	}
	platform := p.ID.Platform()
	start, days := t.e.calendarDays(p, checkIns, t.loc, t.now)
	png, err := chart.Calendar{Title: t.e.phrase("chart.calendar", platform, Extra{}), Start: start, Days: days}.PNG()
	add("calendar.png", png, err)

	points := make([]chart.Point, 0, len(ratings))
	for _, r := range ratings {
		points = append(points, chart.Point{At: r.At, Value: r.Value})
	}
	png, err = chart.Trend{Title: t.e.phrase("chart.trend", platform, Extra{}), Points: points, Zone: t.loc}.PNG()
	add("ratings.png", png, err)

	items := make([]chart.Milestone, 0, len(p.Plan.Milestones))
	for _, m := range p.Plan.Milestones {
		items = append(items, chart.Milestone{Text: m.Text, Done: m.Done})
	}
	png, err = chart.Milestones{Title: t.e.phrase("chart.milestones", platform, Extra{}), Items: items, Zone: t.loc}.PNG()
	add("milestones.png", png, err)
	return files
}

// recentCheckIns loads a person's check-ins within the streak window.
func (e *Engine) recentCheckIns(ctx context.Context, id PersonID, now time.Time) []CheckIn {
	checkIns, err := e.store.CheckIns(ctx, id, now.AddDate(0, 0, -streakWindow))
	if err != nil {
		e.log.Error("load check-ins", "person", id, "err", err)
	}
	return checkIns
}

// streakOf is a person's current streak on their own schedule.
func (e *Engine) streakOf(p *Person, checkIns []CheckIn, loc *time.Location, now time.Time) int {
	sched, _ := e.crons.Parse(p.Schedule.Cron)
	return Streak(checkIns, sched, loc, now)
}

// Streak counts the days in a row, up to today, on which the person
// checked in done or partly. Days the schedule skips do not break it (and
// count when they checked in anyway), and today does not break it before
// they have checked in. sched may be nil (no schedule: every day counts).
func Streak(checkIns []CheckIn, sched *cron.SpecSchedule, loc *time.Location, now time.Time) int {
	kept := map[string]bool{}
	for _, c := range checkIns {
		if c.Outcome == Done || c.Outcome == Partly {
			kept[c.At.In(loc).Format(time.DateOnly)] = true
		}
	}
	today := now.In(loc)
	streak := 0
	for i := 0; i < 400; i++ {
		day := time.Date(today.Year(), today.Month(), today.Day()-i, 0, 0, 0, 0, time.UTC)
		if kept[day.Format(time.DateOnly)] {
			streak++
			continue
		}
		if sched != nil {
			// A day without a reminder does not break the streak: it
			// was scheduled if the first firing after the previous
			// midnight falls on it (wall-clock matching, as reminders).
			if next := sched.Next(day.Add(-time.Nanosecond)); !sameDay(next, day) {
				continue
			}
		}
		if i == 0 {
			continue
		}
		break
	}
	return streak
}

// mergeRatings adds this turn's ratings to the stored ones (a rating and
// its follow-up answers share a time), keeping the last n.
func mergeRatings(stored, fresh []Rating, n int) []Rating {
	out := append([]Rating(nil), stored...)
	for _, f := range fresh {
		if n := len(out); n > 0 && out[n-1].At.Equal(f.At) {
			out[n-1] = f
			continue
		}
		out = append(out, f)
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// Snapshot is what a person's progress looks like right now, for a
// platform's own view of it (Slack's App Home): no wording, just facts.
type Snapshot struct {
	Known        bool // false: nobody by that id yet
	Name, Zone   string
	Goal, Step   string
	Anchor       Anchor
	Schedule     string // how the person said it, or the cron spec
	Paused       bool
	NextReminder time.Time // zero when none
	Streak       int
	BestStreak   int
	CheckIns     int
	Wins         int
	RecentWins   []Win // newest first, at most 3
	Milestones   []Milestone
	// Public is whether the person shares publicly in the group the
	// snapshot is for.
	Public      bool
	InnerReason string
}

// Snapshot reads a person's progress, as seen from group (their public
// choice there). It changes nothing.
func (e *Engine) Snapshot(ctx context.Context, id PersonID, group string) (Snapshot, error) {
	p, ok, err := e.store.Person(ctx, id)
	if err != nil || !ok {
		return Snapshot{}, err
	}
	loc := e.zoneOf(p)
	now := e.clock.Now()
	wins, err := e.store.Wins(ctx, id, 3)
	if err != nil {
		return Snapshot{}, err
	}
	label := e.scheduleWords(p.Schedule.Cron, id.Platform())
	s := Snapshot{
		Known: true, Name: p.Identity.Name, Zone: loc.String(), Goal: p.Plan.Goal, Step: p.Plan.Step, Anchor: p.Plan.Anchor,
		Schedule: label, Paused: p.Schedule.Paused, NextReminder: e.nextReminder(p, loc, now),
		Streak: e.streakOf(p, e.recentCheckIns(ctx, id, now), loc, now), BestStreak: p.Counts.BestStreak,
		CheckIns: p.Counts.CheckIns, Wins: p.Counts.Wins, RecentWins: wins, Milestones: p.Plan.Milestones,
		InnerReason: p.Plan.InnerReason,
	}
	if m := p.Membership(group); m != nil {
		s.Public = m.Public()
	}
	return s, nil
}

package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// progress gathers what the progress summary shows: check-ins this week,
// the current streak, the latest wins and ratings. It returns the
// check-ins and ratings it read too, for the pictures.
func (t *turn) progress() (map[string]any, []CheckIn, []Rating) {
	p := t.p
	vars := map[string]any{"Week": 0, "WeekDone": 0, "WeekPartly": 0, "WeekNotYet": 0, "Streak": 0, "RecentWins": []string{}}
	local := t.now.In(t.loc)
	weekday := (int(local.Weekday()) + 6) % 7 // Monday is 0
	weekStart := time.Date(local.Year(), local.Month(), local.Day()-weekday, 0, 0, 0, 0, t.loc)
	checkIns := t.checkInsNow()
	for _, c := range checkIns {
		if c.At.Before(weekStart) {
			continue
		}
		vars["Week"] = vars["Week"].(int) + 1
		switch c.Outcome {
		case Done:
			vars["WeekDone"] = vars["WeekDone"].(int) + 1
		case Partly:
			vars["WeekPartly"] = vars["WeekPartly"].(int) + 1
		default:
			vars["WeekNotYet"] = vars["WeekNotYet"].(int) + 1
		}
	}
	vars["Streak"] = t.e.streakOf(p, checkIns, t.loc, t.now)
	wins, err := t.e.store.Wins(p.ID, 3)
	if err != nil {
		t.e.log.Error("load wins", "person", p.ID, "err", err)
	}
	var recent []string
	for i := len(t.wins) - 1; i >= 0 && len(recent) < 3; i-- {
		recent = append(recent, short(t.wins[i].Text, 80))
	}
	for _, w := range wins {
		if len(recent) == 3 {
			break
		}
		recent = append(recent, short(w.Text, 80))
	}
	vars["RecentWins"] = recent
	for k, v := range t.milestoneVars() {
		vars[k] = v
	}
	ratings, err := t.e.store.Ratings(p.ID, trendRatings)
	if err != nil {
		t.e.log.Error("load ratings", "person", p.ID, "err", err)
	}
	ratings = mergeRatings(ratings, t.ratings, trendRatings)
	var trend []string
	for _, r := range ratings[max(len(ratings)-6, 0):] {
		trend = append(trend, strconv.Itoa(r.Value))
	}
	vars["Ratings"] = strings.Join(trend, " → ")
	return vars, checkIns, ratings
}

// streakWindow is how many days of check-ins a streak is counted from
// (Streak looks back 400 days from local midnight).
const streakWindow = 401

// recentCheckIns loads a person's check-ins within the streak window.
func (e *Engine) recentCheckIns(id PersonID, now time.Time) []CheckIn {
	checkIns, err := e.store.CheckIns(id, now.AddDate(0, 0, -streakWindow))
	if err != nil {
		e.log.Error("load check-ins", "person", id, "err", err)
	}
	return checkIns
}

// checkInsNow is the person's recent check-ins including this turn's,
// which are not committed yet.
func (t *turn) checkInsNow() []CheckIn {
	return append(t.e.recentCheckIns(t.p.ID, t.now), t.checkIns...)
}

// streakOf is a person's current streak on their own schedule.
func (e *Engine) streakOf(p *Person, checkIns []CheckIn, loc *time.Location, now time.Time) int {
	sched, _ := e.crons.Parse(p.Schedule.Cron)
	return Streak(checkIns, sched, loc, now)
}

// Streak counts the days in a row, up to today, on which the person
// checked in done or partly. Days the schedule skips do not break it (and
// count when they checked in anyway), and today does not break it before
// they have checked in.
// sched may be nil (no schedule: every day counts).
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
	Share        Visibility
	InnerReason  string
}

// Snapshot reads a person's progress. It changes nothing.
func (e *Engine) Snapshot(id PersonID) (Snapshot, error) {
	p, ok, err := e.store.Person(id)
	if err != nil || !ok {
		return Snapshot{}, err
	}
	loc := e.zoneOf(p)
	now := e.clock.Now()
	wins, err := e.store.Wins(id, 3)
	if err != nil {
		return Snapshot{}, err
	}
	label := p.Schedule.Label
	if label == "" {
		label = p.Schedule.Cron
	}
	return Snapshot{
		Known: true, Name: p.Name, Zone: loc.String(), Goal: p.Goal, Step: p.Step, Anchor: p.Anchor,
		Schedule: label, Paused: p.Schedule.Paused, NextReminder: p.NextReminder,
		Streak: e.streakOf(p, e.recentCheckIns(id, now), loc, now), BestStreak: p.BestStreak,
		CheckIns: p.CheckIns, Wins: p.Wins, RecentWins: wins, Milestones: p.Milestones,
		Share: p.Share, InnerReason: p.InnerReason,
	}, nil
}

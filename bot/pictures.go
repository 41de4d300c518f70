package bot

import (
	"context"
	"time"

	"followthrough/bot/chart"
)

// calendarWeeks is how many weeks a check-in calendar shows.
const calendarWeeks = 12

// calendarDays works out what each day of the last twelve weeks shows,
// in the person's zone: the best check-in of the day; a pause; no
// check-in due (before they joined, a day the schedule skips, or today,
// which is not over); or "not yet" for a due day without one. The first
// day is a Monday, so the weeks line up as columns.
func (e *Engine) calendarDays(p *Person, checkIns []CheckIn, loc *time.Location, now time.Time) (time.Time, []chart.DayState) {
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	start := monday.AddDate(0, 0, -7*(calendarWeeks-1))
	n := int(today.Sub(start).Hours()/24) + 1

	index := func(t time.Time) int {
		l := t.In(loc)
		d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
		return int(d.Sub(start).Hours() / 24)
	}
	days := make([]chart.DayState, n)
	rank := map[chart.DayState]int{chart.NotYet: 1, chart.Partly: 2, chart.Done: 3}
	checked := make([]bool, n)
	for _, c := range checkIns {
		i := index(c.At)
		if i < 0 || i >= n || c.At.After(now) {
			continue
		}
		s := chart.NotYet
		switch c.Outcome {
		case Done:
			s = chart.Done
		case Partly:
			s = chart.Partly
		}
		if !checked[i] || rank[s] > rank[days[i]] {
			days[i] = s
		}
		checked[i] = true
	}
	pauses := append([]Period(nil), p.Schedule.Pauses...)
	if p.Schedule.Paused && !p.Schedule.PausedAt.IsZero() {
		pauses = append(pauses, Period{From: p.Schedule.PausedAt, Until: now})
	}
	sched, _ := e.crons.Parse(p.Schedule.Cron)
	joined := index(p.Identity.Joined)
	for i := range days {
		if checked[i] {
			continue
		}
		day := start.AddDate(0, 0, i)
		switch {
		case i < joined || i == n-1:
			days[i] = chart.NotDue
		case pausedOn(pauses, day, loc):
			days[i] = chart.Paused
		case sched == nil || !sameDay(sched.Next(day.Add(-time.Nanosecond)), day):
			days[i] = chart.NotDue
		default:
			days[i] = chart.NotYet
		}
	}
	return start, days
}

// pausedOn reports whether any pause covers part of a day (a wall-clock
// date written as UTC midnight) in loc.
func pausedOn(pauses []Period, day time.Time, loc *time.Location) bool {
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	until := from.AddDate(0, 0, 1)
	for _, p := range pauses {
		if p.From.Before(until) && p.Until.After(from) {
			return true
		}
	}
	return false
}

// zoneOf loads a person's zone, falling back to the default.
func (e *Engine) zoneOf(p *Person) *time.Location {
	loc, err := e.zones.Load(p.Identity.Zone)
	if err != nil {
		loc, _ = e.zones.Load(e.defaultZone)
	}
	return loc
}

// calendarPNG draws a person's check-in calendar as of now, titled for
// someone else (their coach) to read.
func (e *Engine) calendarPNG(ctx context.Context, p *Person, now time.Time) ([]byte, error) {
	loc := e.zoneOf(p)
	start, days := e.calendarDays(p, e.recentCheckIns(ctx, p.ID, now), loc, now)
	title := e.phrase("chart.calendar.member", p.ID.Platform(), Extra{Value: p.Identity.Name})
	return chart.Calendar{Title: title, Start: start, Days: days}.PNG()
}

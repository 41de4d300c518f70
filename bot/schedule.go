package bot

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Zones loads IANA time zones once and keeps them: time.LoadLocation reads
// and parses a file on every call, and the scheduler needs a zone for every
// reminder it fires.
type Zones struct {
	mu sync.RWMutex
	m  map[string]*time.Location
}

// NewZones returns an empty zone cache.
func NewZones() *Zones { return &Zones{m: make(map[string]*time.Location)} }

// Load returns the named zone. It refuses "Local" and "" (the machine's
// zone says nothing about the person) and explains what a zone looks like.
func (z *Zones) Load(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	z.mu.RLock()
	loc, ok := z.m[name]
	z.mu.RUnlock()
	if ok {
		return loc, nil
	}
	if name == "" || strings.EqualFold(name, "local") || len(name) > 64 {
		return nil, fmt.Errorf("%q is not a time zone name; use an IANA name like Europe/Berlin or America/New_York", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("I don't know the time zone %q; use an IANA name like Europe/Berlin or America/New_York", name)
	}
	z.mu.Lock()
	z.m[name] = loc
	z.mu.Unlock()
	return loc, nil
}

// Crons keeps parsed cron specs: people share a few hundred distinct
// schedules, and a reminder spike would otherwise parse (and check) the
// same spec thousands of times. A parsed SpecSchedule is never changed,
// so one value serves every caller.
type Crons struct {
	mu sync.RWMutex
	m  map[string]*cron.SpecSchedule
}

// maxCachedCrons bounds the cache; past it, it starts again empty.
const maxCachedCrons = 4096

// NewCrons returns an empty cache.
func NewCrons() *Crons { return &Crons{m: make(map[string]*cron.SpecSchedule)} }

// Parse returns the parsed spec, parsing it on first use.
func (c *Crons) Parse(spec string) (*cron.SpecSchedule, error) {
	c.mu.RLock()
	s, ok := c.m[spec]
	c.mu.RUnlock()
	if ok {
		return s, nil
	}
	s, err := ParseCron(spec)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedCrons {
		c.m = make(map[string]*cron.SpecSchedule)
	}
	c.m[spec] = s
	c.mu.Unlock()
	return s, nil
}

// ScheduleProblem says why a schedule, days or a cron spec cannot be
// used: Msg names the message that says it, Value is the part at fault.
type ScheduleProblem struct {
	Msg   Msg
	Value string
}

func (p ScheduleProblem) Error() string {
	if p.Value == "" {
		return string(p.Msg)
	}
	return fmt.Sprintf("%s: %q", p.Msg, p.Value)
}

// ParseCron parses a standard 5-field cron spec (minute hour day-of-month
// month day-of-week) for wall-clock matching. Descriptors like @every and
// a TZ= prefix are refused: the zone is the person's, and reminders follow
// the calendar, not an interval.
func ParseCron(spec string) (*cron.SpecSchedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "@") || strings.Contains(spec, "TZ=") {
		return nil, ScheduleProblem{"problem.cron.fields", spec}
	}
	if len(strings.Fields(spec)) != 5 {
		return nil, ScheduleProblem{"problem.cron.fields", spec}
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, ScheduleProblem{"problem.cron.invalid", spec}
	}
	ss, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, ScheduleProblem{"problem.cron.fields", spec}
	}
	ss.Location = time.UTC // matched against wall-clock time written as UTC
	if err := checkFrequency(ss); err != nil {
		return nil, err
	}
	return ss, nil
}

// checkFrequency refuses schedules that would turn reminders into noise:
// at most one reminder an hour, and at least one a year.
func checkFrequency(s *cron.SpecSchedule) error {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := s.Next(t)
	if prev.IsZero() {
		return ScheduleProblem{Msg: "problem.cron.never"}
	}
	for i := 0; i < 48; i++ {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		if next.Sub(prev) < time.Hour {
			return ScheduleProblem{Msg: "problem.cron.often"}
		}
		prev = next
	}
	return nil
}

// NextFire returns the first instant strictly after 'after' at which the
// schedule fires in loc. Matching is done on wall-clock time, so "09:00"
// stays 09:00 across DST changes; a wall time skipped by spring-forward
// fires once, at the transition; a wall time repeated by fall-back fires
// once, at its first occurrence, however long the fall-back (Casey's are
// three hours); a date the zone skipped altogether (Pacific/Apia, 30
// December 2011) has no firings. A zero time means it never fires.
func NextFire(s *cron.SpecSchedule, after time.Time, loc *time.Location) time.Time {
	la := after.In(loc)
	wall := time.Date(la.Year(), la.Month(), la.Day(), la.Hour(), la.Minute(), la.Second(), la.Nanosecond(), time.UTC)
	// Wall times already passed (the rest of a repeated stretch, up to
	// three hours of them) and a skipped date's are stepped over; a
	// schedule fires at most hourly, so a few dozen steps is plenty.
	for i := 0; i < 64; i++ {
		wall = s.Next(wall)
		if wall.IsZero() {
			return time.Time{}
		}
		t, skipped := resolveWall(wall, loc)
		if skipped {
			// The rest of that date never came either.
			wall = time.Date(wall.Year(), wall.Month(), wall.Day()+1, 0, 0, 0, 0, time.UTC).Add(-time.Second)
			continue
		}
		if t.After(after) {
			return t
		}
	}
	return time.Time{}
}

// resolveWall turns a wall-clock time (written as UTC) into an instant in
// loc: the earliest instant at which the clock shows it, or, for a time
// the clock jumped over, the instant of the jump. skipped reports a time
// on a date the clock jumped over whole: it has no instant.
//
// It reads the zone's periods (ZoneBounds) from a day before to a day
// after: each period whose offset puts w inside it holds an instant
// showing w; between two periods whose walls do not meet lies a jump.
func resolveWall(w time.Time, loc *time.Location) (t time.Time, skipped bool) {
	w = time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, 0, time.UTC)
	var jump, gapFrom, gapTo time.Time
	prevOff, first := 0, true
	limit := w.Add(27 * time.Hour) // offsets lie within a day of UTC
	for at := w.Add(-27 * time.Hour); at.Before(limit); first = false {
		lt := at.In(loc)
		_, off := lt.Zone()
		start, end := lt.ZoneBounds()
		shift := time.Duration(off) * time.Second
		if u := w.Add(-shift); (start.IsZero() || !u.Before(start)) && (end.IsZero() || u.Before(end)) {
			if t.IsZero() || u.Before(t) {
				t = u
			}
		}
		if !first && jump.IsZero() {
			// The clock went from start+prevOff to start+off at start.
			from, to := start.Add(time.Duration(prevOff)*time.Second), start.Add(shift)
			if !w.Before(from) && w.Before(to) {
				jump, gapFrom, gapTo = start, from, to
			}
		}
		if end.IsZero() {
			break
		}
		prevOff, at = off, end
	}
	if !t.IsZero() {
		return t.In(loc), false
	}
	day := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
	if !gapFrom.After(day) && !gapTo.Before(day.AddDate(0, 0, 1)) {
		return time.Time{}, true
	}
	return jump, false
}

var dayNumbers = map[string]int{
	"sun": 0, "sunday": 0, "sundays": 0, "su": 0,
	"mon": 1, "monday": 1, "mondays": 1, "mo": 1,
	"tue": 2, "tues": 2, "tuesday": 2, "tuesdays": 2, "tu": 2,
	"wed": 3, "wednesday": 3, "wednesdays": 3, "we": 3,
	"thu": 4, "thur": 4, "thurs": 4, "thursday": 4, "thursdays": 4, "th": 4,
	"fri": 5, "friday": 5, "fridays": 5, "fr": 5,
	"sat": 6, "saturday": 6, "saturdays": 6, "sa": 6,
}

var dayShort = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// ParseDays reads how often: "daily", "every day", "weekdays", "weekends",
// or days like "mon,wed,fri", "Tuesday and Thursday", "mon-fri". It
// returns the cron day-of-week field and a label to show.
func ParseDays(s string) (dow, label string, err error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.TrimSuffix(n, ".")
	switch n {
	case "1", "daily", "every day", "everyday", "each day", "all days", "all week", "7 days", "every single day":
		return "*", "daily", nil
	case "2", "weekdays", "weekday", "workdays", "work days", "on weekdays", "every weekday", "mon-fri", "monday to friday", "monday-friday":
		return "1-5", "weekdays", nil
	case "weekends", "weekend", "on weekends", "sat,sun", "saturday and sunday":
		return "0,6", "weekends", nil
	}
	fields := strings.FieldsFunc(n, func(r rune) bool { return r == ',' || r == ' ' || r == '/' || r == '&' || r == '+' })
	var set [7]bool
	count := 0
	for _, f := range fields {
		switch f {
		case "and", "on", "every", "each", "days", "day":
			continue
		}
		if a, b, ok := strings.Cut(f, "-"); ok {
			da, oka := dayNumbers[a]
			db, okb := dayNumbers[b]
			if !oka || !okb {
				return "", "", ScheduleProblem{"problem.days.range", f}
			}
			for d := da; ; d = (d + 1) % 7 {
				if !set[d] {
					set[d] = true
					count++
				}
				if d == db {
					break
				}
			}
			continue
		}
		d, ok := dayNumbers[f]
		if !ok {
			return "", "", ScheduleProblem{"problem.days.day", f}
		}
		if !set[d] {
			set[d] = true
			count++
		}
	}
	if count == 0 {
		return "", "", ScheduleProblem{"problem.days.none", s}
	}
	if count == 7 {
		return "*", "daily", nil
	}
	var nums, names []string
	for d := 1; d <= 7; d++ { // Monday first, Sunday last, as people list them
		if set[d%7] {
			nums = append(nums, strconv.Itoa(d%7))
			names = append(names, dayShort[d%7])
		}
	}
	if strings.Join(nums, ",") == "1,2,3,4,5" {
		return "1-5", "weekdays", nil
	}
	if strings.Join(nums, ",") == "6,0" {
		return "0,6", "weekends", nil
	}
	return strings.Join(nums, ","), strings.Join(names, ", "), nil
}

// ScheduleInput is what a person's schedule sentence says.
type ScheduleInput struct {
	Cron  string // 5-field spec
	Label string // "weekdays at 07:30"
	Habit string // from "after lunch", if given
	Time  string // "HH:MM", when a single time was given
}

// ParseSchedule reads a schedule as people say it — "daily 9:00",
// "weekdays 7:30am", "mon,wed,fri 18:00", "every day after lunch at
// 13:15" — or as a raw 5-field cron spec.
func ParseSchedule(s string) (ScheduleInput, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return ScheduleInput{}, ScheduleProblem{Msg: "problem.schedule.empty"}
	}
	if looksLikeCron(in) {
		if _, err := ParseCron(in); err != nil {
			return ScheduleInput{}, err
		}
		return ScheduleInput{Cron: in, Label: describeCron(in)}, nil
	}
	words := strings.Fields(strings.ToLower(in))
	var habit, days []string
	clock := ""
	inHabit := false
	for i := 0; i < len(words); i++ {
		w := words[i]
		if clock == "" {
			cand := w
			if i+1 < len(words) && (words[i+1] == "am" || words[i+1] == "pm" || words[i+1] == "a.m." || words[i+1] == "p.m.") {
				cand = w + words[i+1]
			}
			if _, _, err := ParseClock(cand); err == nil && strings.IndexAny(w, "0123456789") >= 0 || cand == "noon" {
				clock = cand
				if cand != w {
					i++
				}
				inHabit = false
				continue
			}
		}
		switch {
		case w == "after" || w == "right" && i+1 < len(words) && words[i+1] == "after":
			inHabit = true
			continue
		case w == "at" || w == "around":
			inHabit = false
			continue
		case inHabit:
			habit = append(habit, w)
			continue
		}
		days = append(days, w)
	}
	if clock == "" {
		return ScheduleInput{}, ScheduleProblem{"problem.schedule.notime", in}
	}
	h, m, _ := ParseClock(clock)
	dow, label := "*", "daily"
	if len(days) > 0 {
		var err error
		dow, label, err = ParseDays(strings.Join(days, " "))
		if err != nil {
			if sp, ok := err.(ScheduleProblem); ok {
				sp.Msg += ".try"
				return ScheduleInput{}, sp
			}
			return ScheduleInput{}, err
		}
	}
	hhmm := fmt.Sprintf("%02d:%02d", h, m)
	return ScheduleInput{
		Cron:  fmt.Sprintf("%d %d * * %s", m, h, dow),
		Label: label + " at " + hhmm,
		Habit: strings.Join(habit, " "),
		Time:  hhmm,
	}, nil
}

// looksLikeCron reports whether s is five fields made only of cron
// characters (digits, * , - /) or day and month names.
func looksLikeCron(s string) bool {
	f := strings.Fields(s)
	if len(f) != 5 {
		return false
	}
	for _, x := range f[:3] {
		if strings.Trim(x, "0123456789*,-/?") != "" {
			return false
		}
	}
	return true
}

// dailyCron builds the cron spec for a time of day on the given days.
func dailyCron(hhmm, dow string) string {
	h, m, _ := ParseClock(hhmm)
	return fmt.Sprintf("%d %d * * %s", m, h, dow)
}

// describeCron says a raw cron spec in words where it is a simple one
// (one time of day on some days), and quotes it otherwise.
func describeCron(spec string) string {
	f := strings.Fields(spec)
	m, errM := strconv.Atoi(f[0])
	h, errH := strconv.Atoi(f[1])
	if errM != nil || errH != nil || f[2] != "*" || f[3] != "*" || h > 23 || m > 59 {
		return "on the schedule “" + spec + "”"
	}
	days := "daily"
	if f[4] != "*" {
		if _, label, err := ParseDays(cronDaysAsWords(f[4])); err == nil {
			days = label
		} else {
			days = "on days " + f[4]
		}
	}
	return fmt.Sprintf("%s at %02d:%02d", days, h, m)
}

// cronDaysAsWords turns a cron day-of-week field ("1-5", "1,3,5") into
// day names for ParseDays.
func cronDaysAsWords(field string) string {
	r := strings.NewReplacer("0", "sun", "1", "mon", "2", "tue", "3", "wed", "4", "thu", "5", "fri", "6", "sat", "7", "sun")
	return r.Replace(field)
}

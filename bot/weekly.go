package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Weekly configures the weekly round: each group's digest in its channel
// and each coach's report in their DM. A group's own settings (see
// GroupSettings) override the day, time and zone.
type Weekly struct {
	// Off turns the weekly round off everywhere.
	Off bool
	// Day is the weekday of the round. Default Sunday.
	Day time.Weekday
	// Time is the local time of day, "18:00". Default 18:00.
	Time string
	// Grace is how late a round missed while the bot was down is still
	// made. Default 12h; older rounds are skipped, not sent in a burst.
	Grace time.Duration
}

// minRoundGap is the least time between two rounds of one group.
const minRoundGap = 6 * 24 * time.Hour

// weeklyRecheck is how often the list of groups and their settings is
// read again, so that new groups and changed settings are seen.
const weeklyRecheck = 10 * time.Minute

// weeklyState remembers when the next round is due, so that the scheduler
// does not read every group each time it wakes.
type weeklyState struct {
	mu      sync.Mutex
	next    time.Time // earliest round due; zero when no group has one
	checked time.Time // when next was worked out (engine clock)
	known   bool
}

// roundOf is a group's weekly schedule and zone.
func (e *Engine) roundOf(ctx context.Context, group string) (*cron.SpecSchedule, *time.Location, error) {
	g, err := e.store.GroupSettings(ctx, group)
	if err != nil {
		return nil, nil, err
	}
	day, at, loc := e.digestSettings(g)
	hh, mm, _ := ParseClock(at)
	sched, err := e.crons.Parse(fmt.Sprintf("%d %d * * %d", mm, hh, day))
	if err != nil {
		return nil, nil, err
	}
	return sched, loc, nil
}

// digestSettings is when a group's weekly round goes out: what the group
// set, where it can be read, and the engine's defaults for the rest.
func (e *Engine) digestSettings(g GroupSettings) (day time.Weekday, at string, loc *time.Location) {
	day, at = e.weekly.Day, e.weekly.Time
	if d, ok := ParseWeekday(g.DigestDay); ok {
		day = d
	}
	if _, _, err := ParseClock(g.DigestTime); err == nil {
		at = g.DigestTime
	}
	loc, err := e.zones.Load(g.Zone)
	if err != nil {
		loc, _ = e.zones.Load(e.defaultZone)
	}
	return day, at, loc
}

// digestWhen says in words when a group's weekly digest goes out ("on
// Fridays at 17:30, America/New_York time"), with the bot's defaults for
// whatever the group has not set.
func (e *Engine) digestWhen(g GroupSettings, platform string) string {
	if e.weekly.Off {
		return e.phrase("digest.when.off", platform, Extra{})
	}
	day, at, loc := e.digestSettings(g)
	days := e.phrase(Msg("label.every."+strings.ToLower(day.String())), platform, Extra{})
	return e.phrase("digest.when", platform, Extra{Value: days, Due: at, Channel: loc.String()})
}

// ParseWeekday reads a weekday's English name or its first three letters.
func ParseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if strings.HasPrefix(name, s) {
			return d, true
		}
	}
	return 0, false
}

// fireWeekly makes every weekly round due by now: for each group, its
// digest and its coaches' reports, queued in one transaction with the
// record that the round was made, so that a round is sent once however
// often this runs or crashes. It returns how many rounds were made.
func (e *Engine) fireWeekly(ctx context.Context, now time.Time) (int, error) {
	made, _, err := e.weeklyScan(ctx, now, true)
	if made > 0 && e.queued != nil {
		e.queued()
	}
	return made, err
}

// nextWeekly returns when the next weekly round is due.
func (e *Engine) nextWeekly(ctx context.Context, now time.Time) (time.Time, bool) {
	_, next, err := e.weeklyScan(ctx, now, false)
	if err != nil {
		e.log.Error("weekly rounds", "err", err)
	}
	return next, !next.IsZero()
}

// weeklyScan works out when each group's next round is due and, with
// fire, makes the rounds due by now. It reads the groups only when the
// remembered next round has come or the remembered list is getting old.
func (e *Engine) weeklyScan(ctx context.Context, now time.Time, fire bool) (made int, next time.Time, err error) {
	if e.weekly.Off {
		return 0, time.Time{}, nil
	}
	w := &e.weeklyState
	w.mu.Lock()
	defer w.mu.Unlock()
	fresh := w.known && !now.Before(w.checked) && now.Sub(w.checked) < weeklyRecheck
	if fresh && (now.Before(w.next) || w.next.IsZero() || !fire) {
		return 0, w.next, nil
	}
	groups, err := e.store.Groups(ctx)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("bot: list groups: %w", err)
	}
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return made, next, err
		}
		due, ok, err := e.groupRound(ctx, g, now, fire)
		if err != nil {
			// One group's trouble must not hold up the others; it is
			// tried again at the next recheck.
			e.log.Error("weekly round", "group", g, "err", err)
			continue
		}
		if ok {
			made++
		}
		if !due.IsZero() && (next.IsZero() || due.Before(next)) {
			next = due
		}
	}
	w.next, w.checked, w.known = next, now, true
	return made, next, nil
}

// groupRound returns when a group's next round is due; with fire, it
// first makes the round due by now, if any (made is then true).
func (e *Engine) groupRound(ctx context.Context, group string, now time.Time, fire bool) (next time.Time, made bool, err error) {
	sched, loc, err := e.roundOf(ctx, group)
	if err != nil {
		return time.Time{}, false, err
	}
	last, err := e.store.LastWeekly(ctx, group)
	if err != nil {
		return time.Time{}, false, err
	}
	// A round missed for longer than the grace is skipped: a digest of
	// last month's week is no celebration. And a group gets at most one
	// round in six days, even when its admin moves the day or time.
	from := last
	if !last.IsZero() {
		from = last.Add(minRoundGap)
	}
	if floor := now.Add(-e.weekly.Grace); from.Before(floor) {
		from = floor
	}
	due := NextFire(sched, from, loc)
	if due.IsZero() || due.After(now) || !fire {
		return due, false, nil
	}
	replies := e.weeklyRound(ctx, group, due, now, loc)
	made, err = e.store.CommitWeekly(ctx, group, due, replies)
	if err != nil {
		return time.Time{}, false, err
	}
	if made {
		e.log.Info("weekly round", "group", group, "due", due, "replies", len(replies))
	}
	return NextFire(sched, due, loc), made, nil
}

// weeklyRound builds a group's round for the week up to due: the digest
// for the group's channel and a report for each coach.
func (e *Engine) weeklyRound(ctx context.Context, group string, due, now time.Time, loc *time.Location) []Reply {
	people, err := e.store.Members(ctx, group)
	if err != nil || len(people) == 0 {
		if err != nil {
			e.log.Error("load group", "group", group, "err", err)
		}
		return nil
	}
	platform := people[0].ID.Platform()
	var out []Reply
	if d, ok := e.digest(ctx, group, people, due); ok {
		d.To, d.Platform, d.At = "", platform, now
		d.Key = fmt.Sprintf("weekly/%s/%d/digest", group, due.Unix())
		out = append(out, d)
	}
	coaches := map[PersonID]bool{}
	for _, m := range people {
		if ms := m.Membership(group); ms != nil && ms.Coach != "" && ms.Coach != m.ID {
			coaches[ms.Coach] = true
		}
	}
	ids := make([]PersonID, 0, len(coaches))
	for id := range coaches {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, coach := range ids {
		if r, ok := e.coachReport(ctx, coach, group, due, loc); ok {
			r.To, r.At, r.Visibility = coach, now, Private
			r.Key = fmt.Sprintf("weekly/%s/%d/coach/%s", group, due.Unix(), coach)
			out = append(out, r)
		}
	}
	return out
}

// DigestEntry is one person celebrated in a group's digest.
type DigestEntry struct {
	Name       string
	Wins       []string
	Milestones []string
	Streak     int
}

// digest is a group's week in its channel: the wins, streaks and
// milestones of the people who chose public accountability. Private
// people are not read at all. ok is false when nobody in the group shares
// publicly (there is nobody to celebrate, nor anyone reading).
func (e *Engine) digest(ctx context.Context, group string, people []*Person, due time.Time) (Reply, bool) {
	from := due.AddDate(0, 0, -7)
	var entries []DigestEntry
	var about []PersonID
	public := 0
	platform := people[0].ID.Platform()
	esc := e.escaper(platform)
	for _, p := range people {
		if m := p.Membership(group); m == nil || !m.Public() {
			continue
		}
		public++
		d := DigestEntry{Name: esc(p.Identity.Name)}
		wins, err := e.store.Wins(ctx, p.ID, 50)
		if err != nil {
			e.log.Error("load wins", "person", p.ID, "err", err)
		}
		for i := len(wins) - 1; i >= 0; i-- { // oldest first
			if w := wins[i]; w.At.After(from) && !w.At.After(due) && len(d.Wins) < 5 {
				d.Wins = append(d.Wins, esc(short(w.Text, 120)))
			}
		}
		for _, m := range p.Plan.Milestones {
			if m.Done.After(from) && !m.Done.After(due) {
				d.Milestones = append(d.Milestones, esc(short(m.Text, 120)))
			}
		}
		if s := e.streakOf(p, e.recentCheckIns(ctx, p.ID, due), e.zoneOf(p), due); s >= 3 {
			d.Streak = s
		}
		if len(d.Wins)+len(d.Milestones) > 0 || d.Streak > 0 {
			entries = append(entries, d)
			about = append(about, p.ID)
		}
	}
	if public == 0 {
		return Reply{}, false
	}
	name := "digest.week"
	if len(entries) == 0 {
		name = "digest.quiet"
	}
	variants := max(e.words.Variants(name), 1)
	text, err := e.words.Say(name, platform, int(due.Unix()/(7*24*3600))%variants, Data{Extra: Extra{People: entries, Of: public}})
	if err != nil {
		e.log.Error("render digest", "group", group, "err", err)
		return Reply{}, false
	}
	return Reply{Text: text, Visibility: Public, Place: Place{Group: group}, About: about}, true
}

// coachReport is a coach's week of the members who consented to share
// with them, with each member's check-in calendar as a picture.
func (e *Engine) coachReport(ctx context.Context, coach PersonID, group string, due time.Time, loc *time.Location) (Reply, bool) {
	members, people := e.coachMembers(ctx, coach, group, due, loc)
	if len(members) == 0 {
		return Reply{}, false
	}
	var moved, stuck, starting []CoachView
	for _, m := range members {
		switch m.Status {
		case "moving":
			moved = append(moved, m)
		case "stuck":
			stuck = append(stuck, m)
		default:
			starting = append(starting, m)
		}
	}
	x := Extra{Members: members, Moving: moved, MaybeStuck: stuck, GettingStarted: starting}
	text, err := e.words.Say("coach.report", coach.Platform(), 0, Data{Extra: x})
	if err != nil {
		e.log.Error("render coach report", "coach", coach, "err", err)
		return Reply{}, false
	}
	r := Reply{Text: text}
	for i, p := range people {
		r.About = append(r.About, p.ID)
		png, err := e.calendarPNG(ctx, p, due)
		if err != nil {
			e.log.Error("draw calendar", "person", p.ID, "err", err)
			continue
		}
		r.Files = append(r.Files, File{Name: fmt.Sprintf("calendar-%d-%s.png", i+1, fileSafe(p.Identity.Name)), Type: "image/png", Data: png})
	}
	return r, true
}

// fileSafe turns a name into something safe in a file name.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 24 {
			break
		}
	}
	if s := strings.Trim(b.String(), "-"); s != "" {
		return s
	}
	return "member"
}

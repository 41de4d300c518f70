package bot

import (
	"archive/zip"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// fires lists the firing instants of spec in zone from start (local wall
// time) until end, as RFC 3339 in that zone.
func fires(t *testing.T, zone, spec, start, end string) []string {
	t.Helper()
	loc, err := NewZones().Load(zone)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseCron(spec)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := time.ParseInLocation("2006-01-02T15:04", start, loc)
	until, _ := time.ParseInLocation("2006-01-02T15:04", end, loc)
	var out []string
	for at := NextFire(s, from, loc); !at.IsZero() && at.Before(until); at = NextFire(s, at, loc) {
		out = append(out, at.In(loc).Format(time.RFC3339))
		if len(out) > 50 {
			t.Fatal("runaway schedule")
		}
	}
	return out
}

// TestDST pins reminder times across daylight-saving changes in real
// zones: a wall time skipped by spring-forward fires once, at the
// transition; a wall time repeated by fall-back fires once, the first time.
func TestDST(t *testing.T) {
	tests := []struct {
		name, zone, spec, start, end string
		want                         []string
	}{
		{"New York 9:00 across spring-forward", "America/New_York", "0 9 * * *", "2026-03-07T00:00", "2026-03-10T00:00",
			[]string{"2026-03-07T09:00:00-05:00", "2026-03-08T09:00:00-04:00", "2026-03-09T09:00:00-04:00"}},
		{"New York 9:00 across fall-back", "America/New_York", "0 9 * * *", "2026-10-31T00:00", "2026-11-03T00:00",
			[]string{"2026-10-31T09:00:00-04:00", "2026-11-01T09:00:00-05:00", "2026-11-02T09:00:00-05:00"}},
		{"New York 2:30 skipped: once at the transition", "America/New_York", "30 2 * * *", "2026-03-07T12:00", "2026-03-10T00:00",
			[]string{"2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"}},
		{"New York 1:30 repeated: once", "America/New_York", "30 1 * * *", "2026-10-31T12:00", "2026-11-03T00:00",
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
		{"Berlin 2:30 skipped", "Europe/Berlin", "30 2 * * *", "2026-03-28T12:00", "2026-03-31T00:00",
			[]string{"2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"}},
		{"Berlin 2:30 repeated", "Europe/Berlin", "30 2 * * *", "2026-10-24T12:00", "2026-10-27T00:00",
			[]string{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
		{"Sydney 2:30 repeated (April, southern autumn)", "Australia/Sydney", "30 2 * * *", "2026-04-04T12:00", "2026-04-07T00:00",
			[]string{"2026-04-05T02:30:00+11:00", "2026-04-06T02:30:00+10:00"}},
		{"Sydney 2:30 skipped (October, southern spring)", "Australia/Sydney", "30 2 * * *", "2026-10-03T12:00", "2026-10-06T00:00",
			[]string{"2026-10-04T03:00:00+11:00", "2026-10-05T02:30:00+11:00"}},
		{"Lord Howe 1:45 repeated by a 30-minute fall-back", "Australia/Lord_Howe", "45 1 * * *", "2026-04-04T12:00", "2026-04-07T00:00",
			[]string{"2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"}},
		{"Lord Howe 2:15 skipped by a 30-minute spring-forward", "Australia/Lord_Howe", "15 2 * * *", "2026-10-03T12:00", "2026-10-06T00:00",
			[]string{"2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"}},
		{"Kolkata 9:00, no DST", "Asia/Kolkata", "0 9 * * *", "2026-03-07T00:00", "2026-03-10T00:00",
			[]string{"2026-03-07T09:00:00+05:30", "2026-03-08T09:00:00+05:30", "2026-03-09T09:00:00+05:30"}},
		{"Chatham 3:00 repeated (UTC+13:45 to +12:45)", "Pacific/Chatham", "0 3 * * *", "2026-04-04T12:00", "2026-04-07T00:00",
			[]string{"2026-04-05T03:00:00+13:45", "2026-04-06T03:00:00+12:45"}},
		{"Chatham 3:00 skipped (UTC+12:45 to +13:45)", "Pacific/Chatham", "0 3 * * *", "2026-09-26T12:00", "2026-09-29T00:00",
			[]string{"2026-09-27T03:45:00+13:45", "2026-09-28T03:00:00+13:45"}},
		{"Casey midnight repeated by a 3-hour fall-back: the first time", "Antarctica/Casey", "0 0 * * *", "2010-03-03T12:00", "2010-03-06T12:00",
			[]string{"2010-03-04T00:00:00+11:00", "2010-03-05T00:00:00+11:00", "2010-03-06T00:00:00+08:00"}},
		{"Apia skipped 30 December 2011: no reminder that day, none doubled the next", "Pacific/Apia", "0 9 * * *", "2011-12-29T00:00", "2012-01-01T00:00",
			[]string{"2011-12-29T09:00:00-10:00", "2011-12-31T09:00:00+14:00"}},
		{"Apia's skipped Friday, weekly", "Pacific/Apia", "0 9 * * 5", "2011-12-20T00:00", "2012-01-10T00:00",
			[]string{"2011-12-23T09:00:00-10:00", "2012-01-06T09:00:00+14:00"}},
		{"weekdays only, across a weekend", "Europe/Berlin", "30 7 * * 1-5", "2026-03-06T08:00", "2026-03-11T00:00",
			[]string{"2026-03-09T07:30:00+01:00", "2026-03-10T07:30:00+01:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fires(t, tt.zone, tt.spec, tt.start, tt.end)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("fires\n got  %v\n want %v", got, tt.want)
			}
		})
	}
}

// TestZoneChange: the same schedule in a new zone fires at the same wall
// time there.
func TestZoneChange(t *testing.T) {
	s, _ := ParseCron("0 9 * * *")
	zones := NewZones()
	berlin, _ := zones.Load("Europe/Berlin")
	tokyo, _ := zones.Load("Asia/Tokyo")
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	if got := NextFire(s, now, berlin).In(berlin).Format("15:04 MST"); got != "09:00 CET" {
		t.Errorf("Berlin: %s", got)
	}
	if got := NextFire(s, now, tokyo).In(tokyo).Format("Jan 2 15:04 MST"); got != "Mar 3 09:00 JST" {
		t.Errorf("Tokyo: %s", got)
	}
}

func TestZonesRefuseNonsense(t *testing.T) {
	z := NewZones()
	for _, name := range []string{"", "Local", "Mars/Olympus", "../../etc/passwd", strings.Repeat("A", 100)} {
		if _, err := z.Load(name); err == nil {
			t.Errorf("Load(%q) accepted", name)
		}
	}
}

// TestNextFireEveryZone checks NextFire against an oracle in every zone
// of Go's time zone database, around every change of offset from 2005
// to 2036, for a set of schedules: every quarter of an hour (every wall
// time a change can touch), a daily 02:30 and 00:00, and Fridays at
// 09:00. Between two changes an offset is fixed and nothing can go
// wrong, so only the hours around each change are walked.
//
// The oracle reads the clock forwards, instant by instant, instead of
// resolving a wall time: a wall time fires at the earliest instant the
// clock shows it; one the clock jumps over fires at the jump, unless its
// whole date was jumped over (Pacific/Apia skipped 30 December 2011),
// and then not at all: that day never came.
func TestNextFireEveryZone(t *testing.T) {
	names := zoneNames(t)
	var specs []*cron.SpecSchedule
	for _, spec := range []string{"*/15 * * * *", "30 2 * * *", "0 0 * * *", "0 9 * * 5"} {
		s, err := cron.ParseStandard(spec) // the quarter-hours are too often for ParseCron
		if err != nil {
			t.Fatal(err)
		}
		ss := s.(*cron.SpecSchedule)
		ss.Location = time.UTC
		specs = append(specs, ss)
	}
	from, until := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{} // zones that are links to one already checked
	checks, firings, zones, mismatches := 0, 0, 0, 0
	for _, name := range names {
		loc, err := time.LoadLocation(name)
		if err != nil {
			continue
		}
		o := newOracle(loc, from, until)
		if seen[o.key] {
			continue
		}
		seen[o.key] = true
		zones++
		for i := 1; i < len(o.segs); i++ {
			jump := o.segs[i].start
			if jump.Before(from) || !jump.Before(until) {
				continue
			}
			shift := time.Duration(o.segs[i].off-o.segs[i-1].off) * time.Second
			a, b := jump.Add(-5*time.Hour), jump.Add(shift.Abs()+5*time.Hour)
			for si, s := range specs {
				want := o.fires(s, a, b)
				var got []time.Time
				for at := NextFire(s, a, loc); !at.IsZero() && !at.After(b); at = NextFire(s, at, loc) {
					got = append(got, at)
					if len(got) > 200 {
						break
					}
				}
				checks++
				firings += len(want)
				if !slices.EqualFunc(got, want, time.Time.Equal) {
					if mismatches++; mismatches <= 10 {
						k := 0
						for k < min(len(got), len(want)) && got[k].Equal(want[k]) {
							k++
						}
						t.Errorf("%s around %s, schedule %d, from firing %d:\n got  %s\n want %s", name, jump.In(loc).Format(time.RFC3339), si, k,
							stamps(got[k:min(len(got), k+4)], loc), stamps(want[k:min(len(want), k+4)], loc))
					}
				}
			}
		}
	}
	t.Logf("%d zones (%d names), %d windows around changes of offset, %d firings compared, %d mismatches", zones, len(names), checks, firings, mismatches)
	if zones < 300 || checks < 10000 {
		t.Errorf("only %d zones and %d windows checked", zones, checks)
	}
}

func stamps(ts []time.Time, loc *time.Location) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.In(loc).Format("01-02T15:04-07:00"))
	}
	return strings.Join(out, " ")
}

// zoneNames lists the zones of Go's time zone database (the zip that
// ships with Go), or the system's when that is missing.
func zoneNames(t *testing.T) []string {
	t.Helper()
	var names []string
	if z, err := zip.OpenReader(filepath.Join(runtime.GOROOT(), "lib", "time", "zoneinfo.zip")); err == nil {
		defer z.Close()
		for _, f := range z.File {
			if !strings.HasSuffix(f.Name, "/") {
				names = append(names, f.Name)
			}
		}
	} else {
		root := "/usr/share/zoneinfo"
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.Contains(path, ".") {
				names = append(names, strings.TrimPrefix(path, root+"/"))
			}
			return nil
		})
	}
	if len(names) < 300 {
		t.Skipf("no time zone database found (%d names)", len(names))
	}
	return names
}

// segment is a stretch of time with one UTC offset (seconds).
type segment struct {
	start time.Time
	off   int
}

// oracle knows a zone's offsets over a span, read forwards.
type oracle struct {
	loc  *time.Location
	segs []segment
	offs []int
	key  string // the offsets and their starts: equal for linked zones
	days map[time.Time]bool
}

func newOracle(loc *time.Location, from, until time.Time) *oracle {
	o := &oracle{loc: loc, days: map[time.Time]bool{}}
	var key strings.Builder
	for at := from.AddDate(0, -1, 0); at.Before(until.AddDate(0, 1, 0)); {
		lt := at.In(loc)
		_, off := lt.Zone()
		start, end := lt.ZoneBounds()
		if len(o.segs) == 0 || o.segs[len(o.segs)-1].off != off {
			o.segs = append(o.segs, segment{start, off})
			fmt.Fprintf(&key, "%d@%d ", off, start.Unix())
		}
		if !slices.Contains(o.offs, off) {
			o.offs = append(o.offs, off)
		}
		if end.IsZero() {
			break
		}
		at = end
	}
	o.key = key.String()
	return o
}

// wall is what the clock shows at instant u, written as UTC.
func (o *oracle) wall(u time.Time) time.Time {
	l := u.In(o.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
}

// shows returns the instants at which the clock shows wall time w.
func (o *oracle) shows(w time.Time) []time.Time {
	var out []time.Time
	for _, off := range o.offs {
		if u := w.Add(-time.Duration(off) * time.Second); o.wall(u).Equal(w) {
			out = append(out, u)
		}
	}
	return out
}

// dayComes reports whether the clock shows any time on w's date.
func (o *oracle) dayComes(w time.Time) bool {
	day := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
	comes, ok := o.days[day]
	if !ok {
		for q := day; q.Before(day.AddDate(0, 0, 1)) && !comes; q = q.Add(15 * time.Minute) {
			comes = len(o.shows(q)) > 0
		}
		o.days[day] = comes
	}
	return comes
}

// at is when wall time w fires (zero: never).
func (o *oracle) at(w time.Time) time.Time {
	if us := o.shows(w); len(us) > 0 {
		return slices.MinFunc(us, time.Time.Compare)
	}
	if !o.dayComes(w) {
		return time.Time{}
	}
	// The clock jumped over w: at the first change after which it shows
	// a later time.
	for _, s := range o.segs {
		if o.wall(s.start).After(w) {
			return s.start
		}
	}
	return time.Time{}
}

// fires lists the instants in (a, b] at which s fires.
func (o *oracle) fires(s *cron.SpecSchedule, a, b time.Time) []time.Time {
	// A wall time that fires in (a, b] reads between a and b at one of
	// the zone's offsets.
	lo, hi := time.Duration(slices.Min(o.offs))*time.Second, time.Duration(slices.Max(o.offs))*time.Second
	var out []time.Time
	end := b.Add(hi).UTC()
	for w := s.Next(a.Add(lo - time.Minute).UTC()); !w.IsZero() && !w.After(end); w = s.Next(w) {
		if u := o.at(w); u.After(a) && !u.After(b) && (len(out) == 0 || !out[len(out)-1].Equal(u)) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal)
}

package bot

import (
	"strings"
	"testing"
	"time"
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

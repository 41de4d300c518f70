package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseOutcome(t *testing.T) {
	tests := []struct {
		in   string
		want Outcome
		ok   bool
	}{
		{"done", Done, true},
		{" Done! ", Done, true},
		{"✅", Done, true},
		{"yes, finally", Done, true},
		{"partly", Partly, true},
		{"kinda", Partly, true},
		{"not yet", NotYet, true},
		{"Not yet, tomorrow", NotYet, true},
		{"didn't manage", NotYet, true},
		{"nope", NotYet, true},
		{"2", "", false}, // numbers are button presses, not words
		{"maybe", "", false},
		{"", "", false},
		{"doneish but not really", Done, true},
	}
	for _, tt := range tests {
		got, ok := ParseOutcome(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseOutcome(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in      string
		h, m    int
		wantErr bool
	}{
		{"9", 9, 0, false},
		{"9:00", 9, 0, false},
		{"09:05", 9, 5, false},
		{"7:30am", 7, 30, false},
		{"7:30 PM", 19, 30, false},
		{"12am", 0, 0, false},
		{"12pm", 12, 0, false},
		{"7.45", 7, 45, false},
		{"18h", 18, 0, false},
		{"at 6:15pm", 18, 15, false},
		{"noon", 12, 0, false},
		{"midnight", 0, 0, false},
		{"25:00", 0, 0, true},
		{"9:60", 0, 0, true},
		{"13pm", 0, 0, true},
		{"0am", 0, 0, true},
		{"9:5", 0, 0, true},
		{"eleven", 0, 0, true},
		{"", 0, 0, true},
		{"-1", 0, 0, true},
		{"123", 0, 0, true},
	}
	for _, tt := range tests {
		h, m, err := ParseClock(tt.in)
		if (err != nil) != tt.wantErr || !tt.wantErr && (h != tt.h || m != tt.m) {
			t.Errorf("ParseClock(%q) = %d:%02d, %v; want %d:%02d, error %v", tt.in, h, m, err, tt.h, tt.m, tt.wantErr)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"36h", 36 * time.Hour, false},
		{"1d", 24 * time.Hour, false},
		{"2d12h", 60 * time.Hour, false},
		{"1w", 7 * 24 * time.Hour, false},
		{"90m", 90 * time.Minute, false},
		{"soon", 0, true},
		{"", 0, true},
		{"-1d", 0, true},
		{"-5h", 0, true},
		{"1x", 0, true},
		{"2 days", 48 * time.Hour, false},
		{"for a week", 7 * 24 * time.Hour, false},
		{"3 hours and 30 minutes", 210 * time.Minute, false},
		{"an hour", time.Hour, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseDays(t *testing.T) {
	tests := []struct {
		in, dow, label string
		wantErr        bool
	}{
		{"daily", "*", "daily", false},
		{"Every day", "*", "daily", false},
		{"weekdays", "1-5", "weekdays", false},
		{"weekends", "0,6", "weekends", false},
		{"mon,wed,fri", "1,3,5", "Mon, Wed, Fri", false},
		{"Tuesday and Thursday", "2,4", "Tue, Thu", false},
		{"mon-fri", "1-5", "weekdays", false},
		{"fri-mon", "1,5,6,0", "Mon, Fri, Sat, Sun", false},
		{"sun sat", "0,6", "weekends", false},
		{"mon tue wed thu fri sat sun", "*", "daily", false},
		{"sometimes", "", "", true},
		{"", "", "", true},
		{"mon-xyz", "", "", true},
	}
	for _, tt := range tests {
		dow, label, err := ParseDays(tt.in)
		if (err != nil) != tt.wantErr || dow != tt.dow || label != tt.label {
			t.Errorf("ParseDays(%q) = %q, %q, %v; want %q, %q, error %v", tt.in, dow, label, err, tt.dow, tt.label, tt.wantErr)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		in                      string
		cron, label, habit, hhm string
		wantErr                 string
	}{
		{in: "daily 9:00", cron: "0 9 * * *", label: "daily at 09:00", hhm: "09:00"},
		{in: "weekdays 7:30am", cron: "30 7 * * 1-5", label: "weekdays at 07:30", hhm: "07:30"},
		{in: "weekdays 7:30 am", cron: "30 7 * * 1-5", label: "weekdays at 07:30", hhm: "07:30"},
		{in: "mon,wed,fri 18:00", cron: "0 18 * * 1,3,5", label: "Mon, Wed, Fri at 18:00", hhm: "18:00"},
		{in: "every day after lunch at 13:15", cron: "15 13 * * *", label: "daily at 13:15", habit: "lunch", hhm: "13:15"},
		{in: "9:00", cron: "0 9 * * *", label: "daily at 09:00", hhm: "09:00"},
		{in: "0 7 * * *", cron: "0 7 * * *", label: "daily at 07:00"},
		{in: "30 6 * * 1-5", cron: "30 6 * * 1-5", label: "weekdays at 06:30"},
		{in: "0 9 1 * *", cron: "0 9 1 * *", label: "on the schedule “0 9 1 * *”"},
		{in: "* * * * *", wantErr: "problem.cron.often"},
		{in: "0 25 * * *", wantErr: "problem.cron.invalid"},
		{in: "at teatime", wantErr: "problem.schedule.notime"},
		{in: "someday 9:00", wantErr: "problem.days.day.try"},
		{in: "", wantErr: "problem.schedule.empty"},
		{in: "@every 1h", wantErr: "problem.days.day.try: \"@every\""},
	}
	for _, tt := range tests {
		got, err := ParseSchedule(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSchedule(%q) error = %v; want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.Cron != tt.cron || got.Label != tt.label || got.Habit != tt.habit || got.Time != tt.hhm {
			t.Errorf("ParseSchedule(%q) = %+v, %v; want cron %q label %q habit %q time %q", tt.in, got, err, tt.cron, tt.label, tt.habit, tt.hhm)
		}
	}
}

func TestVagueGoalsAndBigSteps(t *testing.T) {
	vague := []string{"be more confident", "Get fit", "improve my health", "be a better manager at work", "sort out my finances"}
	concrete := []string{"Run a 5k by June", "Write 300 words every weekday", "speak up once in every team meeting", "call my mother on Sundays"}
	for _, g := range vague {
		if !IsVagueGoal(g) {
			t.Errorf("IsVagueGoal(%q) = false; want true", g)
		}
	}
	for _, g := range concrete {
		if IsVagueGoal(g) {
			t.Errorf("IsVagueGoal(%q) = true; want false", g)
		}
	}
	big := []string{"finish the whole report", "write the intro, the method, and the results", "build the website and then launch it"}
	small := []string{"send one email to Sam", "write three bullet points", "put my shoes by the door"}
	for _, s := range big {
		if !IsBigStep(s) {
			t.Errorf("IsBigStep(%q) = false; want true", s)
		}
	}
	for _, s := range small {
		if IsBigStep(s) {
			t.Errorf("IsBigStep(%q) = true; want false", s)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		in, want string
		cut      bool
	}{
		{"  hello  ", "hello", false},
		{"a\x00b\x07c\x1b[31md", "abc[31md", false},
		{"line\r\nnext", "line\nnext", false},
		{"bad \xff utf8", "bad \uFFFD utf8", false},
		{"rtl \u202Eevil", "rtl evil", false},
		{"🙂 emoji 👩‍👩‍👧", "🙂 emoji 👩‍👩‍👧", false},
		{strings.Repeat("x", MaxTextRunes+10), strings.Repeat("x", MaxTextRunes), true},
	}
	for _, tt := range tests {
		got, cut := CleanText(tt.in)
		if got != tt.want || cut != tt.cut {
			t.Errorf("CleanText(%q) = %q, %v; want %q, %v", short(tt.in, 30), short(got, 30), cut, short(tt.want, 30), tt.cut)
		}
	}
}

func TestYouFormAndAnchorPhrase(t *testing.T) {
	tests := []struct{ habit, want string }{
		{"my morning coffee", "after your morning coffee"},
		{"when I get home from work", "when you get home from work"},
		{"When I am done with lunch", "when you are done with lunch"},
		{"lunch", "after lunch"},
		{"I'm at my desk", "after you're at your desk"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := AnchorPhrase(tt.habit); got != tt.want {
			t.Errorf("AnchorPhrase(%q) = %q; want %q", tt.habit, got, tt.want)
		}
	}
	if got := asGoal("I'd speak up in meetings"); got != "Speak up in meetings" {
		t.Errorf("asGoal = %q", got)
	}
	if got := asGoal("I'd be calmer with my kids"); got != "Be calmer with my kids" {
		t.Errorf("asGoal = %q", got)
	}
}

func FuzzParsers(f *testing.F) {
	for _, s := range []string{"9:00", "weekdays 7:30am", "0 9 * * 1-5", "mon-fri", "1d", "done", "\xff", "12pm", "after lunch at 13:15", "*/5 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if h, m, err := ParseClock(s); err == nil && (h < 0 || h > 23 || m < 0 || m > 59) {
			t.Fatalf("ParseClock(%q) = %d:%d", s, h, m)
		}
		if d, err := ParseDuration(s); err == nil && d < 0 {
			t.Fatalf("ParseDuration(%q) = %v", s, d)
		}
		ParseOutcome(s)
		ParseYesNo(s)
		ParseDays(s)
		if in, err := ParseSchedule(s); err == nil {
			if _, err := ParseCron(in.Cron); err != nil {
				t.Fatalf("ParseSchedule(%q) gave cron %q that does not parse: %v", s, in.Cron, err)
			}
		}
		IsVagueGoal(s)
		IsBigStep(s)
		AnchorPhrase(s)
		c, _ := CleanText(s)
		if !utf8.ValidString(c) || utf8.RuneCountInString(c) > MaxTextRunes {
			t.Fatalf("CleanText(%q) = %q", s, c)
		}
	})
}

func TestParseRating(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr string
	}{
		{"4", 4, ""}, {" 4 ", 4, ""}, {"4/10", 4, ""}, {"four", 4, ""}, {"I'd say 6", 6, ""},
		{"7 out of 10", 7, ""}, {"10/10", 10, ""}, {"Ten!", 10, ""}, {"1", 1, ""},
		{"0", 0, "rating.off"}, {"11", 0, "rating.off"}, {"eleven", 0, "rating.off"},
		{"lots", 0, "rating.none"}, {"", 0, "rating.none"}, {"7.5", 0, "rating.whole"},
		{"between 5 and 6", 0, "rating.one"}, {"-3", 0, "rating.off"}, {"99999999999999999999", 0, "rating.huge"},
	}
	for _, tt := range tests {
		got, err := ParseRating(tt.in)
		if tt.wantErr == "" && (err != nil || got != tt.want) || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("ParseRating(%q) = %d, %v; want %d, error containing %q", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseMilestones(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"first draft; feedback; final", []string{"first draft", "feedback", "final"}, true},
		{"1. outline 2. draft 3) edit", []string{"outline", "draft", "edit"}, true},
		{"a, b", []string{"a", "b"}, true},
		{"walk then jog then run", []string{"walk", "jog", "run"}, true},
		{"just one", nil, false},
		{"a;b;c;d;e;f", nil, false},
		{" ; ; ", nil, false},
	}
	for _, tt := range tests {
		got, err := ParseMilestones(tt.in)
		if (err == nil) != tt.ok || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("ParseMilestones(%q) = %q, %v", tt.in, got, err)
		}
	}
}

// FuzzRating: any text is either a rating from 1 to 10 or a friendly
// problem to re-ask with.
func FuzzRating(f *testing.F) {
	for _, s := range []string{"4", "4/10", "four", "I'd say 6", "0", "11", "lots", "7.5", "between 5 and 6", "10 out of 10", "٣", "⁴"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseRating(s)
		if err == nil && (v < 1 || v > 10) {
			t.Fatalf("ParseRating(%q) = %d", s, v)
		}
		if err != nil {
			if p, ok := err.(RatingProblem); !ok || p.Msg == "" {
				t.Fatalf("ParseRating(%q): unfriendly error %v", s, err)
			}
		}
		ParseMilestones(s)
	})
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"followthrough/store"
	"followthrough/store/postgres/pgtest"
)

// binary is the followthrough program built once for these tests.
var binary string

// bg is the context of the tests' own calls to the store.
var bg = context.Background()

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ft-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "followthrough")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("build followthrough: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runBinary runs followthrough with args and stdin, returning output and
// exit code. The run is bounded so a hang fails the test instead.
func runBinary(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runProgram(t, binary, stdin, args...)
}

// runProgram is runBinary for another build of the program.
func runProgram(t *testing.T, program, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+t.TempDir())
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("followthrough %v did not finish: %s", args, errOut.String())
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

func TestEndToEndOnboardingAndResume(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ft.db")
	args := []string{"chat", "--db", db, "--user", "ana", "--tz", "America/New_York", "--clock", "simulated", "--start", "2026-03-06T08:00:00"}
	first := "hi\nmy coach suggested it\nbe more confident\nspeak up once in every team meeting\n"
	out, errOut, code := runBinary(t, first, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "who would notice") {
		t.Fatalf("first run did not reach the sharpening questions:\n%s", out)
	}
	// Same database, new process: the person is resumed mid-flow.
	second := "skip\nyes\nskip\nsend one email\n9\nmy morning coffee\n9:00\ndaily\n/progress\n/wait 1d\ndone\n"
	out, errOut, code = runBinary(t, second, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"So your goal, in your words: “Speak up once in every team meeting”",
		"Goal: Speak up once in every team meeting",
		"after your morning coffee, daily at 09:00 (America/New_York)",
		"[Fri 2026-03-06 09:00 EST] After your morning coffee: time for “send one email”",
		"[Sat 2026-03-07 08:00 EST] ", // the check-in answer, a day after the start
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(strings.ToLower(out+errOut), "panic") {
		t.Errorf("panic in output:\n%s\n%s", out, errOut)
	}
}

// TestEndToEndDSTAcrossTheYear: a New York person with "daily 2:30am" gets
// exactly one reminder on the spring-forward day (at 03:00 EDT); one with
// "daily 1:30am" exactly one on the fall-back day. (Said without am, a
// time before 6 is asked about: 2:30 is rarely meant at night.)
func TestEndToEndDST(t *testing.T) {
	tests := []struct {
		start, time, day, want string
	}{
		{"2026-03-07T12:00:00", "2:30am", "2026-03-08", "[Sun 2026-03-08 03:00 EDT] "},
		{"2026-10-31T12:00:00", "1:30am", "2026-11-01", "[Sun 2026-11-01 01:30 EDT] "},
	}
	for _, tt := range tests {
		db := filepath.Join(t.TempDir(), "ft.db")
		script := "hi\nskip\nWrite 300 words every weekday\nskip\nopen the draft\n9\nskip\n" + tt.time + "\ndaily\n/wait 3d\n"
		out, errOut, code := runBinary(t, script, "chat", "--db", db, "--user", "sam", "--tz", "America/New_York", "--clock", "simulated", "--start", tt.start)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var onDay []string
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, tt.day) && strings.Contains(line, "Time for") {
				onDay = append(onDay, line)
			}
		}
		if len(onDay) != 1 || !strings.HasPrefix(onDay[0], tt.want) {
			t.Errorf("reminders on %s: %q; want exactly one starting %q", tt.day, onDay, tt.want)
		}
	}
}

func TestEndToEndLockedDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ft.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	_, errOut, code := runBinary(t, "hi\n", "chat", "--db", path, "--user", "ana", "--tz", "UTC")
	if code == 0 || !strings.Contains(errOut, "is in use by another followthrough process") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v to give up", d)
	}
}

func TestEndToEndDamagedDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ft.db")
	junk := bytes.Repeat([]byte("definitely not bbolt "), 1000)
	os.WriteFile(path, junk, 0o600)
	_, errOut, code := runBinary(t, "hi\n", "chat", "--db", path, "--user", "ana", "--tz", "UTC")
	if code == 0 || !strings.Contains(errOut, "damaged") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	after, _ := os.ReadFile(path)
	if sha256.Sum256(after) != sha256.Sum256(junk) {
		t.Error("damaged file was modified")
	}
}

func TestEndToEndCommandLine(t *testing.T) {
	out, _, code := runBinary(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "followthrough ") {
		t.Errorf("version: %d %q", code, out)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"chat", "--tz", "Mars/Olympus"}, 2, "time zone"},
		{[]string{"chat", "--clock", "fast"}, 2, "--clock"},
		{[]string{"chat", "--start", "2026-03-02T08:00:00"}, 2, "--start needs --clock simulated"},
		{[]string{"chat", "--clock", "simulated", "--start", "yesterday"}, 2, "2026-03-02T08:00:00"},
		{[]string{"chat", "--user", "two words"}, 2, "--user"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"run"}, 2, "--config FILE is required"},
		{[]string{"run", "--config", "../../config.example.yaml"}, 1, "enables no chat platform"},
	}
	for _, tt := range tests {
		_, errOut, code := runBinary(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// TestEndToEndNoArguments: with no arguments the program is a console chat
// on the default database, and ends cleanly at the end of input.
func TestEndToEndNoArguments(t *testing.T) {
	out, errOut, code := runBinary(t, "hi\n/help\n/progress\n")
	if code != 0 || !strings.Contains(out, "what brought you here") || !strings.Contains(out, "Here's what I can do") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestEndToEndKilledBeforeReminder: the process is killed (SIGKILL) before
// a reminder is due and started again after it: within the grace window
// the reminder arrives once, marked late; past it, it is skipped and the
// next one is scheduled as usual.
func TestEndToEndKilledBeforeReminder(t *testing.T) {
	for _, tt := range []struct {
		name, restart string
		wantLate      bool
	}{
		{"within grace", "2026-03-02T10:30:00", true},
		{"past grace", "2026-03-02T11:30:00", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "ft.db")
			common := []string{"chat", "--db", db, "--user", "ana", "--tz", "Europe/Berlin", "--clock", "simulated"}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary, append(common, "--start", "2026-03-02T08:00:00")...)
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			io.WriteString(stdin, "hi\nskip\nWrite 300 words every weekday\nskip\nopen the draft\n9\nmy coffee\n9:00\ndaily\n/wait 50m\n/progress\n")
			// Wait until the bot has answered /progress (so every line
			// before it was handled), then kill it mid-conversation.
			sc := bufio.NewScanner(stdout)
			for sc.Scan() && !strings.Contains(sc.Text(), "Your progress") {
			}
			cmd.Process.Kill()
			cmd.Wait()

			out, errOut, code := runBinary(t, "/wait 1m\n/wait 1d\n", append(common, "--start", tt.restart)...)
			if code != 0 {
				t.Fatalf("restart: exit %d: %s", code, errOut)
			}
			late := strings.Count(out, "this was due today at 09:00 CET, while I was offline")
			want := 0
			if tt.wantLate {
				want = 1
			}
			if late != want {
				t.Errorf("late reminders = %d; want %d\n%s", late, want, out)
			}
			tuesday := 0
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "[Tue 2026-03-03 09:00 CET]") && strings.Contains(line, "After your coffee: time for") {
					tuesday++
				}
			}
			if n := tuesday; n != 1 {
				t.Errorf("next day's reminder seen %d times; want 1\n%s", n, out)
			}
			if n := strings.Count(out, "Mon 2026-03-02 09:00 CET"); n != 0 {
				t.Errorf("a reminder was sent as if on time after downtime\n%s", out)
			}
		})
	}
}

// TestTheProductionBinaryCarriesNoFakes: the fake Discord and Slack
// servers (discordtest, slacktest) are test code; only the bench, built
// with its tag, takes the fake Discord in. The binary people run says
// how to get the bench.
func TestTheProductionBinaryCarriesNoFakes(t *testing.T) {
	deps := func(tags ...string) string {
		t.Helper()
		out, err := exec.Command("go", append(append([]string{"list", "-deps"}, tags...), ".")...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %v: %v\n%s", tags, err, out)
		}
		return string(out)
	}
	fake := regexp.MustCompile(`(?m)^followthrough/adapters/(discord/discordtest|slack/slacktest)$`)
	if found := fake.FindAllString(deps(), -1); len(found) > 0 {
		t.Errorf("the production binary depends on %v", found)
	}
	// The check can fail: the bench does take the fake Discord in.
	if found := fake.FindAllString(deps("-tags", "bench"), -1); len(found) == 0 {
		t.Error("go list -deps -tags bench does not show the bench's fake Discord: the check above proves nothing")
	}
	_, errOut, code := runBinary(t, "", "bench")
	if code != exitUsage || !strings.Contains(errOut, "-tags bench") {
		t.Errorf("bench without its tag: exit %d, %q; want %d and how to build it", code, errOut, exitUsage)
	}
}

// TestEndToEndBench builds the binary with the bench tag and runs a
// small `followthrough bench`, so the measuring code stays working; the
// full-size figures come from running it by hand.
func TestEndToEndBench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary again, with the bench")
	}
	bench := filepath.Join(t.TempDir(), "followthrough-bench")
	build := exec.Command("go", "build", "-tags", "bench", "-o", bench, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags bench: %v\n%s", err, out)
	}
	out, errOut, code := runProgram(t, bench, "", "bench", "--json", "--people", "3000", "--due", "300",
		"--events", "2000", "--steady", "500", "--steady-for", "500ms", "--messages", "60", "--limit", "100",
		"--postgres", os.Getenv(pgtest.Env)) // measured on PostgreSQL too where the tests have one
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The fields the checks read, by their JSON names (the bench's own
	// types are built in with its tag only).
	var res struct {
		SpikeDue        int     `json:"spike_due"`
		SpikeQueueS     float64 `json:"spike_queue_s"`
		StartupS        float64 `json:"startup_s"`
		SpikeAnonMB     float64 `json:"spike_anon_mb"`
		NaiveCronAnonMB float64 `json:"naive_cron_anon_mb"`
		EventsPerS      float64 `json:"engine_events_per_s"`
		CeilingPerS     float64 `json:"bolt_ceiling_events_per_s"`
		P50ms           float64 `json:"engine_p50_ms"`
		P99ms           float64 `json:"engine_p99_ms"`
		Shape           struct {
			Person  int `json:"person_bytes"`
			Win     int `json:"win_bytes"`
			Outbox  int `json:"outbox_bytes"`
			EventID int `json:"event_id_bytes"`
		} `json:"engine_writes"`
		Messages   int     `json:"delivery_messages"`
		Seconds    float64 `json:"delivery_s"`
		BoundS     float64 `json:"delivery_bound_s"`
		Lost       int     `json:"delivery_lost"`
		Duplicates int     `json:"delivery_duplicates"`
		PgPerS     float64 `json:"pg_engine_events_per_s"`
		PgRawPerS  float64 `json:"pg_raw_events_per_s"`
		PgP50ms    float64 `json:"pg_engine_p50_ms"`
		PgP99ms    float64 `json:"pg_engine_p99_ms"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.SpikeDue != 300 || res.SpikeQueueS <= 0 || res.StartupS <= 0 {
		t.Errorf("implausible result: %+v", res)
	}
	if res.EventsPerS <= 0 || res.CeilingPerS <= 0 || res.P50ms <= 0 || res.P99ms < res.P50ms {
		t.Errorf("engine not measured: %+v", res)
	}
	// The ceiling writes what the events wrote, measured from the file.
	if w := res.Shape; w.Person < 100 || w.Win <= 0 || w.Outbox < 100 || w.EventID < len("bench:1") {
		t.Errorf("what an event wrote was not measured: %+v", w)
	}
	if os.Getenv(pgtest.Env) != "" && (res.PgPerS <= 0 || res.PgRawPerS <= 0 || res.PgP50ms <= 0 || res.PgP99ms < res.PgP50ms) {
		t.Errorf("the engine on PostgreSQL was not measured: %+v", res)
	}
	if res.Messages != 60 || res.Seconds <= 0 || res.BoundS != 0.6 || res.Lost != 0 || res.Duplicates != 0 {
		t.Errorf("delivery: %+v", res)
	}
	for _, key := range []string{"engine_events_per_s", "bolt_ceiling_events_per_s", "engine_p50_ms", "engine_p99_ms", "spike_people", "spike_due",
		"spike_queue_s", "spike_rss_mb", "naive_cron_rss_mb", "delivery_messages", "delivery_limit_per_s", "delivery_s", "delivery_bound_s", "delivery_429s", "delivery_lost"} {
		if !strings.Contains(out, `"`+key+`"`) {
			t.Errorf("the JSON lacks %s", key)
		}
	}
	if _, err := os.Stat("/proc/self/status"); err == nil && (res.SpikeAnonMB <= 0 || res.NaiveCronAnonMB <= 0) {
		t.Errorf("memory not measured: %+v", res)
	}
}

func TestEndToEndBackupAndCheck(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ft.db")
	if _, errOut, code := runBinary(t, "hi\nskip\n", "chat", "--db", db, "--user", "ana", "--tz", "UTC"); code != 0 {
		t.Fatalf("chat: %s", errOut)
	}
	out, errOut, code := runBinary(t, "", "backup", "--db", db, filepath.Join(dir, "copy.db"))
	if code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, "", "check", "--db", filepath.Join(dir, "copy.db"))
	if code != 0 || !strings.Contains(out, "is consistent") {
		t.Fatalf("check: %d %s %s", code, out, errOut)
	}
	// The copy is a working database: the person is there.
	out, _, _ = runBinary(t, "/progress\n", "chat", "--db", filepath.Join(dir, "copy.db"), "--user", "ana", "--tz", "UTC")
	if !strings.Contains(out, "Your progress, ana") || strings.Contains(out, "what brought you here") {
		t.Errorf("restored copy did not resume the person:\n%s", out)
	}
	// A running bot holds the file: backup says how to do it instead.
	held, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runBinary(t, "", "backup", "--db", db, filepath.Join(dir, "again.db"))
	held.Close()
	if code == 0 || !strings.Contains(errOut, "backup.dir") {
		t.Errorf("backup of a held database: %d %s", code, errOut)
	}
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte(strings.Repeat("x", 9000)), 0o600)
	if _, errOut, code = runBinary(t, "", "check", "--db", junk); code == 0 || !strings.Contains(errOut, "damaged") {
		t.Errorf("check of junk: %d %s", code, errOut)
	}
}

// TestStaticStampedBuild builds the way the Dockerfile does (no cgo, the
// version stamped in) and runs the result.
func TestStaticStampedBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary again")
	}
	out := filepath.Join(t.TempDir(), "ft")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=v9.9.9-test", "-o", out, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("static build: %v\n%s", err, msg)
	}
	got, err := exec.Command(out, "version").Output()
	if err != nil || strings.TrimSpace(string(got)) != "followthrough v9.9.9-test" {
		t.Fatalf("version = %q, %v", got, err)
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// chat runs the command line in this process, with stdin, and returns
// what it printed and its exit code.
func chat(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestZoneWithSpacesIsTheZone: "--tz 'UTC '" is UTC, in the check and in
// the chat; it passed the check and then failed after the banner.
func TestZoneWithSpacesIsTheZone(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	out, errOut, code := chat(t, "hi\n", "chat", "--db", db, "--user", "ana", "--tz", "UTC ", "--clock", "simulated", "--start", "2026-03-02T08:00")
	if code != 0 || !strings.Contains(out, "what brought you here") {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}

// TestStartYearsTheClockCanKeep: a simulated start in year 0000 or 9999
// is refused up front; check-ins there all collapsed into one time.
func TestStartYearsTheClockCanKeep(t *testing.T) {
	for _, start := range []string{"0000-01-03T08:00", "9999-03-01T08:00", "1969-12-31T08:00", "2201-01-01T08:00"} {
		db := filepath.Join(t.TempDir(), "t.db")
		_, errOut, code := chat(t, "hi\n", "chat", "--db", db, "--user", "ana", "--tz", "UTC", "--clock", "simulated", "--start", start)
		if code != exitUsage || !strings.Contains(errOut, "the year must be between 1970 and 2200") {
			t.Errorf("--start %s: exit %d, stderr %q", start, code, errOut)
		}
	}
	db := filepath.Join(t.TempDir(), "t.db")
	if _, errOut, code := chat(t, "hi\n", "chat", "--db", db, "--user", "ana", "--tz", "UTC", "--clock", "simulated", "--start", "2200-06-01T08:00"); code != 0 {
		t.Errorf("--start in 2200: exit %d, %s", code, errOut)
	}
}

// TestCheckACutShortFile: `head -c 8192 good.db > t.db; followthrough
// check --db t.db` says the file is damaged; it crashed with SIGBUS.
func TestCheckACutShortFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	var in strings.Builder
	for range 40 {
		in.WriteString("/win " + strings.Repeat("wrote the chapter ", 30) + "\n")
	}
	if _, errOut, code := chat(t, in.String(), "chat", "--db", good, "--user", "ana", "--tz", "UTC"); code != 0 {
		t.Fatalf("chat: exit %d, %s", code, errOut)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "t.db")
	if err := os.WriteFile(cut, raw[:8192], 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := chat(t, "", "check", "--db", cut)
	if code != exitError || !strings.Contains(errOut, "damaged") || !strings.Contains(errOut, "cut short") {
		t.Errorf("check: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}

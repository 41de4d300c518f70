package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// aMonth is a month in the console: onboarding with milestones and public
// accountability, then a reminder each weekday answered done, partly or
// not yet (and some days not at all), a pause, ratings, wins and two
// milestones, and /progress at the end.
func aMonth() string {
	lines := []string{"hi", "I want to finish my novel", "Write 300 words of my novel every weekday",
		"first draft of chapter 1; chapter 3; half way; full first draft; send to Sam",
		"open the draft and write one sentence", "5", "I already write sometimes", "a quiet hour",
		"my morning coffee", "8:00", "weekdays", "share public", "/wait 1h"}
	answers := []string{"done", "done", "partly", "done", "", "not yet", "done"}
	ratings := []string{"5", "6", "6", "7", "8"}
	for day := 0; day < 30; day++ {
		lines = append(lines, "/wait 1d") // 08:00: the reminder has just fired
		switch {
		case day == 12:
			lines = append(lines, "pause for 4d")
			continue
		case day > 12 && day < 16:
			continue
		}
		if a := answers[day%len(answers)]; a != "" {
			lines = append(lines, a, "skip")
		}
		if day%6 == 3 && len(ratings) > 0 {
			lines = append(lines, "rate", ratings[0], "skip", "skip")
			ratings = ratings[1:]
		}
		switch day {
		case 5:
			lines = append(lines, "milestone 1")
		case 22:
			lines = append(lines, "milestone 4")
		}
		if day%9 == 2 {
			lines = append(lines, fmt.Sprintf("win wrote a whole page, day %d", day))
		}
	}
	return strings.Join(append(lines, "/progress"), "\n") + "\n"
}

// TestEndToEndSimulatedMonth: after a simulated month in the console,
// /progress writes three PNG pictures whose paths it prints, and the
// group digest went out each Sunday at 18:00.
func TestEndToEndSimulatedMonth(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := runBinary(t, aMonth(), "chat", "--db", filepath.Join(dir, "ft.db"), "--user", "ana",
		"--tz", "Europe/Berlin", "--clock", "simulated", "--start", "2026-03-02T07:00:00")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	progress := out[strings.LastIndex(out, "Your progress, ana:"):]
	for _, want := range []string{"Milestones: 2 of 5 done", "How likely, 1 to 10: 5 → 5 → 6 → 6 → 7"} {
		if !strings.Contains(progress, want) {
			t.Errorf("progress lacks %q:\n%s", want, progress)
		}
	}
	saved := regexp.MustCompile(`saved: (\S+\.png)`).FindAllStringSubmatch(progress, -1)
	if len(saved) != 3 {
		t.Fatalf("progress saved %d pictures; want 3:\n%s", len(saved), progress)
	}
	for i, name := range []string{"ana-calendar.png", "ana-ratings.png", "ana-milestones.png"} {
		path := saved[i][1]
		if filepath.Base(path) != name || filepath.Dir(path) != filepath.Join(dir, "exports") {
			t.Errorf("picture %d saved as %s; want %s in %s", i, path, name, filepath.Join(dir, "exports"))
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r := img.Bounds(); r.Dx() < 600 || r.Dy() < 200 {
			t.Errorf("%s is %v: too small to read in chat", name, r)
		}
		if colours(img) < 4 {
			t.Errorf("%s has %d colours: a blank picture", name, colours(img))
		}
	}
	// The digest: four Sundays at 18:00 in the group (the console's).
	if n := len(regexp.MustCompile(`\[Sun 2026-03-\d\d 18:00 CES?T\] \(to your group\) (🌟|🌱)`).FindAllString(out, -1)); n != 4 {
		t.Errorf("weekly digests in the month = %d; want 4", n)
	}
}

// colours counts distinct colours in an image, up to 16.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 3 {
		for x := r.Min.X; x < r.Max.X; x += 3 {
			c0, c1, c2, c3 := img.At(x, y).RGBA()
			seen[[4]uint32{c0, c1, c2, c3}] = true
			if len(seen) >= 16 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

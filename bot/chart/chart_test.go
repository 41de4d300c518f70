package chart

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata from what the charts draw now")

// berlin is a real zone for date labels; tests load it once.
func berlin(t testing.TB) *time.Location {
	t.Helper()
	zone, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return zone
}

// weekDays reads a calendar written a week per word, Monday first:
// D done, P partly, N not yet, - paused, . nothing due.
func weekDays(t testing.TB, weeks string) []DayState {
	t.Helper()
	var days []DayState
	for _, r := range strings.ReplaceAll(weeks, " ", "") {
		s, ok := map[rune]DayState{'D': Done, 'P': Partly, 'N': NotYet, '-': Paused, '.': NotDue}[r]
		if !ok {
			t.Fatalf("weekDays: unknown day %q", r)
		}
		days = append(days, s)
	}
	return days
}

// The charts of the golden images: a typical person, and the edges.
func sampleCalendar(t testing.TB) Calendar {
	return Calendar{
		Title: "Ana: check-ins, last 12 weeks",
		Start: time.Date(2026, 1, 5, 0, 0, 0, 0, berlin(t)),
		Days: weekDays(t, "....D.. DNDPD.. DDNDD.. NNDPD.. DDDDP.. ----... "+
			"-DDND.. DDPDD.. DDDDD.. DNDDD.. DPD"),
	}
}

func sampleTrend(t testing.TB) Trend {
	zone := berlin(t)
	start := time.Date(2026, 1, 5, 8, 30, 0, 0, zone)
	var pts []Point
	for i, v := range []int{3, 4, 4, 6, 5, 5, 7, 6, 8, 7, 8, 9} {
		pts = append(pts, Point{At: start.Add(time.Duration(i*6+i%3) * 24 * time.Hour), Value: v})
	}
	return Trend{Title: "Ana: how likely, 1 to 10", Points: pts, Zone: zone}
}

func sampleMilestones(t testing.TB) Milestones {
	zone := berlin(t)
	return Milestones{
		Title: "Ana: milestones",
		Zone:  zone,
		Items: []Milestone{
			{Text: "Outline the talk in three bullet points", Done: time.Date(2026, 1, 12, 19, 0, 0, 0, zone)},
			{Text: "Write the first draft of the slides", Done: time.Date(2026, 2, 2, 21, 15, 0, 0, zone)},
			{Text: "Rehearse once in front of a friend", Done: time.Date(2026, 3, 1, 10, 0, 0, 0, zone)},
			{Text: "Record a full run-through and watch it back"},
			{Text: "Give the talk at the March meetup"},
		},
	}
}

// manyMilestones has more milestones than the chart lists.
func manyMilestones(t testing.TB) Milestones {
	m := Milestones{Title: "Ben: milestones", Zone: berlin(t)}
	for i := range 11 {
		it := Milestone{Text: fmt.Sprintf("Milestone number %d, with a longer description that does not fit on one line of the chart at all", i+1)}
		if i%3 != 2 {
			it.Done = time.Date(2026, 2, 1+2*i, 12, 0, 0, 0, m.Zone)
		}
		m.Items = append(m.Items, it)
	}
	return m
}

// goldenCharts are the charts with an image in testdata.
func goldenCharts(t testing.TB) map[string]func() ([]byte, error) {
	return map[string]func() ([]byte, error){
		"calendar":       sampleCalendar(t).PNG,
		"calendar_empty": Calendar{Title: "Cleo: check-ins, last 12 weeks", Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}.PNG,
		"trend":          sampleTrend(t).PNG,
		"trend_empty":    Trend{Title: "Cleo: how likely, 1 to 10"}.PNG,
		"trend_down": Trend{Title: "Eli: how likely, 1 to 10", Zone: berlin(t), Points: []Point{
			{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Value: 15},
			{At: time.Date(2026, 3, 2, 21, 0, 0, 0, time.UTC), Value: 3},
			{At: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), Value: 8},
			{At: time.Date(2026, 3, 4, 23, 30, 0, 0, time.UTC), Value: 5},
		}}.PNG,
		"trend_one":        Trend{Title: "Dev: how likely, 1 to 10", Points: []Point{{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Value: 6}}}.PNG,
		"milestones":       sampleMilestones(t).PNG,
		"milestones_empty": Milestones{Title: "Cleo: milestones"}.PNG,
		"milestones_many":  manyMilestones(t).PNG,
		"milestones_text": Milestones{Title: torture[3], Items: []Milestone{
			{Text: torture[0], Done: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
			{Text: torture[1]}, {Text: torture[2]}, {Text: torture[3]}, {Text: torture[4]}, {Text: torture[5]},
		}}.PNG,
	}
}

// torture is text a person might type, or paste, or send to break us.
var torture = []string{
	"Run 5k 🏃‍♀️🏃🏽 and celebrate 🎉🎉 ✔️",
	"\x00\x1b[31mred\x1b[0m\r\n\ttabs\x7f and \u202eoverride\u202c",
	"שלום עולם — مرحبا بالعالم — mixed ltr and rtl",
	strings.Repeat("long ", 2000),
	"\xff\xfe invalid utf-8 \xc3\x28 and zero\u200bwidth\u200dspaces" + strings.Repeat("\u0301", 5000),
	"Ünïcödé Ελληνικά Кириллица 漢字 かな 한국어",
}

// TestGoldenImages compares each chart with its image in testdata, pixel
// for pixel; run go test ./bot/chart -update to accept a change, after
// looking at the images.
func TestGoldenImages(t *testing.T) {
	for name, render := range goldenCharts(t) {
		t.Run(name, func(t *testing.T) {
			got, err := render()
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", name+".png")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./bot/chart -update to create it)", err)
			}
			if diff := pixelDiff(t, want, got); diff != "" {
				t.Errorf("%s differs from %s: %s; what was drawn is in %s (run go test ./bot/chart -update to accept it)",
					name, file, diff, keep(t, name, got))
			}
		})
	}
}

// pixelDiff describes how two PNGs differ, or returns "" if every pixel
// is the same.
func pixelDiff(t *testing.T, want, got []byte) string {
	t.Helper()
	a, b := decode(t, want), decode(t, got)
	if a.Bounds() != b.Bounds() {
		return fmt.Sprintf("size %v, want %v", b.Bounds().Size(), a.Bounds().Size())
	}
	n, first := 0, image.Point{}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				if n == 0 {
					first = image.Pt(x, y)
				}
				n++
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d pixels differ, the first at %v", n, first)
}

// keep writes a PNG where a person can look at it after the test, and
// returns its path.
func keep(t *testing.T, name string, png []byte) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "chart-golden-")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// decode decodes a PNG into RGBA, failing the test if it is not one.
func decode(t testing.TB, data []byte) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba
}

// TestDeterministic renders every chart twice, and many times at once,
// and wants the same bytes each time.
func TestDeterministic(t *testing.T) {
	for name, render := range goldenCharts(t) {
		t.Run(name, func(t *testing.T) {
			first, err := render()
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			results := make([][]byte, 8)
			for i := range results {
				wg.Go(func() {
					results[i], _ = render()
				})
			}
			wg.Wait()
			for i, again := range results {
				if !bytes.Equal(first, again) {
					t.Fatalf("render %d differs from the first (%d and %d bytes)", i+1, len(again), len(first))
				}
			}
		})
	}
}

// TestSizes checks that each chart has its fixed size, whatever it shows.
func TestSizes(t *testing.T) {
	tests := []struct {
		name   string
		render func() ([]byte, error)
		w, h   int
	}{
		{"calendar", sampleCalendar(t).PNG, 760, 346},
		{"calendar with too many days", Calendar{Days: make([]DayState, 500)}.PNG, 760, 346},
		{"trend", sampleTrend(t).PNG, 760, 360},
		{"trend empty", Trend{}.PNG, 760, 360},
		{"no milestones", Milestones{}.PNG, 760, 194},
		{"one milestone", Milestones{Items: make([]Milestone, 1)}.PNG, 760, 154},
		{"eight milestones", Milestones{Items: make([]Milestone, 8)}.PNG, 760, 434},
		{"nine milestones", Milestones{Items: make([]Milestone, 9)}.PNG, 760, 474},
		{"a hundred milestones", Milestones{Items: make([]Milestone, 100)}.PNG, 760, 474},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.render()
			if err != nil {
				t.Fatal(err)
			}
			if got := decode(t, data).Bounds().Size(); got != image.Pt(tt.w, tt.h) {
				t.Errorf("size %v, want %dx%d", got, tt.w, tt.h)
			}
		})
	}
}

// TestCornersAreTransparent checks the card's rounded corners show the
// chat behind them, while the card itself is opaque.
func TestCornersAreTransparent(t *testing.T) {
	img := decode(t, render(t, Trend{}.PNG))
	if a := img.RGBAAt(0, 0).A; a != 0 {
		t.Errorf("corner alpha %d, want 0", a)
	}
	if c := img.RGBAAt(cardRadius, 2); c != cardColor {
		t.Errorf("card at the top edge is %v, want %v", c, cardColor)
	}
}

// render runs a chart's PNG, failing the test on an error.
func render(t testing.TB, png func() ([]byte, error)) []byte {
	t.Helper()
	data, err := png()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestTextStaysInside draws every torture string as a title and as
// milestone text, and checks that nothing is drawn past where the text
// may go.
func TestTextStaysInside(t *testing.T) {
	for i, s := range torture {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			m := Milestones{Title: s, Items: []Milestone{{Text: s}, {Text: s, Done: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}}}
			img := decode(t, render(t, m.PNG))
			// The title line, right of the title's room.
			onlyCard(t, img, image.Rect(milestonesWidth-pad+1, pad-4, milestonesWidth, titleBaseline+6), "title")
			// Each row, between the text's room and the date's.
			textX := pad + boxSize + 14
			textEnd := milestonesWidth - pad - dateWidth - 12
			for row := range 2 {
				top := rowsTop + row*rowHeight
				onlyCard(t, img, image.Rect(textEnd+1, top+4, textEnd+12, top+rowHeight-4), fmt.Sprintf("row %d", row))
				if !drawn(img, image.Rect(textX, top+4, textEnd, top+rowHeight-4)) && strings.TrimSpace(s) != "" {
					t.Errorf("row %d: no text drawn", row)
				}
			}
			for _, chart := range []func() ([]byte, error){Calendar{Title: s}.PNG, Trend{Title: s}.PNG} {
				img := decode(t, render(t, chart))
				onlyCard(t, img, image.Rect(img.Bounds().Dx()-pad+1, pad-4, img.Bounds().Dx(), titleBaseline+6), "title")
			}
		})
	}
}

// onlyCard fails the test if anything but the card is drawn in r.
func onlyCard(t *testing.T, img *image.RGBA, r image.Rectangle, what string) {
	t.Helper()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := img.RGBAAt(x, y); c != cardColor && c.A == 0xFF {
				t.Fatalf("%s: pixel %v at (%d, %d), where only the card should be", what, c, x, y)
			}
		}
	}
}

// drawn reports whether anything but the card is drawn in r.
func drawn(img *image.RGBA, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) != cardColor {
				return true
			}
		}
	}
	return false
}

// count returns how many pixels in r are exactly c.
func count(img *image.RGBA, r image.Rectangle, c color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) == c {
				n++
			}
		}
	}
	return n
}

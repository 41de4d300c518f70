package chart

import (
	"bytes"
	"image"
	"testing"
	"time"
)

// dotIn returns the middle of the longest run of done-coloured pixels in
// column x of the plot: a rating's dot, wider than the line and the
// digits of the last rating. ok is false when the column has none.
func dotIn(img *image.RGBA, x int) (y int, ok bool) {
	best, run := 0, 0
	for yy := plotTop - 40; yy <= plotBottom; yy++ {
		if img.RGBAAt(x, yy) == doneColor {
			run++
			if run > best {
				best, y = run, yy-run/2
			}
		} else {
			run = 0
		}
	}
	return y, best >= 6
}

func TestTrendHigherRatingIsHigher(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tr := Trend{Points: []Point{{At: start, Value: 2}, {At: start.Add(7 * 24 * time.Hour), Value: 9}}}
	img := decode(t, render(t, tr.PNG))
	y1, ok1 := dotIn(img, plotLeft+plotInset)
	y2, ok2 := dotIn(img, plotRight-plotInset)
	if !ok1 || !ok2 {
		t.Fatalf("dots not found at the left and right of the plot: %v, %v", ok1, ok2)
	}
	if y2 >= y1 {
		t.Errorf("the 9 is at y %d, not above the 2 at y %d", y2, y1)
	}
	if y1 < (plotTop+plotBottom)/2 || y2 > (plotTop+plotBottom)/2 {
		t.Errorf("the 2 (y %d) should be in the lower half and the 9 (y %d) in the upper", y1, y2)
	}
}

func TestTrendPlacesPointsByTime(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tr := Trend{Points: []Point{{At: start, Value: 1}, {At: start.Add(day), Value: 5}, {At: start.Add(9 * day), Value: 10}}}
	img := decode(t, render(t, tr.PNG))
	row := int(ratingY(5))
	best, run, x := 0, 0, 0
	for xx := plotLeft; xx < plotRight; xx++ {
		if img.RGBAAt(xx, row) == doneColor {
			run++
			if run > best {
				best, x = run, xx-run/2
			}
		} else {
			run = 0
		}
	}
	plot := plotRight - plotLeft - 2*plotInset
	want := plotLeft + plotInset + plot/9
	if best < 6 || x < want-3 || x > want+3 {
		t.Errorf("the rating a day after the first is at x %d (run %d), want about %d: a ninth of the way", x, best, want)
	}
}

func TestTrendOneRatingIsOneDot(t *testing.T) {
	tr := Trend{Points: []Point{{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Value: 6}}}
	img := decode(t, render(t, tr.PNG))
	mid := (plotLeft + plotRight) / 2
	y, ok := dotIn(img, mid)
	if want := int(ratingY(6)); !ok || y < want-1 || y > want+1 {
		t.Fatalf("dot at x %d: found %v at y %d, want y %d", mid, ok, y, want)
	}
	// Nothing else done-coloured: no line, only the dot and its label above.
	around := image.Rect(mid-20, y-45, mid+20, y+10)
	all := count(img, img.Bounds(), doneColor)
	if near := count(img, around, doneColor); near != all || all == 0 {
		t.Errorf("%d done-coloured pixels, %d of them by the dot", all, near)
	}
}

func TestTrendWithoutRatings(t *testing.T) {
	img := decode(t, render(t, Trend{Title: "Cleo"}.PNG))
	if n := count(img, img.Bounds(), doneColor); n != 0 {
		t.Errorf("%d done-coloured pixels, want none", n)
	}
	mid := image.Pt((plotLeft+plotRight)/2, (plotTop+plotBottom)/2)
	if !drawn(img, image.Rectangle{Min: mid, Max: mid}.Inset(-40)) {
		t.Error(`no "No ratings yet" in the middle`)
	}
}

func TestTrendClampsRatings(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	trend := func(a, b int) []byte {
		return render(t, Trend{Points: []Point{{At: start, Value: a}, {At: start.Add(time.Hour), Value: b}}}.PNG)
	}
	if !bytes.Equal(trend(-5, 99), trend(1, 10)) {
		t.Error("ratings -5 and 99 are not drawn as 1 and 10")
	}
	if bytes.Equal(trend(2, 9), trend(1, 10)) {
		t.Error("ratings 2 and 9 are drawn as 1 and 10")
	}
}

func TestTrendExtremeTimes(t *testing.T) {
	tr := Trend{Points: []Point{
		{At: time.Time{}, Value: 3},
		{At: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), Value: 7},
		{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Value: 5},
	}}
	img := decode(t, render(t, tr.PNG))
	if _, ok := dotIn(img, plotLeft+plotInset); !ok {
		t.Error("no dot at the left for year 1")
	}
	if _, ok := dotIn(img, plotRight-plotInset); !ok {
		t.Error("no dot at the right for year 9999")
	}
}

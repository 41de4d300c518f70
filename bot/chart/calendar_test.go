package chart

import (
	"image"
	"image/color"
	"testing"
	"time"
)

// cellPixel returns the colour in cell i at (dx, dy) from its top left.
func cellPixel(img *image.RGBA, i, dx, dy int) color.RGBA {
	x, y := cellOrigin(i)
	return img.RGBAAt(x+dx, y+dy)
}

func TestCalendarDaysShowTheirState(t *testing.T) {
	cal := Calendar{
		Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), // a Monday
		Days:  []DayState{Done, NotYet, Partly, Paused, NotDue, 77},
	}
	img := decode(t, render(t, cal.PNG))
	c := cellSize / 2
	tests := []struct {
		name   string
		cell   int
		dx, dy int
		want   color.RGBA
	}{
		{"done is filled", 0, c, c, doneColor},
		{"done is filled to its corner", 0, 3, 3, doneColor},
		{"not yet is hollow", 1, c, c, cardColor},
		{"not yet is a small square", 1, 6, c, notYetColor},
		{"not yet is smaller than the cell", 1, 1, c, cardColor},
		{"partly is empty above", 2, c, 7, cardColor},
		{"partly is filled below", 2, c, 18, doneColor},
		{"partly has an outline above", 2, c, 0, doneColor},
		{"paused has a gap in the middle", 3, c, c, cardColor},
		{"paused has a bar left of it", 3, 8, c, pausedColor},
		{"paused has a bar right of it", 3, cellSize - 9, c, pausedColor},
		{"nothing due is a dot", 4, c, c, notDueColor},
		{"nothing due is only a dot", 4, 4, 4, cardColor},
		{"an unknown state is nothing due", 5, c, c, notDueColor},
		{"the future is empty", 6, c, c, cardColor},
		{"the future has an outline", 6, c, 0, futureColor},
		{"the last day is in the future", weeks*7 - 1, c, cellSize - 1, futureColor},
	}
	for _, tt := range tests {
		if got := cellPixel(img, tt.cell, tt.dx, tt.dy); got != tt.want {
			t.Errorf("%s: cell %d at (%d, %d) is %v, want %v", tt.name, tt.cell, tt.dx, tt.dy, got, tt.want)
		}
	}
	for i := 6; i < weeks*7; i++ {
		if got := cellPixel(img, i, c, c); got != cardColor {
			t.Errorf("future cell %d has %v in its centre, want the card", i, got)
		}
	}
}

func TestCalendarStartingMidweek(t *testing.T) {
	cal := Calendar{
		Start: time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC), // a Wednesday, late
		Days:  []DayState{Done},
	}
	img := decode(t, render(t, cal.PNG))
	for i := range 2 {
		if drawn(img, cellRect(i)) {
			t.Errorf("cell %d, before the start, has something drawn", i)
		}
	}
	if got := cellPixel(img, 2, cellSize/2, cellSize/2); got != doneColor {
		t.Errorf("Wednesday, the first day, is %v, want done %v", got, doneColor)
	}
	if got := cellPixel(img, 3, cellSize/2, cellSize/2); got != cardColor {
		t.Errorf("Thursday, the future, is %v in the centre, want the card", got)
	}
}

// cellRect returns cell i's square.
func cellRect(i int) image.Rectangle {
	x, y := cellOrigin(i)
	return image.Rect(x, y, x+cellSize, y+cellSize)
}

func TestCalendarMonthLabels(t *testing.T) {
	tests := []struct {
		name            string
		start           time.Time
		labelled, blank []int // week columns with and without a month above
	}{
		// Mondays 2 Mar, 6 Apr and 4 May start months.
		{"months start on weeks 0, 5, 9", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), []int{0, 5, 9}, []int{2, 3, 4, 7, 11}},
		// 26 Jan then 2 Feb: "Jan" would crowd "Feb".
		{"a month starting on week 1 takes the place of week 0's", time.Date(2026, 1, 26, 0, 0, 0, 0, time.UTC), []int{1, 5}, []int{0, 3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := decode(t, render(t, Calendar{Start: tt.start}.PNG))
			above := func(w int) image.Rectangle {
				x := gridLeft + w*cellPitch
				return image.Rect(x, monthBaseline-12, x+cellPitch/2, monthBaseline+2)
			}
			for _, w := range tt.labelled {
				if !drawn(img, above(w)) {
					t.Errorf("no month above week %d", w)
				}
			}
			for _, w := range tt.blank {
				if drawn(img, above(w)) {
					t.Errorf("something above week %d, where no month starts", w)
				}
			}
		})
	}
}

func TestCalendarWeekdayLabels(t *testing.T) {
	img := decode(t, render(t, Calendar{}.PNG))
	for row := range 7 {
		y := gridTop + row*cellPitch
		got := drawn(img, image.Rect(pad, y, gridLeft-4, y+cellSize))
		if want := row == 0 || row == 2 || row == 4; got != want {
			t.Errorf("row %d: label drawn %v, want %v (Mon, Wed, Fri)", row, got, want)
		}
	}
}

func TestCalendarLegend(t *testing.T) {
	img := decode(t, render(t, Calendar{}.PNG))
	// The legend's first mark is a done square, and its words follow.
	if got := img.RGBAAt(gridLeft+legendIcon/2, legendTop+legendIcon/2); got != doneColor {
		t.Errorf("legend's first mark is %v, want done %v", got, doneColor)
	}
	if !drawn(img, image.Rect(gridLeft+legendIcon+4, legendTop, gridLeft+200, legendTop+legendIcon)) {
		t.Error("no legend words")
	}
}

func TestSummaryText(t *testing.T) {
	tests := []struct {
		name             string
		days             string
		headline, detail string
	}{
		{"nothing due", ".......", "", ""},
		{"paused only", "-----..", "", ""},
		{"all done", "DDDDD..", "5 of 5", ""},
		{"a mix", "DPNDD.- DDN", "5 of 8", "1 partly · 2 not yet · 1 paused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cells := Calendar{Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Days: weekDays(t, tt.days)}.cells()
			headline, detail := summaryText(cells)
			if headline != tt.headline || detail != tt.detail {
				t.Errorf("got %q, %q; want %q, %q", headline, detail, tt.headline, tt.detail)
			}
		})
	}
}

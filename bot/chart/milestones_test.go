package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"testing"
	"time"
)

// milestonesDone returns n milestones of which the first done are done.
func milestonesDone(done, n int) Milestones {
	m := Milestones{Title: "Ana: milestones"}
	for i := range n {
		it := Milestone{Text: fmt.Sprintf("milestone %d", i+1)}
		if i < done {
			it.Done = time.Date(2026, 3, 2+i, 9, 0, 0, 0, time.UTC)
		}
		m.Items = append(m.Items, it)
	}
	return m
}

func TestMilestonesBarGrowsWithDone(t *testing.T) {
	prev := -1
	for done := 0; done <= 5; done++ {
		img := decode(t, render(t, milestonesDone(done, 5).PNG))
		y := barTop + barHeight/2
		fill := count(img, image.Rect(0, y, milestonesWidth, y+1), doneColor)
		if fill <= prev {
			t.Errorf("%d of 5 done fills %d pixels, no more than %d for one fewer", done, fill, prev)
		}
		if done == 0 && fill != 0 {
			t.Errorf("none done fills %d pixels, want 0", fill)
		}
		if full := barRight - barLeft; done == 5 && fill < full-2 {
			t.Errorf("all done fills %d pixels, want the whole bar, %d", fill, full)
		}
		prev = fill
	}
}

func TestMilestonesBarFill(t *testing.T) {
	full := barRight - barLeft
	tests := []struct{ done, total, want int }{
		{0, 5, 0},
		{1, 100, barHeight}, // one of many still shows
		{1, 2, full / 2},
		{5, 5, full},
		{7, 5, full}, // never past the end
		{-1, 5, 0},
		{3, 0, 0},
	}
	for _, tt := range tests {
		if got := barFill(tt.done, tt.total); got != tt.want {
			t.Errorf("barFill(%d, %d) = %d, want %d", tt.done, tt.total, got, tt.want)
		}
	}
}

func TestMilestonesTickOrBox(t *testing.T) {
	img := decode(t, render(t, milestonesDone(2, 4).PNG))
	for row := range 4 {
		top := rowsTop + row*rowHeight
		boxY := top + (rowHeight-boxSize)/2
		inside := img.RGBAAt(pad+4, boxY+4)
		edge := img.RGBAAt(pad, boxY+boxSize/2)
		date := drawn(img, image.Rect(milestonesWidth-pad-dateWidth, top+4, milestonesWidth-pad, top+rowHeight-4))
		if done := row < 2; done {
			if inside != doneColor || !date {
				t.Errorf("row %d, done: box inside %v, want %v; date drawn %v", row, inside, doneColor, date)
			}
			// The tick is white, in the box's middle.
			if n := count(img, image.Rect(pad, boxY, pad+boxSize, boxY+boxSize), whiteColor); n < 10 {
				t.Errorf("row %d, done: %d white pixels in the box, want a tick", row, n)
			}
		} else if inside != cardColor || edge != pausedColor || date {
			t.Errorf("row %d, planned: box inside %v, edge %v, want an empty box; date drawn %v", row, inside, edge, date)
		}
	}
}

func TestMilestonesMore(t *testing.T) {
	moreRow := func(n int) (image.Rectangle, *image.RGBA) {
		img := decode(t, render(t, milestonesDone(1, n).PNG))
		top := rowsTop + maxRows*rowHeight
		return image.Rect(pad, top, milestonesWidth-pad, top+rowHeight), img
	}
	if r, img := moreRow(11); !drawn(img, r) {
		t.Error(`11 milestones: no "+3 more" under the eighth`)
	}
	if r, img := moreRow(8); r.Max.Y <= img.Bounds().Max.Y {
		t.Errorf("8 milestones: room for a ninth row (image %v)", img.Bounds())
	}
}

func TestMilestonesDoneDateInZone(t *testing.T) {
	// 23:30 UTC on 1 March is 2 March in Tokyo: the date drawn differs.
	at := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	utc := render(t, Milestones{Items: []Milestone{{Text: "x", Done: at}}}.PNG)
	inTokyo := render(t, Milestones{Items: []Milestone{{Text: "x", Done: at}}, Zone: tokyo}.PNG)
	if bytes.Equal(utc, inTokyo) {
		t.Error("the done date is the same in UTC and Tokyo")
	}
	sameDay := render(t, Milestones{Items: []Milestone{{Text: "x", Done: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}}.PNG)
	if !bytes.Equal(utc, sameDay) {
		t.Error("two times on 1 March UTC draw differently")
	}
}

// FuzzMilestones draws milestones with any text and wants a PNG of the
// chart's size every time. Nearly every input reaches new code in the PNG
// compressor, so limit minimizing or the fuzzer spends its time there:
//
//	go test ./bot/chart -run X -fuzz FuzzMilestones -fuzzminimizetime 10x -parallel 1
func FuzzMilestones(f *testing.F) {
	for _, s := range torture {
		s = s[:min(len(s), 200)] // long seeds make the fuzzer's minimizing slow
		f.Add(s, s, uint8(3), int64(1772442000))
	}
	f.Add("", "", uint8(0), int64(0))
	f.Add("Ana", "\x00", uint8(200), int64(-62135596800))
	f.Fuzz(func(t *testing.T, title, text string, n uint8, done int64) {
		m := Milestones{Title: title}
		for i := range int(n) {
			it := Milestone{Text: text[:len(text)*i/max(1, int(n))]}
			if i%2 == 0 {
				it.Done = time.Unix(done, 0)
			}
			m.Items = append(m.Items, it)
		}
		data, err := m.PNG()
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("not a PNG: %v", err)
		}
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			t.Fatalf("not a whole PNG: %v", err)
		}
		if cfg.Width != milestonesWidth || cfg.Height != milestonesHeight(int(n)) {
			t.Errorf("size %dx%d, want %dx%d", cfg.Width, cfg.Height, milestonesWidth, milestonesHeight(int(n)))
		}
	})
}

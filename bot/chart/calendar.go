package chart

import (
	"fmt"
	"strings"
	"time"
)

// DayState is what one calendar day shows.
type DayState uint8

// The states of a day. Each is drawn with its own shape as well as colour.
const (
	NotDue DayState = iota // no check-in was due (schedule skips the day, before they joined)
	Done                   // the step was done
	Partly                 // the step was partly done
	NotYet                 // a check-in was due and not done (a "not yet" answer or no check-in)
	Paused                 // reminders were paused
)

// Cells of the grid that are not days of Calendar.Days.
const (
	blank  DayState = 254 // before Start, when Start is not a Monday
	future DayState = 255 // after the last day given
)

// Calendar is a check-in calendar of the last 12 weeks, GitHub style: one
// column per week (Monday first, top row Monday), one row per weekday.
type Calendar struct {
	Title string    // drawn at the top, e.g. "Ana: check-ins, last 12 weeks"
	Start time.Time // a Monday; only its Year/Month/Day are used (a date in the person's zone)
	// Days[i] is Start + i days; len <= 84; days past len(Days) are in the
	// future and drawn as empty outlines. Days beyond the 12 weeks are not
	// drawn, and values other than the states above are drawn as NotDue.
	Days []DayState
}

// The calendar's layout, in pixels.
const (
	calendarWidth  = 760
	calendarHeight = 346
	weeks          = 12
	cellSize       = 24
	cellPitch      = 30 // cell and gap
	gridLeft       = pad + 44
	gridTop        = 90
	gridRight      = gridLeft + weeks*cellPitch - (cellPitch - cellSize)
	gridBottom     = gridTop + 7*cellPitch - (cellPitch - cellSize)
	monthBaseline  = gridTop - 10
	legendTop      = gridBottom + 18
	legendIcon     = 16
	summaryLeft    = gridRight + 56
)

// PNG draws the calendar as a 760×346 PNG.
func (c Calendar) PNG() ([]byte, error) {
	cv, err := newCanvas(calendarWidth, calendarHeight)
	if err != nil {
		return nil, err
	}
	defer cv.release()
	cv.title(c.Title)
	first, cells := c.cells()
	cv.monthLabels(first)
	cv.weekdayLabels()
	for i, s := range cells {
		x, y := cellOrigin(i)
		cv.day(s, float32(x), float32(y), cellSize)
	}
	cv.legend()
	cv.summary(cells)
	return encodePNG(cv.img)
}

// cells returns the Monday the grid starts on (at noon UTC, so that adding
// days stays on dates) and the state of each of its 84 cells, column by
// column.
func (c Calendar) cells() (time.Time, [weeks * 7]DayState) {
	start := time.Date(c.Start.Year(), c.Start.Month(), c.Start.Day(), 12, 0, 0, 0, time.UTC)
	offset := (int(start.Weekday()) + 6) % 7 // days since Monday
	var cells [weeks * 7]DayState
	for i := range cells {
		day := i - offset
		switch {
		case day < 0:
			cells[i] = blank
		case day >= len(c.Days):
			cells[i] = future
		case c.Days[day] > Paused:
			cells[i] = NotDue
		default:
			cells[i] = c.Days[day]
		}
	}
	return start.AddDate(0, 0, -offset), cells
}

// cellOrigin returns the top left corner of cell i.
func cellOrigin(i int) (x, y int) {
	return gridLeft + i/7*cellPitch, gridTop + i%7*cellPitch
}

// monthLabels names the month above each week whose Monday starts a new
// month, and above the first week unless that would crowd the next label.
func (cv *canvas) monthLabels(first time.Time) {
	type label struct {
		x    int
		text string
	}
	var labels []label
	for w := range weeks {
		monday := first.AddDate(0, 0, 7*w)
		if w > 0 && monday.Month() == first.AddDate(0, 0, 7*(w-1)).Month() {
			continue
		}
		x := gridLeft + w*cellPitch
		l := label{x, monday.Format("Jan")}
		if n := len(labels); n > 0 {
			prev := labels[n-1]
			if prev.x+measure(cv.faces.label, prev.text)+12 > x {
				labels = labels[:n-1] // only the first week's label can crowd the next
			}
		}
		labels = append(labels, l)
	}
	for _, l := range labels {
		cv.text(cv.faces.label, l.text, l.x, monthBaseline, mutedColor)
	}
}

// weekdayLabels names every other row, from Monday, left of the grid.
func (cv *canvas) weekdayLabels() {
	for row, name := range []string{"Mon", "Wed", "Fri"} {
		y := gridTop + 2*row*cellPitch + cellSize/2 + 6
		cv.textRight(cv.faces.label, name, gridLeft-10, y, mutedColor)
	}
}

// day draws one day's mark in the size×size square at (x, y).
func (cv *canvas) day(s DayState, x, y, size float32) {
	r := size * 0.2
	switch s {
	case Done:
		cv.shape().roundRect(x, y, size, size, r)
		cv.fill(doneColor)
	case Partly:
		stroke := max(2, size*0.1)
		cv.shape().ring(x, y, size, size, r, stroke)
		cv.p.lowerHalf(x, y, size, size, r)
		cv.fill(doneColor)
	case NotYet:
		in, stroke := size*0.2, max(2, size*0.12)
		cv.shape().ring(x+in, y+in, size-2*in, size-2*in, r*0.6, stroke)
		cv.fill(notYetColor)
	case Paused:
		w, h, gap := size*0.16, size*0.56, size*0.14
		p := cv.shape()
		p.rect(x+size/2-gap/2-w, y+(size-h)/2, w, h)
		p.rect(x+size/2+gap/2, y+(size-h)/2, w, h)
		cv.fill(pausedColor)
	case NotDue:
		cv.shape().circle(x+size/2, y+size/2, max(1.5, size*0.1))
		cv.fill(notDueColor)
	case future:
		cv.shape().ring(x, y, size, size, r, 1)
		cv.fill(futureColor)
	}
}

// legend names each state under the grid, next to its mark.
func (cv *canvas) legend() {
	x := gridLeft
	for _, item := range []struct {
		state DayState
		name  string
	}{{Done, "done"}, {Partly, "partly"}, {NotYet, "not yet"}, {Paused, "paused"}, {NotDue, "nothing due"}} {
		cv.day(item.state, float32(x), legendTop, legendIcon)
		x += legendIcon + 6
		cv.text(cv.faces.label, item.name, x, legendTop+legendIcon-2, mutedColor)
		x += measure(cv.faces.label, item.name) + 20
	}
}

// summary writes what the grid adds up to at its right.
func (cv *canvas) summary(cells [weeks * 7]DayState) {
	headline, detail := summaryText(cells)
	if headline == "" {
		cv.text(cv.faces.body, "Nothing due yet", summaryLeft, gridTop+24, mutedColor)
		return
	}
	cv.text(cv.faces.big, headline, summaryLeft, gridTop+30, inkColor)
	cv.text(cv.faces.body, "check-ins done", summaryLeft, gridTop+58, mutedColor)
	cv.text(cv.faces.label, detail, summaryLeft, gridTop+90, mutedColor)
}

// summaryText counts the days: the headline is how many check-ins were
// done of those due ("32 of 43"), the detail the others ("5 partly · 6 not
// yet"). Both are empty when nothing was due.
func summaryText(cells [weeks * 7]DayState) (headline, detail string) {
	var n [Paused + 1]int
	for _, s := range cells {
		if s <= Paused {
			n[s]++
		}
	}
	due := n[Done] + n[Partly] + n[NotYet]
	if due == 0 {
		return "", ""
	}
	var rest []string
	for _, part := range []struct {
		n    int
		name string
	}{{n[Partly], "partly"}, {n[NotYet], "not yet"}, {n[Paused], "paused"}} {
		if part.n > 0 {
			rest = append(rest, fmt.Sprintf("%d %s", part.n, part.name))
		}
	}
	return fmt.Sprintf("%d of %d", n[Done], due), strings.Join(rest, " · ")
}

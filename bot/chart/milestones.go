package chart

import (
	"fmt"
	"time"
)

// Milestone is a checkpoint; Done is zero while it is still planned.
type Milestone struct {
	Text string
	Done time.Time
}

// Milestones shows how many milestones are done against planned: a
// progress bar "3 of 5 done" and the list with a tick or an empty box and
// the done date.
type Milestones struct {
	Title string
	Items []Milestone
	Zone  *time.Location // for the done dates; nil means UTC
}

// The milestones chart's layout, in pixels.
const (
	milestonesWidth = 760
	maxRows         = 8 // items listed; the rest are counted in "+N more"
	barTop          = 68
	barHeight       = 14
	barLeft         = pad
	barRight        = milestonesWidth - pad - 140
	rowsTop         = 102
	rowHeight       = 40
	boxSize         = 22
	dateWidth       = 64 // room for "28 Sep" at the right of a row
)

// milestonesHeight is the chart's height for n milestones: one row each
// up to maxRows, then one for "+N more"; two rows' room for none.
func milestonesHeight(n int) int {
	rows := min(n, maxRows)
	switch {
	case n == 0:
		rows = 2
	case n > maxRows:
		rows++
	}
	return rowsTop + rows*rowHeight + pad/2
}

// PNG draws the milestones as a PNG 760 wide and milestonesHeight high:
// at most 8 rows and "+N more", so at most 474.
func (m Milestones) PNG() ([]byte, error) {
	cv, err := newCanvas(milestonesWidth, milestonesHeight(len(m.Items)))
	if err != nil {
		return nil, err
	}
	defer cv.release()
	f := cv.faces
	cv.title(m.Title)
	if len(m.Items) == 0 {
		cv.textCentre(f.body, "No milestones yet", milestonesWidth/2, rowsTop+rowHeight-4, mutedColor)
		return encodePNG(cv.img)
	}
	done := 0
	for _, it := range m.Items {
		if !it.Done.IsZero() {
			done++
		}
	}
	cv.progressBar(done, len(m.Items))
	zone := m.Zone
	if zone == nil {
		zone = time.UTC
	}
	for i, it := range m.Items[:min(len(m.Items), maxRows)] {
		cv.milestoneRow(it, rowsTop+i*rowHeight, zone)
	}
	if more := len(m.Items) - maxRows; more > 0 {
		cv.text(f.body, fmt.Sprintf("+%d more", more), pad+boxSize+14, rowsTop+maxRows*rowHeight+rowHeight/2+6, mutedColor)
	}
	return encodePNG(cv.img)
}

// progressBar draws a bar filled to the share done, and "3 of 5 done".
func (cv *canvas) progressBar(done, total int) {
	cv.shape().roundRect(barLeft, barTop, barRight-barLeft, barHeight, barHeight/2)
	cv.fill(ruleColor)
	if w := barFill(done, total); w > 0 {
		cv.shape().roundRect(barLeft, barTop, float32(w), barHeight, barHeight/2)
		cv.fill(doneColor)
	}
	cv.textRight(cv.faces.body, fmt.Sprintf("%d of %d done", done, total), milestonesWidth-pad, barTop+barHeight-1, inkColor)
}

// barFill returns how wide the progress bar's fill is: in proportion to
// the share done, and never narrower than the bar is high, so that one done
// of many still shows.
func barFill(done, total int) int {
	if done <= 0 || total <= 0 {
		return 0
	}
	w := (barRight - barLeft) * min(done, total) / total
	return max(w, barHeight)
}

// milestoneRow draws one milestone in the row at top: a ticked box and the
// date it was done, or an empty box while it is planned.
func (cv *canvas) milestoneRow(it Milestone, top int, zone *time.Location) {
	x, y := float32(pad), float32(top+(rowHeight-boxSize)/2)
	if it.Done.IsZero() {
		cv.shape().ring(x, y, boxSize, boxSize, 5, 2)
		cv.fill(pausedColor)
	} else {
		cv.shape().roundRect(x, y, boxSize, boxSize, 5)
		cv.fill(doneColor)
		cv.tick(x, y, boxSize)
		cv.textRight(cv.faces.label, it.Done.In(zone).Format("2 Jan"), milestonesWidth-pad, top+rowHeight/2+5, mutedColor)
	}
	textX := pad + boxSize + 14
	maxW := milestonesWidth - pad - dateWidth - 12 - textX
	cv.text(cv.faces.body, fit(cv.faces.body, it.Text, maxW), textX, top+rowHeight/2+6, inkColor)
	if top > rowsTop {
		cv.shape().rect(float32(textX), float32(top), float32(milestonesWidth-pad-textX), 1)
		cv.fill(ruleColor)
	}
}

// tick draws a white tick in the size×size box at (x, y).
func (cv *canvas) tick(x, y, size float32) {
	a := point{x + size*0.24, y + size*0.52}
	b := point{x + size*0.43, y + size*0.70}
	c := point{x + size*0.77, y + size*0.32}
	p := cv.shape()
	p.line(a, b, 2.6)
	p.line(b, c, 2.6)
	p.circle(b.x, b.y, 1.3)
	cv.fill(whiteColor)
}

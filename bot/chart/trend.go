package chart

import (
	"math"
	"strconv"
	"time"
)

// Point is one 1-to-10 rating.
type Point struct {
	At    time.Time
	Value int
}

// Trend is the line of a person's ratings over time.
type Trend struct {
	Title  string
	Points []Point        // oldest first; values outside 1..10 are clamped
	Zone   *time.Location // for date labels on the x axis; nil means UTC
}

// The trend's layout, in pixels.
const (
	trendWidth  = 760
	trendHeight = 360
	plotLeft    = pad + 30
	plotRight   = trendWidth - pad
	plotTop     = 80
	plotBottom  = trendHeight - pad - 28
	plotInset   = 18 // between the y labels and the first point, the last point and the edge
	dateLabels  = 5  // at most this many dates under the x axis
)

// PNG draws the trend as a 760×360 PNG: the ratings on a 1 to 10 scale,
// placed by time and joined by a line, with the last one labelled.
func (t Trend) PNG() ([]byte, error) {
	cv, err := newCanvas(trendWidth, trendHeight)
	if err != nil {
		return nil, err
	}
	defer cv.release()
	f := cv.faces
	cv.title(t.Title)
	cv.ratingScale()
	if len(t.Points) == 0 {
		cv.textCentre(f.body, "No ratings yet", (plotLeft+plotRight)/2, (plotTop+plotBottom)/2+6, mutedColor)
		return encodePNG(cv.img)
	}
	x := t.xScale()
	pts := make([]point, len(t.Points))
	for i, p := range t.Points {
		pts[i] = point{x(p.At), ratingY(p.Value)}
	}
	cv.dates(t.Points, t.Zone, x)
	cv.ratingLine(pts)
	cv.lastRating(clampRating(t.Points[len(t.Points)-1].Value), pts)
	return encodePNG(cv.img)
}

// lastRating writes the last rating by its dot: above it, or below it
// when the line comes down to it, so that the line does not cross it.
func (cv *canvas) lastRating(v int, pts []point) {
	last := pts[len(pts)-1]
	y := int(last.y) - 14
	if n := len(pts); n > 1 && pts[n-2].y < last.y && v > 2 {
		y = int(last.y) + 32
	}
	cv.textCentre(cv.faces.title, strconv.Itoa(v), int(last.x), y, doneColor)
}

// clampRating returns v within 1..10.
func clampRating(v int) int { return min(max(v, 1), 10) }

// ratingY returns the height of rating v on the plot.
func ratingY(v int) float32 {
	return plotBottom - float32(clampRating(v)-1)/9*(plotBottom-plotTop)
}

// ratingScale draws a gridline and a label for each rating from 1 to 10.
func (cv *canvas) ratingScale() {
	for v := 1; v <= 10; v++ {
		y := int(ratingY(v) + 0.5)
		cv.shape().rect(plotLeft, float32(y), plotRight-plotLeft, 1)
		cv.fill(ruleColor)
		cv.textRight(cv.faces.label, strconv.Itoa(v), plotLeft-10, y+5, mutedColor)
	}
}

// xScale returns where on the plot a time goes: the earliest point at the
// left, the latest at the right, or the middle when they are all at once.
func (t Trend) xScale() func(time.Time) float32 {
	first, last := seconds(t.Points[0].At), seconds(t.Points[0].At)
	for _, p := range t.Points {
		s := seconds(p.At)
		first, last = min(first, s), max(last, s)
	}
	left, width := float64(plotLeft+plotInset), float64(plotRight-plotLeft-2*plotInset)
	return func(at time.Time) float32 {
		if last == first {
			return float32(left + width/2)
		}
		return float32(left + width*(seconds(at)-first)/(last-first))
	}
}

// seconds returns t as seconds since 1970, as a float so that any time
// fits (a time.Duration overflows after 292 years).
func seconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// dates labels a few times under the plot, evenly spaced between the first
// and the last rating, skipping repeats and labels that would overlap.
func (cv *canvas) dates(points []Point, zone *time.Location, x func(time.Time) float32) {
	if zone == nil {
		zone = time.UTC
	}
	first, last := points[0].At, points[0].At
	for _, p := range points {
		if p.At.Before(first) {
			first = p.At
		}
		if p.At.After(last) {
			last = p.At
		}
	}
	layout := "2 Jan"
	if last.Sub(first) > 300*24*time.Hour {
		layout = "Jan 2006"
	}
	face := cv.faces.label
	prevText, prevEnd := "", math.MinInt
	span := last.Sub(first)
	for i := range dateLabels {
		at := first.Add(span / (dateLabels - 1) * time.Duration(i))
		text := at.In(zone).Format(layout)
		w := measure(face, text)
		centre := int(x(at))
		left := min(max(centre-w/2, plotLeft), plotRight-w)
		if text == prevText || left < prevEnd+16 {
			continue
		}
		cv.shape().rect(float32(centre), plotBottom+1, 1, 5)
		cv.fill(mutedColor)
		cv.text(face, text, left, plotBottom+24, mutedColor)
		prevText, prevEnd = text, left+w
	}
}

// ratingLine joins the points with a line and marks each with a dot, set
// off from the line by a ring of the card's colour.
func (cv *canvas) ratingLine(pts []point) {
	p := cv.shape()
	for i := 1; i < len(pts); i++ {
		p.line(pts[i-1], pts[i], 2.5)
	}
	cv.fill(doneColor)
	r := float32(5)
	if len(pts) > 40 {
		r = 3
	}
	for _, q := range pts {
		cv.shape().circle(q.x, q.y, r+2)
		cv.fill(cardColor)
		cv.shape().circle(q.x, q.y, r)
		cv.fill(doneColor)
	}
}

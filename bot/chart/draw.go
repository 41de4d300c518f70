package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"slices"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The palette. Blue and vermilion come from the Okabe–Ito set, which people
// with the common colour-vision deficiencies tell apart; every state also
// has its own shape, so nothing depends on colour alone.
var (
	cardColor   = color.RGBA{0xF7, 0xF6, 0xF2, 0xFF} // the card: warm off-white
	inkColor    = color.RGBA{0x1F, 0x23, 0x28, 0xFF} // titles and text
	mutedColor  = color.RGBA{0x5E, 0x65, 0x6E, 0xFF} // labels
	ruleColor   = color.RGBA{0xE2, 0xE2, 0xDC, 0xFF} // gridlines, bar track
	doneColor   = color.RGBA{0x00, 0x72, 0xB2, 0xFF} // done, the rating line
	notYetColor = color.RGBA{0xD5, 0x5E, 0x00, 0xFF} // not yet
	pausedColor = color.RGBA{0x8C, 0x91, 0x99, 0xFF} // paused
	notDueColor = color.RGBA{0xB4, 0xB8, 0xBE, 0xFF} // nothing due
	futureColor = color.RGBA{0xD6, 0xD8, 0xD4, 0xFF} // days still to come
	whiteColor  = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

const (
	pad        = 24 // the card's inner margin
	cardRadius = 14
)

// canvas is one chart being drawn: the image, a rasterizer for shapes and
// the font faces for text.
type canvas struct {
	img   *image.RGBA
	faces *faces
	z     vector.Rasterizer
	p     path
	src   image.Uniform // the colour being drawn
}

// canvasPool keeps canvases between charts, so that image memory,
// rasterizer buffers and font faces are made once rather than per chart.
var canvasPool sync.Pool

// newCanvas returns a w×h canvas with the card drawn on it; the corners
// outside the card's rounding are transparent. Give it back with release
// once its image is encoded.
func newCanvas(w, h int) (*canvas, error) {
	c, ok := canvasPool.Get().(*canvas)
	if !ok {
		f, err := newFaces()
		if err != nil {
			return nil, err
		}
		c = &canvas{img: &image.RGBA{}, faces: f}
	}
	c.img.Pix = slices.Grow(c.img.Pix[:0], 4*w*h)[:4*w*h]
	c.img.Stride, c.img.Rect = 4*w, image.Rect(0, 0, w, h)
	c.src.C = cardColor
	draw.Draw(c.img, c.img.Bounds(), &c.src, image.Point{}, draw.Src)
	c.roundCorners()
	return c, nil
}

// roundCorners clears each corner's square and fills the card's quarter
// circle back in, so that only the corners are rasterized.
func (c *canvas) roundCorners() {
	const r = cardRadius
	w, h := float32(c.img.Rect.Dx()), float32(c.img.Rect.Dy())
	for _, k := range []struct {
		cx, cy float32 // the quarter circle's centre
		ex, ey float32 // the image's corner
		angle  float64 // where the quarter circle starts
	}{{r, r, 0, 0, math.Pi}, {w - r, r, w, 0, 1.5 * math.Pi}, {w - r, h - r, w, h, 0}, {r, h - r, 0, h, 0.5 * math.Pi}} {
		draw.Draw(c.img, image.Rect(int(k.cx), int(k.cy), int(k.ex), int(k.ey)), image.Transparent, image.Point{}, draw.Src)
		p := c.shape()
		p.arc(k.cx, k.cy, r, k.angle, k.angle+0.5*math.Pi)
		p.add(k.cx, k.cy)
		p.close()
		c.fill(cardColor)
	}
}

// release gives the canvas back for another chart to use.
func (c *canvas) release() { canvasPool.Put(c) }

// shape starts a new path to fill.
func (c *canvas) shape() *path {
	c.p.reset()
	return &c.p
}

// fill paints the current path in col, anti-aliased. Only the path's
// bounding box is rasterized, which keeps many small shapes cheap.
func (c *canvas) fill(col color.RGBA) {
	p := &c.p
	if len(p.pts) == 0 {
		return
	}
	r := image.Rect(
		int(math.Floor(float64(p.minX))), int(math.Floor(float64(p.minY))),
		int(math.Ceil(float64(p.maxX))), int(math.Ceil(float64(p.maxY))),
	).Intersect(c.img.Bounds())
	if r.Empty() {
		return
	}
	c.z.Reset(r.Dx(), r.Dy())
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	start := 0
	for _, end := range p.ends {
		if end == start {
			continue
		}
		c.z.MoveTo(p.pts[start].x-ox, p.pts[start].y-oy)
		for _, q := range p.pts[start+1 : end] {
			c.z.LineTo(q.x-ox, q.y-oy)
		}
		c.z.ClosePath()
		start = end
	}
	c.src.C = col
	c.z.Draw(c.img, r, &c.src, image.Point{})
}

// text draws s, which fit has prepared, with its baseline at y and its
// left edge at x.
func (c *canvas) text(face font.Face, s string, x, y int, col color.RGBA) {
	c.src.C = col
	d := font.Drawer{Dst: c.img, Src: &c.src, Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// textRight draws s with its right edge at x.
func (c *canvas) textRight(face font.Face, s string, x, y int, col color.RGBA) {
	c.text(face, s, x-measure(face, s), y, col)
}

// textCentre draws s centred on x.
func (c *canvas) textCentre(face font.Face, s string, x, y int, col color.RGBA) {
	c.text(face, s, x-measure(face, s)/2, y, col)
}

// title draws a chart's title in the top left, cut to the card's width.
func (c *canvas) title(s string) {
	w := c.img.Bounds().Dx() - 2*pad
	c.text(c.faces.title, fit(c.faces.title, s, w), pad, titleBaseline, inkColor)
}

// encodePNG encodes img; the encoder's buffers are reused across charts.
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := encoder.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// encoder compresses for speed: the charts are mostly flat colour, so
// the files stay small (a few tens of kilobytes) either way.
var encoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &encoderBuffers{}}

// encoderBuffers is a png.EncoderBufferPool on a sync.Pool.
type encoderBuffers struct{ pool sync.Pool }

func (e *encoderBuffers) Get() *png.EncoderBuffer {
	b, _ := e.pool.Get().(*png.EncoderBuffer)
	return b
}

func (e *encoderBuffers) Put(b *png.EncoderBuffer) { e.pool.Put(b) }

// point is a position in image coordinates: x to the right, y down.
type point struct{ x, y float32 }

// path is a set of closed outlines made of straight lines; curves are
// flattened as they are added. Outlines go clockwise on screen, so where
// they overlap they add up; reverse the last one to cut a hole instead.
type path struct {
	pts                    []point
	ends                   []int // outline i is pts[ends[i-1]:ends[i]]
	minX, minY, maxX, maxY float32
}

func (p *path) reset() {
	p.pts, p.ends = p.pts[:0], p.ends[:0]
	p.minX, p.minY = math.MaxFloat32, math.MaxFloat32
	p.maxX, p.maxY = -math.MaxFloat32, -math.MaxFloat32
}

// add appends a point to the outline being built.
func (p *path) add(x, y float32) {
	p.pts = append(p.pts, point{x, y})
	p.minX, p.minY = min(p.minX, x), min(p.minY, y)
	p.maxX, p.maxY = max(p.maxX, x), max(p.maxY, y)
}

// close ends the outline being built.
func (p *path) close() *path {
	p.ends = append(p.ends, len(p.pts))
	return p
}

// reverse reverses the last outline's direction, so that it cuts a hole in
// the outlines around it.
func (p *path) reverse() *path {
	start := 0
	if len(p.ends) > 1 {
		start = p.ends[len(p.ends)-2]
	}
	s := p.pts[start:]
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return p
}

// arc adds points on a circle around (cx, cy) from angle a0 to a1 (radians,
// clockwise on screen from the positive x axis).
func (p *path) arc(cx, cy, r float32, a0, a1 float64) {
	n := max(2, int(math.Ceil(float64(r)*math.Abs(a1-a0)/2.5)))
	for i := 0; i <= n; i++ {
		a := a0 + (a1-a0)*float64(i)/float64(n)
		p.add(cx+r*float32(math.Cos(a)), cy+r*float32(math.Sin(a)))
	}
}

// rect adds a rectangle.
func (p *path) rect(x, y, w, h float32) *path {
	p.add(x, y)
	p.add(x+w, y)
	p.add(x+w, y+h)
	p.add(x, y+h)
	return p.close()
}

// roundRect adds a rectangle with corners rounded to radius r.
func (p *path) roundRect(x, y, w, h, r float32) *path {
	r = min(r, w/2, h/2)
	if r <= 0 {
		return p.rect(x, y, w, h)
	}
	p.arc(x+r, y+r, r, math.Pi, 1.5*math.Pi)
	p.arc(x+w-r, y+r, r, 1.5*math.Pi, 2*math.Pi)
	p.arc(x+w-r, y+h-r, r, 0, 0.5*math.Pi)
	p.arc(x+r, y+h-r, r, 0.5*math.Pi, math.Pi)
	return p.close()
}

// ring adds the outline of a rounded rectangle drawn with the given stroke
// width inside its edge.
func (p *path) ring(x, y, w, h, r, stroke float32) *path {
	p.roundRect(x, y, w, h, r)
	return p.roundRect(x+stroke, y+stroke, w-2*stroke, h-2*stroke, r-stroke).reverse()
}

// circle adds a circle.
func (p *path) circle(cx, cy, r float32) *path {
	p.arc(cx, cy, r, 0, 2*math.Pi)
	return p.close()
}

// line adds a straight stroke of the given width from a to b, ending
// flat at a and b.
func (p *path) line(a, b point, width float32) *path {
	dx, dy := b.x-a.x, b.y-a.y
	n := float32(math.Hypot(float64(dx), float64(dy)))
	if n == 0 {
		return p
	}
	// (nx, ny) is perpendicular to the line, half the width long; this order
	// of corners goes clockwise on screen, like every other outline.
	nx, ny := dy/n*width/2, -dx/n*width/2
	p.add(a.x+nx, a.y+ny)
	p.add(b.x+nx, b.y+ny)
	p.add(b.x-nx, b.y-ny)
	p.add(a.x-nx, a.y-ny)
	return p.close()
}

// lowerHalf adds the lower half of a rounded rectangle.
func (p *path) lowerHalf(x, y, w, h, r float32) *path {
	r = min(r, w/2, h/2)
	p.add(x, y+h/2)
	p.add(x+w, y+h/2)
	p.arc(x+w-r, y+h-r, r, 0, 0.5*math.Pi)
	p.arc(x+r, y+h-r, r, 0.5*math.Pi, math.Pi)
	return p.close()
}

package chart

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Text sizes in pixels.
const (
	titleSize = 24 // chart titles
	bodySize  = 17 // milestone text, "No ratings yet"
	labelSize = 15 // axis labels, legend, dates
	bigSize   = 34 // the calendar's headline number

	titleBaseline = pad + 22
)

// ellipsis ends text cut to fit.
const ellipsis = "…"

// faces are the font faces one canvas draws with. A face keeps scratch
// buffers, so a set is used by one chart at a time.
type faces struct {
	title, body, label, big font.Face
}

// goFonts parses the embedded Go fonts once per process.
var goFonts = sync.OnceValues(func() (goFontSet, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return goFontSet{}, fmt.Errorf("chart: parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return goFontSet{}, fmt.Errorf("chart: parse Go Bold: %w", err)
	}
	return goFontSet{regular, bold}, nil
})

// goFontSet is the parsed fonts the charts use.
type goFontSet struct{ regular, bold *opentype.Font }

// newFaces makes the face set for one canvas.
func newFaces() (*faces, error) {
	fonts, err := goFonts()
	if err != nil {
		return nil, err
	}
	var errs []error
	face := func(f *opentype.Font, size float64) font.Face {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		errs = append(errs, err)
		return face
	}
	f := &faces{
		title: face(fonts.bold, titleSize),
		body:  face(fonts.regular, bodySize),
		label: face(fonts.regular, labelSize),
		big:   face(fonts.bold, bigSize),
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("chart: font face: %w", err)
	}
	return f, nil
}

// maxRunes bounds the characters kept on one line, so that text of
// zero-width characters cannot make a chart slow.
const maxRunes = 300

// fit returns s ready to draw with face in at most maxW pixels: control
// and invisible format characters dropped, each run of white space made
// one space, and the end cut and replaced with "…" where s is too wide.
// It stops reading s once the width is used up, so a very long s costs no
// more than a short one.
func fit(face font.Face, s string, maxW int) string {
	limit := fixed.I(maxW)
	var kept []glyph
	var width fixed.Int26_6
	keep := func(r rune) bool {
		if len(kept) > 0 {
			width += face.Kern(kept[len(kept)-1].r, r)
		}
		adv, _ := face.GlyphAdvance(r)
		width += adv
		kept = append(kept, glyph{r, width})
		return width <= limit && len(kept) <= maxRunes
	}
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = len(kept) > 0
			continue
		}
		if !drawable(face, r) {
			continue
		}
		if space && !keep(' ') || !keep(r) {
			return cut(face, kept[:len(kept)-1], limit)
		}
		space = false
	}
	return glyphString(kept, "")
}

// glyph is a character fit keeps, with the width of the text up to and
// including it.
type glyph struct {
	r     rune
	width fixed.Int26_6
}

// cut returns the longest start of kept that still fits in limit with "…"
// after it, without a space before the "…".
func cut(face font.Face, kept []glyph, limit fixed.Int26_6) string {
	dots, _ := face.GlyphAdvance('…')
	n := len(kept)
	for ; n > 0; n-- {
		g := kept[n-1]
		if g.r != ' ' && g.width+face.Kern(g.r, '…')+dots <= limit {
			break
		}
	}
	if n == 0 && dots > limit {
		return ""
	}
	return glyphString(kept[:n], ellipsis)
}

// glyphString returns the characters of gs followed by tail.
func glyphString(gs []glyph, tail string) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteRune(g.r)
	}
	b.WriteString(tail)
	return b.String()
}

// drawable reports whether r should be drawn. Characters the font has are.
// Letters and digits it lacks (Chinese, Arabic) are drawn as the font's
// empty box, so that a name in another script still shows it is there;
// symbols it lacks (emoji) are left out, as are characters that only
// change another (skin tones, variation selectors, combining marks) and
// invisible ones (controls, joiners, direction marks).
func drawable(face font.Face, r rune) bool {
	if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
		return false
	}
	if _, ok := face.GlyphAdvance(r); ok {
		return true
	}
	return unicode.In(r, unicode.L, unicode.N)
}

// measure returns the width of s drawn with face, in whole pixels.
func measure(face font.Face, s string) int {
	return font.MeasureString(face, s).Ceil()
}

// Package chart draws a person's progress as small PNG pictures for chat:
// a calendar of check-ins over the last 12 weeks, the trend of their 1 to 10
// ratings, and their milestones done against planned.
//
// The engine builds a [Calendar], [Trend] or [Milestones] from what it
// knows and calls PNG; an adapter attaches the bytes to a reply. Every chart
// has a fixed size, sits on an opaque light card that reads in dark and
// light chat themes, and tells its states apart by shape as well as by
// colour (blue and vermilion, which colour-blind people can tell apart).
//
// # Why golang.org/x/image and our own drawing
//
// The charts are three fixed layouts, so the few hundred lines that draw
// them are easier to keep right than a general plotting library's options.
// golang.org/x/image is maintained by the Go team and is pure Go: no cgo,
// no external binaries, nothing fetched at run time. Its vector package
// anti-aliases shapes and lines, and its sfnt/opentype packages render the
// Go fonts (BSD licence), which gofont compiles into the binary, so a chart
// looks the same on every machine. Rendering is deterministic: the same
// input gives byte-identical PNGs, which golden-image tests rely on.
// A plotting library (gonum/plot and the like) would bring a larger
// dependency tree, its own look to fight and options we do not need.
//
// Text can be anything a person typed. Control and invisible format
// characters are dropped, white space is collapsed, text is measured with
// the font and cut with "…" where it would not fit, and characters the Go
// fonts lack (emoji, Hebrew, Arabic, CJK) are drawn as the font's empty box.
// Text is laid out left to right without bidirectional reordering.
//
// Fonts are parsed once per process. Canvases (image memory, rasterizer
// buffers, font faces) and PNG encoder buffers are pooled, so a chart
// renders in a few milliseconds, most of them spent compressing the PNG,
// and the PNG methods are safe to call from many goroutines.
package chart

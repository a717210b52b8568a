package scans

import (
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/guptarohit/asciigraph"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// xAxis is what the live plot's x axis shows: the scan's axis from lo to
// hi when the points are evenly spaced along one axis, else (label "")
// the point's number.
type xAxis struct {
	label  string
	lo, hi float64
}

// livePlot is the plot of a scan's points drawn in the terminal
// (asciigraph) between the table and the progress bar, redrawn as each
// point arrives. It is a fixed number of lines, which the bar's
// container redraws in place, so the table's rows above it and the
// prompt below it never mix with it.
type livePlot struct {
	x      xAxis
	height int // rows of the plot's body
	width  int // columns of the plot's body

	mu      sync.Mutex
	caption string
	ys      []float64 // NaN until measured: the plot fills left to right
	n       int       // points measured
	lines   []string  // the plot drawn, lines() of them
	dirty   bool
}

// The plot's lines beyond its body: the x axis, its ticks, the caption.
const plotExtraLines = 3

// newLivePlot sizes the plot for a terminal of cols x rows; nil when the
// terminal is too small to show it beside the table.
func newLivePlot(total int, x xAxis, cols, rows int) *livePlot {
	height := min(10, rows/2-plotExtraLines-1)
	width := min(60, cols-20)
	if total < 2 || height < 3 || width < 10 {
		return nil
	}
	p := &livePlot{x: x, height: height, width: width, ys: make([]float64, total)}
	for i := range p.ys {
		p.ys[i] = math.NaN()
	}
	p.lines = make([]string, p.lineCount())
	return p
}

// lineCount is how many lines the plot takes on the screen: the body
// (height+1 rows of labels) and the extra lines.
func (p *livePlot) lineCount() int { return p.height + 1 + plotExtraLines }

// setCaption names what is plotted against what.
func (p *livePlot) setCaption(y string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.x.label
	if x == "" {
		x = "point"
	}
	p.caption = y + " against " + x
	p.dirty = true
}

// add records the next point's value; a value that is no number leaves
// a gap.
func (p *livePlot) add(v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n < len(p.ys) {
		if f, ok := toFloat(v); ok {
			p.ys[p.n] = f
		}
		p.n++
	}
	p.dirty = true
}

// line gives line i of the plot, drawing it again first if a point came
// since: drawing happens at the container's refresh rate, not per point,
// so a fast scan pays nothing for it.
func (p *livePlot) line(i, width int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dirty {
		p.draw()
		p.dirty = false
	}
	s := p.lines[i]
	if width > 1 && len([]rune(s)) >= width { // a wrapped line would break the redraw
		s = string([]rune(s)[:width-1])
	}
	return s
}

// draw renders the points into p.lines, the plot at the bottom and blank
// lines above it while its body is flatter than height (all values equal).
func (p *livePlot) draw() {
	for i := range p.lines {
		p.lines[i] = ""
	}
	if p.n == 0 {
		p.lines[len(p.lines)-1] = "  " + p.caption + ": waiting for the first point"
		return
	}
	lo, hi := 1.0, float64(len(p.ys))
	if p.x.label != "" {
		lo, hi = p.x.lo, p.x.hi
	}
	out := asciigraph.Plot(p.ys, asciigraph.Height(p.height), asciigraph.Width(p.width),
		asciigraph.XAxisRange(lo, hi), asciigraph.Caption(p.caption),
		asciigraph.YAxisValueFormatter(func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }))
	got := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(got) > len(p.lines) {
		got = got[len(got)-len(p.lines):]
	}
	copy(p.lines[len(p.lines)-len(got):], got)
}

// extender gives the bar's container the plot's lines above the bar.
func (p *livePlot) extender() mpb.BarOption {
	n := p.lineCount()
	fillers := make([]mpb.BarFiller, n)
	for i := range n {
		// The container stacks a top extender's fillers upwards from
		// the bar: the first is the line just above it.
		line := n - 1 - i
		fillers[i] = mpb.BarFillerFunc(func(w io.Writer, st decor.Statistics) error {
			_, err := io.WriteString(w, p.line(line, st.AvailableWidth)+"\n")
			return err
		})
	}
	return mpb.BarTopExtender(fillers...)
}

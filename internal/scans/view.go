package scans

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"
	"github.com/vbauerster/cupwriter"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/tasks"
)

// view is the live view of one scan: the table and, on a terminal, the
// progress bar with the plot above it. A no-op in Quiet mode.
type view struct {
	cfg   Config
	title string
	total int
	x     xAxis

	mu     sync.Mutex
	out    io.Writer // rows go here: the bar's container, or cfg.Out
	prog   *mpb.Progress
	bar    *mpb.Bar
	widths []int
	last   time.Time
	plot   *livePlot // nil without a terminal or one too small
	y      int       // the column plotted; -1 for none
}

const minWidth = 10

// newView makes the view of a run of total points; x is what the plot's
// x axis shows.
func newView(kind string, run, total int, x xAxis) *view {
	v := &view{cfg: config(), title: fmt.Sprintf("%s run %d", kind, run), total: total, x: x, y: -1}
	if v.cfg.Out == nil || v.cfg.Mode == Quiet {
		v.cfg.Mode = Quiet
		return v
	}
	v.out = v.cfg.Out
	if v.cfg.Mode == Live {
		v.startBar()
	}
	return v
}

// startBar draws the progress bar for a scan the user waits for. A scan
// in the background gets no bar, since the prompt owns the terminal's
// last line; when the command that started it ends first, the bar goes
// and the rows carry on as plain lines above the prompt.
func (v *view) startBar() {
	fg := tasks.Default.Foreground()
	self := tasks.Current()
	if fg == nil || self == nil || !self.Within(fg) {
		v.cfg.Mode = Plain
		return
	}
	cw := cupwriter.New(v.cfg.Out, false)
	cw.SetTermFd(v.cfg.TermFd)
	if !cw.IsTerminal() {
		v.cfg.Mode = Plain
		return
	}
	if cols, rows, err := cw.GetTermSize(); err == nil {
		v.plot = newLivePlot(v.total, v.x, cols, rows)
	}
	var plot mpb.BarOption
	if v.plot != nil {
		plot = v.plot.extender()
	}
	v.prog = mpb.New(mpb.WithConsoleWriter(cw), mpb.WithRefreshRate(100*time.Millisecond))
	v.bar = v.prog.AddBar(int64(v.total), plot,
		mpb.PrependDecorators(decor.Name(v.title+" ", decor.WC{C: decor.DindentRight}), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5}), decor.Name(" ETA "),
			decor.OnComplete(decor.EwmaETA(decor.ET_STYLE_GO, 30), "done")),
	)
	v.out = v.prog
	v.last = time.Now()
	go func() {
		defer func() { recover() }() // a view must never take the shell down
		select {
		case <-fg.Done():
			v.stopBar(true)
		case <-self.Done():
		}
	}()
}

// stopBar removes the bar; rows go on as plain lines.
func (v *view) stopBar(drop bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.prog == nil {
		return
	}
	if drop || !v.bar.Completed() {
		v.bar.Abort(drop)
	}
	v.prog.Wait()
	v.prog, v.bar, v.out, v.plot = nil, nil, v.cfg.Out, nil
	if v.cfg.Mode == Live {
		v.cfg.Mode = Plain
	}
}

// header prints the table's header line; column y (-1: none) is the
// one the live plot shows.
func (v *view) header(cols []string, y int) {
	if v.cfg.Mode == Quiet {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if y >= 0 && y < len(cols) {
		v.y = y
		if v.plot != nil {
			v.plot.setCaption(cols[y])
		}
	}
	v.widths = make([]int, len(cols))
	cells := make([]string, len(cols))
	for i, c := range cols {
		v.widths[i] = max(len(c), minWidth)
		cells[i] = pad(c, v.widths[i])
	}
	line := strings.TrimRight(strings.Join(cells, "  "), " ")
	if v.cfg.Color {
		c := color.New(color.Bold)
		c.EnableColor()
		line = c.Sprint(line)
	}
	fmt.Fprintln(v.out, line)
}

// row prints a point's row and advances the bar.
func (v *view) row(vals []any, elapsed time.Duration) {
	if v.cfg.Mode == Quiet {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	cells := make([]string, len(vals))
	for i, x := range vals {
		w := minWidth
		if i < len(v.widths) {
			w = v.widths[i]
		}
		cells[i] = pad(format(x), w)
	}
	fmt.Fprintln(v.out, strings.TrimRight(strings.Join(cells, "  "), " "))
	if v.plot != nil && v.y >= 0 && v.y < len(vals) {
		v.plot.add(vals[v.y])
	}
	if v.bar != nil {
		now := time.Now()
		v.bar.EwmaIncrement(now.Sub(v.last))
		v.last = now
	}
}

// end finishes the bar, which leaves its last frame (the plot with
// every point, the bar) on the screen, and says where the run is.
func (v *view) end(r *Result, status data.Status) {
	if v.cfg.Mode == Quiet {
		return
	}
	live := v.prog != nil
	v.stopBar(false)
	if !live {
		return
	}
	fmt.Fprintf(v.cfg.Out, "run %d %s: %d of %d points in %s\n", r.Run, status, r.Points, v.total, r.Dir)
}

// pad right-aligns s in w columns.
func pad(s string, w int) string {
	if n := len([]rune(s)); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// format prints a CSV value for the table: numbers with 6 significant
// digits.
func format(x any) string {
	switch x := x.(type) {
	case float64:
		if x == 0 {
			return "0"
		}
		return strconv.FormatFloat(x, 'g', 6, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(x)
}

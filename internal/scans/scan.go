package scans

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// axis is one parameter a scan moves.
type axis struct {
	param *devices.Parameter
	unit  q.Quantity // the parameter's unit, for the table and the CSV
	name  string     // "motor.position"
}

// plan is a scan ready to run: the axes, every point, the measures.
type plan struct {
	kind     string
	axes     []axis
	points   [][]q.Quantity // per point, a position per axis; offsets if relative
	relative bool
	measures []*Measure
	goBack   bool
	desc     map[string]any // what the user asked for, for meta.json
	// onRow, if set, sees every row as it is written (focus uses it).
	onRow func(pos []q.Quantity, vals []any)
}

// Result is what a scan's task gives: where its run went and what it
// measured.
type Result struct {
	Run     int        // the run's number
	Dir     string     // the run's directory
	Points  int        // points measured
	Columns []string   // the CSV's headers
	Rows    [][]any    // the values, as in the CSV
	Peak    q.Quantity // Focus only: where the measure peaked
}

// String is what the shell prints: "run 3: 11 points".
func (r *Result) String() string {
	s := fmt.Sprintf("run %d: %d points", r.Run, r.Points)
	if r.Peak != nil {
		s += ", peak at " + r.Peak.String()
	}
	return s
}

// start runs the plan as a task named after its kind.
func (p *plan) start() *tasks.Task {
	return tasks.Start(p.run, tasks.Named(p.kind), tasks.ChildOf(tasks.Current()), tasks.Logged())
}

// failedTask is a task that has already failed with err: errors found
// when a scan is asked for reach the user where the others do, at await.
func failedTask(name string, err error) *tasks.Task {
	return tasks.Start(func() error { return err }, tasks.Named(name), tasks.ChildOf(tasks.Current()))
}

// run is the scan: resolve and check every point, then move and measure
// point by point, writing the run as it goes.
func (p *plan) run(ctx context.Context) (*Result, error) {
	origin, err := p.origin(ctx)
	if err != nil {
		return nil, err
	}
	targets := p.targets(origin)
	if err := p.check(targets); err != nil {
		return nil, err
	}
	if err := p.prepare(ctx); err != nil {
		return nil, err
	}
	run, err := data.Create(data.Meta{Kind: p.kind, Command: command(), Scan: p.desc,
		Planned: len(targets), Baseline: data.Baseline(ctx)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.kind, err)
	}
	res := &Result{Run: run.Number(), Dir: run.Dir()}
	view := newView(p.kind, run.Number(), len(targets), p.xAxis(targets))
	err = p.measureAll(ctx, run, origin, targets, res, view)
	if p.goBack {
		if backErr := p.back(ctx, origin, err); backErr != nil && err == nil {
			err = backErr
		}
	}
	status := statusOf(ctx, err)
	if cerr := run.Close(status, err); cerr != nil && err == nil {
		err = cerr
	}
	view.end(res, status)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("%s: %w; %s", p.kind, err, kept(res))
	}
	return res, err
}

// kept says where the points measured before an error are.
func kept(r *Result) string {
	switch r.Points {
	case 0:
		return fmt.Sprintf("no point measured (run %d)", r.Run)
	case 1:
		return fmt.Sprintf("point 1 is saved in run %d", r.Run)
	}
	return fmt.Sprintf("points 1-%d are saved in run %d", r.Points, r.Run)
}

// origin reads where the axes are: the start of a relative scan and where
// go-back returns to.
func (p *plan) origin(ctx context.Context) ([]q.Quantity, error) {
	if !p.relative && !p.goBack {
		return nil, nil
	}
	out := make([]q.Quantity, len(p.axes))
	for i, a := range p.axes {
		v, err := a.param.Read(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: reading where %s is: %w", p.kind, a.name, err)
		}
		x, ok := v.(q.Quantity)
		if !ok {
			return nil, fmt.Errorf("%s: %s is %T, not a quantity", p.kind, a.name, v)
		}
		out[i] = x
	}
	return out, nil
}

// targets gives the absolute positions of every point.
func (p *plan) targets(origin []q.Quantity) [][]q.Quantity {
	if !p.relative {
		return p.points
	}
	out := make([][]q.Quantity, len(p.points))
	for i, pt := range p.points {
		abs := make([]q.Quantity, len(pt))
		for j, off := range pt {
			abs[j] = q.New(off.Dim(), origin[j].Base()+off.Base())
		}
		out[i] = abs
	}
	return out
}

// check refuses the scan before anything moves if any point would be
// refused: units, limits, write locks.
func (p *plan) check(targets [][]q.Quantity) error {
	if len(targets) == 0 {
		return fmt.Errorf("%s: no points to scan; give at least 1", p.kind)
	}
	for i, pt := range targets {
		for j, a := range p.axes {
			if err := a.param.Check(pt[j]); err != nil {
				return fmt.Errorf("%s: point %d of %d: %w; nothing moved", p.kind, i+1, len(targets), err)
			}
		}
	}
	return nil
}

// prepare readies the measures' devices (a counter's count_time) before
// the first move.
func (p *plan) prepare(ctx context.Context) error {
	for _, m := range p.measures {
		if m.prepare == nil {
			continue
		}
		if err := m.prepare(ctx); err != nil {
			return fmt.Errorf("%s: %w; nothing moved", p.kind, err)
		}
	}
	return nil
}

// measureAll moves and measures point by point until the end, an error
// or a cancel; the rows go to the run and the view as they come. A
// relative scan starts from origin and steps with relative moves.
func (p *plan) measureAll(ctx context.Context, run *data.Run, origin []q.Quantity, targets [][]q.Quantity, res *Result, view *view) error {
	units := make([]q.Quantity, len(p.measures))
	var last []q.Quantity
	if p.relative {
		last = origin
	}
	t0 := time.Now()
	for i, pt := range targets {
		if err := p.move(ctx, pt, last, p.relative); err != nil {
			return pointError(ctx, i, len(targets), err)
		}
		last = pt
		vals := make([]any, 0, 1+len(pt)+len(p.measures))
		vals = append(vals, res.Points+1)
		for j, a := range p.axes {
			vals = append(vals, data.InUnit(pt[j], a.unit))
		}
		raw := make([]any, len(p.measures))
		for j, m := range p.measures {
			v, err := m.take(ctx, run, i)
			if err != nil {
				return pointError(ctx, i, len(targets), fmt.Errorf("measure %s: %w", m.name, err))
			}
			raw[j] = v
			var n any
			n, units[j] = number(v, units[j])
			vals = append(vals, n)
		}
		if res.Columns == nil {
			cols := p.columns(units)
			if err := run.SetColumns(cols, 1, measureCols(len(p.axes), len(p.measures))); err != nil {
				return err
			}
			res.Columns = headers(cols)
			view.header(res.Columns, p.plotted())
		}
		if err := run.Point(vals); err != nil {
			return err
		}
		res.Points++
		res.Rows = append(res.Rows, vals)
		view.row(vals, time.Since(t0))
		if p.onRow != nil {
			p.onRow(pt, raw)
		}
	}
	return nil
}

// pointError names the point an error happened at; a cancel stays a
// cancel, so that the task ends cancelled and the shell says so.
func pointError(ctx context.Context, i, n int, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if errors.Is(err, tasks.ErrEmergencyStop) {
		// ctrl-k reached a device's operation before the scan's task.
		return tasks.ErrEmergencyStop
	}
	return fmt.Errorf("point %d of %d: %w", i+1, n, err)
}

// move sets every axis whose position changes, all at once, and waits
// for them; cancelled, the moves stop where they are. relative moves each
// axis by the step from last to pt, as a motor's Move does (the
// parameter's relative set), instead of setting pt.
func (p *plan) move(ctx context.Context, pt, last []q.Quantity, relative bool) error {
	var ts []*tasks.Task
	for j, a := range p.axes {
		switch {
		case last != nil && last[j].Base() == pt[j].Base():
			continue
		case relative:
			ts = append(ts, a.param.SetRelative("Move", q.New(pt[j].Dim(), pt[j].Base()-last[j].Base())))
		default:
			ts = append(ts, a.param.Set(pt[j]))
		}
	}
	switch len(ts) {
	case 0:
		return nil
	case 1:
		_, err := ts[0].Await(ctx)
		return err
	}
	_, err := tasks.Gather(ctx, ts...)
	return err
}

// back moves the axes to where they were before the scan, also after a
// ctrl-c (with a context of its own, as cleanup), but never after an
// emergency stop: that never moves anything again.
func (p *plan) back(ctx context.Context, origin []q.Quantity, scanErr error) error {
	if errors.Is(context.Cause(ctx), tasks.ErrEmergencyStop) || errors.Is(scanErr, tasks.ErrEmergencyStop) {
		return nil // an emergency stop is never followed by a move
	}
	if ctx.Err() != nil {
		ctx = context.WithoutCancel(ctx)
	}
	if err := p.move(ctx, origin, nil, false); err != nil {
		return fmt.Errorf("going back to the start: %w", err)
	}
	return nil
}

// xAxis is the live plot's x axis: the scan's axis when it moves one
// axis in even steps, else the point's number.
func (p *plan) xAxis(targets [][]q.Quantity) xAxis {
	n := len(targets)
	if len(p.axes) != 1 || n < 2 {
		return xAxis{}
	}
	a := p.axes[0]
	lo, hi := data.InUnit(targets[0][0], a.unit), data.InUnit(targets[n-1][0], a.unit)
	for i, pt := range targets {
		want := lo + (hi-lo)*float64(i)/float64(n-1)
		if math.Abs(data.InUnit(pt[0], a.unit)-want) > 1e-9*math.Max(math.Abs(hi-lo), 1e-300) {
			return xAxis{}
		}
	}
	return xAxis{label: data.Column{Name: a.name, Unit: data.UnitSymbol(a.unit)}.Header(), lo: lo, hi: hi}
}

// plotted is the column the live plot shows: the first measure.
func (p *plan) plotted() int {
	if len(p.measures) == 0 {
		return -1
	}
	return 1 + len(p.axes)
}

func (p *plan) columns(units []q.Quantity) []data.Column {
	cols := []data.Column{{Name: "point"}}
	for _, a := range p.axes {
		cols = append(cols, data.Column{Name: a.name, Unit: data.UnitSymbol(a.unit)})
	}
	for j, m := range p.measures {
		cols = append(cols, data.Column{Name: m.name, Unit: data.UnitSymbol(units[j])})
	}
	return cols
}

func measureCols(axes, measures int) []int {
	out := make([]int, measures)
	for i := range out {
		out[i] = 1 + axes + i
	}
	return out
}

func headers(cols []data.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Header()
	}
	return out
}

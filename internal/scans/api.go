package scans

import (
	"fmt"
	"slices"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// Option changes how a scan runs; pass it among the measures.
type Option struct {
	goBack, includeLast *bool
}

// GoBack(true) moves the axes back to where they were when the scan ends,
// however it ends (Concert's go_back). Dscan always goes back.
func GoBack(b bool) Option { return Option{goBack: &b} }

// IncludeLast(false) leaves out the stop point of Scan (Concert's
// include_last): Scan(m, 0*q.MM, 1*q.MM, 4, ..., IncludeLast(false)) measures
// at 0, 0.25, 0.5 and 0.75 mm.
func IncludeLast(b bool) Option { return Option{includeLast: &b} }

// Axis is one axis of a Mesh: a parameter and its points. Make it with
// Grid.
type Axis struct {
	param  *devices.Parameter
	points Points
	err    error
}

// Grid is an axis of a Mesh: param (or a motor's position) over n points
// from start to stop.
func Grid(param any, start, stop any, n int) *Axis {
	p, err := target("grid", param)
	if err != nil {
		return &Axis{err: err}
	}
	pts, err := axisPoints("grid", p, start, stop, n, true)
	return &Axis{param: p, points: pts, err: err}
}

// meshAxis refuses an axis a mesh cannot take after the axes before it:
// one that failed, or one whose parameter is in an earlier grid (the mesh
// would drive it to two points at once).
func meshAxis(a *Axis, before []*Axis) error {
	if a == nil {
		return fmt.Errorf("mesh: a nil axis; give grid(motor, start, stop, n)")
	}
	if a.err != nil {
		return a.err
	}
	for _, b := range before {
		if b.param == a.param {
			return fmt.Errorf("mesh: %s.%s is in two grids; give each axis once", a.param.Device().Name(), a.param.Name())
		}
	}
	return nil
}

// String prints the axis: <axis motor.position: 11 points>.
func (a *Axis) String() string {
	if a.err != nil {
		return "<axis: " + a.err.Error() + ">"
	}
	return fmt.Sprintf("<axis %s.%s: %d points>", a.param.Device().Name(), a.param.Name(), len(a.points))
}

// Scan moves param (a parameter, or a motor for its position) through n
// points from start to stop, both included, and takes the measures at
// each. items are measures and options (GoBack, IncludeLast). The task's
// result is a *Result.
func Scan(param any, start, stop any, n int, items ...any) *tasks.Task {
	return scan1("scan", param, start, stop, n, false, items)
}

// Ascan is SPEC's ascan: intervals+1 points from start to stop.
func Ascan(motor any, start, stop any, intervals int, items ...any) *tasks.Task {
	return scan1("ascan", motor, start, stop, intervals+1, false, items)
}

// Dscan is SPEC's dscan: Ascan relative to where the motor is, and back
// there at the end, also when the scan fails or is cancelled. Every
// point is checked against the limits from where the motor is before it
// moves; then it steps with relative moves (the motor's Move).
func Dscan(motor any, from, to any, intervals int, items ...any) *tasks.Task {
	return scan1("dscan", motor, from, to, intervals+1, true, items)
}

func scan1(kind string, param any, start, stop any, n int, relative bool, items []any) *tasks.Task {
	p, err := target(kind, param)
	if err != nil {
		return failedTask(kind, err)
	}
	measures, opt, err := split(kind, items)
	if err != nil {
		return failedTask(kind, err)
	}
	if kind == "ascan" || kind == "dscan" {
		if n < 2 {
			return failedTask(kind, fmt.Errorf("%s: %d intervals; give at least 1", kind, n-1))
		}
	}
	last := opt.includeLast == nil || *opt.includeLast
	pts, err := axisPoints(kind, p, start, stop, n, last)
	if err != nil {
		return failedTask(kind, err)
	}
	pl := newPlan(kind, []*devices.Parameter{p}, measures)
	for _, x := range pts {
		pl.points = append(pl.points, []q.Quantity{x})
	}
	pl.relative = relative
	pl.goBack = relative || (opt.goBack != nil && *opt.goBack)
	pl.desc = map[string]any{"axis": pl.axes[0].name, "start": fmt.Sprint(start), "stop": fmt.Sprint(stop),
		"points": len(pts), "relative": relative, "go_back": pl.goBack, "measures": names(measures)}
	return pl.start()
}

// Mesh scans every combination of the axes' points, the first axis
// slowest, as nested loops read: Mesh(Grid(y, ...), Grid(x, ...), diode).
func Mesh(items ...any) *tasks.Task {
	var axes []*Axis
	var rest []any
	for _, it := range items {
		if a, ok := it.(*Axis); ok {
			if err := meshAxis(a, axes); err != nil {
				return failedTask("mesh", err)
			}
			axes = append(axes, a)
			continue
		}
		rest = append(rest, it)
	}
	if len(axes) == 0 {
		return failedTask("mesh", fmt.Errorf("mesh: no axis; give grid(motor, start, stop, n) for each"))
	}
	measures, opt, err := split("mesh", rest)
	if err != nil {
		return failedTask("mesh", err)
	}
	params := make([]*devices.Parameter, len(axes))
	total := 1
	for i, a := range axes {
		params[i] = a.param
		total *= len(a.points)
	}
	if total > maxPoints {
		return failedTask("mesh", fmt.Errorf("mesh: %d points; at most %d", total, maxPoints))
	}
	pl := newPlan("mesh", params, measures)
	pl.goBack = opt.goBack != nil && *opt.goBack
	idx := make([]int, len(axes))
	for range total {
		pt := make([]q.Quantity, len(axes))
		for j, a := range axes {
			pt[j] = a.points[idx[j]]
		}
		pl.points = append(pl.points, pt)
		for j := len(idx) - 1; j >= 0; j-- { // the last axis turns fastest
			if idx[j]++; idx[j] < len(axes[j].points) {
				break
			}
			idx[j] = 0
		}
	}
	shape := make([]int, len(axes))
	for i, a := range axes {
		shape[i] = len(a.points)
	}
	pl.desc = map[string]any{"axes": axisNames(pl.axes), "shape": shape, "go_back": pl.goBack, "measures": names(measures)}
	return pl.start()
}

// ListScan moves param through the points given (any list of quantities,
// such as Linspace gives) and takes the measures at each.
func ListScan(param any, points any, items ...any) *tasks.Task {
	p, err := target("lscan", param)
	if err != nil {
		return failedTask("lscan", err)
	}
	measures, opt, err := split("lscan", items)
	if err != nil {
		return failedTask("lscan", err)
	}
	pts, err := asPoints("lscan", points, p.Unit().Dim())
	if err != nil {
		return failedTask("lscan", err)
	}
	pl := newPlan("lscan", []*devices.Parameter{p}, measures)
	for _, x := range pts {
		pl.points = append(pl.points, []q.Quantity{x})
	}
	pl.goBack = opt.goBack != nil && *opt.goBack
	pl.desc = map[string]any{"axis": pl.axes[0].name, "points": pts.String(), "go_back": pl.goBack, "measures": names(measures)}
	return pl.start()
}

func newPlan(kind string, params []*devices.Parameter, measures []*Measure) *plan {
	pl := &plan{kind: kind, measures: measures}
	for _, p := range params {
		pl.axes = append(pl.axes, axis{param: p, unit: p.Unit(), name: p.Device().Name() + "." + p.Name()})
	}
	return pl
}

// target is the parameter a scan moves: a parameter, or a device's
// position.
func target(kind string, v any) (*devices.Parameter, error) {
	var p *devices.Parameter
	switch v := v.(type) {
	case *devices.Parameter:
		p = v
	case paramDevice:
		p = v.Param("position")
		if p == nil {
			return nil, fmt.Errorf("%s: %s has no position; give the parameter to scan, such as %s.Param(\"NAME\")", kind, v.Name(), v.Name())
		}
	case nil:
		return nil, fmt.Errorf("%s: nothing to scan (nil); give a motor or a parameter", kind)
	default:
		return nil, fmt.Errorf("%s: cannot scan a %T; give a motor or a parameter such as mono.Param(\"energy\")", kind, v)
	}
	if p.Unit() == nil {
		return nil, fmt.Errorf("%s: %s.%s has no unit; scans move quantities", kind, p.Device().Name(), p.Name())
	}
	if !p.Writable() {
		return nil, fmt.Errorf("%s: %s.%s is read-only; it cannot be scanned", kind, p.Device().Name(), p.Name())
	}
	return p, nil
}

// axisPoints checks start and stop against the parameter's dimension and
// gives the n points.
func axisPoints(kind string, p *devices.Parameter, start, stop any, n int, includeLast bool) (Points, error) {
	d := p.Unit().Dim()
	a, err := quantity(kind, "start", start, d)
	if err != nil {
		return nil, err
	}
	b, err := quantity(kind, "stop", stop, d)
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("%s: %d points; give at least 1", kind, n)
	}
	if n > maxPoints {
		return nil, fmt.Errorf("%s: %d points; at most %d", kind, n, maxPoints)
	}
	return linspace(a, b, n, includeLast)
}

// split sorts a scan's items into measures and options.
func split(kind string, items []any) ([]*Measure, Option, error) {
	var (
		ms  []*Measure
		opt Option
	)
	for i, it := range items {
		if o, ok := it.(Option); ok {
			if o.goBack != nil {
				opt.goBack = o.goBack
			}
			if o.includeLast != nil {
				opt.includeLast = o.includeLast
			}
			continue
		}
		m, err := toMeasure(it, i+1)
		if err != nil {
			return nil, opt, fmt.Errorf("%s: %w", kind, err)
		}
		if slices.ContainsFunc(ms, func(o *Measure) bool { return o.name == m.name }) {
			// Two columns of one name: the table and points.csv could
			// not tell them apart, and a counter would count twice.
			return nil, opt, fmt.Errorf("%s: %s is given twice; give each measure once (name a function's measure apart)", kind, m.name)
		}
		ms = append(ms, m)
	}
	return ms, opt, nil
}

func names(ms []*Measure) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.name
	}
	return out
}

func axisNames(as []axis) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.name
	}
	return out
}

package scans

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// refinements is how many times Focus narrows its range after the coarse
// scan.
const refinements = 2

// Focus finds where measure peaks over motor (a motor or a parameter),
// like Concert's focus: a coarse scan of n points from start to stop,
// then, twice, n points between the neighbours of the best point so far;
// it then moves to the best position. All the points go into one run;
// the task's result is a *Result whose Peak is the position found.
func Focus(motor any, start, stop any, n int, measure any) *tasks.Task {
	p, err := target("focus", motor)
	if err != nil {
		return failedTask("focus", err)
	}
	m, err := toMeasure(measure, 1)
	if err != nil {
		return failedTask("focus", fmt.Errorf("focus: %w", err))
	}
	if n < 3 {
		return failedTask("focus", fmt.Errorf("focus: %d points; give at least 3", n))
	}
	coarse, err := axisPoints("focus", p, start, stop, n, true)
	if err != nil {
		return failedTask("focus", err)
	}
	pl := newPlan("focus", []*devices.Parameter{p}, []*Measure{m})
	pl.desc = map[string]any{"axis": pl.axes[0].name, "start": fmt.Sprint(start), "stop": fmt.Sprint(stop),
		"points": n, "refinements": refinements, "measures": names(pl.measures)}
	return tasks.Start(func(ctx context.Context) (*Result, error) {
		return pl.focus(ctx, coarse)
	}, tasks.Named("focus"), tasks.ChildOf(tasks.Current()), tasks.Logged())
}

// focus runs the coarse scan and the refinements in one run.
func (p *plan) focus(ctx context.Context, coarse Points) (*Result, error) {
	var best struct {
		pos q.Quantity
		val float64
	}
	best.val = math.Inf(-1)
	var tried []q.Quantity
	p.onRow = func(pos []q.Quantity, vals []any) {
		tried = append(tried, pos[0])
		v, _ := number(vals[0], nil)
		f, ok := toFloat(v)
		if ok && f > best.val {
			best.pos, best.val = pos[0], f
		}
	}
	grid := [][]q.Quantity{}
	for _, x := range coarse {
		grid = append(grid, []q.Quantity{x})
	}
	if err := p.check(grid); err != nil {
		return nil, err
	}
	if err := p.prepare(ctx); err != nil {
		return nil, err
	}
	run, err := data.Create(data.Meta{Kind: p.kind, Command: command(), Scan: p.desc,
		Planned: len(coarse) * (1 + refinements), Baseline: data.Baseline(ctx)})
	if err != nil {
		return nil, fmt.Errorf("focus: %w", err)
	}
	res := &Result{Run: run.Number(), Dir: run.Dir()}
	view := newView(p.kind, run.Number(), len(coarse)*(1+refinements), xAxis{})
	step := (coarse[len(coarse)-1].Base() - coarse[0].Base()) / float64(len(coarse)-1)
	for round := 0; round <= refinements && err == nil; round++ {
		if round > 0 {
			lo, hi := best.pos.Base()-step, best.pos.Base()+step
			grid = grid[:0]
			for i := range len(coarse) {
				x := q.New(best.pos.Dim(), lo+float64(i)*(hi-lo)/float64(len(coarse)-1))
				if p.axes[0].param.Check(x) == nil {
					grid = append(grid, []q.Quantity{x})
				}
			}
			step = (hi - lo) / float64(len(coarse)-1)
		}
		err = p.measureAll(ctx, run, nil, grid, res, view)
	}
	if err == nil && best.pos == nil {
		err = fmt.Errorf("the measure %s gave no number to find a peak in", p.measures[0].name)
	}
	if err == nil {
		res.Peak = best.pos
		err = p.move(ctx, []q.Quantity{best.pos}, nil, false)
	}
	status := statusOf(ctx, err)
	run.Close(status, err)
	view.end(res, status)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("focus: %w; %s", err, kept(res))
	}
	return res, err
}

func statusOf(ctx context.Context, err error) data.Status {
	switch {
	case err != nil && (ctx.Err() != nil || errors.Is(err, tasks.ErrEmergencyStop)):
		return data.Cancelled
	case err != nil:
		return data.Failed
	}
	return data.Done
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, !math.IsNaN(v)
	case int:
		return float64(v), true
	}
	return 0, false
}

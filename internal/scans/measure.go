package scans

import (
	"context"
	"fmt"
	"math"
	"reflect"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// Measure is what a scan takes at every point. Make one with Read (a
// parameter), Count (a counter counted for a time), FrameMean or
// FrameReduce (a camera), Func (a session function), or pass a parameter,
// a single-parameter device, a counter, a camera or a function to a scan
// directly.
type Measure struct {
	name string
	// take measures once; run and point let it write a frame.
	take func(ctx context.Context, run *data.Run, point int) (any, error)
	// prepare, if set, readies the device once before the scan's first
	// move (a counter's count_time); an error refuses the scan.
	prepare func(ctx context.Context) error
}

// Name is the measure's column name: "diode.intensity".
func (m *Measure) Name() string { return m.name }

// String prints the measure's name.
func (m *Measure) String() string { return "<measure " + m.name + ">" }

// Read measures a parameter by reading it.
func Read(p *devices.Parameter) *Measure {
	return &Measure{name: p.Device().Name() + "." + p.Name(), take: func(ctx context.Context, _ *data.Run, _ int) (any, error) {
		return p.Read(ctx)
	}}
}

// counter is what Count counts with: the counters family's Counter
// (counters.NewDummy, or any driver under counters.New).
type counter interface {
	Name() string
	Count() *tasks.Task
	SetCountTime(q.Duration) *tasks.Task
}

// Count measures with a counter: at each point it counts for t and gives
// the counts (SPEC's and Bluesky's scaler); the column is COUNTER.counts.
// t becomes the counter's count_time, checked against its limits before
// the scan's first move. Passed to a scan directly, a counter counts for
// the count_time it has.
func Count(c counter, t q.Duration) *Measure {
	m := countMeasure(c)
	m.prepare = func(ctx context.Context) error {
		if _, err := c.SetCountTime(t).Await(ctx); err != nil {
			return fmt.Errorf("measure %s: %w", m.name, err)
		}
		return nil
	}
	return m
}

func countMeasure(c counter) *Measure {
	return &Measure{name: c.Name() + ".counts", take: func(ctx context.Context, _ *data.Run, _ int) (any, error) {
		return c.Count().Await(ctx)
	}}
}

// FrameMean measures with a camera: it grabs a frame, writes it to the
// run (frames/CAMERA/) and gives the mean of its pixels.
func FrameMean(cam cameras.Camera) *Measure { return FrameReduce(cam, "mean", Mean) }

// FrameReduce is FrameMean with a reduction of your own, named name: the
// column is CAMERA.NAME.
func FrameReduce(cam cameras.Camera, name string, reduce func(*cameras.Frame) float64) *Measure {
	return &Measure{name: cam.Name() + "." + name, take: func(ctx context.Context, run *data.Run, _ int) (any, error) {
		v, err := cam.Grab().Await(ctx)
		if err != nil {
			return nil, err
		}
		f, ok := v.(*cameras.Frame)
		if !ok || f == nil {
			return nil, fmt.Errorf("%s.Grab gave %T, not a frame", cam.Name(), v)
		}
		if run != nil {
			if _, err := run.Frame(cam.Name(), f.Width, f.Height, f.Pixels); err != nil {
				return nil, err
			}
		}
		return reduce(f), nil
	}}
}

// Mean is the mean of a frame's pixels.
func Mean(f *cameras.Frame) float64 {
	if len(f.Pixels) == 0 {
		return math.NaN()
	}
	// An integer sum is exact and several times faster than a float one:
	// it runs on every frame an acquisition streams.
	var sum uint64
	for _, p := range f.Pixels {
		sum += uint64(p)
	}
	return float64(sum) / float64(len(f.Pixels))
}

// Max is the largest pixel of a frame.
func Max(f *cameras.Frame) float64 {
	var m uint16
	for _, p := range f.Pixels {
		m = max(m, p)
	}
	return float64(m)
}

// Func measures with a function of the session, named name: a
// func(ctx context.Context) (T, error) (or any shape start accepts) whose
// result is a number, a quantity or a bool. It runs as a task of its own
// at each point, so ctrl-c reaches it through ctx.
func Func(name string, f any) *Measure {
	return &Measure{name: name, take: func(ctx context.Context, _ *data.Run, _ int) (any, error) {
		return tasks.Start(f, tasks.Named(name)).Await(ctx)
	}}
}

// paramDevice is a device whose parameters can be named.
type paramDevice interface {
	Name() string
	Param(name string) *devices.Parameter
	Params() []*devices.Parameter
}

// toMeasure turns what the user passed into a Measure. n numbers
// functions that have no name.
func toMeasure(v any, n int) (*Measure, error) {
	switch v := v.(type) {
	case *Measure:
		if v == nil || v.take == nil {
			return nil, fmt.Errorf("measure %d is nil; give a parameter, a counter, a camera or a function", n)
		}
		return v, nil
	case *devices.Parameter:
		if !v.Readable() {
			return nil, fmt.Errorf("%s.%s cannot be read, so it cannot be measured", v.Device().Name(), v.Name())
		}
		return Read(v), nil
	case cameras.Camera:
		return FrameMean(v), nil
	case counter:
		return countMeasure(v), nil
	case paramDevice:
		var readable []*devices.Parameter
		for _, p := range v.Params() {
			if p.Readable() && !p.Writable() {
				readable = append(readable, p)
			}
		}
		if len(readable) != 1 {
			return nil, fmt.Errorf("%s has %d read-only parameters: give the one to measure, such as %s.Param(\"NAME\")", v.Name(), len(readable), v.Name())
		}
		return Read(readable[0]), nil
	}
	if v != nil && reflect.TypeOf(v).Kind() == reflect.Func {
		return Func(fmt.Sprintf("f%d", n), v), nil
	}
	return nil, fmt.Errorf("cannot measure a %T: give a parameter (diode.Param(\"intensity\")), a camera, a function or measure(\"name\", f)", v)
}

// number turns a measured value into a CSV value in unit (nil: the
// value's own dimension's usual unit), and says which unit that was.
func number(v any, unit q.Quantity) (any, q.Quantity) {
	switch x := v.(type) {
	case q.Quantity:
		if unit == nil || unit.Dim() != x.Dim() {
			unit = q.New(x.Dim(), x.Dim().Unit().Factor)
		}
		return data.InUnit(x, unit), unit
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return x, nil
	case bool:
		return x, nil
	case string:
		return x, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	}
	if v == nil {
		return nil, nil
	}
	return fmt.Sprint(v), nil
}

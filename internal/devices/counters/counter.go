// Package counters is the family of counters and detectors that count for
// a time (SPEC's and Bluesky's scaler): the base, Counter, owns the
// parameters count_time and counts (the last count, read-only) and Count,
// which counts for count_time and gives the counts; the Driver only
// counts. The dummy (dummy.go) counts at a fixed rate in real time.
package counters

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Counter count_time:q.Duration counts:float64:r

// Driver is what a counter driver implements.
type Driver interface {
	// Count counts for seconds and returns the counts. When ctx ends
	// first, it stops counting and returns context.Cause(ctx).
	Count(ctx context.Context, seconds float64) (float64, error)
}

// Counter is the base of every counter. Make one with New.
type Counter struct {
	*devices.Base
	ctl       *devices.Control
	drv       Driver
	countTime *devices.Parameter
	counts    *devices.Parameter

	mu   sync.Mutex
	time q.Duration
	last float64
}

// New makes a counter called name over driver d, counting for 1 s until
// its count_time is set (1 µs to 1 h).
func New(name string, d Driver) *Counter {
	if d == nil {
		panic(fmt.Sprintf("counters.New(%q): the driver is nil", name))
	}
	c := &Counter{drv: d, time: 1 * q.S}
	c.Base, c.ctl = devices.New(devices.Config{Name: name, Kind: "counter",
		EmergencyStop: func(context.Context) error { c.ctl.SetState(devices.Standby); return nil }})
	c.countTime = c.ctl.Add(devices.ParamSpec{Name: "count_time", Doc: "how long Count counts", Unit: q.S,
		Get: func(context.Context) (any, error) { c.mu.Lock(); defer c.mu.Unlock(); return c.time, nil },
		Set: func(_ context.Context, v any) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.time = v.(q.Duration)
			return nil
		},
		Limits: func() (q.Quantity, q.Quantity) { return 1 * q.US, 1 * q.H },
		From:   []devices.State{devices.Standby},
	})
	c.counts = c.ctl.Add(devices.ParamSpec{Name: "counts", Doc: "what the last Count counted", Zero: float64(0),
		Get: func(context.Context) (any, error) { c.mu.Lock(); defer c.mu.Unlock(); return c.last, nil },
	})
	return c
}

// Count counts for count_time and gives the counts (a float64) as the
// task's result. Cancelled, it stops counting and counts stays as it was.
func (c *Counter) Count() *tasks.Task {
	return c.ctl.Run(devices.Op{Name: "Count", From: []devices.State{devices.Standby}, Via: devices.Counting, Motion: true},
		func(ctx context.Context) (any, error) {
			defer c.ctl.SetState(devices.Standby)
			c.mu.Lock()
			t := c.time
			c.mu.Unlock()
			n, err := call(func() (float64, error) { return c.drv.Count(ctx, float64(t)) })
			switch {
			case ctx.Err() != nil:
				return nil, context.Cause(ctx)
			case err != nil:
				return nil, &devices.DeviceError{Device: c.Name(), Err: fmt.Errorf("Count: %w", err)}
			case math.IsNaN(n) || math.IsInf(n, 0):
				return nil, &devices.DeviceError{Device: c.Name(), Err: fmt.Errorf("Count: the driver counted %v; check the driver", n)}
			}
			c.mu.Lock()
			c.last = n
			c.mu.Unlock()
			return n, nil
		})
}

// call runs a driver method, turning a panic into an error.
func call[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("driver panicked: %v", p)
		}
	}()
	return f()
}

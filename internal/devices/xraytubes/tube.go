// Package xraytubes has the X-ray tube contract and a dummy tube: voltage,
// current, On and Off. Emergency stop switches it off.
package xraytubes

import (
	"context"
	"sync"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Dummy voltage:q.Voltage current:q.Current

// XRayTube makes X-rays when on.
type XRayTube interface {
	devices.Device
	On() *tasks.Task
	Off() *tasks.Task
	SetVoltage(q.Voltage) *tasks.Task
	SetCurrent(q.Current) *tasks.Task
}

// Dummy is a dummy tube, off, at 40 kV and 100 µA. On ramps up for
// RampTime; Off is at once.
type Dummy struct {
	*devices.Base
	ctl     *devices.Control
	voltage *devices.Parameter
	current *devices.Parameter

	mu sync.Mutex
	v  q.Voltage
	i  q.Current
}

var _ XRayTube = (*Dummy)(nil)

// RampTime is how long the dummy takes to switch on.
const RampTime = 20 * time.Millisecond

// New makes a dummy X-ray tube called name.
func New(name string) *Dummy {
	t := &Dummy{v: 40 * q.KV, i: 100 * q.UA}
	t.Base, t.ctl = devices.New(devices.Config{Name: name, Kind: "x-ray tube", State: devices.Off,
		EmergencyStop: func(context.Context) error {
			t.ctl.SetState(devices.Off)
			return nil
		}})
	t.voltage = t.ctl.Add(devices.ParamSpec{Name: "voltage", Doc: "acceleration voltage", Unit: q.KV,
		Get: func(context.Context) (any, error) { t.mu.Lock(); defer t.mu.Unlock(); return t.v, nil },
		Set: func(_ context.Context, v any) error {
			t.mu.Lock()
			defer t.mu.Unlock()
			t.v = v.(q.Voltage)
			return nil
		},
		Limits: func() (q.Quantity, q.Quantity) { return 0 * q.KV, 60 * q.KV },
	})
	t.current = t.ctl.Add(devices.ParamSpec{Name: "current", Doc: "tube current", Unit: q.UA,
		Get: func(context.Context) (any, error) { t.mu.Lock(); defer t.mu.Unlock(); return t.i, nil },
		Set: func(_ context.Context, v any) error {
			t.mu.Lock()
			defer t.mu.Unlock()
			t.i = v.(q.Current)
			return nil
		},
		Limits: func() (q.Quantity, q.Quantity) { return 0 * q.UA, 1 * q.MA },
	})
	return t
}

// On switches the tube on; it fails unless the tube is off. Cancelled
// during the ramp, the tube stays off.
func (t *Dummy) On() *tasks.Task {
	return t.ctl.Run(devices.Op{Name: "On", From: []devices.State{devices.Off}, Via: devices.Off, Motion: true},
		func(ctx context.Context) (any, error) {
			timer := time.NewTimer(RampTime)
			defer timer.Stop()
			select {
			case <-timer.C:
				t.ctl.SetState(devices.On)
				return nil, nil
			case <-ctx.Done():
				t.ctl.SetState(devices.Off)
				return nil, context.Cause(ctx)
			}
		})
}

// Off switches the tube off at once; it fails unless the tube is on.
func (t *Dummy) Off() *tasks.Task {
	return t.ctl.Run(devices.Op{Name: "Off", From: []devices.State{devices.On}, Via: devices.Off},
		func(context.Context) (any, error) { return nil, nil })
}

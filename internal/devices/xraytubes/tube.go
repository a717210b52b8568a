// Package xraytubes is the X-ray tube family: the contract XRayTube, the
// base Device that owns everything a user sees of a tube (voltage and
// current with units and limits; On and Off and the states off and on;
// what cancel leaves; an emergency stop switches it off), the small Driver
// interface a tube driver implements, and a dummy driver (dummy.go). New
// makes a dummy tube; NewDevice makes one of any driver.
package xraytubes

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Device voltage:q.Voltage current:q.Current

// XRayTube makes X-rays when on.
type XRayTube interface {
	devices.Device
	On() *tasks.Task
	Off() *tasks.Task
	SetVoltage(q.Voltage) *tasks.Task
	SetCurrent(q.Current) *tasks.Task
}

// Driver is all an X-ray tube driver implements, with voltages in kV and
// currents in µA. Everything the user sees (units, limits, write locks,
// the states off and on, exclusive access, cancel, emergency stop,
// logging) is the base's; a driver never checks a limit or a state. It
// returns an error, never a NaN; it may panic, which the base turns into
// a failed task naming the device. Reads may run during On, so a driver
// guards its own state.
type Driver interface {
	// Voltage reads the acceleration voltage setting in kV.
	Voltage(ctx context.Context) (float64, error)
	// SetVoltage sets the acceleration voltage in kV.
	SetVoltage(ctx context.Context, kV float64) error
	// Current reads the tube current setting in µA.
	Current(ctx context.Context) (float64, error)
	// SetCurrent sets the tube current in µA.
	SetCurrent(ctx context.Context, uA float64) error
	// On switches the tube on and returns once it is on (nil), when it
	// failed (an error), or, when ctx ends first (ctrl-c, an emergency
	// stop), once it is off again: then it returns context.Cause(ctx).
	On(ctx context.Context) error
	// Off switches the tube off and returns once it is off; with the
	// tube off it does nothing. The base calls it for Off and at an
	// emergency stop.
	Off(ctx context.Context) error
}

// SwitchReader is a driver that can read whether the tube is on. With
// it, a tube that is already on when the session starts shows as on (and
// an emergency stop switches it off); without it, the base assumes off.
type SwitchReader interface {
	IsOn(ctx context.Context) (bool, error)
}

// Options describes an X-ray tube to NewDevice besides its driver.
type Options struct {
	// Kind says what the device is, for tables; "x-ray tube" if empty.
	Kind string
	// MaxVoltage (kV) and MaxCurrent (µA) are the device's own upper
	// limits; 0 means none. The lower limits are 0.
	MaxVoltage, MaxCurrent float64
	// Switch reads whether the tube is on. The base also finds it on the
	// driver itself; a driver written in a session must name it here,
	// because the interpreter hands the base only its Driver methods.
	Switch SwitchReader
}

// Device is the base of every X-ray tube: the parameters voltage and
// current over a Driver, On (from off, staying off until the driver says
// it is on) and Off (from on). It starts in state off. Make one with
// NewDevice. All methods are safe for concurrent use.
//
// A cancelled or failed On leaves the tube off; an emergency stop cancels
// On, switches the tube off and has the last word on the state. If the
// driver fails to switch off at an emergency stop, the state is error
// (the tube may be on), and On and Off refuse until another emergency
// stop (ctrl-k) switches it off.
type Device struct {
	*devices.Base
	ctl              *devices.Control
	drv              Driver
	voltage, current *devices.Parameter
}

var (
	_ XRayTube         = (*Device)(nil)
	_ devices.Lockable = (*Device)(nil)
)

// readWithin bounds the read of a tube's switch when it is made: a tube
// out of reach must not stall loading a session.
const readWithin = 2 * time.Second

// initialState is on or off as the driver reads it, off for a driver that
// cannot tell, and error (the tube may be on) for one whose read fails.
func initialState(name string, d Driver, sw SwitchReader) devices.State {
	if sw == nil {
		sw, _ = d.(SwitchReader)
	}
	if sw == nil {
		return devices.Off
	}
	ctx, cancel := context.WithTimeout(context.Background(), readWithin)
	defer cancel()
	var on bool
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		on, err = sw.IsOn(ctx)
		return err
	}()
	switch {
	case err != nil:
		logs.L().Warn("x-ray tube switch unreadable", "device", name, "err", err.Error())
		return devices.Error
	case on:
		return devices.On
	}
	return devices.Off
}

// NewDevice makes an X-ray tube called name over driver d, in state off.
// It panics if d is nil: a programming error, not a runtime condition.
func NewDevice(name string, d Driver, o Options) *Device {
	if d == nil {
		panic(fmt.Sprintf("xraytubes.NewDevice(%q): the driver is nil", name))
	}
	if o.Kind == "" {
		o.Kind = "x-ray tube"
	}
	t := &Device{drv: d}
	t.Base, t.ctl = devices.New(devices.Config{Name: name, Kind: o.Kind, State: initialState(name, d, o.Switch), EmergencyStop: t.emergencyStop})
	vhi, ihi := q.Quantity(q.NoLimit), q.Quantity(q.NoLimit)
	if o.MaxVoltage > 0 {
		vhi = q.Voltage(o.MaxVoltage) * q.KV
	}
	if o.MaxCurrent > 0 {
		ihi = q.Current(o.MaxCurrent) * q.UA
	}
	t.voltage = t.ctl.Add(devices.ParamSpec{Name: "voltage", Doc: "acceleration voltage", Unit: q.KV,
		Get: reader(d.Voltage, func(x float64) any { return q.Voltage(x) * q.KV }),
		Set: func(ctx context.Context, v any) error {
			return t.write(func() error { return d.SetVoltage(ctx, float64(v.(q.Voltage)/q.KV)) })
		},
		Limits: func() (q.Quantity, q.Quantity) { return 0 * q.KV, vhi },
	})
	t.current = t.ctl.Add(devices.ParamSpec{Name: "current", Doc: "tube current", Unit: q.UA,
		Get: reader(d.Current, func(x float64) any { return q.Current(x) * q.UA }),
		Set: func(ctx context.Context, v any) error {
			return t.write(func() error { return d.SetCurrent(ctx, float64(v.(q.Current)/q.UA)) })
		},
		Limits: func() (q.Quantity, q.Quantity) { return 0 * q.UA, ihi },
	})
	return t
}

// reader is a parameter's Get over the driver method read, whose number
// unit turns into the parameter's quantity.
func reader(read func(context.Context) (float64, error), unit func(float64) any) func(context.Context) (any, error) {
	return func(ctx context.Context) (any, error) {
		x, err := call(func() (float64, error) { return read(ctx) })
		if err == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
			err = fmt.Errorf("the driver read %v; check the driver", x)
		}
		return unit(x), err
	}
}

// write runs a driver's set.
func (t *Device) write(f func() error) error {
	_, err := call(func() (struct{}, error) { return struct{}{}, f() })
	return err
}

// On switches the tube on; it fails unless the tube is off, and the tube
// stays off until the driver has switched it on. Cancelled, or failed,
// the tube is off.
func (t *Device) On() *tasks.Task {
	return t.ctl.Run(devices.Op{Name: "On", From: []devices.State{devices.Off}, Via: devices.Off, Motion: true},
		func(ctx context.Context) (any, error) {
			err := t.write(func() error { return t.drv.On(ctx) })
			switch {
			case ctx.Err() != nil:
				t.ctl.SetState(devices.Off) // the driver switched off
				return nil, context.Cause(ctx)
			case err != nil:
				// Make sure: a failed switch-on must not leave it half on.
				t.write(func() error { return t.drv.Off(context.WithoutCancel(ctx)) })
				t.ctl.SetState(devices.Off)
				return nil, &devices.DeviceError{Device: t.Name(), Err: fmt.Errorf("On: %w", err)}
			}
			t.ctl.SetState(devices.On)
			return nil, nil
		})
}

// Off switches the tube off; it fails unless the tube is on. If the
// driver fails to, the tube stays on, and Off may be tried again.
func (t *Device) Off() *tasks.Task {
	return t.ctl.Run(devices.Op{Name: "Off", From: []devices.State{devices.On}, Via: devices.Off},
		func(ctx context.Context) (any, error) {
			if err := t.write(func() error { return t.drv.Off(ctx) }); err != nil {
				t.ctl.SetState(devices.On)
				return nil, &devices.DeviceError{Device: t.Name(), Err: fmt.Errorf("Off: %w", err)}
			}
			return nil, nil
		})
}

// emergencyStop switches the tube off, after On was cancelled; the tube
// is off then, whatever On does after.
func (t *Device) emergencyStop(ctx context.Context) error {
	err := t.write(func() error { return t.drv.Off(ctx) })
	if err != nil {
		t.ctl.SetState(devices.Error) // maybe still on: say so
		return err
	}
	t.ctl.SetState(devices.Off)
	return nil
}

// call runs a driver method, turning a panic into an error: a driver,
// maybe written in a session, must not take the shell down.
func call[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("driver panicked: %v", p)
		}
	}()
	return f()
}

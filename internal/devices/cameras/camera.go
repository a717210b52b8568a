// Package cameras is the camera family: the contract Camera, the base
// Device that owns everything a user sees of a camera (exposure time,
// frame rate and trigger mode with units and limits; Grab for one frame,
// numbered; recording and the states standby and recording; what cancel
// and emergency stop leave), the small Driver interface a camera driver
// implements, and a dummy driver with 256x256 frames (dummy.go). New
// makes a dummy camera; NewDevice makes one of any driver.
package cameras

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Device exposure_time:q.Duration frame_rate:q.Frequency trigger_mode:TriggerMode

// Camera takes frames.
type Camera interface {
	devices.Device
	Grab() *tasks.Task
	StartRecording() *tasks.Task
	StopRecording() *tasks.Task
}

// TriggerMode says what starts an exposure.
type TriggerMode string

// Trigger modes.
const (
	Auto     TriggerMode = "auto"     // the camera's own clock, at the frame rate
	Software TriggerMode = "software" // each Grab
	External TriggerMode = "external" // a signal on the trigger input
)

// Frame is one image.
type Frame struct {
	Number        int // counts from 1 per camera
	Width, Height int
	Pixels        []uint16 // row by row
	Exposure      q.Duration
}

// String prints the frame's shape, not its pixels.
func (f *Frame) String() string {
	var sum float64
	for _, p := range f.Pixels {
		sum += float64(p)
	}
	return fmt.Sprintf("<frame %d: %dx%d uint16, mean %.1f>", f.Number, f.Width, f.Height, sum/float64(len(f.Pixels)))
}

// Driver is all a camera driver implements, with times in seconds and
// rates in hertz. Everything the user sees (units, limits, write locks,
// the states standby and recording, exclusive access, frame numbers,
// cancel, emergency stop, logging) is the base's; a driver never checks
// a limit, a trigger mode or a state. It returns an error, never a NaN;
// it may panic, which the base turns into a failed task naming the
// device. Reads may run during a Grab, so a driver guards its own state.
type Driver interface {
	// ExposureTime reads how long one frame is exposed, in seconds.
	ExposureTime(ctx context.Context) (float64, error)
	// SetExposureTime sets it.
	SetExposureTime(ctx context.Context, seconds float64) error
	// FrameRate reads the frames per second when recording.
	FrameRate(ctx context.Context) (float64, error)
	// SetFrameRate sets it.
	SetFrameRate(ctx context.Context, hz float64) error
	// TriggerMode reads what starts an exposure.
	TriggerMode(ctx context.Context) (TriggerMode, error)
	// SetTriggerMode sets it: Auto, Software or External, never another.
	SetTriggerMode(ctx context.Context, m TriggerMode) error
	// Grab exposes one frame and returns it with its size, pixels and
	// exposure (the base numbers it). When ctx ends first (ctrl-c, an
	// emergency stop), it aborts the exposure and returns
	// context.Cause(ctx).
	Grab(ctx context.Context) (*Frame, error)
	// StartRecording starts recording at the frame rate and returns once
	// the camera records.
	StartRecording(ctx context.Context) error
	// StopRecording stops recording and returns once the camera has
	// stopped; with nothing recording it does nothing. The base calls it
	// for StopRecording and at an emergency stop.
	StopRecording(ctx context.Context) error
}

// Options describes a camera to NewDevice besides its driver.
type Options struct {
	// Kind says what the device is, for tables; "camera" if empty.
	Kind string
	// MinExposure and MaxExposure (s), MinFrameRate and MaxFrameRate
	// (Hz) are the device's own limits; a maximum of 0 means none, and
	// neither goes below 0.
	MinExposure, MaxExposure, MinFrameRate, MaxFrameRate float64
}

// Device is the base of every camera: the parameters exposure_time,
// frame_rate and trigger_mode (set in standby only), Grab, and
// StartRecording and StopRecording between the states standby and
// recording, over a Driver. Make one with NewDevice. All methods are safe
// for concurrent use.
//
// A cancelled Grab aborts its exposure and gives no frame; a cancelled
// StartRecording leaves the camera in standby; an emergency stop cancels
// them, stops recording and leaves standby.
type Device struct {
	*devices.Base
	ctl          *devices.Control
	drv          Driver
	exposureTime *devices.Parameter
	frameRate    *devices.Parameter
	triggerMode  *devices.Parameter

	mu     sync.Mutex
	frames int // the frames grabbed so far
}

var (
	_ Camera           = (*Device)(nil)
	_ devices.Lockable = (*Device)(nil)
)

// NewDevice makes a camera called name over driver d, in standby. It
// panics if d is nil: a programming error, not a runtime condition.
func NewDevice(name string, d Driver, o Options) *Device {
	if d == nil {
		panic(fmt.Sprintf("cameras.NewDevice(%q): the driver is nil", name))
	}
	if o.Kind == "" {
		o.Kind = "camera"
	}
	c := &Device{drv: d}
	c.Base, c.ctl = devices.New(devices.Config{Name: name, Kind: o.Kind, EmergencyStop: c.emergencyStop})
	standby := []devices.State{devices.Standby}
	elo, ehi := limits(o.MinExposure, o.MaxExposure, func(x float64) q.Quantity { return q.Duration(x) * q.S })
	c.exposureTime = c.ctl.Add(devices.ParamSpec{Name: "exposure_time", Doc: "how long one frame is exposed", Unit: q.MS,
		Get: reader(d.ExposureTime, func(x float64) any { return q.Duration(x) * q.S }),
		Set: func(ctx context.Context, v any) error {
			return do(func() error { return d.SetExposureTime(ctx, float64(v.(q.Duration)/q.S)) })
		},
		Limits: func() (q.Quantity, q.Quantity) { return elo, ehi },
		From:   standby,
	})
	flo, fhi := limits(o.MinFrameRate, o.MaxFrameRate, func(x float64) q.Quantity { return q.Frequency(x) * q.Hz })
	c.frameRate = c.ctl.Add(devices.ParamSpec{Name: "frame_rate", Doc: "frames per second when recording", Unit: q.Hz,
		Get: reader(d.FrameRate, func(x float64) any { return q.Frequency(x) * q.Hz }),
		Set: func(ctx context.Context, v any) error {
			return do(func() error { return d.SetFrameRate(ctx, float64(v.(q.Frequency)/q.Hz)) })
		},
		Limits: func() (q.Quantity, q.Quantity) { return flo, fhi },
		From:   standby,
	})
	c.triggerMode = c.ctl.Add(devices.ParamSpec{Name: "trigger_mode", Doc: "what starts an exposure: auto, software or external", Zero: Auto,
		Get: func(ctx context.Context) (any, error) {
			return call(func() (TriggerMode, error) { return d.TriggerMode(ctx) })
		},
		Set: func(ctx context.Context, v any) error {
			return do(func() error { return d.SetTriggerMode(ctx, v.(TriggerMode)) })
		},
		Check: func(v any) error {
			if m := v.(TriggerMode); m != Auto && m != Software && m != External {
				return fmt.Errorf("unknown trigger mode %q (want cameras.Auto, cameras.Software or cameras.External)", string(m))
			}
			return nil
		},
		From: standby,
	})
	return c
}

// limits are a parameter's own limits from Options' numbers: never below
// 0, no upper one if hi is 0.
func limits(lo, hi float64, unit func(float64) q.Quantity) (q.Quantity, q.Quantity) {
	upper := q.NoLimit
	if hi > 0 {
		upper = unit(hi)
	}
	return unit(max(lo, 0)), upper
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

// Grab exposes one frame and returns it as the task's result, a *Frame,
// numbered from 1 per camera. It runs in any state; cancelled, it aborts
// the exposure and gives no frame.
func (c *Device) Grab() *tasks.Task {
	return c.ctl.Run(devices.Op{Name: "Grab"}, func(ctx context.Context) (any, error) {
		f, err := call(func() (*Frame, error) { return c.drv.Grab(ctx) })
		switch {
		case ctx.Err() != nil:
			return nil, context.Cause(ctx)
		case err == nil && f == nil:
			err = errors.New("the driver gave no frame; check the driver")
		case err == nil && (f.Width <= 0 || f.Height <= 0 || len(f.Pixels) != f.Width*f.Height):
			err = fmt.Errorf("the driver gave a %dx%d frame of %d pixels; check the driver", f.Width, f.Height, len(f.Pixels))
		}
		if err != nil {
			return nil, c.failed("Grab", err)
		}
		c.mu.Lock()
		c.frames++
		f.Number = c.frames
		c.mu.Unlock()
		return f, nil
	})
}

// StartRecording starts recording at the frame rate; the camera is then
// recording until StopRecording. Cancelled or failed, it is in standby.
func (c *Device) StartRecording() *tasks.Task {
	return c.ctl.Run(devices.Op{Name: "StartRecording", From: []devices.State{devices.Standby}, Via: devices.Recording},
		func(ctx context.Context) (any, error) {
			err := do(func() error { return c.drv.StartRecording(ctx) })
			if err == nil && ctx.Err() == nil {
				return nil, nil
			}
			// Whatever started, stop it: the camera is in standby.
			do(func() error { return c.drv.StopRecording(context.WithoutCancel(ctx)) })
			c.ctl.SetState(devices.Standby)
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			return nil, c.failed("StartRecording", err)
		})
}

// StopRecording stops recording. If the driver fails to, the camera is
// still recording, and StopRecording may be tried again.
func (c *Device) StopRecording() *tasks.Task {
	return c.ctl.Run(devices.Op{Name: "StopRecording", From: []devices.State{devices.Recording}, Via: devices.Standby},
		func(ctx context.Context) (any, error) {
			if err := do(func() error { return c.drv.StopRecording(ctx) }); err != nil {
				c.ctl.SetState(devices.Recording)
				return nil, c.failed("StopRecording", err)
			}
			return nil, nil
		})
}

// emergencyStop stops recording, after Grab and StartRecording were
// cancelled, and leaves standby.
func (c *Device) emergencyStop(ctx context.Context) error {
	err := do(func() error { return c.drv.StopRecording(ctx) })
	c.ctl.SetState(devices.Standby)
	return err
}

// failed is the error of operation op whose driver failed with err.
func (c *Device) failed(op string, err error) error {
	return &devices.DeviceError{Device: c.Name(), Err: fmt.Errorf("%s: %w", op, err)}
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

// do runs a driver method that gives only an error, as call does.
func do(f func() error) error {
	_, err := call(func() (struct{}, error) { return struct{}{}, f() })
	return err
}

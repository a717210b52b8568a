// Package photodiodes is the photodiode family: the contract Photodiode,
// the base Device that owns everything a user sees of a photodiode (its
// read-only parameter intensity, in volts), the small Driver interface a
// photodiode driver implements, and a dummy driver whose reading the
// session sets (dummy.go). New makes a dummy photodiode; NewDevice makes
// one of any driver.
package photodiodes

import (
	"context"
	"fmt"
	"math"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
)

//go:generate go run ../internal/paramgen -type Device intensity:q.Voltage:r

// Photodiode measures light as a voltage.
type Photodiode interface {
	devices.Device
	Intensity() q.Voltage
}

// Driver is all a photodiode driver implements. The base checks what it
// reads and turns a panic into a failed read naming the device; several
// reads may run at once, so a driver guards its own state.
type Driver interface {
	// Intensity reads the light now, in volts; when ctx ends first it
	// returns context.Cause(ctx).
	Intensity(ctx context.Context) (float64, error)
}

// Options describes a photodiode to NewDevice besides its driver.
type Options struct {
	// Kind says what the device is, for tables; "photodiode" if empty.
	Kind string
}

// Device is the base of every photodiode: the read-only parameter
// intensity over a Driver. A photodiode has no operations, so it stays in
// standby and an emergency stop has nothing to stop. Make one with
// NewDevice. All methods are safe for concurrent use.
type Device struct {
	*devices.Base
	drv       Driver
	intensity *devices.Parameter
}

var (
	_ Photodiode       = (*Device)(nil)
	_ devices.Lockable = (*Device)(nil)
)

// NewDevice makes a photodiode called name over driver d. It panics if d
// is nil: a programming error, not a runtime condition.
func NewDevice(name string, d Driver, o Options) *Device {
	if d == nil {
		panic(fmt.Sprintf("photodiodes.NewDevice(%q): the driver is nil", name))
	}
	if o.Kind == "" {
		o.Kind = "photodiode"
	}
	p := &Device{drv: d}
	var ctl *devices.Control
	p.Base, ctl = devices.New(devices.Config{Name: name, Kind: o.Kind})
	p.intensity = ctl.Add(devices.ParamSpec{Name: "intensity", Doc: "measured light", Unit: q.V,
		Get: func(ctx context.Context) (any, error) {
			v, err := call(func() (float64, error) { return d.Intensity(ctx) })
			if err == nil {
				err = finite(v)
			}
			return q.Voltage(v), err
		}})
	return p
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

// finite refuses a NaN or infinite number from a driver.
func finite(x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("the driver read %v; check the driver", x)
	}
	return nil
}

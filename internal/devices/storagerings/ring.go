// Package storagerings is the storage ring family: the contract
// StorageRing, the base Device that owns everything a user sees of a ring
// (the read-only parameters current, energy and lifetime), the small
// Driver interface a ring driver implements, and a dummy driver whose
// current decays (dummy.go). New makes a dummy ring; NewDevice makes one
// of any driver.
package storagerings

import (
	"context"
	"fmt"
	"math"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
)

//go:generate go run ../internal/paramgen -type Device current:q.Current:r energy:q.Energy:r lifetime:q.Duration:r

// StorageRing reports on the beam.
type StorageRing interface {
	devices.Device
	Current() q.Current
	Energy() q.Energy
	Lifetime() q.Duration
}

// Driver is all a storage ring driver implements, with numbers in the
// units rings publish them in. The base checks what it reads and turns a
// panic into a failed read naming the device; several reads may run at
// once, so a driver guards its own state. When ctx ends first, a method
// returns context.Cause(ctx).
type Driver interface {
	// Current reads the beam current in mA.
	Current(ctx context.Context) (float64, error)
	// Energy reads the electron energy in GeV.
	Energy(ctx context.Context) (float64, error)
	// Lifetime reads the beam lifetime in hours.
	Lifetime(ctx context.Context) (float64, error)
}

// Options describes a storage ring to NewDevice besides its driver.
type Options struct {
	// Kind says what the device is, for tables; "storage ring" if empty.
	Kind string
}

// Device is the base of every storage ring: its read-only parameters over
// a Driver. A ring has no operations, so it stays in standby and an
// emergency stop has nothing to stop. Make one with NewDevice. All
// methods are safe for concurrent use.
type Device struct {
	*devices.Base
	drv                       Driver
	current, energy, lifetime *devices.Parameter
}

var (
	_ StorageRing      = (*Device)(nil)
	_ devices.Lockable = (*Device)(nil)
)

// NewDevice makes a storage ring called name over driver d. It panics if
// d is nil: a programming error, not a runtime condition.
func NewDevice(name string, d Driver, o Options) *Device {
	if d == nil {
		panic(fmt.Sprintf("storagerings.NewDevice(%q): the driver is nil", name))
	}
	if o.Kind == "" {
		o.Kind = "storage ring"
	}
	r := &Device{drv: d}
	var ctl *devices.Control
	r.Base, ctl = devices.New(devices.Config{Name: name, Kind: o.Kind})
	r.current = ctl.Add(devices.ParamSpec{Name: "current", Doc: "beam current", Unit: q.MA,
		Get: reader(d.Current, func(x float64) any { return q.Current(x) * q.MA })})
	r.energy = ctl.Add(devices.ParamSpec{Name: "energy", Doc: "electron energy", Unit: q.GeV,
		Get: reader(d.Energy, func(x float64) any { return q.Energy(x) * q.GeV })})
	r.lifetime = ctl.Add(devices.ParamSpec{Name: "lifetime", Doc: "beam lifetime", Unit: q.H,
		Get: reader(d.Lifetime, func(x float64) any { return q.Duration(x) * q.H })})
	return r
}

// reader is a parameter's Get over the driver method read, whose number
// unit turns into the parameter's quantity.
func reader(read func(context.Context) (float64, error), unit func(float64) any) func(context.Context) (any, error) {
	return func(ctx context.Context) (any, error) {
		x, err := call(func() (float64, error) { return read(ctx) })
		if err == nil {
			err = finite(x)
		}
		return unit(x), err
	}
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

// Package monochromators is the monochromator family: the contract
// Monochromator, the base Device that owns everything a user sees of a
// monochromator (energy and wavelength, two views of one setting, with
// units and limits; the states standby and moving; what cancel and
// emergency stop leave), the small Driver interface a monochromator
// driver implements, and a dummy driver (dummy.go). New makes a dummy
// monochromator; NewDevice makes one of any driver.
package monochromators

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Device energy:q.Energy wavelength:q.Length

// Monochromator selects a photon energy.
type Monochromator interface {
	devices.Device
	SetEnergy(q.Energy) *tasks.Task
	Energy() q.Energy
	SetWavelength(q.Length) *tasks.Task
	Wavelength() q.Length
}

// Driver is all a monochromator driver implements, with energies in keV.
// Everything the user sees (energy and wavelength, limits, write locks,
// states, exclusive access, cancel, emergency stop, logging) is the
// base's; a driver never checks a limit or a state. It returns an error,
// never a NaN; it may panic, which the base turns into a failed task
// naming the device. Reads may run during a move, so a driver guards its
// own state.
type Driver interface {
	// Energy reads the photon energy passed now, in keV.
	Energy(ctx context.Context) (float64, error)
	// SetEnergy moves to keV and returns once there (nil), when the move
	// failed (an error), or, when ctx ends first (ctrl-c, an emergency
	// stop), once the monochromator stands where the cancel stopped it:
	// then it returns context.Cause(ctx).
	SetEnergy(ctx context.Context, keV float64) error
}

// Options describes a monochromator to NewDevice besides its driver.
type Options struct {
	// Kind says what the device is, for tables; "monochromator" if
	// empty.
	Kind string
	// Lower and Upper are the device's own energy limits in keV;
	// Lower == Upper (both 0, say) means none, and an infinite one none
	// on that side. The wavelength's limits follow from them.
	Lower, Upper float64
}

// From which states a move may start: one in error (its hardware was out
// of reach) may try again.
var moveFrom = []devices.State{devices.Standby, devices.Error}

// Device is the base of every monochromator: the parameters energy and
// wavelength over a Driver, a set of either being a move from standby via
// moving. Make one with NewDevice. All methods are safe for concurrent
// use.
//
// A cancelled move stops where the driver stopped and leaves standby; an
// emergency stop cancels the move and has the last word on the state.
type Device struct {
	*devices.Base
	ctl                *devices.Control
	drv                Driver
	energy, wavelength *devices.Parameter
}

var (
	_ Monochromator    = (*Device)(nil)
	_ devices.Lockable = (*Device)(nil)
)

// NewDevice makes a monochromator called name over driver d. It panics if
// d is nil: a programming error, not a runtime condition.
func NewDevice(name string, d Driver, o Options) *Device {
	if d == nil {
		panic(fmt.Sprintf("monochromators.NewDevice(%q): the driver is nil", name))
	}
	if o.Kind == "" {
		o.Kind = "monochromator"
	}
	m := &Device{drv: d}
	m.Base, m.ctl = devices.New(devices.Config{Name: name, Kind: o.Kind,
		EmergencyStop: func(context.Context) error { m.ctl.SetState(devices.Standby); return nil }})
	elo, ehi, wlo, whi := limits(o)
	m.energy = m.ctl.Add(devices.ParamSpec{Name: "energy", Doc: "photon energy passed", Unit: q.KeV,
		Get: func(ctx context.Context) (any, error) {
			e, err := m.read(ctx)
			return q.Energy(e) * q.KeV, err
		},
		Set:    func(ctx context.Context, v any) error { return m.move(ctx, float64(v.(q.Energy)/q.KeV)) },
		Limits: func() (q.Quantity, q.Quantity) { return elo, ehi },
		From:   moveFrom, Via: devices.Moving, Motion: true,
	})
	m.wavelength = m.ctl.Add(devices.ParamSpec{Name: "wavelength", Doc: "photon wavelength passed, the same setting as energy", Unit: q.NM,
		Get: func(ctx context.Context) (any, error) {
			e, err := m.read(ctx)
			return (q.Energy(e) * q.KeV).Wavelength(), err
		},
		Set:    func(ctx context.Context, v any) error { return m.move(ctx, float64(v.(q.Length).PhotonEnergy()/q.KeV)) },
		Limits: func() (q.Quantity, q.Quantity) { return wlo, whi },
		From:   moveFrom, Via: devices.Moving, Motion: true,
	})
	return m
}

// limits are the device's own limits of energy and wavelength: the
// shortest wavelength is that of the highest energy.
func limits(o Options) (elo, ehi, wlo, whi q.Quantity) {
	elo, ehi, wlo, whi = q.NoLimit, q.NoLimit, q.NoLimit, q.NoLimit
	if o.Lower == o.Upper {
		return
	}
	if !math.IsInf(o.Lower, 0) {
		e := q.Energy(o.Lower) * q.KeV
		elo = e
		if e > 0 {
			whi = e.Wavelength()
		}
	}
	if !math.IsInf(o.Upper, 0) {
		e := q.Energy(o.Upper) * q.KeV
		ehi, wlo = e, e.Wavelength()
	}
	return
}

// read is the driver's energy, checked.
func (m *Device) read(ctx context.Context) (float64, error) {
	e, err := call(func() (float64, error) { return m.drv.Energy(ctx) })
	if err == nil && (math.IsNaN(e) || math.IsInf(e, 0)) {
		err = fmt.Errorf("the driver read %v; check the driver", e)
	}
	return e, err
}

// move runs the driver's move in the task of ctx and settles the state
// after it: standby, or error if the hardware was out of reach.
func (m *Device) move(ctx context.Context, keV float64) error {
	_, err := call(func() (struct{}, error) { return struct{}{}, m.drv.SetEnergy(ctx, keV) })
	switch {
	case ctx.Err() != nil:
		// However the driver ended, a cancelled move reports the cancel.
		m.ctl.SetState(devices.Standby)
		return context.Cause(ctx)
	case errors.Is(err, devices.ErrUnreachable):
		m.ctl.SetState(devices.Error) // say so until a move succeeds
	default:
		m.ctl.SetState(devices.Standby)
	}
	return err
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

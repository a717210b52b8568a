// Package monochromators has the monochromator contract and a dummy
// monochromator whose energy and wavelength are two views of one setting.
package monochromators

import (
	"context"
	"sync"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Dummy energy:q.Energy wavelength:q.Length

// Monochromator selects a photon energy.
type Monochromator interface {
	devices.Device
	SetEnergy(q.Energy) *tasks.Task
	Energy() q.Energy
	SetWavelength(q.Length) *tasks.Task
	Wavelength() q.Length
}

// Range is the dummy's energy range, its own limits.
const (
	MinEnergy = 4 * q.KeV
	MaxEnergy = 60 * q.KeV
)

// Dummy is a dummy monochromator starting at 10 keV.
type Dummy struct {
	*devices.Base
	energy     *devices.Parameter
	wavelength *devices.Parameter

	mu sync.Mutex
	e  q.Energy
}

var _ Monochromator = (*Dummy)(nil)

// New makes a dummy monochromator called name.
func New(name string) *Dummy {
	m := &Dummy{e: 10 * q.KeV}
	b, ctl := devices.New(devices.Config{Name: name, Kind: "monochromator"})
	m.Base = b
	get := func() q.Energy { m.mu.Lock(); defer m.mu.Unlock(); return m.e }
	set := func(e q.Energy) { m.mu.Lock(); defer m.mu.Unlock(); m.e = e }
	m.energy = ctl.Add(devices.ParamSpec{Name: "energy", Doc: "photon energy passed", Unit: q.KeV,
		Get:    func(context.Context) (any, error) { return get(), nil },
		Set:    func(_ context.Context, v any) error { set(v.(q.Energy)); return nil },
		Limits: func() (q.Quantity, q.Quantity) { return MinEnergy, MaxEnergy },
	})
	m.wavelength = ctl.Add(devices.ParamSpec{Name: "wavelength", Doc: "photon wavelength passed, the same setting as energy", Unit: q.NM,
		Get: func(context.Context) (any, error) { return get().Wavelength(), nil },
		Set: func(_ context.Context, v any) error { set(v.(q.Length).PhotonEnergy()); return nil },
		Limits: func() (q.Quantity, q.Quantity) {
			return MaxEnergy.Wavelength(), MinEnergy.Wavelength()
		},
	})
	return m
}

// Package storagerings has the storage ring contract and a dummy ring:
// current, energy and beam lifetime, all read-only.
package storagerings

import (
	"context"
	"math"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
)

//go:generate go run ../internal/paramgen -type Dummy current:q.Current:r energy:q.Energy:r lifetime:q.Duration:r

// StorageRing reports on the beam.
type StorageRing interface {
	devices.Device
	Current() q.Current
	Energy() q.Energy
	Lifetime() q.Duration
}

// Dummy is a dummy 2.5 GeV ring filled to 200 mA when made, whose current
// decays with a lifetime of 10 h.
type Dummy struct {
	*devices.Base
	current  *devices.Parameter
	energy   *devices.Parameter
	lifetime *devices.Parameter
}

var _ StorageRing = (*Dummy)(nil)

const (
	fill     = 200 * q.MA
	energy   = 2.5 * q.GeV
	lifetime = 10 * q.H
)

// New makes a dummy storage ring called name.
func New(name string) *Dummy {
	r := &Dummy{}
	filled := time.Now()
	b, ctl := devices.New(devices.Config{Name: name, Kind: "storage ring"})
	r.Base = b
	r.current = ctl.Add(devices.ParamSpec{Name: "current", Doc: "beam current", Unit: q.MA,
		Get: func(context.Context) (any, error) {
			return fill * q.Current(math.Exp(-time.Since(filled).Seconds()/float64(lifetime))), nil
		}})
	r.energy = ctl.Add(devices.ParamSpec{Name: "energy", Doc: "electron energy", Unit: q.GeV,
		Get: func(context.Context) (any, error) { return energy, nil }})
	r.lifetime = ctl.Add(devices.ParamSpec{Name: "lifetime", Doc: "beam lifetime", Unit: q.H,
		Get: func(context.Context) (any, error) { return lifetime, nil }})
	return r
}

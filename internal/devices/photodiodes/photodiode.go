// Package photodiodes has the photodiode contract and a dummy photodiode
// whose reading the session sets with Simulate.
package photodiodes

import (
	"context"
	"sync"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
)

//go:generate go run ../internal/paramgen -type Dummy intensity:q.Voltage:r

// Photodiode measures light as a voltage.
type Photodiode interface {
	devices.Device
	Intensity() q.Voltage
}

// Dummy is a dummy photodiode reading 1 V until told otherwise.
type Dummy struct {
	*devices.Base
	intensity *devices.Parameter

	mu sync.Mutex
	v  q.Voltage
}

var _ Photodiode = (*Dummy)(nil)

// New makes a dummy photodiode called name.
func New(name string) *Dummy {
	d := &Dummy{v: 1 * q.V}
	b, ctl := devices.New(devices.Config{Name: name, Kind: "photodiode"})
	d.Base = b
	d.intensity = ctl.Add(devices.ParamSpec{Name: "intensity", Doc: "measured light", Unit: q.V,
		Get: func(context.Context) (any, error) { d.mu.Lock(); defer d.mu.Unlock(); return d.v, nil }})
	return d
}

// Simulate sets what the dummy reads from now on.
func (d *Dummy) Simulate(v q.Voltage) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.v = v
}

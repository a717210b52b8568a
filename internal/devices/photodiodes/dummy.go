package photodiodes

import (
	"context"
	"sync"

	"github.com/concert-go/concert/internal/devices/q"
)

// Dummy is a driver that reads what it was last told with Simulate, 1 V
// until then. It is one Driver among others: the base does the rest.
type Dummy struct {
	mu sync.Mutex
	v  float64 // volts
}

var _ Driver = (*Dummy)(nil)

// NewDummy makes a dummy driver reading 1 V.
func NewDummy() *Dummy { return &Dummy{v: 1} }

// Intensity is the simulated reading, in volts.
func (d *Dummy) Intensity(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.v, nil
}

// Simulate sets what the dummy reads from now on, in volts.
func (d *Dummy) Simulate(volts float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.v = volts
}

// Simulated is a dummy photodiode: a Device over a Dummy driver, whose
// reading the session sets with Simulate.
type Simulated struct {
	*Device
	dummy *Dummy
}

// New makes a dummy photodiode called name, reading 1 V until told
// otherwise.
func New(name string) *Simulated {
	d := NewDummy()
	return &Simulated{NewDevice(name, d, Options{}), d}
}

// Simulate sets what the photodiode reads from now on.
func (s *Simulated) Simulate(v q.Voltage) { s.dummy.Simulate(float64(v / q.V)) }

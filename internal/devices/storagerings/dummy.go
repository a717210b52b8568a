package storagerings

import (
	"context"
	"math"
	"time"
)

// Dummy is a driver that simulates a 2.5 GeV ring filled to 200 mA when
// made, whose current decays with a lifetime of 10 h. It is one Driver
// among others: the base does the rest.
type Dummy struct {
	filled time.Time
}

var _ Driver = (*Dummy)(nil)

// The dummy's beam.
const (
	fillMA      = 200
	energyGeV   = 2.5
	lifetimeHrs = 10
)

// NewDummy makes a dummy driver filled now.
func NewDummy() *Dummy { return &Dummy{filled: time.Now()} }

// Current is the fill current decayed since the dummy was made, in mA.
func (d *Dummy) Current(context.Context) (float64, error) {
	return fillMA * math.Exp(-time.Since(d.filled).Hours()/lifetimeHrs), nil
}

// Energy is 2.5 GeV.
func (d *Dummy) Energy(context.Context) (float64, error) { return energyGeV, nil }

// Lifetime is 10 h.
func (d *Dummy) Lifetime(context.Context) (float64, error) { return lifetimeHrs, nil }

// New makes a dummy storage ring called name: 2.5 GeV, filled to 200 mA
// now, decaying with a lifetime of 10 h.
func New(name string) *Device { return NewDevice(name, NewDummy(), Options{}) }

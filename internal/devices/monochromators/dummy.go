package monochromators

import (
	"context"
	"sync"
	"time"

	"github.com/concert-go/concert/internal/devices/q"
)

// The dummy's energy range, its own limits.
const (
	MinEnergy = 4 * q.KeV
	MaxEnergy = 60 * q.KeV
)

// step is how often the dummy updates its energy while it moves.
const step = 10 * time.Millisecond

// Dummy is a driver that simulates a monochromator: a move takes
// MoveTime (none, unless set), changing the energy evenly in steps of
// 10 ms; cancelled, it stops where it is. It is one Driver among others:
// the base does the rest.
type Dummy struct {
	// MoveTime is how long every move takes; set it before use.
	MoveTime time.Duration

	mu  sync.Mutex
	keV float64
}

var _ Driver = (*Dummy)(nil)

// NewDummy makes a dummy driver at keV whose moves take moveTime.
func NewDummy(keV float64, moveTime time.Duration) *Dummy {
	return &Dummy{MoveTime: moveTime, keV: keV}
}

// Energy is where the dummy is, in keV.
func (d *Dummy) Energy(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.keV, nil
}

// SetEnergy moves to keV in MoveTime; cancelled, it stops where it is.
func (d *Dummy) SetEnergy(ctx context.Context, keV float64) error {
	d.mu.Lock()
	start := d.keV
	d.mu.Unlock()
	if d.MoveTime <= 0 {
		d.set(keV)
		return nil
	}
	t0 := time.Now()
	tick := time.NewTicker(step)
	defer tick.Stop()
	for {
		frac := min(float64(time.Since(t0))/float64(d.MoveTime), 1)
		d.set(start + frac*(keV-start))
		if frac == 1 {
			return nil
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-tick.C:
		}
	}
}

func (d *Dummy) set(keV float64) {
	d.mu.Lock()
	d.keV = keV
	d.mu.Unlock()
}

// New makes a dummy monochromator called name at 10 keV, with its own
// limits MinEnergy and MaxEnergy; a move takes no time.
func New(name string) *Device {
	return NewDevice(name, NewDummy(10, 0), Options{Lower: float64(MinEnergy / q.KeV), Upper: float64(MaxEnergy / q.KeV)})
}

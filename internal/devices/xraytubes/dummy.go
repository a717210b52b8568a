package xraytubes

import (
	"context"
	"sync"
	"time"
)

// RampTime is how long the dummy of New takes to switch on.
const RampTime = 20 * time.Millisecond

// Dummy is a driver that simulates a tube: On ramps up for Ramp, Off is
// at once. It is one Driver among others: the base does the rest.
type Dummy struct {
	// Ramp is how long On takes; set it before use.
	Ramp time.Duration

	mu sync.Mutex
	kV float64
	uA float64
	on bool
}

var (
	_ Driver       = (*Dummy)(nil)
	_ SwitchReader = (*Dummy)(nil)
)

// IsOn says whether the simulated tube is on.
func (d *Dummy) IsOn(context.Context) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.on, nil
}

// NewDummy makes a dummy driver, off, at 40 kV and 100 µA, switching on
// in ramp.
func NewDummy(ramp time.Duration) *Dummy { return &Dummy{Ramp: ramp, kV: 40, uA: 100} }

// Voltage is the voltage setting in kV.
func (d *Dummy) Voltage(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.kV, nil
}

// SetVoltage sets the voltage in kV.
func (d *Dummy) SetVoltage(_ context.Context, kV float64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.kV = kV
	return nil
}

// Current is the current setting in µA.
func (d *Dummy) Current(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.uA, nil
}

// SetCurrent sets the current in µA.
func (d *Dummy) SetCurrent(_ context.Context, uA float64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.uA = uA
	return nil
}

// On is on after Ramp; cancelled during the ramp, it stays off.
func (d *Dummy) On(ctx context.Context) error {
	t := time.NewTimer(d.Ramp)
	defer t.Stop()
	select {
	case <-t.C:
		d.mu.Lock()
		d.on = true
		d.mu.Unlock()
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Off is off at once.
func (d *Dummy) Off(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.on = false
	return nil
}

// New makes a dummy X-ray tube called name: off, at 40 kV and 100 µA,
// with its own limits 60 kV and 1 mA; On ramps up for RampTime, Off is at
// once.
func New(name string) *Device {
	return NewDevice(name, NewDummy(RampTime), Options{MaxVoltage: 60, MaxCurrent: 1000})
}

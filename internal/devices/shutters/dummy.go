package shutters

import (
	"context"
	"sync"
	"time"
)

// MoveTime is how long the dummy takes to open or close.
const MoveTime = 20 * time.Millisecond

// Dummy is a driver that simulates a shutter: it starts closed, Open and
// Close take Time (MoveTime if 0), a cancelled one leaves it as it was,
// and an emergency close is instant. It is one Driver among others: the
// base does the rest.
type Dummy struct {
	Time time.Duration

	mu   sync.Mutex
	open bool
}

var (
	_ Driver          = (*Dummy)(nil)
	_ EmergencyCloser = (*Dummy)(nil)
)

// New makes a dummy shutter called name, closed.
func New(name string) *Device { return NewDevice(name, &Dummy{}, Options{}) }

// IsOpen reads whether the dummy is open.
func (d *Dummy) IsOpen(context.Context) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.open, nil
}

// Open opens after Time unless ctx ends first.
func (d *Dummy) Open(ctx context.Context) error { return d.move(ctx, true) }

// Close closes after Time unless ctx ends first; closed, it returns at
// once.
func (d *Dummy) Close(ctx context.Context) error { return d.move(ctx, false) }

func (d *Dummy) move(ctx context.Context, open bool) error {
	d.mu.Lock()
	already := d.open == open
	d.mu.Unlock()
	if already {
		return nil
	}
	wait := d.Time
	if wait == 0 {
		wait = MoveTime
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		d.mu.Lock()
		defer d.mu.Unlock()
		// A cancel that came with the timer wins: an emergency close
		// after the cancel must not be undone.
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		d.open = open
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// EmergencyClose closes the dummy at once.
func (d *Dummy) EmergencyClose(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.open = false
	return nil
}

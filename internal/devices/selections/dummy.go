package selections

import (
	"cmp"
	"context"
	"sync"
	"time"
)

// MoveTime is how long the dummy takes to change position.
const MoveTime = 20 * time.Millisecond

// Dummy is a driver that simulates a filter wheel: it stands at its first
// position and takes MoveTime per change; cancelled, it stays where it
// was.
type Dummy struct {
	// Time is how long a change takes, MoveTime if 0; set it before use.
	Time time.Duration

	mu  sync.Mutex
	now string
}

var _ Driver = (*Dummy)(nil)

// Selected is the position the dummy stands at.
func (d *Dummy) Selected(context.Context) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.now, nil
}

// Select changes to name after Time, unless ctx ends first.
func (d *Dummy) Select(ctx context.Context, name string) error {
	d.mu.Lock()
	took := cmp.Or(d.Time, MoveTime)
	d.mu.Unlock()
	t := time.NewTimer(took)
	defer t.Stop()
	select {
	case <-t.C:
		d.mu.Lock()
		d.now = name
		d.mu.Unlock()
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// NewDummy makes a dummy selection device called name with the given
// positions, standing at the first: selections.NewDummy("filter", "none",
// "Al 1 mm", "Cu 0.5 mm").
func NewDummy(name string, positions ...string) *Selection {
	d := &Dummy{}
	if len(positions) > 0 {
		d.now = positions[0]
	}
	return New(name, d, positions...)
}

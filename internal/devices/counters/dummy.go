package counters

import (
	"context"
	"time"
)

// Dummy is a driver that counts Rate counts per second in real time.
type Dummy struct{ Rate float64 }

var _ Driver = (*Dummy)(nil)

// Count waits for seconds and returns Rate * seconds.
func (d *Dummy) Count(ctx context.Context, seconds float64) (float64, error) {
	t := time.NewTimer(time.Duration(seconds * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return d.Rate * seconds, nil
	case <-ctx.Done():
		return 0, context.Cause(ctx)
	}
}

// NewDummy makes a dummy counter called name counting 1000 per second.
func NewDummy(name string) *Counter { return New(name, &Dummy{Rate: 1000}) }

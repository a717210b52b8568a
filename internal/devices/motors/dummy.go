package motors

import (
	"context"
	"math"
	"sync"
	"time"
)

// step is how often the dummy updates its position while it moves.
const step = 10 * time.Millisecond

// Dummy is a driver that simulates a motor in real time: it moves at its
// motion velocity in steps of 10 ms, turns at a set velocity until
// stopped, stops at its hard limit switches (none unless set) and homes
// to 0. Its numbers are in the unit of the motor's Options. It is one
// Driver among others: the base does the rest.
type Dummy struct {
	mu     sync.Mutex
	pos    float64
	vel    float64       // motion velocity, > 0
	lo, hi float64       // hard limits
	cont   float64       // continuous velocity, 0 when not turning
	halt   chan struct{} // closed to halt a continuous motion
	halted chan struct{} // closed when it has halted
}

var (
	_ Driver           = (*Dummy)(nil)
	_ LimitSwitches    = (*Dummy)(nil)
	_ VelocityDriver   = (*Dummy)(nil)
	_ ContinuousDriver = (*Dummy)(nil)
)

// NewDummy makes a dummy driver at 0 with motion velocity vel (in the
// motor's unit per second) and no hard limits.
func NewDummy(vel float64) *Dummy {
	return &Dummy{vel: vel, lo: math.Inf(-1), hi: math.Inf(1)}
}

// SetHardLimits moves the simulated limit switches.
func (d *Dummy) SetHardLimits(lower, upper float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lo, d.hi = lower, upper
}

// Position is where the dummy is now.
func (d *Dummy) Position(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pos, nil
}

// LimitSwitches reports whether the dummy stands at a hard limit.
func (d *Dummy) LimitSwitches(context.Context) (lower, upper bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pos <= d.lo, d.pos >= d.hi, nil
}

// MotionVelocity is how fast a move goes.
func (d *Dummy) MotionVelocity(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.vel, nil
}

// SetMotionVelocity sets how fast the next moves go.
func (d *Dummy) SetMotionVelocity(_ context.Context, v float64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.vel = v
	return nil
}

// Home moves to 0.
func (d *Dummy) Home(ctx context.Context) error { return d.MoveTo(ctx, 0) }

// MoveTo moves to target at the motion velocity in steps, honouring ctx:
// cancelled, it stops where it is at that moment. A hard limit stops it
// there with ErrHardLimit.
func (d *Dummy) MoveTo(ctx context.Context, target float64) error {
	d.mu.Lock()
	start, v, lo, hi := d.pos, d.vel, d.lo, d.hi
	d.mu.Unlock()
	dist := target - start
	dir := math.Copysign(1, dist)
	total := time.Duration(math.Abs(dist) / v * float64(time.Second))
	t0 := time.Now()
	var tick *time.Ticker
	for {
		elapsed := time.Since(t0)
		p := target
		if elapsed < total {
			p = start + dir*v*elapsed.Seconds()
		}
		switch {
		case p >= hi:
			d.setPos(hi)
			return ErrHardLimit
		case p <= lo:
			d.setPos(lo)
			return ErrHardLimit
		}
		d.setPos(p)
		if elapsed >= total {
			return nil
		}
		if tick == nil {
			tick = time.NewTicker(step)
			defer tick.Stop()
		}
		select {
		case <-ctx.Done():
			// Stop where the motor is now, not at the last step.
			if elapsed = time.Since(t0); elapsed < total {
				d.setPos(math.Min(hi, math.Max(lo, start+dir*v*elapsed.Seconds())))
			}
			return context.Cause(ctx)
		case <-tick.C:
		}
	}
}

func (d *Dummy) setPos(p float64) {
	d.mu.Lock()
	d.pos = p
	d.mu.Unlock()
}

// Stop halts a continuous motion; a positional one ends by its ctx.
func (d *Dummy) Stop(context.Context) error {
	d.mu.Lock()
	halt, halted := d.halt, d.halted
	d.cont, d.halt, d.halted = 0, nil, nil
	d.mu.Unlock()
	if halt != nil {
		close(halt)
		<-halted
	}
	return nil
}

// Velocity is the continuous velocity, 0 when not turning.
func (d *Dummy) Velocity(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cont, nil
}

// Turn starts moving at velocity v until Stop, the next Turn or a hard
// limit, on a goroutine of its own; v == 0 only halts.
func (d *Dummy) Turn(ctx context.Context, v float64) (<-chan struct{}, error) {
	d.Stop(ctx)
	if v == 0 {
		return nil, nil
	}
	halt, halted := make(chan struct{}), make(chan struct{})
	d.mu.Lock()
	d.cont, d.halt, d.halted = v, halt, halted
	d.mu.Unlock()
	go func() {
		defer close(halted)
		tick := time.NewTicker(step)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-halt:
				d.advance(v, time.Since(last))
				return
			case now := <-tick.C:
				hit := d.advance(v, now.Sub(last))
				last = now
				if hit {
					d.mu.Lock()
					if d.halt == halt {
						d.cont, d.halt, d.halted = 0, nil, nil
					}
					d.mu.Unlock()
					return
				}
			}
		}
	}()
	return halted, nil
}

// advance moves by v*dt, clamped to the hard limits; it reports whether a
// limit was hit.
func (d *Dummy) advance(v float64, dt time.Duration) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.pos + v*dt.Seconds()
	switch {
	case p >= d.hi:
		d.pos = d.hi
		return true
	case p <= d.lo:
		d.pos = d.lo
		return true
	}
	d.pos = p
	return false
}

package motors

import (
	"context"
	"math"
	"sync"
	"time"
)

// step is how often the dummy updates its position while it turns.
const step = 10 * time.Millisecond

// Dummy is a driver that simulates a motor in real time: it moves at its
// motion velocity, turns at a set velocity (in steps of 10 ms) until
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
	move   *motion       // the MoveTo under way, if any
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
	return d.positionAt(time.Now()), nil
}

// LimitSwitches reports whether the dummy stands at a hard limit.
func (d *Dummy) LimitSwitches(context.Context) (lower, upper bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.positionAt(time.Now())
	return p <= d.lo, p >= d.hi, nil
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

// MoveTo moves to target at the motion velocity, honouring ctx:
// cancelled, it stops where it is at that moment. A hard limit stops it
// there with ErrHardLimit. While it moves, its position is worked out
// from the time whenever it is read: a thousand moving dummies cost
// nothing between reads (they used to wake every 10 ms each, a fifth of a
// core for a thousand).
func (d *Dummy) MoveTo(ctx context.Context, target float64) error {
	now := time.Now()
	d.mu.Lock()
	start := d.positionAt(now)
	m := d.plan(start, target, now)
	if m.took == 0 {
		d.pos, d.move = m.end, nil
		d.mu.Unlock()
		return m.err
	}
	d.move = m
	d.mu.Unlock()
	timer := time.NewTimer(m.took)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		d.finish(m, false)
		return context.Cause(ctx)
	case <-timer.C:
		d.finish(m, true)
		return m.err
	}
}

// motion is a MoveTo under way: from where, since when, at what signed
// velocity, and where it ends (the target, or a hard limit on the way).
type motion struct {
	from, v, end float64
	t0           time.Time
	took         time.Duration // from t0 to end
	err          error         // ErrHardLimit if it ends at a limit
}

// plan works out the move from start to target under d.mu, as the
// dummy's steps did: a limit switch already pressed where the motor
// stands, or reached on the way, ends the move there.
func (d *Dummy) plan(start, target float64, now time.Time) *motion {
	dist := target - start
	m := &motion{from: start, v: math.Copysign(d.vel, dist), end: target, t0: now}
	up, down := dist > 0, dist < 0
	switch {
	// A switch the motor stands on stops it only when it moves into it.
	case dist == 0 && target >= d.hi, up && start >= d.hi, down && start > d.hi:
		m.end, m.err = d.hi, ErrHardLimit
		return m
	case dist == 0 && target <= d.lo, down && start <= d.lo, up && start < d.lo:
		m.end, m.err = d.lo, ErrHardLimit
		return m
	case up && target >= d.hi:
		m.end, m.err = d.hi, ErrHardLimit
	case down && target <= d.lo:
		m.end, m.err = d.lo, ErrHardLimit
	}
	m.took = time.Duration(math.Abs(m.end-start) / d.vel * float64(time.Second))
	return m
}

// positionAt is where the dummy is at t, under d.mu.
func (d *Dummy) positionAt(t time.Time) float64 {
	m := d.move
	if m == nil {
		return d.pos
	}
	elapsed := t.Sub(m.t0)
	if elapsed >= m.took {
		return m.end
	}
	p := m.from + m.v*elapsed.Seconds()
	if m.v > 0 {
		return math.Min(p, m.end)
	}
	return math.Max(p, m.end)
}

// finish ends m where the motor is now, or at its end if arrived.
func (d *Dummy) finish(m *motion, arrived bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.move != m {
		return // a later move took over
	}
	if arrived {
		d.pos = m.end
	} else {
		d.pos = d.positionAt(time.Now())
	}
	d.move = nil
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

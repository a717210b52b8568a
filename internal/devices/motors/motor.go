// Package motors has the motor contracts and dummy motors that move in
// real time: linear and rotation motors that go to a position at their
// motion velocity, and continuous motors that turn at a set velocity.
// Concert's devices/motors is the model.
package motors

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// LinearMotor moves along a line.
type LinearMotor interface {
	devices.Device
	devices.Stopper
	devices.Homer
	SetPosition(q.Length) *tasks.Task
	GetPosition() *tasks.Task
	Position() q.Length
}

// RotationMotor turns to an angle.
type RotationMotor interface {
	devices.Device
	devices.Stopper
	devices.Homer
	SetPosition(q.Angle) *tasks.Task
	GetPosition() *tasks.Task
	Position() q.Angle
}

// ContinuousRotationMotor also turns at a set velocity until stopped.
type ContinuousRotationMotor interface {
	RotationMotor
	SetVelocity(q.AngularVelocity) *tasks.Task
	Velocity() q.AngularVelocity
}

// ContinuousLinearMotor also moves at a set velocity until stopped or at a
// hard limit.
type ContinuousLinearMotor interface {
	LinearMotor
	SetVelocity(q.Velocity) *tasks.Task
	Velocity() q.Velocity
}

// step is how often a dummy motor updates its position while it moves.
const step = 10 * time.Millisecond

// From which states a motion may start: a motor at a hard limit may move
// back.
var motionFrom = []devices.State{devices.Standby, devices.HardLimit}

// axis is the simulated mechanics shared by the dummies, in base units (m
// or rad, per second).
type axis struct {
	ctl  *devices.Control
	dim  q.Dim
	unit q.Quantity // for errors

	mu     sync.Mutex
	pos    float64
	vel    float64 // motion velocity, > 0
	lo, hi float64 // hard limits
	home   float64
	cont   float64       // continuous velocity, 0 when not turning
	run    *tasks.Task   // the motion running now
	halt   chan struct{} // closed to halt a continuous motion
	halted chan struct{} // closed when it has halted
}

func newAxis(ctl *devices.Control, unit q.Quantity, vel float64) *axis {
	return &axis{ctl: ctl, dim: unit.Dim(), unit: unit, vel: vel, lo: math.Inf(-1), hi: math.Inf(1)}
}

func (a *axis) setLimits(lower, upper q.Length) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lo, a.hi = float64(lower), float64(upper)
}

func (a *axis) position() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pos
}

// params declares position and motion_velocity.
func (a *axis) params(velUnit q.Quantity, maxVel float64) (pos, vel *devices.Parameter) {
	pos = a.ctl.Add(devices.ParamSpec{
		Name: "position", Doc: "where the motor is; a set moves it there", Unit: a.unit,
		Get:  func(context.Context) (any, error) { return q.New(a.dim, a.position()), nil },
		Set:  func(ctx context.Context, v any) error { return a.moveTo(ctx, v.(q.Quantity).Base()) },
		From: motionFrom, Via: devices.Moving, Motion: true,
	})
	vel = a.ctl.Add(devices.ParamSpec{
		Name: "motion_velocity", Doc: "how fast a move goes", Unit: velUnit,
		Get: func(context.Context) (any, error) {
			a.mu.Lock()
			defer a.mu.Unlock()
			return q.New(velUnit.Dim(), a.vel), nil
		},
		Set: func(_ context.Context, v any) error {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.vel = v.(q.Quantity).Base()
			return nil
		},
		Limits: func() (q.Quantity, q.Quantity) {
			return q.New(velUnit.Dim(), maxVel*1e-9), q.New(velUnit.Dim(), maxVel)
		},
	})
	return pos, vel
}

// moveTo moves to target at the motion velocity in steps, honouring ctx:
// cancelled, it stops where it is at that moment. A hard limit stops it
// there with a HardLimitError.
func (a *axis) moveTo(ctx context.Context, target float64) error {
	a.mu.Lock()
	start, v, lo, hi := a.pos, a.vel, a.lo, a.hi
	a.run = tasks.FromContext(ctx)
	a.mu.Unlock()
	defer a.settle()
	if (start >= hi && target > start) || (start <= lo && target < start) {
		return a.limitError(start >= hi)
	}
	dist := target - start
	dir := math.Copysign(1, dist)
	total := time.Duration(math.Abs(dist) / v * float64(time.Second))
	t0 := time.Now()
	tick := time.NewTicker(step)
	defer tick.Stop()
	for {
		elapsed := time.Since(t0)
		p := target
		if elapsed < total {
			p = start + dir*v*elapsed.Seconds()
		}
		switch {
		case p >= hi:
			a.setPos(hi)
			return a.limitError(true)
		case p <= lo:
			a.setPos(lo)
			return a.limitError(false)
		}
		a.setPos(p)
		if elapsed >= total {
			return nil
		}
		select {
		case <-ctx.Done():
			// Stop where the motor is now, not at the last step.
			if elapsed = time.Since(t0); elapsed < total {
				a.setPos(math.Min(hi, math.Max(lo, start+dir*v*elapsed.Seconds())))
			}
			return context.Cause(ctx)
		case <-tick.C:
		}
	}
}

func (a *axis) setPos(p float64) {
	a.mu.Lock()
	a.pos = p
	a.mu.Unlock()
}

func (a *axis) limitError(upper bool) error {
	return &devices.HardLimitError{Device: a.ctl.Base().Name(), Position: q.New(a.dim, a.position()), Upper: upper}
}

// settle sets the state after a motion: hard-limit at a limit switch,
// else standby.
func (a *axis) settle() {
	// The state is set under a.mu, so that it matches the motion even
	// when a continuous one starts meanwhile (see turn).
	a.mu.Lock()
	defer a.mu.Unlock()
	a.run = nil
	atLimit := a.pos >= a.hi || a.pos <= a.lo
	turning := a.cont != 0
	switch {
	case atLimit:
		a.ctl.SetState(devices.HardLimit)
	case turning:
		a.ctl.SetState(devices.Moving)
	default:
		a.ctl.SetState(devices.Standby)
	}
}

// home moves to the home position.
func (a *axis) homeOp(pos *devices.Parameter) *tasks.Task {
	return a.ctl.Run(devices.Op{Name: "Home", From: motionFrom, Via: devices.Moving, Motion: true, Writes: []*devices.Parameter{pos}},
		func(ctx context.Context) (any, error) {
			a.mu.Lock()
			home := a.home
			a.mu.Unlock()
			return nil, a.moveTo(ctx, home)
		})
}

// stopOp stops the running motion gracefully and waits until it has
// stopped; with nothing moving it does nothing. It waits for a task that
// holds the position, as a set does; a write lock does not keep it from
// stopping.
func (a *axis) stopOp(pos *devices.Parameter) *tasks.Task {
	return a.ctl.Run(devices.Op{Name: "Stop", Uses: []*devices.Parameter{pos}}, func(ctx context.Context) (any, error) {
		a.stopTurning()
		a.mu.Lock()
		run := a.run
		a.mu.Unlock()
		if run != nil {
			run.Cancel()
			select {
			case <-run.Done():
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
		}
		a.settle()
		return nil, nil
	})
}

// emergencyStop is the driver's stop-at-once. Positional motions end
// because their tasks are cancelled; a continuous motion has no task and
// is halted here.
func (a *axis) emergencyStop(context.Context) error {
	a.stopTurning()
	a.settle()
	return nil
}

// turn starts moving at velocity v (base units per second) until
// stopTurning or a hard limit, on a goroutine of its own: a continuous
// motion outlives the set that started it. It does not start once ctx,
// the set's, is cancelled.
func (a *axis) turn(ctx context.Context, v float64) error {
	a.stopTurning()
	if v == 0 {
		a.settle()
		return nil
	}
	halt, halted := make(chan struct{}), make(chan struct{})
	a.mu.Lock()
	// Checked under a.mu: an emergency stop cancels ctx before its
	// stopTurning takes a.mu, so either the stop sees this motion and
	// halts it, or this sees the cancel and does not start.
	if ctx.Err() != nil {
		a.mu.Unlock()
		return context.Cause(ctx)
	}
	a.cont, a.halt, a.halted = v, halt, halted
	a.ctl.SetState(devices.Moving) // under a.mu: see settle
	a.mu.Unlock()
	go func() {
		defer func() {
			recover() // the simulation must not take the shell down
			close(halted)
			a.settle()
		}()
		tick := time.NewTicker(step)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-halt:
				a.advance(v, time.Since(last))
				return
			case now := <-tick.C:
				hit := a.advance(v, now.Sub(last))
				last = now
				if hit {
					a.mu.Lock()
					if a.halt == halt {
						a.cont, a.halt, a.halted = 0, nil, nil
					}
					a.mu.Unlock()
					return
				}
			}
		}
	}()
	return nil
}

// advance moves by v*dt, clamped to the hard limits; it reports whether a
// limit was hit.
func (a *axis) advance(v float64, dt time.Duration) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.pos + v*dt.Seconds()
	switch {
	case p >= a.hi:
		a.pos = a.hi
		return true
	case p <= a.lo:
		a.pos = a.lo
		return true
	}
	a.pos = p
	return false
}

// stopTurning halts a continuous motion and returns once the position no
// longer changes.
func (a *axis) stopTurning() {
	a.mu.Lock()
	halt, halted := a.halt, a.halted
	a.cont, a.halt, a.halted = 0, nil, nil
	a.mu.Unlock()
	if halt != nil {
		close(halt)
		<-halted
	}
}

// velocityParam declares a continuous motor's velocity.
func (a *axis) velocityParam(unit q.Quantity, max float64) *devices.Parameter {
	return a.ctl.Add(devices.ParamSpec{
		Name: "velocity", Doc: "continuous velocity; 0 stops", Unit: unit,
		Get: func(context.Context) (any, error) {
			a.mu.Lock()
			defer a.mu.Unlock()
			return q.New(unit.Dim(), a.cont), nil
		},
		Set: func(ctx context.Context, v any) error {
			return a.turn(ctx, v.(q.Quantity).Base())
		},
		Limits: func() (q.Quantity, q.Quantity) { return q.New(unit.Dim(), -max), q.New(unit.Dim(), max) },
		From:   []devices.State{devices.Standby, devices.Moving, devices.HardLimit},
		Motion: true,
	})
}

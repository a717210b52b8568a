// Package motors has the motor family: the contracts (LinearMotor,
// RotationMotor, ...), the base Motor that owns everything a user sees of
// a motor, the small Driver interface a motor driver implements, and a
// dummy driver that moves in real time (dummy.go). Concert's
// devices/motors/base.py and dummy.py are the model. NewLinear,
// NewRotation, NewContinuousLinear and NewContinuousRotation make dummy
// motors; New makes a motor of any driver.
package motors

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

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
	Move(q.Length) *tasks.Task
}

// RotationMotor turns to an angle.
type RotationMotor interface {
	devices.Device
	devices.Stopper
	devices.Homer
	SetPosition(q.Angle) *tasks.Task
	GetPosition() *tasks.Task
	Position() q.Angle
	Move(q.Angle) *tasks.Task
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

// From which states a motion may start: a motor at a hard limit may move
// back; one in error (its hardware was out of reach) may try again.
var motionFrom = []devices.State{devices.Standby, devices.HardLimit, devices.Error}

// Motor is the base of every motor: its parameters position (a set moves
// there), motion_velocity and velocity (if the driver has them), Home,
// Stop, Move, the states standby, moving and hard-limit, what cancel and
// emergency stop do, all over a Driver. Make one with New. All methods
// are safe for concurrent use.
//
// Cancelling a move or Home stops the motor where it is and leaves it in
// standby (hard-limit at a switch); Stop does so for whatever moves; an
// emergency stop cancels every operation, calls the driver's emergency
// stop (else its Stop) and has the last word on the state.
type Motor struct {
	*devices.Base
	ctl   *devices.Control
	drv   Driver
	unit  float64 // Options.Unit in base units: driver number * unit = base value
	dim   q.Dim
	lim   LimitSwitches
	estop EmergencyStopper
	velo  VelocityDriver
	cont  ContinuousDriver

	position, motionVelocity, velocity *devices.Parameter

	mu      sync.Mutex
	run     *tasks.Task     // the positional motion running now
	turning <-chan struct{} // closed when the continuous motion ends; nil if none
	turnMu  sync.Mutex      // orders a continuous start against an emergency stop
}

// New makes a motor called name over driver d. It panics if d is nil,
// Options.Unit is no length or angle, or the limits are NaN or inverted: a
// programming error, not a runtime condition (a motor whose every move is
// refused would otherwise only show it at the first move).
func New(name string, d Driver, o Options) *Motor {
	if d == nil {
		panic(fmt.Sprintf("motors.New(%q): the driver is nil", name))
	}
	if o.Unit == nil || (o.Unit.Dim() != q.DimLength && o.Unit.Dim() != q.DimAngle) {
		panic(fmt.Sprintf("motors.New(%q): Options.Unit must be a length or an angle unit, such as q.MM or q.Deg, got %v", name, o.Unit))
	}
	if err := o.CheckLimits(); err != nil {
		panic(fmt.Sprintf("motors.New(%q): %v", name, err))
	}
	m := &Motor{drv: d, unit: o.Unit.Base(), dim: o.Unit.Dim(),
		lim: o.LimitSwitches, estop: o.EmergencyStopper, velo: o.Velocity, cont: o.Continuous}
	if m.lim == nil {
		m.lim, _ = d.(LimitSwitches)
	}
	if m.estop == nil {
		m.estop, _ = d.(EmergencyStopper)
	}
	if m.velo == nil {
		m.velo, _ = d.(VelocityDriver)
	}
	if m.cont == nil {
		m.cont, _ = d.(ContinuousDriver)
	}
	kind := o.Kind
	if kind == "" {
		kind = map[q.Dim]string{q.DimLength: "linear motor", q.DimAngle: "rotation motor"}[m.dim]
	}
	m.Base, m.ctl = devices.New(devices.Config{Name: name, Kind: kind, EmergencyStop: m.emergencyStop})
	m.params(o)
	return m
}

// params declares position, motion_velocity and velocity.
func (m *Motor) params(o Options) {
	lo, hi := q.NoLimit, q.NoLimit
	if o.Lower != o.Upper {
		if !math.IsInf(o.Lower, 0) {
			lo = m.quantity(m.dim, o.Lower)
		}
		if !math.IsInf(o.Upper, 0) {
			hi = m.quantity(m.dim, o.Upper)
		}
	}
	m.position = m.ctl.Add(devices.ParamSpec{
		Name: "position", Doc: "where the motor is; a set moves it there", Unit: o.Unit,
		Get: func(ctx context.Context) (any, error) {
			x, err := m.read(ctx)
			return m.quantity(m.dim, x), err
		},
		Set:    func(ctx context.Context, v any) error { return m.moveTo(ctx, v.(q.Quantity).Base()/m.unit) },
		Limits: func() (q.Quantity, q.Quantity) { return lo, hi },
		From:   motionFrom, Via: devices.Moving, Motion: true,
	})
	vdim := map[q.Dim]q.Dim{q.DimLength: q.DimVelocity, q.DimAngle: q.DimAngularVelocity}[m.dim]
	vunit := q.New(vdim, m.unit)
	if m.velo != nil {
		vlo, vhi := q.NoLimit, q.NoLimit
		if o.MaxVelocity > 0 {
			vlo, vhi = m.quantity(vdim, o.MaxVelocity*1e-9), m.quantity(vdim, o.MaxVelocity)
		}
		m.motionVelocity = m.ctl.Add(devices.ParamSpec{
			Name: "motion_velocity", Doc: "how fast a move goes", Unit: vunit,
			Get: func(ctx context.Context) (any, error) {
				v, err := call(func() (float64, error) { return m.velo.MotionVelocity(ctx) })
				if err == nil {
					err = finite(v)
				}
				return m.quantity(vdim, v), err
			},
			Set: func(ctx context.Context, v any) error {
				_, err := call(func() (float64, error) {
					return 0, m.velo.SetMotionVelocity(ctx, v.(q.Quantity).Base()/m.unit)
				})
				return err
			},
			Limits: func() (q.Quantity, q.Quantity) { return vlo, vhi },
		})
	}
	if m.cont != nil {
		vlo, vhi := q.NoLimit, q.NoLimit
		if o.MaxVelocity > 0 {
			vlo, vhi = m.quantity(vdim, -o.MaxVelocity), m.quantity(vdim, o.MaxVelocity)
		}
		m.velocity = m.ctl.Add(devices.ParamSpec{
			Name: "velocity", Doc: "continuous velocity; 0 stops", Unit: vunit,
			Get: func(ctx context.Context) (any, error) {
				v, err := call(func() (float64, error) { return m.cont.Velocity(ctx) })
				if err == nil {
					err = finite(v)
				}
				return m.quantity(vdim, v), err
			},
			Set:    func(ctx context.Context, v any) error { return m.turn(ctx, v.(q.Quantity).Base()/m.unit) },
			Limits: func() (q.Quantity, q.Quantity) { return vlo, vhi },
			From:   []devices.State{devices.Standby, devices.Moving, devices.HardLimit},
			Motion: true,
		})
	}
}

// quantity turns a driver's number into a quantity of dimension d.
func (m *Motor) quantity(d q.Dim, x float64) q.Quantity { return q.New(d, x*m.unit) }

// call runs a driver method, turning a panic into an error: a driver,
// maybe written in a session, must not take the shell down.
func call[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("driver panicked: %v", p)
		}
	}()
	return f()
}

// finite refuses a NaN or infinite number from a driver.
func finite(x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("the driver read %v; check the driver", x)
	}
	return nil
}

// read is the driver's position, checked.
func (m *Motor) read(ctx context.Context) (float64, error) {
	x, err := call(func() (float64, error) { return m.drv.Position(ctx) })
	if err == nil {
		err = finite(x)
	}
	return x, err
}

// moveTo runs one positional motion of the driver (MoveTo, or Home with
// home set) in the task of ctx and settles the state after it.
func (m *Motor) moveTo(ctx context.Context, target float64) error {
	return m.motion(ctx, func() error { return m.drv.MoveTo(ctx, target) }, target, false)
}

func (m *Motor) motion(ctx context.Context, drive func() error, target float64, home bool) (err error) {
	m.mu.Lock()
	m.run = tasks.FromContext(ctx)
	m.mu.Unlock()
	hit := false
	defer func() {
		m.mu.Lock()
		m.run = nil
		m.mu.Unlock()
		m.settle(ctx, hit)
		if ctx.Err() == nil && errors.Is(err, devices.ErrUnreachable) {
			m.ctl.SetState(devices.Error) // the hardware is out of reach: say so until a motion succeeds
		}
	}()
	start, err := m.read(ctx)
	if err != nil {
		return err
	}
	if m.lim != nil && !home {
		lower, upper, err := m.switches(ctx)
		if err != nil {
			return err
		}
		if (upper && target > start) || (lower && target < start) {
			hit = true
			return m.hardLimit(ctx, upper)
		}
	}
	_, err = call(func() (struct{}, error) { return struct{}{}, drive() })
	switch {
	case ctx.Err() != nil:
		// However the driver ended, a cancelled motion reports the cancel.
		return context.Cause(ctx)
	case errors.Is(err, ErrHardLimit):
		hit = true
		upper := target > start
		if m.lim != nil {
			if _, up, lerr := m.switches(ctx); lerr == nil {
				upper = up
			}
		}
		return m.hardLimit(ctx, upper)
	}
	return err
}

// switches reads the limit switches of a LimitSwitches driver.
func (m *Motor) switches(ctx context.Context) (lower, upper bool, err error) {
	sw, err := call(func() ([2]bool, error) {
		lo, hi, err := m.lim.LimitSwitches(ctx)
		return [2]bool{lo, hi}, err
	})
	return sw[0], sw[1], err
}

// hardLimit is the error of a motion a limit switch stopped or refused.
func (m *Motor) hardLimit(ctx context.Context, upper bool) error {
	x, _ := m.read(context.WithoutCancel(ctx))
	return &devices.HardLimitError{Device: m.Name(), Position: m.quantity(m.dim, x), Upper: upper}
}

// settle sets the state after a motion: hard-limit at a limit switch (or
// when the motion reported one, hit), moving while a continuous motion
// runs, else standby. An emergency stop's settle has the last word (see
// devices.Control.SetState).
func (m *Motor) settle(ctx context.Context, hit bool) {
	atLimit := hit
	if m.lim != nil && !atLimit {
		lo, hi, err := m.switches(context.WithoutCancel(ctx))
		atLimit = err == nil && (lo || hi)
	}
	// Under m.mu, so that the state matches a continuous motion starting
	// or ending meanwhile (see turn).
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case atLimit:
		m.ctl.SetState(devices.HardLimit)
	case m.turning != nil:
		m.ctl.SetState(devices.Moving)
	default:
		m.ctl.SetState(devices.Standby)
	}
}

// turn starts or halts a continuous motion at v (driver units per second)
// in the velocity set's task, and watches it end on a goroutine of its
// own: the motion outlives the set.
func (m *Motor) turn(ctx context.Context, v float64) error {
	// Under turnMu, which an emergency stop takes after cancelling this
	// set: either the stop sees this motion and halts it, or this sees
	// the cancel and does not start one.
	m.turnMu.Lock()
	defer m.turnMu.Unlock()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	done, err := call(func() (<-chan struct{}, error) { return m.cont.Turn(ctx, v) })
	if err != nil || done == nil || v == 0 {
		m.mu.Lock()
		m.turning = nil
		m.mu.Unlock()
		m.settle(ctx, false)
		return err
	}
	m.mu.Lock()
	m.turning = done
	m.ctl.SetState(devices.Moving) // under m.mu: see settle
	m.mu.Unlock()
	go func() {
		defer func() { recover() }() // a driver's settle must not take the shell down
		<-done
		m.mu.Lock()
		if m.turning == done {
			m.turning = nil
		}
		m.mu.Unlock()
		m.settle(context.Background(), false)
	}()
	return nil
}

// emergencyStop is the device's stop-at-once, called after its operations
// were cancelled: their MoveTo end on their ctx; a continuous motion has
// no task and is halted here by the driver's emergency stop or Stop.
func (m *Motor) emergencyStop(ctx context.Context) error {
	// A continuous start under way has started when this gets turnMu, or
	// will see its cancel and not start.
	m.turnMu.Lock()
	m.turnMu.Unlock()
	_, err := call(func() (struct{}, error) {
		if m.estop != nil {
			return struct{}{}, m.estop.EmergencyStop(ctx)
		}
		return struct{}{}, m.drv.Stop(ctx)
	})
	m.mu.Lock()
	m.turning = nil
	m.mu.Unlock()
	m.settle(ctx, false)
	if errors.Is(err, devices.ErrUnreachable) {
		m.ctl.SetState(devices.Error)
	}
	return err
}

// Home moves the motor to its home position; see Driver.Home.
func (m *Motor) Home() *tasks.Task {
	return m.ctl.Run(devices.Op{Name: "Home", From: motionFrom, Via: devices.Moving, Motion: true, Writes: []*devices.Parameter{m.position}},
		func(ctx context.Context) (any, error) {
			err := m.motion(ctx, func() error { return m.drv.Home(ctx) }, math.NaN(), true)
			if err != nil && ctx.Err() == nil && !isOurs(err) {
				err = &devices.DeviceError{Device: m.Name(), Err: fmt.Errorf("Home: %w", err)}
			}
			return nil, err
		})
}

// isOurs reports whether err names the device already.
func isOurs(err error) bool {
	var (
		hl *devices.HardLimitError
		de *devices.DeviceError
	)
	return errors.As(err, &hl) || errors.As(err, &de)
}

// Stop stops any motion, positional or continuous, where the motor is and
// waits until it stands; with nothing moving it does nothing. It waits for
// a task that holds the position, as a set does; a write lock does not
// keep it from stopping.
func (m *Motor) Stop() *tasks.Task {
	return m.ctl.Run(devices.Op{Name: "Stop", Uses: []*devices.Parameter{m.position}}, func(ctx context.Context) (any, error) {
		m.mu.Lock()
		run, turning := m.run, m.turning
		m.mu.Unlock()
		if run != nil {
			run.Cancel()
			select {
			case <-run.Done():
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
		}
		var err error
		if run != nil || turning != nil {
			_, err = call(func() (struct{}, error) { return struct{}{}, m.drv.Stop(ctx) })
		}
		if turning != nil {
			select {
			case <-turning:
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
		}
		m.settle(ctx, false)
		if err != nil {
			return nil, &devices.DeviceError{Device: m.Name(), Err: fmt.Errorf("Stop: %w", err)}
		}
		return nil, nil
	})
}

// Move moves the motor by delta from where it is when the move starts,
// like Concert's move: a task like SetPosition's, whose target is checked
// against the limits before anything moves. delta must be of the
// position's type (a q.Length for a linear motor).
func (m *Motor) Move(delta any) *tasks.Task { return m.position.SetRelative("Move", delta) }

// SetPosition starts moving the motor to v, a q.Length or q.Angle as the
// motor's unit; see devices.Parameter.Set.
func (m *Motor) SetPosition(v any) *tasks.Task { return m.position.Set(v) }

// GetPosition starts reading the position; the task's result is a
// q.Length or q.Angle.
func (m *Motor) GetPosition() *tasks.Task { return m.position.Get() }

// Position reads the position now; it panics if the read fails (see
// devices.Parameter.Must).
func (m *Motor) Position() q.Quantity { return m.position.Must().(q.Quantity) }

// SetMotionVelocity starts setting motion_velocity; it panics with a
// *devices.ParamError if the driver has no VelocityDriver.
func (m *Motor) SetMotionVelocity(v any) *tasks.Task { return m.Param("motion_velocity").Set(v) }

// GetMotionVelocity starts reading motion_velocity.
func (m *Motor) GetMotionVelocity() *tasks.Task { return m.Param("motion_velocity").Get() }

// MotionVelocity reads motion_velocity now; it panics if the read fails.
func (m *Motor) MotionVelocity() q.Quantity { return m.Param("motion_velocity").Must().(q.Quantity) }

// SetVelocity starts a continuous motion at v (0 stops it); it panics
// with a *devices.ParamError if the driver has no ContinuousDriver.
func (m *Motor) SetVelocity(v any) *tasks.Task { return m.Param("velocity").Set(v) }

// GetVelocity starts reading velocity.
func (m *Motor) GetVelocity() *tasks.Task { return m.Param("velocity").Get() }

// Velocity reads velocity now; it panics if the read fails.
func (m *Motor) Velocity() q.Quantity { return m.Param("velocity").Must().(q.Quantity) }

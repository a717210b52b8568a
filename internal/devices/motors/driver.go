package motors

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/concert-go/concert/internal/devices/q"
)

// Driver is all a motor driver implements: the few primitives that talk to
// the hardware. Everything the user sees (parameters, units, limits, write
// locks, states, exclusive access, Stop, Home, Move, cancellation and
// emergency stop, logging) is the base's, Motor; a driver never checks a
// limit or a state, and it may be written in a session.
//
// Numbers are in the unit the driver declares in Options.Unit (1.5 with
// q.MM is 1.5 mm); velocities in that unit per second. A driver returns an
// error, never a NaN; it may panic, which the base turns into a failed
// task naming the device.
//
// The base calls the methods from the task of the operation the user
// started; several may run at once (a Position read during a move, a Stop
// or an emergency stop during a MoveTo), so a driver guards its own state.
//
// On cancel: when ctx of MoveTo or Home ends (ctrl-c, a Stop, an emergency
// stop, a task cancelled), the driver stops the motor where it is, waits
// until it stands, and returns context.Cause(ctx). It must not return
// before the motor stands: the base then puts the device in standby, and
// the next move may start at once.
type Driver interface {
	// Position reads where the motor is now.
	Position(ctx context.Context) (float64, error)
	// MoveTo moves to target and returns once the motor stands there
	// (nil), when the move failed (an error; ErrHardLimit if a limit
	// switch stopped it), or, when ctx ends first, once the motor stands
	// where the cancel stopped it (see Driver on cancel).
	MoveTo(ctx context.Context, target float64) error
	// Stop halts any motion the driver runs, continuous ones included,
	// and returns once the motor stands. With nothing moving it does
	// nothing. The base calls it for Stop() after cancelling the running
	// move, and for an emergency stop unless the driver is an
	// EmergencyStopper.
	Stop(ctx context.Context) error
	// Home moves to the home position, returning as MoveTo does.
	Home(ctx context.Context) error
}

// LimitSwitches is a driver that reports its hard limit switches. With it,
// the base refuses a move further into a switch that is active (the motor
// may move back) and puts the device in state hard-limit while one is.
// Without it, a MoveTo that returns ErrHardLimit is all the base knows.
type LimitSwitches interface {
	LimitSwitches(ctx context.Context) (lower, upper bool, err error)
}

// EmergencyStopper is a driver with a stop faster or harder than Stop (a
// hardware kill, a brake). The base calls it at an emergency stop, after
// cancelling the device's operations (whose MoveTo then see their ctx
// end) and without waiting for any lock. It returns once the motor
// stands.
type EmergencyStopper interface {
	EmergencyStop(ctx context.Context) error
}

// VelocityDriver is a driver whose motion velocity can be read and set:
// the motor then has the parameter motion_velocity.
type VelocityDriver interface {
	MotionVelocity(ctx context.Context) (float64, error)
	SetMotionVelocity(ctx context.Context, v float64) error
}

// ContinuousDriver is a driver that can also move at a set velocity until
// stopped: the motor then has the parameter velocity.
type ContinuousDriver interface {
	// Turn starts moving at velocity v (0 halts a continuous motion) and
	// returns once the motion runs; it must not start one once ctx has
	// ended. The motion goes on after Turn returns, until Stop, the next
	// Turn or a hard limit; done is closed when it has ended (nil when
	// nothing runs, as after Turn(ctx, 0)).
	Turn(ctx context.Context, v float64) (done <-chan struct{}, err error)
	// Velocity reads the continuous velocity now; 0 when none runs.
	Velocity(ctx context.Context) (float64, error)
}

// ErrHardLimit is what MoveTo and Home return when a hard limit switch
// stopped the motor; the base turns it into a devices.HardLimitError.
var ErrHardLimit = errors.New("stopped by a hard limit switch")

// Options describes a motor to New besides its driver.
type Options struct {
	// Unit is the unit of the driver's numbers and the one positions show
	// in, such as q.MM or q.Deg; a length makes a linear motor, an angle
	// a rotation motor. Required.
	Unit q.Quantity
	// Kind says what the motor is, for tables; "linear motor" or
	// "rotation motor" if empty.
	Kind string
	// Lower and Upper are the device's own position limits in Unit (such
	// as an EPICS record's DRVL and DRVH); Lower == Upper (both 0, say)
	// means none, and an infinite one none on that side.
	Lower, Upper float64
	// MaxVelocity, in Unit per second, bounds motion_velocity (from a
	// billionth of it) and velocity (either way); 0 for no bound.
	MaxVelocity float64

	// The optional interfaces of the driver. The base also finds them
	// on the driver itself; a driver written in a session must name them
	// here, because the interpreter hands the base only its Driver
	// methods.
	LimitSwitches    LimitSwitches
	EmergencyStopper EmergencyStopper
	Velocity         VelocityDriver
	Continuous       ContinuousDriver
}

// CheckLimits refuses limits no move could satisfy; New panics with its
// error, and a driver that reads its limits from a controller can call
// it first to return the error instead.
func (o Options) CheckLimits() error {
	switch {
	case math.IsNaN(o.Lower) || math.IsNaN(o.Upper):
		return fmt.Errorf("the limits Lower (%g) and Upper (%g) must be numbers, not NaN", o.Lower, o.Upper)
	case o.Lower > o.Upper:
		return fmt.Errorf("the lower limit (%g) is above the upper limit (%g): swap them, or make both 0 for no limits", o.Lower, o.Upper)
	}
	return nil
}

package modbus

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/transport"
)

// Axis is where a positioning controller keeps its values.
type Axis struct {
	// Target is the holding register a move's target is written to,
	// Readback where the position is read; both scaled to Unit.
	Target, Readback Register
	// Moving is on while the axis moves.
	Moving Bit
	// Stop is the coil that stops the axis where it is; the controller
	// clears it.
	Stop uint16
	// Fault, if set, is on when the drive has failed.
	Fault *Bit
	// Unit is the unit of the registers' scaled values, such as q.UM or
	// q.Deg: a length for a linear axis, an angle for a rotation.
	Unit q.Quantity
	// Tolerance is how far from the target a finished move may stand, in
	// Unit; 0 means half a register step.
	Tolerance float64
	// Home is the position Home moves to, in Unit.
	Home float64
	// Lower and Upper are the axis's own limits in Unit; equal means none.
	Lower, Upper float64
}

// poll is how often a move reads the controller.
const poll = 10 * time.Millisecond

// startWithin is how long a move may take to show that it started
// (moving on, or already there) before it fails.
const startWithin = 2 * time.Second

// Positioner is a motors.Driver for an Axis of a Modbus controller.
type Positioner struct {
	c    *transport.Modbus
	axis Axis
}

var (
	_ motors.Driver           = (*Positioner)(nil)
	_ motors.EmergencyStopper = (*Positioner)(nil)
)

// NewPositioner checks axis and returns the driver of the axis on the
// controller at addr (tcp://host:port or rtu:///dev/ttyX?baud=N). Use it
// with motors.New, or use NewMotor.
func NewPositioner(addr string, axis Axis, opts ...Option) (*Positioner, error) {
	if axis.Unit == nil || axis.Unit.Base() == 0 || (axis.Unit.Dim() != q.DimLength && axis.Unit.Dim() != q.DimAngle) {
		return nil, fmt.Errorf("axis at %s: Unit must be a length or an angle unit, such as q.UM or q.Deg", addr)
	}
	if axis.Target.Table != Holding {
		return nil, fmt.Errorf("axis at %s: Target is %v, which cannot be written; use a holding register", addr, axis.Target)
	}
	if err := (motors.Options{Lower: axis.Lower, Upper: axis.Upper}).CheckLimits(); err != nil {
		return nil, fmt.Errorf("axis at %s: %w", addr, err)
	}
	c, err := client(addr, opts)
	if err != nil {
		return nil, err
	}
	return &Positioner{c: c, axis: axis}, nil
}

// NewMotor is a motor over the axis at addr: motors.New with a Positioner.
// A mistake in the axis or the address panics with an error, like
// scpi.New; the shell prints it as one line.
func NewMotor(name, addr string, axis Axis, opts ...Option) *motors.Motor {
	p, err := NewPositioner(addr, axis, opts...)
	if err != nil {
		panic(fmt.Errorf("%s: %w", name, err))
	}
	return motors.New(name, p, p.Options())
}

// Options are the motors.Options the axis implies.
func (p *Positioner) Options() motors.Options {
	return motors.Options{Unit: p.axis.Unit, Lower: p.axis.Lower, Upper: p.axis.Upper, EmergencyStopper: p}
}

// Addr is the controller's address.
func (p *Positioner) Addr() string { return p.c.Addr() }

// Position reads the readback register.
func (p *Positioner) Position(ctx context.Context) (float64, error) {
	x, err := p.c.Read(ctx, p.axis.Readback)
	return x, mark(err)
}

// mark marks a transport error that says the controller is out of reach,
// so that the motor goes to state error.
func mark(err error) error {
	if transport.Unreachable(err) {
		return devices.Unreachable(err)
	}
	return err
}

// MoveTo writes the target and polls until the axis stands there. A
// cancel writes the stop coil and waits until the axis stands.
func (p *Positioner) MoveTo(ctx context.Context, target float64) error {
	return mark(p.moveTo(ctx, target))
}

func (p *Positioner) moveTo(ctx context.Context, target float64) error {
	words, err := p.axis.Target.Encode(target)
	if err != nil {
		return err
	}
	// Where the axis will stop: the target as the register holds it.
	goal := p.axis.Target.Decode(words)
	if err := p.c.WriteRegisters(ctx, p.axis.Target.Addr, words...); err != nil {
		return p.cancelled(ctx, err)
	}
	return p.await(ctx, goal)
}

// Home moves to Axis.Home.
func (p *Positioner) Home(ctx context.Context) error { return p.MoveTo(ctx, p.axis.Home) }

// await polls until the axis stands at goal, fails, or ctx ends.
func (p *Positioner) await(ctx context.Context, goal float64) error {
	tol := p.axis.Tolerance
	if tol == 0 {
		tol = math.Abs(p.axis.Target.Scale) / 2
		if p.axis.Target.Scale == 0 {
			tol = 0.5
		}
		if p.axis.Target.Type == transport.Float32 {
			tol = 1e-6 * math.Max(1, math.Abs(goal))
		}
	}
	started := time.Now()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		moving, pos, err := p.status(ctx)
		if err != nil {
			return p.cancelled(ctx, err)
		}
		if !moving && math.Abs(pos-goal) <= tol {
			return nil
		}
		if !moving && time.Since(started) > startWithin {
			return fmt.Errorf("the axis stands at %g, not at %g, and does not move; check the controller", pos, goal)
		}
		select {
		case <-ctx.Done():
			return p.cancelled(ctx, nil)
		case <-tick.C:
		}
	}
}

// status reads the moving bit, the fault bit and the readback.
func (p *Positioner) status(ctx context.Context) (moving bool, pos float64, err error) {
	if f := p.axis.Fault; f != nil {
		fault, err := f.read(ctx, p.c)
		if err != nil {
			return false, 0, err
		}
		if fault {
			return false, 0, errors.New("drive fault (" + f.String() + " is on); clear it at the controller")
		}
	}
	if moving, err = p.axis.Moving.read(ctx, p.c); err != nil {
		return false, 0, err
	}
	pos, err = p.c.Read(ctx, p.axis.Readback)
	return moving, pos, err
}

// cancelled ends a move: after a cancel it stops the axis and returns the
// cause; otherwise it returns err.
func (p *Positioner) cancelled(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopWithin)
	defer cancel()
	if serr := p.Stop(stop); serr != nil {
		return fmt.Errorf("%w; and stopping failed: %v", context.Cause(ctx), serr)
	}
	return context.Cause(ctx)
}

// stopWithin bounds a stop after a cancel.
const stopWithin = 5 * time.Second

// Stop writes the stop coil and waits until the controller has taken it
// (the coil is off again) and the axis stands, so that a move right after
// is not stopped by it.
func (p *Positioner) Stop(ctx context.Context) error { return mark(p.stop(ctx)) }

func (p *Positioner) stop(ctx context.Context) error {
	coil := Coil(p.axis.Stop)
	if err := coil.write(ctx, p.c, true); err != nil {
		return err
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		pending, err := coil.read(ctx, p.c)
		if err != nil {
			return err
		}
		moving, err := p.axis.Moving.read(ctx, p.c)
		if err != nil || !moving && !pending {
			return err
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-tick.C:
		}
	}
}

// EmergencyStop writes the stop coil (ctrl-k) and waits until the axis
// stands; the emergency stop's own time limit bounds the wait.
func (p *Positioner) EmergencyStop(ctx context.Context) error { return mark(p.Stop(ctx)) }

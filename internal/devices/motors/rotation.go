package motors

import (
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Rotation position:q.Angle motion_velocity:q.AngularVelocity
//go:generate go run ../internal/paramgen -type ContinuousRotation position:q.Angle motion_velocity:q.AngularVelocity velocity:q.AngularVelocity
//go:generate go run ../internal/paramgen -type ContinuousLinear position:q.Length motion_velocity:q.Velocity velocity:q.Velocity

// Rotation is a dummy rotation motor without hard limits: a Motor over a
// Dummy driver, with the methods typed for angles. It starts at 0 deg
// with a motion velocity of 10 deg/s.
type Rotation struct{ typed }

// ContinuousRotation is a dummy rotation stage that also turns at a set
// velocity (SetVelocity) until stopped.
type ContinuousRotation struct{ typed }

// ContinuousLinear is a dummy linear motor that also moves at a set
// velocity (SetVelocity) until stopped or at a hard limit (±100 mm).
type ContinuousLinear struct {
	typed
	dummy *Dummy
}

var (
	_ RotationMotor           = (*Rotation)(nil)
	_ ContinuousRotationMotor = (*ContinuousRotation)(nil)
	_ ContinuousLinearMotor   = (*ContinuousLinear)(nil)
)

// positional is a dummy without its continuous motion: the plain dummy
// motors have no velocity parameter.
type positional struct {
	Driver
	LimitSwitches
	VelocityDriver
}

// NewRotation makes a dummy rotation motor called name.
func NewRotation(name string) *Rotation {
	d := NewDummy(10)
	return &Rotation{newTyped(New(name, positional{d, d, d}, Options{Unit: q.Deg, Kind: "rotation motor", MaxVelocity: 3600}))}
}

// Move turns the motor by delta; see Motor.Move.
func (m *Rotation) Move(delta q.Angle) *tasks.Task { return m.m.Move(delta) }

// NewContinuousRotation makes a dummy continuous rotation stage called
// name.
func NewContinuousRotation(name string) *ContinuousRotation {
	return &ContinuousRotation{newTyped(New(name, NewDummy(10), Options{Unit: q.Deg, Kind: "continuous rotation motor", MaxVelocity: 3600}))}
}

// Move turns the stage by delta; see Motor.Move.
func (m *ContinuousRotation) Move(delta q.Angle) *tasks.Task { return m.m.Move(delta) }

// NewContinuousLinear makes a dummy continuous linear motor called name.
func NewContinuousLinear(name string) *ContinuousLinear {
	d := NewDummy(1)
	d.SetHardLimits(-100, 100)
	return &ContinuousLinear{newTyped(New(name, d, Options{Unit: q.MM, Kind: "continuous linear motor", MaxVelocity: 1000})), d}
}

// Move moves the motor by delta; see Motor.Move.
func (m *ContinuousLinear) Move(delta q.Length) *tasks.Task { return m.m.Move(delta) }

// SetHardLimits moves the simulated limit switches.
func (m *ContinuousLinear) SetHardLimits(lower, upper q.Length) {
	m.dummy.SetHardLimits(mm(lower), mm(upper))
}

package motors

import (
	"context"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Rotation position:q.Angle motion_velocity:q.AngularVelocity
//go:generate go run ../internal/paramgen -type ContinuousRotation position:q.Angle motion_velocity:q.AngularVelocity velocity:q.AngularVelocity
//go:generate go run ../internal/paramgen -type ContinuousLinear position:q.Length motion_velocity:q.Velocity velocity:q.Velocity

// Rotation is a dummy rotation motor without hard limits. It starts at
// 0 deg with a motion velocity of 10 deg/s.
type Rotation struct {
	*devices.Base
	ax             *axis
	position       *devices.Parameter
	motionVelocity *devices.Parameter
}

// ContinuousRotation is a dummy rotation stage that also turns at a set
// velocity (SetVelocity) until stopped.
type ContinuousRotation struct {
	*devices.Base
	ax             *axis
	position       *devices.Parameter
	motionVelocity *devices.Parameter
	velocity       *devices.Parameter
}

// ContinuousLinear is a dummy linear motor that also moves at a set
// velocity (SetVelocity) until stopped or at a hard limit (±100 mm).
type ContinuousLinear struct {
	*devices.Base
	ax             *axis
	position       *devices.Parameter
	motionVelocity *devices.Parameter
	velocity       *devices.Parameter
}

var (
	_ RotationMotor           = (*Rotation)(nil)
	_ ContinuousRotationMotor = (*ContinuousRotation)(nil)
	_ ContinuousLinearMotor   = (*ContinuousLinear)(nil)
)

// newDevice makes the Base of a motor whose emergency stop halts *ax.
func newDevice(name, kind string, ax **axis) (*devices.Base, *devices.Control) {
	return devices.New(devices.Config{Name: name, Kind: kind,
		EmergencyStop: func(ctx context.Context) error { return (*ax).emergencyStop(ctx) }})
}

// NewRotation makes a dummy rotation motor called name.
func NewRotation(name string) *Rotation {
	m := &Rotation{}
	b, ctl := newDevice(name, "rotation motor", &m.ax)
	m.Base = b
	m.ax = newAxis(ctl, q.Deg, float64(10*q.DegPerS))
	m.position, m.motionVelocity = m.ax.params(q.DegPerS, float64(3600*q.DegPerS))
	return m
}

// Home turns the motor to 0 deg.
func (m *Rotation) Home() *tasks.Task { return m.ax.homeOp(m.position) }

// Stop stops a move where the motor is and waits until it stands.
func (m *Rotation) Stop() *tasks.Task { return m.ax.stopOp(m.position) }

// NewContinuousRotation makes a dummy continuous rotation stage called
// name.
func NewContinuousRotation(name string) *ContinuousRotation {
	m := &ContinuousRotation{}
	b, ctl := newDevice(name, "continuous rotation motor", &m.ax)
	m.Base = b
	m.ax = newAxis(ctl, q.Deg, float64(10*q.DegPerS))
	m.position, m.motionVelocity = m.ax.params(q.DegPerS, float64(3600*q.DegPerS))
	m.velocity = m.ax.velocityParam(q.DegPerS, float64(3600*q.DegPerS))
	return m
}

// Home turns the stage to 0 deg.
func (m *ContinuousRotation) Home() *tasks.Task { return m.ax.homeOp(m.position) }

// Stop stops any motion, continuous or not, and waits until it stands.
func (m *ContinuousRotation) Stop() *tasks.Task { return m.ax.stopOp(m.position) }

// NewContinuousLinear makes a dummy continuous linear motor called name.
func NewContinuousLinear(name string) *ContinuousLinear {
	m := &ContinuousLinear{}
	b, ctl := newDevice(name, "continuous linear motor", &m.ax)
	m.Base = b
	m.ax = newAxis(ctl, q.MM, float64(1*q.MMPerS))
	m.ax.lo, m.ax.hi = float64(-100*q.MM), float64(100*q.MM)
	m.position, m.motionVelocity = m.ax.params(q.MMPerS, float64(q.MPerS))
	m.velocity = m.ax.velocityParam(q.MMPerS, float64(q.MPerS))
	return m
}

// Home moves the motor to 0 mm.
func (m *ContinuousLinear) Home() *tasks.Task { return m.ax.homeOp(m.position) }

// Stop stops any motion, continuous or not, and waits until it stands.
func (m *ContinuousLinear) Stop() *tasks.Task { return m.ax.stopOp(m.position) }

// SetHardLimits moves the simulated limit switches.
func (m *ContinuousLinear) SetHardLimits(lower, upper q.Length) { m.ax.setLimits(lower, upper) }

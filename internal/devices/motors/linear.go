package motors

import (
	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Linear position:q.Length motion_velocity:q.Velocity

// Linear is a dummy linear motor. It starts at 0 mm with a motion velocity
// of 1 mm/s, so moves take visible time, and hard limits at ±100 mm.
type Linear struct {
	*devices.Base
	ax             *axis
	position       *devices.Parameter
	motionVelocity *devices.Parameter
}

var (
	_ LinearMotor      = (*Linear)(nil)
	_ devices.Lockable = (*Linear)(nil)
)

// NewLinear makes a dummy linear motor called name.
func NewLinear(name string) *Linear {
	m := &Linear{}
	b, ctl := newDevice(name, "linear motor", &m.ax)
	m.Base = b
	m.ax = newAxis(ctl, q.MM, float64(1*q.MMPerS))
	m.ax.lo, m.ax.hi = float64(-100*q.MM), float64(100*q.MM)
	m.position, m.motionVelocity = m.ax.params(q.MMPerS, float64(q.MPerS))
	return m
}

// Home moves the motor to 0 mm.
func (m *Linear) Home() *tasks.Task { return m.ax.homeOp(m.position) }

// Stop stops a move where the motor is and waits until it stands.
func (m *Linear) Stop() *tasks.Task { return m.ax.stopOp(m.position) }

// SetHardLimits moves the simulated limit switches.
func (m *Linear) SetHardLimits(lower, upper q.Length) { m.ax.setLimits(lower, upper) }

package motors

import (
	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Linear position:q.Length motion_velocity:q.Velocity

// Linear is a dummy linear motor: a Motor over a Dummy driver, with the
// methods typed for lengths. It starts at 0 mm with a motion velocity of
// 1 mm/s, so moves take visible time, and hard limits at ±100 mm.
type Linear struct {
	typed
	dummy *Dummy
}

// typed is what the dummy motors share: the device, its base Motor (not
// embedded, so that only the methods of the motor's own parameters show)
// and the parameters the generated methods use.
type typed struct {
	*devices.Base
	m                                  *Motor
	position, motionVelocity, velocity *devices.Parameter
}

func newTyped(m *Motor) typed {
	return typed{Base: m.Base, m: m, position: m.position, motionVelocity: m.motionVelocity, velocity: m.velocity}
}

// Home moves the motor to its home position, 0; see Motor.Home.
func (t typed) Home() *tasks.Task { return t.m.Home() }

// Stop stops any motion where the motor is and waits until it stands;
// see Motor.Stop.
func (t typed) Stop() *tasks.Task { return t.m.Stop() }

var (
	_ LinearMotor      = (*Linear)(nil)
	_ devices.Lockable = (*Linear)(nil)
)

// NewLinear makes a dummy linear motor called name.
func NewLinear(name string) *Linear {
	d := NewDummy(1)
	d.SetHardLimits(-100, 100)
	m := New(name, positional{d, d, d}, Options{Unit: q.MM, Kind: "linear motor", MaxVelocity: 1000})
	return &Linear{newTyped(m), d}
}

// Move moves the motor by delta; see Motor.Move.
func (m *Linear) Move(delta q.Length) *tasks.Task { return m.m.Move(delta) }

// SetHardLimits moves the simulated limit switches.
func (m *Linear) SetHardLimits(lower, upper q.Length) { m.dummy.SetHardLimits(mm(lower), mm(upper)) }

func mm(x q.Length) float64 { return float64(x) / float64(q.MM) }

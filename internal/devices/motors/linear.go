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
	*Motor
	dummy *Dummy
}

var (
	_ LinearMotor      = (*Linear)(nil)
	_ devices.Lockable = (*Linear)(nil)
)

// NewLinear makes a dummy linear motor called name.
func NewLinear(name string) *Linear {
	d := NewDummy(1)
	d.SetHardLimits(-100, 100)
	return &Linear{Motor: New(name, positional{d, d, d}, Options{Unit: q.MM, Kind: "linear motor", MaxVelocity: 1000}), dummy: d}
}

// Move moves the motor by delta; see Motor.Move.
func (m *Linear) Move(delta q.Length) *tasks.Task { return m.Motor.Move(delta) }

// SetHardLimits moves the simulated limit switches.
func (m *Linear) SetHardLimits(lower, upper q.Length) { m.dummy.SetHardLimits(mm(lower), mm(upper)) }

func mm(x q.Length) float64 { return float64(x) / float64(q.MM) }

package motors_test

import (
	"testing"

	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/motors/motortest"
	"github.com/concert-go/concert/internal/devices/q"
)

func TestDummyContract(t *testing.T) {
	for _, tt := range []struct {
		name   string
		unit   q.Quantity
		target float64
	}{
		{"linear", q.MM, 0.2},
		{"rotation", q.Deg, -2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			motortest.Run(t, motortest.Setup{
				New: func(t *testing.T) (motors.Driver, motors.Options) {
					d := motors.NewDummy(1)
					d.SetHardLimits(-100, 100)
					return d, motors.Options{Unit: tt.unit, MaxVelocity: 1000}
				},
				Target: tt.target,
			})
		})
	}
}

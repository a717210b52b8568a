package devices_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/shutters"
)

func Example() {
	ctx := context.Background()
	motor := motors.NewLinear("motor")
	motor.SetMotionVelocity(100 * q.MMPerS).Await(ctx)
	motor.Param("position").SetLimits(-10*q.MM, 10*q.MM)

	_, err := motor.SetPosition(12 * q.MM).Await(ctx)
	fmt.Println(err)
	_, err = motor.Param("position").Set(5).Await(ctx)
	fmt.Println(err)
	_, err = motor.SetPosition(2 * q.MM).Await(ctx)
	fmt.Println(err, motor.Position())
	fmt.Println(motor)
	// Output:
	// motor.position: 12 mm > upper limit 10 mm
	// motor.position: 5 has no unit; write 5 * q.MM
	// <nil> 2 mm
	// motor (linear motor): standby
	//   parameter        value     limits           notes
	//   position         2 mm      -10 mm .. 10 mm
	//   motion_velocity  100 mm/s  1 nm/s .. 1 m/s
}

func ExampleExclusive() {
	ctx := context.Background()
	motor := motors.NewLinear("motor")
	shutter := shutters.New("shutter")
	motor.SetMotionVelocity(100 * q.MMPerS).Await(ctx)

	_, err := devices.Exclusive(func(ctx context.Context) error {
		if _, err := motor.SetPosition(2 * q.MM).Await(ctx); err != nil {
			return err
		}
		_, err := shutter.Open().Await(ctx)
		return err
	}, shutter, motor.Param("position")).Await(ctx)
	fmt.Println(err, motor.Position(), shutter.State())

	_, err = shutter.Open().Await(ctx)
	fmt.Println(err)
	// Output:
	// <nil> 2 mm open
	// shutter: cannot Open in state open (only in closed)
}

// An emergency stop's report prints as one line, as the shell shows it
// after ctrl-k.
func ExampleStopReport() {
	r := devices.StopReport{
		Tasks:    12,
		Stopped:  []string{"motor", "rotation"},
		Failed:   []devices.StopFailure{{Device: "shutter", Err: errors.New("jammed")}},
		TimedOut: []string{"camera"},
	}
	fmt.Println(&r)
	// Output:
	// Emergency stop: 12 tasks cancelled, 2 devices stopped, 1 failed (shutter: jammed), 1 timed out (camera)
}

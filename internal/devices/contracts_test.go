package devices_test

import (
	"reflect"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/monochromators"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/photodiodes"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/devices/storagerings"
	"github.com/concert-go/concert/internal/devices/xraytubes"
)

// paramDevice is what every dummy has through its *devices.Base.
type paramDevice interface {
	devices.Device
	devices.Lockable
	Params() []*devices.Parameter
}

func dummies() []paramDevice {
	return []paramDevice{
		motors.NewLinear("linear"), motors.NewRotation("rotation"),
		motors.NewContinuousLinear("clinear"), motors.NewContinuousRotation("crotation"),
		shutters.New("shutter"), cameras.New("camera"), monochromators.New("mono"),
		storagerings.New("ring"), photodiodes.New("diode"), xraytubes.New("tube"),
	}
}

// TestContracts checks which dummies satisfy the small contracts, in both
// directions: a shutter is no Stopper, a motor is.
func TestContracts(t *testing.T) {
	for _, d := range dummies() {
		_, stopper := d.(devices.Stopper)
		_, homer := d.(devices.Homer)
		wantMotor := false
		switch d.(type) {
		case *motors.Linear, *motors.Rotation, *motors.ContinuousLinear, *motors.ContinuousRotation:
			wantMotor = true
		}
		if stopper != wantMotor || homer != wantMotor {
			t.Errorf("%s: Stopper %v, Homer %v; want %v", d.Name(), stopper, homer, wantMotor)
		}
	}
}

// TestParamMethods checks that every parameter x of every dummy has the
// methods SetX, GetX and X the shell relies on (the generated files are
// current), with X returning the parameter's unit type.
func TestParamMethods(t *testing.T) {
	for _, d := range dummies() {
		typ := reflect.TypeOf(d)
		for _, p := range d.Params() {
			name := devices.Camel(p.Name())
			has := func(m string) (reflect.Method, bool) { return typ.MethodByName(m) }
			if p.Writable() {
				m, ok := has("Set" + name)
				if !ok {
					t.Errorf("%s: no method Set%s", d.Name(), name)
				} else if p.Unit() != nil && m.Type.In(1) != reflect.TypeOf(p.Unit()) {
					t.Errorf("%s.Set%s takes %v; want %T", d.Name(), name, m.Type.In(1), p.Unit())
				}
			}
			if p.Readable() {
				if _, ok := has("Get" + name); !ok {
					t.Errorf("%s: no method Get%s", d.Name(), name)
				}
				m, ok := has(name)
				if !ok {
					t.Errorf("%s: no method %s", d.Name(), name)
				} else if p.Unit() != nil && m.Type.Out(0) != reflect.TypeOf(p.Unit()) {
					t.Errorf("%s.%s returns %v; want %T", d.Name(), name, m.Type.Out(0), p.Unit())
				}
			}
		}
	}
}

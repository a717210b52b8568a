package devices_test

import (
	"path"
	"reflect"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/prelude"
)

// paramDevice is what every dummy has through its *devices.Base.
type paramDevice interface {
	devices.Device
	devices.Lockable
	Params() []*devices.Parameter
}

// dummies makes one of each dummy of every family of the prelude.
func dummies() []paramDevice {
	var out []paramDevice
	for _, f := range prelude.Families() {
		for _, d := range f.Dummies("contracts_") {
			out = append(out, d.(paramDevice))
		}
	}
	return out
}

// TestFamiliesRegistered checks that each family's Package names the
// package its dummies come from, by the name sessions use.
func TestFamiliesRegistered(t *testing.T) {
	for _, f := range prelude.Families() {
		for _, d := range f.Dummies("registered_") {
			if got := reflect.TypeOf(d).Elem().PkgPath(); got != f.Path {
				t.Errorf("%s: dummy %s is of package %s; want %s", f.Name, d.Name(), got, f.Path)
			}
		}
		if got := path.Base(f.Path); got != f.Name {
			t.Errorf("%s: Name %q; the package is called %q", f.Path, f.Name, got)
		}
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

package devices_test

import (
	"context"
	"math"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/storagerings"
)

// errText is err's message, or "<nil>".
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestNotFiniteRefused shows that NaN and ±Inf never reach a device: every
// set, Check, SetLimits and Wait refuses them, naming device, parameter,
// value and unit, and the motor stays where it was.
func TestNotFiniteRefused(t *testing.T) {
	m := fastMotor(t, "m")
	pos := m.Param("position")
	nan, inf := q.Length(math.NaN()), q.Length(math.Inf(1))
	const (
		nanMsg = "m.position: NaN mm is not a finite length (a division by zero?); compute a finite value"
		infMsg = "m.position: +Inf mm is not a finite length (a division by zero?); compute a finite value"
	)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"SetPosition(NaN)", await(m.SetPosition(nan)), nanMsg},
		{"SetPosition(-Inf)", await(m.SetPosition(-inf)), "m.position: -Inf mm is not a finite length (a division by zero?); compute a finite value"},
		{"Param.Set(NaN)", await(pos.Set(nan)), nanMsg},
		{"Check(+Inf)", pos.Check(inf), infMsg},
		{"Wait(NaN)", await(pos.Wait(nan, 1*q.MM, 0)), nanMsg},
		{"Wait(tolerance +Inf)", await(pos.Wait(1*q.MM, inf, 0)),
			"m.position: tolerance +Inf mm is not a finite length (a division by zero?); compute a finite value"},
		{"SetLimits(NaN, 1 mm)", pos.SetLimits(nan, 1*q.MM), "m.position: lower limit NaN mm is not a finite length; write q.NoLimit for no limit"},
		{"SetUpper(+Inf)", pos.SetUpper(inf), "m.position: upper limit +Inf mm is not a finite length; write q.NoLimit for no limit"},
		{"SetMotionVelocity(NaN)", await(m.SetMotionVelocity(q.Velocity(math.NaN()))),
			"m.motion_velocity: NaN mm/s is not a finite velocity (a division by zero?); compute a finite value"},
	}
	for _, c := range cases {
		if got := errText(c.err); got != c.want {
			t.Errorf("%s = %s\nwant %s", c.name, got, c.want)
		}
	}
	if got := m.Position(); got != 0 {
		t.Errorf("position after the refused sets = %v; want 0 mm", got)
	}
	if lo, hi := pos.UserLimits(); lo != q.NoLimit || hi != q.NoLimit {
		t.Errorf("user limits after the refused SetLimits = %v .. %v; want none", lo, hi)
	}
}

func await(t interface {
	Await(context.Context) (any, error)
}) error {
	_, err := t.Await(ctx)
	return err
}

// TestNilLimitRefused shows that a nil limit, which the interpreter may
// make of a constant, never opens a limit, and that q.NoLimit does.
func TestNilLimitRefused(t *testing.T) {
	m := fastMotor(t, "m")
	pos := m.Param("position")
	if err := pos.SetLimits(-5*q.MM, 10*q.MM); err != nil {
		t.Fatal(err)
	}
	want := "m.position: the lower limit is nil; write q.NoLimit for no limit, or a value such as 10 * q.MM"
	if got := errText(pos.SetLimits(nil, 20*q.MM)); got != want {
		t.Errorf("SetLimits(nil, 20 mm) = %s; want %s", got, want)
	}
	if got := errText(pos.SetUpper(nil)); got != "m.position: the upper limit is nil; write q.NoLimit for no limit, or a value such as 10 * q.MM" {
		t.Errorf("SetUpper(nil) = %s", got)
	}
	if lo, hi := pos.Limits(); lo != -5*q.MM || hi != 10*q.MM {
		t.Errorf("limits after the refused calls = %v .. %v; want -5 mm .. 10 mm", lo, hi)
	}
	var hi q.Quantity = q.Length(10 * q.MM)
	if err := pos.SetLimits(q.NoLimit, hi); err != nil {
		t.Fatal(err)
	}
	if got := errText(pos.Check(50 * q.MM)); got != "m.position: 50 mm > upper limit 10 mm" {
		t.Errorf("Check(50 mm) = %s", got)
	}
	if err := pos.Check(-50 * q.MM); err != nil {
		t.Errorf("Check(-50 mm) with the lower side open = %v", err)
	}
	if err := pos.SetLower(-1 * q.MM); err != nil {
		t.Fatal(err)
	}
	if lo, hi := pos.UserLimits(); lo != -1*q.MM || hi != 10*q.MM {
		t.Errorf("after SetLower: %v .. %v; want -1 mm .. 10 mm", lo, hi)
	}
	if err := pos.SetUpper(q.NoLimit); err != nil {
		t.Fatal(err)
	}
	if lo, hi := pos.UserLimits(); lo != -1*q.MM || hi != q.NoLimit {
		t.Errorf("after SetUpper(q.NoLimit): %v .. %v; want -1 mm .. no limit", lo, hi)
	}
	if got := errText(pos.SetUpper(-2 * q.MM)); got != "m.position: lower limit -1 mm > upper limit -2 mm" {
		t.Errorf("SetUpper below the lower limit = %s", got)
	}
}

// TestDeviceAndUserLimitsApart reads a parameter's device limits and user
// limits separately; the effective ones are the narrowest.
func TestDeviceAndUserLimitsApart(t *testing.T) {
	m := fastMotor(t, "m")
	vel := m.Param("motion_velocity")
	if err := vel.SetUpper(10 * q.MMPerS); err != nil {
		t.Fatal(err)
	}
	dlo, dhi, err := vel.DeviceLimits()
	if err != nil || dlo.Base() <= 0 || dhi != q.MPerS {
		t.Errorf("DeviceLimits = %v, %v, %v; want >0 .. 1 m/s", dlo, dhi, err)
	}
	if ulo, uhi := vel.UserLimits(); ulo != q.NoLimit || uhi != 10*q.MMPerS {
		t.Errorf("UserLimits = %v .. %v; want no limit .. 10 mm/s", ulo, uhi)
	}
	if lo, hi := vel.Limits(); lo != dlo || hi != 10*q.MMPerS {
		t.Errorf("Limits = %v .. %v; want %v .. 10 mm/s", lo, hi, dlo)
	}
}

// TestNilDeviceLimitRefused: a driver whose Limits returns nil (what a
// constant returned as a q.Quantity becomes in the interpreter) gets every
// set refused, not an open limit.
func TestNilDeviceLimitRefused(t *testing.T) {
	var v q.Quantity = q.Length(0)
	_, ctl := devices.New(devices.Config{Name: "gapless"})
	p := ctl.Add(devices.ParamSpec{Name: "gap", Unit: q.MM,
		Get:    func(context.Context) (any, error) { return v, nil },
		Set:    func(_ context.Context, x any) error { v = x.(q.Quantity); return nil },
		Limits: func() (q.Quantity, q.Quantity) { return q.NoLimit, nil },
	})
	want := "gapless.gap: the device's upper limit is nil; its Limits must return q.NoLimit for none"
	if got := errText(await(p.Set(5 * q.MM))); got != want {
		t.Errorf("Set(5 mm) = %s; want %s", got, want)
	}
	if got := errText(p.Check(5 * q.MM)); got != want {
		t.Errorf("Check(5 mm) = %s; want %s", got, want)
	}
	if v != q.Length(0) {
		t.Errorf("the set reached the device: %v", v)
	}
}

// TestStashNeedsReadAndWrite refuses Stash of a parameter Restore could
// not set back, as Concert does.
func TestStashNeedsReadAndWrite(t *testing.T) {
	ring := storagerings.New("ring")
	want := "ring.current: read-only, cannot be stashed (Restore could not set it back)"
	if got := errText(await(ring.Param("current").Stash())); got != want {
		t.Errorf("Stash of a read-only parameter = %s; want %s", got, want)
	}
}

// TestSameNameReplaces makes two devices of one name: the tables list the
// newer, the user is told, and an emergency stop still reaches both.
func TestSameNameReplaces(t *testing.T) {
	devices.TakeNotes(nil)
	first := fastMotor(t, "twin")
	second := fastMotor(t, "twin")
	n := 0
	for _, b := range devices.Devices() {
		if b.Name() == "twin" {
			n++
			if b != second.Base {
				t.Errorf("Devices lists the replaced twin")
			}
		}
	}
	if n != 1 {
		t.Errorf("Devices lists %d devices called twin; want 1", n)
	}
	notes := devices.TakeNotes(nil)
	want := "twin: replaces the earlier device of that name in dstate() and ddoc(); ctrl-k still stops both"
	if len(notes) != 1 || notes[0] != want {
		t.Errorf("notes = %q; want [%q]", notes, want)
	}
	move := first.SetPosition(50 * q.MM)
	rep := devices.EmergencyStopAll(ctx)
	if _, err := move.Await(ctx); err == nil {
		t.Errorf("the replaced motor's move was not stopped: %v", rep)
	}
}

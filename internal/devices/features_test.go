package devices_test

import (
	"context"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/q"
)

// TestSelectionParameter refuses a value that is not one of the choices,
// naming them, and leaves the device untouched.
func TestSelectionParameter(t *testing.T) {
	filter := "none"
	_, ctl := devices.New(devices.Config{Name: "wheel", Kind: "filter wheel"})
	p := ctl.Add(devices.ParamSpec{Name: "filter", Zero: "",
		Choices: []any{"none", "Al 1 mm", "Cu 1 mm"},
		Get:     func(context.Context) (any, error) { return filter, nil },
		Set:     func(_ context.Context, v any) error { filter = v.(string); return nil },
	})
	want := `wheel.filter: "Cu 2 mm" is not one of "none", "Al 1 mm", "Cu 1 mm"`
	if got := errText(await(p.Set("Cu 2 mm"))); got != want {
		t.Errorf("Set(Cu 2 mm) = %s; want %s", got, want)
	}
	if got := errText(p.Check("Cu 2 mm")); got != want {
		t.Errorf("Check(Cu 2 mm) = %s; want %s", got, want)
	}
	if err := await(p.Set("Al 1 mm")); err != nil || filter != "Al 1 mm" {
		t.Errorf("Set(Al 1 mm) = %v, filter %q", err, filter)
	}
	if got := p.Choices(); len(got) != 3 {
		t.Errorf("Choices = %v", got)
	}
}

// TestTargetAndReadback reads a motor's setpoint and its position apart:
// a move cancelled half-way keeps its target while the readback is where
// the motor stopped.
func TestTargetAndReadback(t *testing.T) {
	m := fastMotor(t, "m")
	pos := m.Param("position")
	if got := pos.Target(); got != nil {
		t.Errorf("Target before any set = %v; want nil", got)
	}
	if _, err := m.SetMotionVelocity(1 * q.MMPerS).Await(ctx); err != nil {
		t.Fatal(err)
	}
	move := m.SetPosition(50 * q.MM)
	devtest.Eventually(t, "moving", func() bool { return m.Position() > 0 })
	move.Cancel()
	devtest.Within(t, "cancelled move", move)
	if got, now := pos.Target(), m.Position(); got != 50*q.MM || now <= 0 || now >= 50*q.MM {
		t.Errorf("after a cancelled move: target %v, position %v; want 50 mm and in between", got, now)
	}
	if err := pos.SetUpper(60 * q.MM); err != nil {
		t.Fatal(err)
	}
	if got := errText(await(m.SetPosition(70 * q.MM))); got == "<nil>" || pos.Target() != 50*q.MM {
		t.Errorf("a refused set changed the target to %v (%s)", pos.Target(), got)
	}
}

// TestChanges subscribes to a motor's position during a move: the values
// arrive in order, end at the target, and the channel closes when the
// subscriber's ctx ends.
func TestChanges(t *testing.T) {
	m := fastMotor(t, "m")
	sub, cancel := context.WithCancel(ctx)
	ch := m.Param("position").Changes(sub)
	if v := <-ch; v != q.Length(0) {
		t.Errorf("first value = %v; want 0 mm", v)
	}
	if _, err := m.SetPosition(20 * q.MM).Await(ctx); err != nil {
		t.Fatal(err)
	}
	var last q.Length
	for v := range ch {
		x := v.(q.Length)
		if x < last {
			t.Errorf("position went back from %v to %v", last, x)
		}
		last = x
		if x == 20*q.MM {
			break
		}
	}
	cancel()
	for range ch {
	}
	if last != 20*q.MM {
		t.Errorf("last value = %v; want 20 mm", last)
	}
}

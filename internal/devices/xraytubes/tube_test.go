package xraytubes_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/xraytubes"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

func TestOnOffEmergencyStop(t *testing.T) {
	x := xraytubes.New("tube")
	if _, err := x.Off().Await(ctx); err == nil || err.Error() != "tube: cannot Off in state off (only in on)" {
		t.Errorf("Off() when off: %v", err)
	}
	if _, err := x.SetVoltage(50 * q.KV).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := x.SetCurrent(2 * q.MA).Await(ctx); err == nil || err.Error() != "tube.current: 2 mA > upper limit 1 mA of the device" {
		t.Errorf("SetCurrent(2 mA): %v", err)
	}
	if _, err := x.On().Await(ctx); err != nil || x.State() != devices.On {
		t.Fatalf("On() = %v, state %s", err, x.State())
	}
	if err := x.EmergencyStop(ctx); err != nil || x.State() != devices.Off {
		t.Errorf("EmergencyStop() = %v, state %s; want off", err, x.State())
	}
	if x.Voltage() != 50*q.KV {
		t.Errorf("Voltage() = %v", x.Voltage())
	}
}

type brokenSwitch struct{}

func (brokenSwitch) IsOn(context.Context) (bool, error) { return false, errors.New("no answer") }

// A tube that is already on when the session starts shows as on, and an
// emergency stop switches it off; one whose switch cannot be read shows
// error, not off.
func TestStartsInTheStateTheDriverReads(t *testing.T) {
	d := xraytubes.NewDummy(0)
	if _, err := xraytubes.NewDevice("first", d, xraytubes.Options{}).On().Await(ctx); err != nil {
		t.Fatal(err)
	}
	x := xraytubes.NewDevice("again", d, xraytubes.Options{})
	if x.State() != devices.On {
		t.Fatalf("a tube made over a driver that is on: state %s; want on", x.State())
	}
	if err := x.EmergencyStop(ctx); err != nil || x.State() != devices.Off {
		t.Errorf("EmergencyStop() = %v, state %s; want off", err, x.State())
	}
	if on, _ := d.IsOn(ctx); on {
		t.Error("the driver is still on after the emergency stop")
	}
	y := xraytubes.NewDevice("unread", d, xraytubes.Options{Switch: brokenSwitch{}})
	if y.State() != devices.Error {
		t.Errorf("a tube whose switch cannot be read: state %s; want error", y.State())
	}
}

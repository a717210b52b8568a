package xraytubes_test

import (
	"context"
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

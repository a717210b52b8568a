package photodiodes_test

import (
	"context"
	"testing"

	"github.com/concert-go/concert/internal/devices/photodiodes"
	"github.com/concert-go/concert/internal/devices/q"
)

func TestSimulate(t *testing.T) {
	d := photodiodes.New("diode")
	if got := d.Intensity(); got != 1*q.V {
		t.Errorf("Intensity() = %v; want 1 V", got)
	}
	d.Simulate(250 * q.MV)
	v, err := d.GetIntensity().Await(context.Background())
	if err != nil || v != 250*q.MV {
		t.Errorf("GetIntensity() = %v, %v; want 250 mV", v, err)
	}
}

package monochromators_test

import (
	"context"
	"testing"

	"github.com/concert-go/concert/internal/devices/monochromators"
	"github.com/concert-go/concert/internal/devices/q"
)

var ctx = context.Background()

func TestEnergyAndWavelength(t *testing.T) {
	m := monochromators.New("mono")
	if _, err := m.SetEnergy(12.398419843320026 * q.KeV).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if got := m.Wavelength().String(); got != "100 pm" {
		t.Errorf("Wavelength() = %s; want 100 pm", got)
	}
	if _, err := m.SetWavelength(0.2 * q.NM).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if got := m.Energy().String(); got != "6.19921 keV" {
		t.Errorf("Energy() = %s; want 6.19921 keV", got)
	}
	_, err := m.SetEnergy(70 * q.KeV).Await(ctx)
	if want := "mono.energy: 70 keV > upper limit 60 keV of the device"; err == nil || err.Error() != want {
		t.Errorf("SetEnergy(70 keV) error = %v; want %s", err, want)
	}
	_, err = m.SetWavelength(1 * q.NM).Await(ctx)
	if want := "mono.wavelength: 1 nm > upper limit 309.96 pm of the device"; err == nil || err.Error() != want {
		t.Errorf("SetWavelength(1 nm) error = %v; want %s", err, want)
	}
	if got := m.Energy().String(); got != "6.19921 keV" {
		t.Errorf("refused sets changed the energy to %s", got)
	}
}

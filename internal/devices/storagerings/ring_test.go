package storagerings_test

import (
	"context"
	"testing"

	"github.com/concert-go/concert/internal/devices/storagerings"
)

func TestReadOnly(t *testing.T) {
	r := storagerings.New("ring")
	if got := r.Current().String(); got != "200 mA" {
		t.Errorf("Current() = %s; want 200 mA", got)
	}
	if got := r.Energy().String(); got != "2.5 GeV" {
		t.Errorf("Energy() = %s", got)
	}
	if got := r.Lifetime().String(); got != "10 h" {
		t.Errorf("Lifetime() = %s", got)
	}
	_, err := r.Param("current").Set(100).Await(context.Background())
	if want := "ring.current: read-only, cannot be set"; err == nil || err.Error() != want {
		t.Errorf("Set on read-only: error = %v; want %s", err, want)
	}
}

package selections_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/selections"
	"github.com/concert-go/concert/internal/tasks"
)

var ctx = context.Background()

// wheel is a dummy whose selects are counted, and can fail or panic.
type wheel struct {
	selections.Dummy
	selects atomic.Int64
	fail    error
	panicky bool
}

func (w *wheel) Select(ctx context.Context, name string) error {
	w.selects.Add(1)
	if w.panicky {
		panic("index out of range")
	}
	if w.fail != nil {
		return w.fail
	}
	return w.Dummy.Select(ctx, name)
}

func newWheel(name string) (*selections.Selection, *wheel) {
	w := &wheel{}
	s := selections.New(name, w, "none", "Al 1 mm", "Cu 0.5 mm")
	s.SetSelection("none").Await(ctx)
	w.selects.Store(0)
	return s, w
}

func TestSelect(t *testing.T) {
	s, _ := newWheel("wheel1")
	if _, err := devtest.Within(t, "select", s.SetSelection("Al 1 mm")); err != nil {
		t.Fatal(err)
	}
	if got, st := s.Selection(), s.State(); got != "Al 1 mm" || st != devices.Standby {
		t.Errorf("after the change: %q %s; want \"Al 1 mm\" standby", got, st)
	}
}

func TestRefusesOtherNamesListingThePositions(t *testing.T) {
	s, w := newWheel("wheel2")
	_, err := devtest.Within(t, "select", s.SetSelection("Fe"))
	want := `wheel2.selection: "Fe" is no position; the positions are "none", "Al 1 mm", "Cu 0.5 mm"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v; want %s", err, want)
	}
	if n := w.selects.Load(); n != 0 || s.Selection() != "none" || s.State() != devices.Standby {
		t.Errorf("the refused change reached the driver (%d selects) or moved it: %q %s", n, s.Selection(), s.State())
	}
}

func TestCancelAndEmergencyStopKeepPositionInStandby(t *testing.T) {
	for _, stop := range []string{"cancel", "emergency stop"} {
		t.Run(stop, func(t *testing.T) {
			s, _ := newWheel("wheel3" + stop)
			change := s.SetSelection("Cu 0.5 mm")
			devtest.Eventually(t, "moving", func() bool { return s.State() == devices.Moving })
			want := tasks.ErrCancelled
			if stop == "cancel" {
				change.Cancel()
			} else {
				want = tasks.ErrEmergencyStop
				if err := s.EmergencyStop(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := devtest.Within(t, "change", change); !errors.Is(err, want) {
				t.Errorf("change: error = %v; want %v", err, want)
			}
			if got, st := s.Selection(), s.State(); got != "none" || st != devices.Standby {
				t.Errorf("after %s: %q %s; want \"none\" standby", stop, got, st)
			}
		})
	}
}

func TestDriverFailureNamesTheDevice(t *testing.T) {
	s, w := newWheel("wheel4")
	w.fail = errors.New("jammed")
	if _, err := devtest.Within(t, "select", s.SetSelection("Al 1 mm")); err == nil || err.Error() != "wheel4.selection: jammed" {
		t.Errorf("error = %v; want wheel4.selection: jammed", err)
	}
	w.fail, w.panicky = nil, true
	if _, err := devtest.Within(t, "select", s.SetSelection("Al 1 mm")); err == nil || err.Error() != "wheel4.selection: driver panicked: index out of range" {
		t.Errorf("error = %v; want the panic naming wheel4.selection", err)
	}
	if st := s.State(); st != devices.Standby {
		t.Errorf("state after the failures = %s; want standby", st)
	}
}

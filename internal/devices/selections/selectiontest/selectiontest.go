// Package selectiontest is the selection contract: the behaviour every
// selection driver (filter wheel, attenuator box, lens changer) must give
// its users, run as subtests against any driver. The dummy runs it in
// package selections; a real driver runs it against its server:
//
//	func TestContract(t *testing.T) {
//		selectiontest.Run(t, selectiontest.Setup{
//			New: func(t *testing.T) (selections.Driver, []string) {
//				return newDriver(t), []string{"none", "Al 1 mm", "Cu 0.5 mm"}
//			},
//		})
//	}
package selectiontest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/selections"
	"github.com/concert-go/concert/internal/tasks"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver and the names of its positions, at least
	// two, once per subtest; a change between the first two takes at
	// least 100 ms, so that a test can stop it halfway. Stop what it
	// starts with t.Cleanup.
	New func(t *testing.T) (selections.Driver, []string)
}

var ctx = context.Background()

var serial atomic.Int64

// recorder counts the changes asked of the driver and can make them fail.
type recorder struct {
	selections.Driver
	selects atomic.Int64
	mu      sync.Mutex
	fail    error  // Select returns it
	panicky string // Select panics with it
}

func (r *recorder) Select(ctx context.Context, name string) error {
	r.selects.Add(1)
	r.mu.Lock()
	fail, p := r.fail, r.panicky
	r.mu.Unlock()
	if p != "" {
		panic(p)
	}
	if fail != nil {
		return fail
	}
	return r.Driver.Select(ctx, name)
}

func (r *recorder) with(f func(r *recorder)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

// selection is the device under test, standing at its first position,
// with the driver's changes counted from there.
type selection struct {
	*selections.Selection
	drv       *recorder
	from, to  string // the first two positions
	positions []string
}

func (s Setup) selection(t *testing.T) *selection {
	t.Helper()
	d, positions := s.New(t)
	if len(positions) < 2 {
		t.Fatalf("Setup.New gave the positions %q; want at least two", positions)
	}
	r := &recorder{Driver: d}
	sel := &selection{selections.New(fmt.Sprintf("contract_sel%d", serial.Add(1)), r, positions...), r, positions[0], positions[1], positions}
	if _, err := devtest.Within(t, "to the first position", sel.SetSelection(sel.from)); err != nil {
		t.Fatalf("SetSelection(%q): %v", sel.from, err)
	}
	r.selects.Store(0)
	return sel
}

// Run runs the selection contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"change arrives in standby", arrives},
		{"other names refuse before the driver", namesRefuse},
		{"cancel leaves a position in standby", cancelStops},
		{"emergency stop has the last word", emergencyStop},
		{"write lock refuses before the driver", lockRefuses},
		{"exclusive access waits", exclusiveWaits},
		{"second change is busy", secondBusy},
		{"driver error fails naming the device", driverError},
		{"driver panic fails naming the device", driverPanic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

func (sel *selection) at(t *testing.T) string {
	t.Helper()
	v, err := devtest.Within(t, "GetSelection", sel.GetSelection())
	if err != nil {
		t.Fatalf("GetSelection: %v", err)
	}
	return v.(string)
}

func wantStandby(t *testing.T, sel *selection, when string) {
	t.Helper()
	if st := sel.State(); st != devices.Standby {
		t.Errorf("state %s = %s; want standby", when, st)
	}
}

func arrives(t *testing.T, s Setup) {
	sel := s.selection(t)
	if _, err := devtest.Within(t, "change", sel.SetSelection(sel.to)); err != nil {
		t.Fatalf("SetSelection(%q): %v", sel.to, err)
	}
	if got := sel.at(t); got != sel.to {
		t.Errorf("selection after the change = %q; want %q", got, sel.to)
	}
	wantStandby(t, sel, "after the change")
}

// untouched checks that a refused change did not reach the driver.
func untouched(t *testing.T, sel *selection, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v; want one beginning %q", err, want)
	}
	if n := sel.drv.selects.Load(); n != 0 {
		t.Errorf("the driver was asked to change %d times; want 0", n)
	}
	if got := sel.at(t); got != sel.from {
		t.Errorf("selection = %q; want %q, untouched", got, sel.from)
	}
	wantStandby(t, sel, "after the refusal")
}

func namesRefuse(t *testing.T, s Setup) {
	sel := s.selection(t)
	_, err := devtest.Within(t, "change", sel.SetSelection("no such position"))
	untouched(t, sel, err, sel.Name()+`.selection: "no such position" is no position; the positions are "`+sel.from+`", "`+sel.to+`"`)
}

// changing starts a change to the second position and returns once the
// driver works on it.
func changing(t *testing.T, sel *selection) *tasks.Task {
	t.Helper()
	ch := sel.SetSelection(sel.to)
	devtest.Eventually(t, "the driver changing", func() bool { return sel.drv.selects.Load() > 0 })
	time.Sleep(20 * time.Millisecond) // into the change
	if ch.State().Ended() {
		t.Fatalf("the change ended within 20 ms (%v); the contract needs one of at least 100 ms", ch.State())
	}
	if st := sel.State(); st != devices.Moving {
		t.Errorf("state while changing = %s; want moving", st)
	}
	return ch
}

// atAPosition checks that a stopped change left the device at one of its
// positions, standing.
func atAPosition(t *testing.T, sel *selection) {
	t.Helper()
	got := sel.at(t)
	if !slices.Contains(sel.positions, got) {
		t.Errorf("stopped at %q; want one of the positions %q", got, sel.positions)
	}
	time.Sleep(50 * time.Millisecond)
	if again := sel.at(t); again != got {
		t.Errorf("changed on after stopping: %q, then %q", got, again)
	}
}

func cancelStops(t *testing.T, s Setup) {
	sel := s.selection(t)
	ch := changing(t, sel)
	ch.Cancel()
	if _, err := devtest.Within(t, "cancelled change", ch); !errors.Is(err, tasks.ErrCancelled) {
		t.Fatalf("cancelled change: error = %v; want cancelled", err)
	}
	wantStandby(t, sel, "after cancel")
	atAPosition(t, sel)
}

func emergencyStop(t *testing.T, s Setup) {
	sel := s.selection(t)
	ch := changing(t, sel)
	if err := sel.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if _, err := devtest.Within(t, "stopped change", ch); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("change after the emergency stop: error = %v; want emergency stop", err)
	}
	wantStandby(t, sel, "after the emergency stop")
	atAPosition(t, sel)
	if _, err := devtest.Within(t, "change after", sel.SetSelection(sel.to)); err != nil {
		t.Errorf("change after the emergency stop: %v", err)
	}
}

func lockRefuses(t *testing.T, s Setup) {
	sel := s.selection(t)
	sel.Lock(false)
	_, err := devtest.Within(t, "change", sel.SetSelection(sel.to))
	untouched(t, sel, err, sel.Name()+": locked")
}

func exclusiveWaits(t *testing.T, s Setup) {
	sel := s.selection(t)
	devtest.ExclusiveWaits(t, sel, "a change", func() *tasks.Task { return sel.SetSelection(sel.to) }, sel.drv.selects.Load)
}

func secondBusy(t *testing.T, s Setup) {
	sel := s.selection(t)
	ch := changing(t, sel)
	defer ch.Cancel()
	_, err := devtest.Within(t, "second change", sel.SetSelection(sel.from))
	var be *devices.BusyError
	if !errors.As(err, &be) {
		t.Errorf("second change: error = %v; want a BusyError", err)
	}
}

func failing(t *testing.T, s Setup, f func(r *recorder), want string) {
	t.Helper()
	sel := s.selection(t)
	sel.drv.with(f)
	_, err := devtest.Within(t, "change", sel.SetSelection(sel.to))
	if want = sel.Name() + ".selection: " + want; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantStandby(t, sel, "after the failed change")
}

func driverError(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.fail = errors.New("wheel jammed") }, "wheel jammed")
}

func driverPanic(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.panicky = "index out of range" }, "driver panicked: index out of range")
}

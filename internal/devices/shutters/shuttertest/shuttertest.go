// Package shuttertest is the shutter contract: the behaviour every
// shutter driver must give its users, run as subtests against any driver.
// The dummy runs it in package shutters; a real driver runs it against its
// server:
//
//	func TestContract(t *testing.T) {
//		shuttertest.Run(t, shuttertest.Setup{
//			New: func(t *testing.T) (shutters.Driver, shutters.Options) {
//				return newDriver(t), shutters.Options{}
//			},
//		})
//	}
package shuttertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/tasks"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver of a closed shutter and its options, once
	// per subtest. Its Open and Close must take at least 100 ms, so that
	// a test can cancel them halfway. Stop what it starts with t.Cleanup.
	New func(t *testing.T) (shutters.Driver, shutters.Options)
}

var ctx = context.Background()

var serial atomic.Int64

// shutter is the shutter under test with the driver's calls counted.
type shutter struct {
	*shutters.Device
	drv *recorder
}

// recorder counts the operations asked of the driver and can make them
// fail.
type recorder struct {
	shutters.Driver
	calls   atomic.Int64 // Open and Close
	mu      sync.Mutex
	fail    error  // Open and Close return it
	panicky string // Open and Close panic with it
	readErr error  // IsOpen returns it
}

func (r *recorder) faults() (error, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fail, r.panicky
}

func (r *recorder) set(fail error, panicky string, readErr error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail, r.panicky, r.readErr = fail, panicky, readErr
}

func (r *recorder) Open(ctx context.Context) error {
	r.calls.Add(1)
	if fail, p := r.faults(); p != "" {
		panic(p)
	} else if fail != nil {
		return fail
	}
	return r.Driver.Open(ctx)
}

func (r *recorder) Close(ctx context.Context) error {
	r.calls.Add(1)
	if fail, p := r.faults(); p != "" {
		panic(p)
	} else if fail != nil {
		return fail
	}
	return r.Driver.Close(ctx)
}

func (r *recorder) IsOpen(ctx context.Context) (bool, error) {
	r.mu.Lock()
	err := r.readErr
	r.mu.Unlock()
	if err != nil {
		return false, err
	}
	return r.Driver.IsOpen(ctx)
}

// isOpen reads the driver itself, past the base.
func (s *shutter) isOpen(t *testing.T) bool {
	t.Helper()
	open, err := s.drv.Driver.IsOpen(ctx)
	if err != nil {
		t.Fatalf("the driver's IsOpen: %v", err)
	}
	return open
}

func (s Setup) shutter(t *testing.T) *shutter {
	t.Helper()
	d, o := s.New(t)
	// The recorder hides the driver's optional interface: name it.
	if v, ok := d.(shutters.EmergencyCloser); ok && o.EmergencyCloser == nil {
		o.EmergencyCloser = v
	}
	r := &recorder{Driver: d}
	sh := &shutter{Device: shutters.NewDevice(fmt.Sprintf("contract_s%d", serial.Add(1)), r, o), drv: r}
	if st := sh.State(); st != devices.Closed {
		t.Fatalf("new shutter: state %s; want closed (Setup.New makes a closed one)", st)
	}
	return sh
}

// Run runs the shutter contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"open and close arrive", openClose},
		{"state errors refuse before the driver", stateRefuses},
		{"cancelled open stays closed", cancelOpen},
		{"cancelled close stays open", cancelClose},
		{"emergency stop closes an open shutter", emergencyCloses},
		{"emergency stop during open has the last word", emergencyDuringOpen},
		{"write lock refuses before the driver", lockRefuses},
		{"exclusive access waits", exclusiveWaits},
		{"second operation is busy", secondBusy},
		{"driver error fails naming the device", driverError},
		{"driver panic fails naming the device", driverPanic},
		{"unreadable state is error, and Open may retry", unreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

func wantState(t *testing.T, s *shutter, want devices.State, when string) {
	t.Helper()
	if st := s.State(); st != want {
		t.Errorf("state %s = %s; want %s", when, st, want)
	}
}

// do runs an operation and fails the test if it fails.
func do(t *testing.T, what string, task *tasks.Task) {
	t.Helper()
	if _, err := devtest.Within(t, what, task); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func openClose(t *testing.T, s Setup) {
	sh := s.shutter(t)
	do(t, "Open", sh.Open())
	wantState(t, sh, devices.Open, "after Open")
	if !sh.isOpen(t) {
		t.Errorf("the driver reads closed after Open")
	}
	do(t, "Close", sh.Close())
	wantState(t, sh, devices.Closed, "after Close")
	if sh.isOpen(t) {
		t.Errorf("the driver reads open after Close")
	}
}

func stateRefuses(t *testing.T, s Setup) {
	sh := s.shutter(t)
	_, err := devtest.Within(t, "Close", sh.Close())
	var se *devices.StateError
	want := sh.Name() + ": cannot Close in state closed (only in open)"
	if !errors.As(err, &se) || err.Error() != want {
		t.Errorf("Close of a closed shutter: error = %v; want %q", err, want)
	}
	if n := sh.drv.calls.Load(); n != 0 {
		t.Errorf("the driver was called %d times; want 0", n)
	}
	do(t, "Open", sh.Open())
	_, err = devtest.Within(t, "Open", sh.Open())
	want = sh.Name() + ": cannot Open in state open (only in closed)"
	if !errors.As(err, &se) || err.Error() != want {
		t.Errorf("Open of an open shutter: error = %v; want %q", err, want)
	}
	if n := sh.drv.calls.Load(); n != 1 {
		t.Errorf("the driver was called %d times; want 1, for the first Open", n)
	}
}

// started starts op and returns once the driver runs it.
func started(t *testing.T, sh *shutter, op func() *tasks.Task, via devices.State) *tasks.Task {
	t.Helper()
	before := sh.drv.calls.Load()
	task := op()
	devtest.Eventually(t, "in the driver", func() bool {
		return sh.drv.calls.Load() > before && sh.State() == via
	})
	return task
}

// stays checks that the shutter keeps its state and the driver agrees.
func stays(t *testing.T, sh *shutter, want devices.State, when string) {
	t.Helper()
	wantState(t, sh, want, when)
	time.Sleep(150 * time.Millisecond) // longer than Open takes: nothing finishes late
	wantState(t, sh, want, when+", a while later")
	if open := sh.isOpen(t); open != (want == devices.Open) {
		t.Errorf("the driver reads open=%v %s; want %s", open, when, want)
	}
}

func cancelOpen(t *testing.T, s Setup) {
	sh := s.shutter(t)
	task := started(t, sh, sh.Open, devices.Opening)
	task.Cancel()
	if _, err := devtest.Within(t, "cancelled Open", task); !errors.Is(err, tasks.ErrCancelled) {
		t.Errorf("cancelled Open: error = %v; want cancelled", err)
	}
	stays(t, sh, devices.Closed, "after a cancelled Open")
}

func cancelClose(t *testing.T, s Setup) {
	sh := s.shutter(t)
	do(t, "Open", sh.Open())
	task := started(t, sh, sh.Close, devices.Closing)
	task.Cancel()
	if _, err := devtest.Within(t, "cancelled Close", task); !errors.Is(err, tasks.ErrCancelled) {
		t.Errorf("cancelled Close: error = %v; want cancelled", err)
	}
	stays(t, sh, devices.Open, "after a cancelled Close")
}

func emergencyCloses(t *testing.T, s Setup) {
	sh := s.shutter(t)
	do(t, "Open", sh.Open())
	if err := sh.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	stays(t, sh, devices.Closed, "after the emergency stop")
	// A closed shutter stays closed, and the stop succeeds.
	if err := sh.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop of a closed shutter: %v", err)
	}
	wantState(t, sh, devices.Closed, "after a second emergency stop")
}

func emergencyDuringOpen(t *testing.T, s Setup) {
	sh := s.shutter(t)
	task := started(t, sh, sh.Open, devices.Opening)
	if err := sh.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if _, err := devtest.Within(t, "stopped Open", task); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("Open after the emergency stop: error = %v; want emergency stop", err)
	}
	stays(t, sh, devices.Closed, "after the emergency stop")
	// Nothing reopens by itself; the next Open is the user's and works.
	do(t, "Open after", sh.Open())
	wantState(t, sh, devices.Open, "after the next Open")
}

func lockRefuses(t *testing.T, s Setup) {
	sh := s.shutter(t)
	sh.Lock(false)
	_, err := devtest.Within(t, "Open", sh.Open())
	if want := sh.Name() + ": locked"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Open of a locked shutter: error = %v; want one beginning %q", err, want)
	}
	if n := sh.drv.calls.Load(); n != 0 {
		t.Errorf("the driver was called %d times; want 0", n)
	}
	wantState(t, sh, devices.Closed, "after the refusal")
	if err := sh.Unlock(); err != nil {
		t.Fatal(err)
	}
	do(t, "Open after Unlock", sh.Open())
}

func exclusiveWaits(t *testing.T, s Setup) {
	sh := s.shutter(t)
	devtest.ExclusiveWaits(t, sh, "Open", sh.Open, sh.drv.calls.Load)
}

func secondBusy(t *testing.T, s Setup) {
	sh := s.shutter(t)
	task := started(t, sh, sh.Open, devices.Opening)
	defer task.Cancel()
	_, err := devtest.Within(t, "Close while opening", sh.Close())
	var be *devices.BusyError
	if !errors.As(err, &be) {
		t.Errorf("Close while opening: error = %v; want a BusyError", err)
	}
}

func driverError(t *testing.T, s Setup) {
	sh := s.shutter(t)
	sh.drv.set(errors.New("jammed"), "", nil)
	_, err := devtest.Within(t, "Open", sh.Open())
	if want := sh.Name() + ": Open: jammed"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantState(t, sh, devices.Closed, "after the failed Open, as the driver reads it")
}

func driverPanic(t *testing.T, s Setup) {
	sh := s.shutter(t)
	sh.drv.set(nil, "index out of range", nil)
	_, err := devtest.Within(t, "Open", sh.Open())
	if want := sh.Name() + ": Open: driver panicked: index out of range"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantState(t, sh, devices.Closed, "after the panicked Open, as the driver reads it")
}

func unreadable(t *testing.T, s Setup) {
	sh := s.shutter(t)
	sh.drv.set(errors.New("jammed"), "", errors.New("no status"))
	_, err := devtest.Within(t, "Open", sh.Open())
	if want := sh.Name() + ": Open: jammed; and the state is unreadable: no status"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantState(t, sh, devices.Error, "when the driver cannot read it")
	sh.drv.set(nil, "", nil)
	do(t, "Open from error", sh.Open())
	wantState(t, sh, devices.Open, "after Open from error")
}

// Package xraytubetest is the X-ray tube contract: the behaviour every
// tube driver must give its users, run as subtests against any driver.
// The dummy runs it in package xraytubes; a real driver runs it against
// its server:
//
//	func TestContract(t *testing.T) {
//		xraytubetest.Run(t, xraytubetest.Setup{
//			New: func(t *testing.T) (xraytubes.Driver, xraytubes.Options) {
//				return newDriver(t), xraytubes.Options{MaxVoltage: 60}
//			},
//		})
//	}
package xraytubetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/xraytubes"
	"github.com/concert-go/concert/internal/tasks"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver, its tube off, and its options, once per
	// subtest; On must take at least 100 ms, so that a test can cancel it
	// halfway. Stop what it starts with t.Cleanup.
	New func(t *testing.T) (xraytubes.Driver, xraytubes.Options)
	// Voltage and Current are settings inside every limit, in kV and µA;
	// 0 means 30 kV and 50 µA.
	Voltage, Current float64
}

var ctx = context.Background()

var serial atomic.Int64

// recorder counts what the driver is asked to do and can make On fail.
type recorder struct {
	xraytubes.Driver
	ons, offs, sets atomic.Int64
	mu              sync.Mutex
	fail            error  // On and the sets return it
	panicky         string // On and the sets panic with it
	nan             bool   // the reads give NaN
}

func (r *recorder) failure() error {
	r.mu.Lock()
	fail, p := r.fail, r.panicky
	r.mu.Unlock()
	if p != "" {
		panic(p)
	}
	return fail
}

func (r *recorder) On(ctx context.Context) error {
	r.ons.Add(1)
	if err := r.failure(); err != nil {
		return err
	}
	return r.Driver.On(ctx)
}

func (r *recorder) Off(ctx context.Context) error {
	r.offs.Add(1)
	return r.Driver.Off(ctx)
}

func (r *recorder) SetVoltage(ctx context.Context, kV float64) error {
	r.sets.Add(1)
	if err := r.failure(); err != nil {
		return err
	}
	return r.Driver.SetVoltage(ctx, kV)
}

func (r *recorder) SetCurrent(ctx context.Context, uA float64) error {
	r.sets.Add(1)
	if err := r.failure(); err != nil {
		return err
	}
	return r.Driver.SetCurrent(ctx, uA)
}

func (r *recorder) read(ctx context.Context, f func(context.Context) (float64, error)) (float64, error) {
	r.mu.Lock()
	nan := r.nan
	r.mu.Unlock()
	if nan {
		return math.NaN(), nil
	}
	return f(ctx)
}

func (r *recorder) Voltage(ctx context.Context) (float64, error) {
	return r.read(ctx, r.Driver.Voltage)
}
func (r *recorder) Current(ctx context.Context) (float64, error) {
	return r.read(ctx, r.Driver.Current)
}

func (r *recorder) with(f func(r *recorder)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

// tube is the tube under test with the driver's calls counted.
type tube struct {
	*xraytubes.Device
	drv *recorder
}

func (s Setup) tube(t *testing.T) *tube {
	t.Helper()
	d, o := s.New(t)
	r := &recorder{Driver: d}
	tb := &tube{xraytubes.NewDevice(fmt.Sprintf("contract_tube%d", serial.Add(1)), r, o), r}
	t.Cleanup(func() { tb.EmergencyStop(ctx) }) // never leave a tube on
	return tb
}

func (s Setup) settings() (q.Voltage, q.Current) {
	v, i := s.Voltage, s.Current
	if v == 0 {
		v = 30
	}
	if i == 0 {
		i = 50
	}
	return q.Voltage(v) * q.KV, q.Current(i) * q.UA
}

// Run runs the X-ray tube contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"sets read back in their units", sets},
		{"On then Off", onOff},
		{"cancelled On leaves it off", cancelOn},
		{"emergency stop switches off and has the last word", emergencyStop},
		{"limits refuse before the driver", limitsRefuse},
		{"write lock refuses before the driver", lockRefuses},
		{"bad unit refuses before the driver", unitRefuses},
		{"exclusive access waits", exclusiveWaits},
		{"state errors and a second On", stateErrors},
		{"driver error fails naming the device", driverError},
		{"driver panic fails naming the device", driverPanic},
		{"NaN from the driver fails naming the device", driverNaN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

func wantState(t *testing.T, tb *tube, want devices.State, when string) {
	t.Helper()
	if st := tb.State(); st != want {
		t.Errorf("state %s = %s; want %s", when, st, want)
	}
}

func sets(t *testing.T, s Setup) {
	tb := s.tube(t)
	v, i := s.settings()
	if _, err := devtest.Within(t, "SetVoltage", tb.SetVoltage(v)); err != nil {
		t.Fatalf("SetVoltage(%v): %v", v, err)
	}
	if _, err := devtest.Within(t, "SetCurrent", tb.SetCurrent(i)); err != nil {
		t.Fatalf("SetCurrent(%v): %v", i, err)
	}
	if got := tb.Voltage(); math.Abs(float64(got-v)) > 1e-9*float64(v) {
		t.Errorf("Voltage() = %v; want %v", got, v)
	}
	if got := tb.Current(); math.Abs(float64(got-i)) > 1e-9*float64(i) {
		t.Errorf("Current() = %v; want %v", got, i)
	}
	wantState(t, tb, devices.Off, "after the sets")
}

func onOff(t *testing.T, s Setup) {
	tb := s.tube(t)
	if _, err := devtest.Within(t, "On", tb.On()); err != nil {
		t.Fatalf("On: %v", err)
	}
	wantState(t, tb, devices.On, "after On")
	if _, err := devtest.Within(t, "Off", tb.Off()); err != nil {
		t.Fatalf("Off: %v", err)
	}
	wantState(t, tb, devices.Off, "after Off")
	if n := tb.drv.offs.Load(); n != 1 {
		t.Errorf("the driver was asked to switch off %d times; want 1", n)
	}
}

// switching starts On and returns once the driver works on it.
func switching(t *testing.T, tb *tube) *tasks.Task {
	t.Helper()
	on := tb.On()
	devtest.Eventually(t, "the driver switching on", func() bool { return tb.drv.ons.Load() == 1 })
	time.Sleep(20 * time.Millisecond) // into the ramp
	if on.State().Ended() {
		t.Fatalf("On ended within 20 ms (%v); the contract needs an On of at least 100 ms", on.State())
	}
	return on
}

func cancelOn(t *testing.T, s Setup) {
	tb := s.tube(t)
	on := switching(t, tb)
	wantState(t, tb, devices.Off, "while switching on")
	on.Cancel()
	if _, err := devtest.Within(t, "cancelled On", on); !errors.Is(err, tasks.ErrCancelled) {
		t.Fatalf("cancelled On: error = %v; want cancelled", err)
	}
	wantState(t, tb, devices.Off, "after cancel")
	if _, err := devtest.Within(t, "On after", tb.On()); err != nil {
		t.Errorf("On after the cancel: %v", err)
	}
	wantState(t, tb, devices.On, "after the next On")
}

func emergencyStop(t *testing.T, s Setup) {
	tb := s.tube(t)
	on := switching(t, tb)
	if err := tb.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if _, err := devtest.Within(t, "stopped On", on); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("On after the emergency stop: error = %v; want emergency stop", err)
	}
	wantState(t, tb, devices.Off, "after the emergency stop during On")
	time.Sleep(50 * time.Millisecond) // nothing switches it back on
	wantState(t, tb, devices.Off, "a while after the emergency stop")

	if _, err := devtest.Within(t, "On", tb.On()); err != nil {
		t.Fatalf("On after the emergency stop: %v", err)
	}
	offs := tb.drv.offs.Load()
	if err := tb.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop when on: %v", err)
	}
	wantState(t, tb, devices.Off, "after the emergency stop when on")
	if tb.drv.offs.Load() == offs {
		t.Errorf("the emergency stop did not ask the driver to switch off")
	}
}

// untouched checks that a refused operation did not reach the driver.
func untouched(t *testing.T, tb *tube, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v; want one beginning %q", err, want)
	}
	if n, m := tb.drv.sets.Load(), tb.drv.ons.Load(); n != 0 || m != 0 {
		t.Errorf("the driver was asked to set %d and switch on %d times; want 0", n, m)
	}
	wantState(t, tb, devices.Off, "after the refusal")
}

func limitsRefuse(t *testing.T, s Setup) {
	tb := s.tube(t)
	v, i := s.settings()
	if err := tb.Param("voltage").SetLimits(q.NoLimit, v/2); err != nil {
		t.Fatal(err)
	}
	_, err := devtest.Within(t, "set", tb.SetVoltage(v))
	var le *devices.LimitError
	if !errors.As(err, &le) {
		t.Errorf("SetVoltage beyond the limit: error = %v; want a LimitError", err)
	}
	untouched(t, tb, err, tb.Name()+".voltage: ")
	_, err = devtest.Within(t, "set", tb.SetCurrent(-i))
	if !errors.As(err, &le) {
		t.Errorf("negative SetCurrent: error = %v; want a LimitError", err)
	}
	untouched(t, tb, err, tb.Name()+".current: ")
}

func lockRefuses(t *testing.T, s Setup) {
	tb := s.tube(t)
	v, _ := s.settings()
	tb.Lock(false)
	_, err := devtest.Within(t, "set", tb.SetVoltage(v))
	untouched(t, tb, err, tb.Name()+": locked")
	_, err = devtest.Within(t, "On", tb.On())
	untouched(t, tb, err, tb.Name()+": locked")
}

func unitRefuses(t *testing.T, s Setup) {
	tb := s.tube(t)
	_, err := devtest.Within(t, "set", tb.Param("voltage").Set(30))
	untouched(t, tb, err, tb.Name()+".voltage: ")
	_, err = devtest.Within(t, "set", tb.Param("current").Set(2*q.S))
	untouched(t, tb, err, tb.Name()+".current: 2 s is not a")
}

func exclusiveWaits(t *testing.T, s Setup) {
	tb := s.tube(t)
	devtest.ExclusiveWaits(t, tb, "On", tb.On, tb.drv.ons.Load)
}

func stateErrors(t *testing.T, s Setup) {
	tb := s.tube(t)
	_, err := devtest.Within(t, "Off", tb.Off())
	if want := tb.Name() + ": cannot Off in state off (only in on)"; err == nil || err.Error() != want {
		t.Errorf("Off when off: error = %v; want %q", err, want)
	}
	if n := tb.drv.offs.Load(); n != 0 {
		t.Errorf("Off when off reached the driver %d times", n)
	}
	on := switching(t, tb)
	_, err = devtest.Within(t, "second On", tb.On())
	var be *devices.BusyError
	if !errors.As(err, &be) {
		t.Errorf("On while switching on: error = %v; want a BusyError", err)
	}
	if _, err := devtest.Within(t, "On", on); err != nil {
		t.Fatalf("On: %v", err)
	}
	_, err = devtest.Within(t, "On", tb.On())
	if want := tb.Name() + ": cannot On in state on (only in off)"; err == nil || err.Error() != want {
		t.Errorf("On when on: error = %v; want %q", err, want)
	}
}

func failing(t *testing.T, s Setup, f func(r *recorder), want string) {
	t.Helper()
	tb := s.tube(t)
	tb.drv.with(f)
	_, err := devtest.Within(t, "On", tb.On())
	if w := tb.Name() + ": On: " + want; err == nil || err.Error() != w {
		t.Errorf("On: error = %v; want %q", err, w)
	}
	wantState(t, tb, devices.Off, "after the failed On")
	v, _ := s.settings()
	_, err = devtest.Within(t, "set", tb.SetVoltage(v))
	if w := tb.Name() + ".voltage: " + want; err == nil || err.Error() != w {
		t.Errorf("SetVoltage: error = %v; want %q", err, w)
	}
}

func driverError(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.fail = errors.New("interlock open") }, "interlock open")
}

func driverPanic(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.panicky = "index out of range" }, "driver panicked: index out of range")
}

func driverNaN(t *testing.T, s Setup) {
	tb := s.tube(t)
	tb.drv.with(func(r *recorder) { r.nan = true })
	for _, p := range []string{"voltage", "current"} {
		_, err := devtest.Within(t, "get", tb.Param(p).Get())
		if want := tb.Name() + "." + p + ": the driver read NaN; check the driver"; err == nil || err.Error() != want {
			t.Errorf("get %s: error = %v; want %q", p, err, want)
		}
	}
}

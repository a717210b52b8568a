// Package storageringtest is the storage ring contract: the behaviour
// every storage ring driver must give its users, run as subtests against
// any driver. The dummy runs it in package storagerings; a real driver
// runs it against its server:
//
//	func TestContract(t *testing.T) {
//		storageringtest.Run(t, storageringtest.Setup{
//			New: func(t *testing.T) (storagerings.Driver, storagerings.Options) {
//				return newDriver(t), storagerings.Options{}
//			},
//		})
//	}
package storageringtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/storagerings"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver and its options, once per subtest. Stop
	// what it starts with t.Cleanup.
	New func(t *testing.T) (storagerings.Driver, storagerings.Options)
}

var ctx = context.Background()

var serial atomic.Int64

// recorder can make the driver's reads fail.
type recorder struct {
	storagerings.Driver
	mu      sync.Mutex
	fail    error   // every read returns it
	panicky string  // every read panics with it
	value   float64 // every read gives it, if set
	set     bool
}

func (r *recorder) read(ctx context.Context, f func(context.Context) (float64, error)) (float64, error) {
	r.mu.Lock()
	fail, p, v, set := r.fail, r.panicky, r.value, r.set
	r.mu.Unlock()
	switch {
	case p != "":
		panic(p)
	case fail != nil:
		return 0, fail
	case set:
		return v, nil
	}
	return f(ctx)
}

func (r *recorder) Current(ctx context.Context) (float64, error) {
	return r.read(ctx, r.Driver.Current)
}
func (r *recorder) Energy(ctx context.Context) (float64, error) { return r.read(ctx, r.Driver.Energy) }
func (r *recorder) Lifetime(ctx context.Context) (float64, error) {
	return r.read(ctx, r.Driver.Lifetime)
}

func (r *recorder) with(f func(r *recorder)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

type ring struct {
	*storagerings.Device
	drv *recorder
}

func (s Setup) ring(t *testing.T) *ring {
	t.Helper()
	d, o := s.New(t)
	r := &recorder{Driver: d}
	return &ring{storagerings.NewDevice(fmt.Sprintf("contract_ring%d", serial.Add(1)), r, o), r}
}

// params are the ring's parameters, each with what a driver reading 2
// gives.
var params = []struct {
	name string
	two  q.Quantity
}{
	{"current", 2 * q.MA},
	{"energy", 2 * q.GeV},
	{"lifetime", 2 * q.H},
}

// Run runs the storage ring contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"reads in its units in standby", reads},
		{"read-only refuses a set", readOnly},
		{"reads under a write lock and another's exclusive access", readsWhileHeld},
		{"emergency stop leaves it readable", emergencyStop},
		{"driver error fails naming the device", driverError},
		{"driver panic fails naming the device", driverPanic},
		{"NaN from the driver fails naming the device", driverNaN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

// readAll reads every parameter and fails the test if one cannot be read.
func readAll(t *testing.T, r *ring) {
	t.Helper()
	for _, p := range params {
		v, err := devtest.Within(t, "get", r.Param(p.name).Get())
		if err != nil {
			t.Fatalf("get %s: %v", p.name, err)
		}
		x, ok := v.(q.Quantity)
		if !ok || x.Dim() != p.two.Dim() || math.IsNaN(x.Base()) || math.IsInf(x.Base(), 0) {
			t.Fatalf("get %s = %v (%T); want a finite %T", p.name, v, v, p.two)
		}
	}
}

func wantStandby(t *testing.T, r *ring, when string) {
	t.Helper()
	if st := r.State(); st != devices.Standby {
		t.Errorf("state %s = %s; want standby", when, st)
	}
}

func reads(t *testing.T, s Setup) {
	r := s.ring(t)
	readAll(t, r)
	r.drv.with(func(r *recorder) { r.value, r.set = 2, true })
	for _, p := range params {
		if v, err := devtest.Within(t, "get", r.Param(p.name).Get()); err != nil || v != p.two {
			t.Errorf("get %s of a driver reading 2 = %v, %v; want %v", p.name, v, err, p.two)
		}
	}
	if r.Current() != 2*q.MA || r.Energy() != 2*q.GeV || r.Lifetime() != 2*q.H {
		t.Errorf("Current(), Energy(), Lifetime() = %v, %v, %v; want 2 mA, 2 GeV, 2 h", r.Current(), r.Energy(), r.Lifetime())
	}
	wantStandby(t, r, "after reading")
}

func readOnly(t *testing.T, s Setup) {
	r := s.ring(t)
	for _, p := range params {
		_, err := devtest.Within(t, "set", r.Param(p.name).Set(p.two))
		if want := r.Name() + "." + p.name + ": read-only, cannot be set"; err == nil || err.Error() != want {
			t.Errorf("set %s: error = %v; want %q", p.name, err, want)
		}
	}
	wantStandby(t, r, "after the refused sets")
}

func readsWhileHeld(t *testing.T, s Setup) {
	r := s.ring(t)
	r.Lock(false)
	release := devtest.Hold(t, r)
	readAll(t, r) // a read waits for nobody
	release()
}

func emergencyStop(t *testing.T, s Setup) {
	r := s.ring(t)
	if err := r.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	wantStandby(t, r, "after the emergency stop")
	readAll(t, r)
}

func failing(t *testing.T, s Setup, f func(r *recorder), want string) {
	t.Helper()
	r := s.ring(t)
	r.drv.with(f)
	for _, p := range params {
		_, err := devtest.Within(t, "get", r.Param(p.name).Get())
		if want := r.Name() + "." + p.name + ": " + want; err == nil || err.Error() != want {
			t.Errorf("get %s: error = %v; want %q", p.name, err, want)
		}
	}
	wantStandby(t, r, "after the failed reads")
	r.drv.with(func(r *recorder) { r.fail, r.panicky, r.set = nil, "", false })
	readAll(t, r)
}

func driverError(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.fail = errors.New("no reply from the control system") }, "no reply from the control system")
}

func driverPanic(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.panicky = "index out of range" }, "driver panicked: index out of range")
}

func driverNaN(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.value, r.set = math.NaN(), true }, "the driver read NaN; check the driver")
}

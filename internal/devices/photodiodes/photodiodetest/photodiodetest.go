// Package photodiodetest is the photodiode contract: the behaviour every
// photodiode driver must give its users, run as subtests against any
// driver. The dummy runs it in package photodiodes; a real driver runs it
// against its server:
//
//	func TestContract(t *testing.T) {
//		photodiodetest.Run(t, photodiodetest.Setup{
//			New: func(t *testing.T) (photodiodes.Driver, photodiodes.Options) {
//				return newDriver(t), photodiodes.Options{}
//			},
//		})
//	}
package photodiodetest

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
	"github.com/concert-go/concert/internal/devices/photodiodes"
	"github.com/concert-go/concert/internal/devices/q"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver and its options, once per subtest. Stop
	// what it starts with t.Cleanup.
	New func(t *testing.T) (photodiodes.Driver, photodiodes.Options)
}

var ctx = context.Background()

var serial atomic.Int64

// recorder can make the driver's reads fail.
type recorder struct {
	photodiodes.Driver
	mu      sync.Mutex
	fail    error   // Intensity returns it
	panicky string  // Intensity panics with it
	value   float64 // Intensity reads it, if set
	set     bool
}

func (r *recorder) Intensity(ctx context.Context) (float64, error) {
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
	return r.Driver.Intensity(ctx)
}

func (r *recorder) with(f func(r *recorder)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

type diode struct {
	*photodiodes.Device
	drv *recorder
}

func (s Setup) diode(t *testing.T) *diode {
	t.Helper()
	d, o := s.New(t)
	r := &recorder{Driver: d}
	return &diode{photodiodes.NewDevice(fmt.Sprintf("contract_pd%d", serial.Add(1)), r, o), r}
}

// Run runs the photodiode contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"reads a voltage in standby", reads},
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

// read reads the intensity and fails the test if it cannot.
func read(t *testing.T, d *diode) q.Voltage {
	t.Helper()
	v, err := devtest.Within(t, "GetIntensity", d.GetIntensity())
	if err != nil {
		t.Fatalf("GetIntensity: %v", err)
	}
	x, ok := v.(q.Voltage)
	if !ok || math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
		t.Fatalf("GetIntensity = %v (%T); want a finite q.Voltage", v, v)
	}
	return x
}

func wantStandby(t *testing.T, d *diode, when string) {
	t.Helper()
	if st := d.State(); st != devices.Standby {
		t.Errorf("state %s = %s; want standby", when, st)
	}
}

func reads(t *testing.T, s Setup) {
	d := s.diode(t)
	read(t, d)
	d.drv.with(func(r *recorder) { r.value, r.set = 0.25, true })
	if v := read(t, d); v != 250*q.MV {
		t.Errorf("intensity of a driver reading 0.25 = %v; want 250 mV", v)
	}
	if v := d.Intensity(); v != 250*q.MV {
		t.Errorf("Intensity() = %v; want 250 mV", v)
	}
	wantStandby(t, d, "after reading")
}

func readOnly(t *testing.T, s Setup) {
	d := s.diode(t)
	_, err := devtest.Within(t, "set", d.Param("intensity").Set(1*q.V))
	if want := d.Name() + ".intensity: read-only, cannot be set"; err == nil || err.Error() != want {
		t.Errorf("set: error = %v; want %q", err, want)
	}
	wantStandby(t, d, "after the refused set")
}

func readsWhileHeld(t *testing.T, s Setup) {
	d := s.diode(t)
	d.Lock(false)
	release := devtest.Hold(t, d)
	read(t, d) // a read waits for nobody
	release()
}

func emergencyStop(t *testing.T, s Setup) {
	d := s.diode(t)
	if err := d.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	wantStandby(t, d, "after the emergency stop")
	read(t, d)
}

func failing(t *testing.T, s Setup, f func(r *recorder), want string) {
	t.Helper()
	d := s.diode(t)
	d.drv.with(f)
	_, err := devtest.Within(t, "GetIntensity", d.GetIntensity())
	if want = d.Name() + ".intensity: " + want; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantStandby(t, d, "after the failed read")
	d.drv.with(func(r *recorder) { r.fail, r.panicky, r.set = nil, "", false })
	read(t, d)
}

func driverError(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.fail = errors.New("ADC timeout") }, "ADC timeout")
}

func driverPanic(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.panicky = "index out of range" }, "driver panicked: index out of range")
}

func driverNaN(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.value, r.set = math.NaN(), true }, "the driver read NaN; check the driver")
}

// Package monochromatortest is the monochromator contract: the behaviour
// every monochromator driver must give its users, run as subtests against
// any driver. The dummy runs it in package monochromators; a real driver
// runs it against its server:
//
//	func TestContract(t *testing.T) {
//		monochromatortest.Run(t, monochromatortest.Setup{
//			New: func(t *testing.T) (monochromators.Driver, monochromators.Options) {
//				return newDriver(t), monochromators.Options{Lower: 4, Upper: 60}
//			},
//			Target: 12,
//		})
//	}
package monochromatortest

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
	"github.com/concert-go/concert/internal/devices/monochromators"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver and its options, once per subtest; the
	// monochromator stands still. Stop what it starts with t.Cleanup.
	New func(t *testing.T) (monochromators.Driver, monochromators.Options)
	// Target is an energy in keV, inside every limit, that a move from
	// where New's monochromator stands takes at least 100 ms to reach, so
	// that a test can stop it halfway.
	Target float64
	// Tolerance is how far from its target a finished move may stand, in
	// keV; 0 means 1e-9 of the target.
	Tolerance float64
}

var ctx = context.Background()

var serial atomic.Int64

// recorder counts the moves asked of the driver and can make them fail.
type recorder struct {
	monochromators.Driver
	moves   atomic.Int64
	mu      sync.Mutex
	fail    error  // SetEnergy returns it
	panicky string // SetEnergy panics with it
	nan     bool   // Energy reads NaN
}

func (r *recorder) SetEnergy(ctx context.Context, keV float64) error {
	r.moves.Add(1)
	r.mu.Lock()
	fail, p := r.fail, r.panicky
	r.mu.Unlock()
	if p != "" {
		panic(p)
	}
	if fail != nil {
		return fail
	}
	return r.Driver.SetEnergy(ctx, keV)
}

func (r *recorder) Energy(ctx context.Context) (float64, error) {
	r.mu.Lock()
	nan := r.nan
	r.mu.Unlock()
	if nan {
		return math.NaN(), nil
	}
	return r.Driver.Energy(ctx)
}

func (r *recorder) with(f func(r *recorder)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

// mono is the monochromator under test with the driver's moves counted.
type mono struct {
	*monochromators.Device
	drv   *recorder
	start float64
}

func (s Setup) mono(t *testing.T) *mono {
	t.Helper()
	d, o := s.New(t)
	r := &recorder{Driver: d}
	m := &mono{Device: monochromators.NewDevice(fmt.Sprintf("contract_mono%d", serial.Add(1)), r, o), drv: r}
	m.start = m.at(t)
	return m
}

// at is the energy now, in keV.
func (m *mono) at(t *testing.T) float64 {
	t.Helper()
	v, err := devtest.Within(t, "GetEnergy", m.GetEnergy())
	if err != nil {
		t.Fatalf("GetEnergy: %v", err)
	}
	return float64(v.(q.Energy) / q.KeV)
}

func keV(x float64) q.Energy { return q.Energy(x) * q.KeV }

// Run runs the monochromator contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"energy set arrives in standby", arrives},
		{"wavelength set moves the energy", wavelength},
		{"cancel stops between in standby", cancelStops},
		{"emergency stop has the last word", emergencyStop},
		{"limits refuse before the driver", limitsRefuse},
		{"write lock refuses before the driver", lockRefuses},
		{"bad unit refuses before the driver", unitRefuses},
		{"exclusive access waits", exclusiveWaits},
		{"second move is busy", secondMoveBusy},
		{"driver error fails naming the device", driverError},
		{"driver panic fails naming the device", driverPanic},
		{"NaN from the driver fails naming the device", driverNaN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

func (s Setup) tolerance() float64 {
	if s.Tolerance > 0 {
		return s.Tolerance
	}
	return 1e-9 * math.Max(math.Abs(s.Target), 1)
}

func wantStandby(t *testing.T, m *mono, when string) {
	t.Helper()
	if st := m.State(); st != devices.Standby {
		t.Errorf("state %s = %s; want standby", when, st)
	}
}

func arrives(t *testing.T, s Setup) {
	m := s.mono(t)
	if _, err := devtest.Within(t, "set", m.SetEnergy(keV(s.Target))); err != nil {
		t.Fatalf("SetEnergy(%v): %v", keV(s.Target), err)
	}
	if e := m.at(t); math.Abs(e-s.Target) > s.tolerance() {
		t.Errorf("energy after the move = %v; want %v", keV(e), keV(s.Target))
	}
	wantStandby(t, m, "after the move")
}

func wavelength(t *testing.T, s Setup) {
	m := s.mono(t)
	if _, err := devtest.Within(t, "set", m.SetWavelength(keV(s.Target).Wavelength())); err != nil {
		t.Fatalf("SetWavelength(%v): %v", keV(s.Target).Wavelength(), err)
	}
	if e := m.at(t); math.Abs(e-s.Target) > s.tolerance()+1e-9*s.Target {
		t.Errorf("energy after setting the wavelength of %v = %v", keV(s.Target), keV(e))
	}
	if w, want := m.Wavelength(), keV(m.at(t)).Wavelength(); w != want {
		t.Errorf("Wavelength() = %v; want %v, the energy's", w, want)
	}
	wantStandby(t, m, "after the move")
}

// moving starts a move to the target and returns once the energy has left
// its start.
func moving(t *testing.T, s Setup, m *mono) *tasks.Task {
	t.Helper()
	mv := m.SetEnergy(keV(s.Target))
	devtest.Eventually(t, "moving away from the start", func() bool {
		return m.State() == devices.Moving && m.at(t) != m.start
	})
	return mv
}

// stoppedBetween checks that the energy is between start and target, not
// at the target, and stays there.
func stoppedBetween(t *testing.T, s Setup, m *mono) {
	t.Helper()
	e := m.at(t)
	lo, hi := math.Min(m.start, s.Target), math.Max(m.start, s.Target)
	if e <= lo || e >= hi {
		t.Errorf("stopped at %v; want between %v and %v", keV(e), keV(m.start), keV(s.Target))
	}
	time.Sleep(50 * time.Millisecond)
	if e2 := m.at(t); e2 != e {
		t.Errorf("moved on after stopping: %v, then %v", keV(e), keV(e2))
	}
}

func cancelStops(t *testing.T, s Setup) {
	m := s.mono(t)
	mv := moving(t, s, m)
	mv.Cancel()
	if _, err := devtest.Within(t, "cancelled move", mv); !errors.Is(err, tasks.ErrCancelled) {
		t.Fatalf("cancelled move: error = %v; want cancelled", err)
	}
	wantStandby(t, m, "after cancel")
	stoppedBetween(t, s, m)
}

func emergencyStop(t *testing.T, s Setup) {
	m := s.mono(t)
	mv := moving(t, s, m)
	if err := m.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if _, err := devtest.Within(t, "stopped move", mv); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("move after the emergency stop: error = %v; want emergency stop", err)
	}
	wantStandby(t, m, "after the emergency stop")
	stoppedBetween(t, s, m)
	if _, err := devtest.Within(t, "move after", m.SetEnergy(keV(m.start))); err != nil {
		t.Errorf("move after the emergency stop: %v", err)
	}
}

// untouched checks that a refused set did not reach the driver.
func untouched(t *testing.T, m *mono, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v; want one beginning %q", err, want)
	}
	if n := m.drv.moves.Load(); n != 0 {
		t.Errorf("the driver was asked to move %d times; want 0", n)
	}
	if e := m.at(t); e != m.start {
		t.Errorf("energy = %v; want %v, untouched", keV(e), keV(m.start))
	}
	wantStandby(t, m, "after the refusal")
}

func limitsRefuse(t *testing.T, s Setup) {
	m := s.mono(t)
	mid := keV((m.start + s.Target) / 2)
	lo, hi := q.Quantity(q.NoLimit), q.Quantity(mid)
	if s.Target < m.start {
		lo, hi = mid, q.NoLimit
	}
	if err := m.Param("energy").SetLimits(lo, hi); err != nil {
		t.Fatal(err)
	}
	_, err := devtest.Within(t, "set", m.SetEnergy(keV(s.Target)))
	var le *devices.LimitError
	if !errors.As(err, &le) {
		t.Errorf("SetEnergy beyond the limit: error = %v; want a LimitError", err)
	}
	untouched(t, m, err, m.Name()+".energy: ")
	if err := m.Param("energy").SetLimits(q.NoLimit, q.NoLimit); err != nil {
		t.Fatal(err)
	}
	// The device's own energy limits bound the wavelength too.
	if lo, _ := m.Param("wavelength").Limits(); lo != q.NoLimit {
		_, err = devtest.Within(t, "set", m.SetWavelength(lo.(q.Length)/2))
		if !errors.As(err, &le) {
			t.Errorf("SetWavelength below the limit %v: error = %v; want a LimitError", lo, err)
		}
		untouched(t, m, err, m.Name()+".wavelength: ")
	}
}

func lockRefuses(t *testing.T, s Setup) {
	m := s.mono(t)
	m.Lock(false)
	_, err := devtest.Within(t, "set", m.SetEnergy(keV(s.Target)))
	untouched(t, m, err, m.Name()+": locked")
	_, err = devtest.Within(t, "set", m.SetWavelength(keV(s.Target).Wavelength()))
	untouched(t, m, err, m.Name()+": locked")
}

func unitRefuses(t *testing.T, s Setup) {
	m := s.mono(t)
	_, err := devtest.Within(t, "set", m.Param("energy").Set(s.Target))
	untouched(t, m, err, m.Name()+".energy: ")
	_, err = devtest.Within(t, "set", m.Param("energy").Set(2*q.S))
	untouched(t, m, err, m.Name()+".energy: 2 s is not a")
}

func exclusiveWaits(t *testing.T, s Setup) {
	m := s.mono(t)
	devtest.ExclusiveWaits(t, m, "a set", func() *tasks.Task { return m.SetEnergy(keV(s.Target)) }, m.drv.moves.Load)
}

func secondMoveBusy(t *testing.T, s Setup) {
	m := s.mono(t)
	mv := moving(t, s, m)
	defer mv.Cancel()
	_, err := devtest.Within(t, "second move", m.SetEnergy(keV(m.start)))
	var be *devices.BusyError
	if !errors.As(err, &be) {
		t.Errorf("second move: error = %v; want a BusyError", err)
	}
	_, err = devtest.Within(t, "wavelength while moving", m.SetWavelength(keV(m.start).Wavelength()))
	if !errors.As(err, &be) {
		t.Errorf("wavelength set while moving: error = %v; want a BusyError", err)
	}
}

func driverError(t *testing.T, s Setup) {
	m := s.mono(t)
	m.drv.with(func(r *recorder) { r.fail = errors.New("crystal jammed") })
	_, err := devtest.Within(t, "move", m.SetEnergy(keV(s.Target)))
	if want := m.Name() + ".energy: crystal jammed"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantStandby(t, m, "after the failed move")
}

func driverPanic(t *testing.T, s Setup) {
	m := s.mono(t)
	m.drv.with(func(r *recorder) { r.panicky = "index out of range" })
	_, err := devtest.Within(t, "move", m.SetEnergy(keV(s.Target)))
	if want := m.Name() + ".energy: driver panicked: index out of range"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantStandby(t, m, "after the panicked move")
}

func driverNaN(t *testing.T, s Setup) {
	m := s.mono(t)
	m.drv.with(func(r *recorder) { r.nan = true })
	for _, p := range []string{"energy", "wavelength"} {
		_, err := devtest.Within(t, "get", m.Param(p).Get())
		if want := m.Name() + "." + p + ": the driver read NaN; check the driver"; err == nil || err.Error() != want {
			t.Errorf("get %s: error = %v; want %q", p, err, want)
		}
	}
}

// Package motortest is the motor contract: the behaviour every motor
// driver must give its users, run as subtests against any driver. The
// dummy runs it in package motors; a real driver runs it against its
// server:
//
//	func TestContract(t *testing.T) {
//		motortest.Run(t, motortest.Setup{
//			New: func(t *testing.T) (motors.Driver, motors.Options) {
//				return newDriver(t), motors.Options{Unit: q.MM}
//			},
//			Target: 2,
//		})
//	}
package motortest

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
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver and its options, once per subtest; the
	// motor stands still. Stop what it starts with t.Cleanup.
	New func(t *testing.T) (motors.Driver, motors.Options)
	// Target is a position, in Options.Unit, inside every limit, that a
	// move from where New's motor stands takes at least 100 ms to reach,
	// so that a test can stop it halfway.
	Target float64
	// Tolerance is how far from its target a finished move may stand, in
	// Options.Unit; 0 means 1e-9 of the distance.
	Tolerance float64
}

var ctx = context.Background()

var serial atomic.Int64

// motor is the motor under test with the driver's calls counted.
type motor struct {
	*motors.Motor
	drv   *recorder
	unit  q.Quantity
	start float64
}

// pos is x in the motor's unit as a quantity.
func (m *motor) pos(x float64) q.Quantity { return q.New(m.unit.Dim(), x*m.unit.Base()) }

// at is where the motor stands, in its unit.
func (m *motor) at(t *testing.T) float64 {
	t.Helper()
	v, err := m.GetPosition().Await(ctx)
	if err != nil {
		t.Fatalf("GetPosition: %v", err)
	}
	return v.(q.Quantity).Base() / m.unit.Base()
}

// recorder counts the motions asked of the driver and can make them fail.
type recorder struct {
	motors.Driver
	moves   atomic.Int64
	mu      sync.Mutex
	fail    error  // MoveTo returns it
	panicky string // MoveTo panics with it
	nan     bool   // Position reads NaN
}

func (r *recorder) MoveTo(ctx context.Context, target float64) error {
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
	return r.Driver.MoveTo(ctx, target)
}

func (r *recorder) Home(ctx context.Context) error {
	r.moves.Add(1)
	return r.Driver.Home(ctx)
}

func (r *recorder) Position(ctx context.Context) (float64, error) {
	r.mu.Lock()
	nan := r.nan
	r.mu.Unlock()
	if nan {
		return math.NaN(), nil
	}
	return r.Driver.Position(ctx)
}

func (s Setup) motor(t *testing.T) *motor {
	t.Helper()
	d, o := s.New(t)
	// The recorder hides the driver's optional interfaces: name them.
	if v, ok := d.(motors.LimitSwitches); ok && o.LimitSwitches == nil {
		o.LimitSwitches = v
	}
	if v, ok := d.(motors.EmergencyStopper); ok && o.EmergencyStopper == nil {
		o.EmergencyStopper = v
	}
	if v, ok := d.(motors.VelocityDriver); ok && o.Velocity == nil {
		o.Velocity = v
	}
	if v, ok := d.(motors.ContinuousDriver); ok && o.Continuous == nil {
		o.Continuous = v
	}
	r := &recorder{Driver: d}
	m := &motor{Motor: motors.New(fmt.Sprintf("contract_m%d", serial.Add(1)), r, o), drv: r, unit: o.Unit}
	m.start = m.at(t)
	return m
}

// Run runs the motor contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"move arrives in standby", moveArrives},
		{"relative move", relativeMove},
		{"cancel stops between in standby", cancelStops},
		{"Stop stops between in standby", stopStops},
		{"emergency stop has the last word", emergencyStop},
		{"limits refuse before the driver", limitsRefuse},
		{"write lock refuses before the driver", lockRefuses},
		{"bad unit refuses before the driver", unitRefuses},
		{"exclusive access waits", exclusiveWaits},
		{"second motion is busy", secondMotionBusy},
		{"driver error fails naming the device", driverError},
		{"driver panic fails naming the device", driverPanic},
		{"NaN from the driver fails naming the device", driverNaN},
		{"Home ends in standby", home},
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

func wantStandby(t *testing.T, m *motor, when string) {
	t.Helper()
	if st := m.State(); st != devices.Standby {
		t.Errorf("state %s = %s; want standby", when, st)
	}
}

func moveArrives(t *testing.T, s Setup) {
	m := s.motor(t)
	if _, err := devtest.Within(t, "move", m.SetPosition(m.pos(s.Target))); err != nil {
		t.Fatalf("SetPosition(%v): %v", m.pos(s.Target), err)
	}
	if p := m.at(t); math.Abs(p-s.Target) > s.tolerance() {
		t.Errorf("position after the move = %v; want %v", m.pos(p), m.pos(s.Target))
	}
	wantStandby(t, m, "after the move")
}

func relativeMove(t *testing.T, s Setup) {
	m := s.motor(t)
	if _, err := devtest.Within(t, "move", m.Move(m.pos(s.Target-m.start))); err != nil {
		t.Fatalf("Move(%v): %v", m.pos(s.Target-m.start), err)
	}
	if p := m.at(t); math.Abs(p-s.Target) > s.tolerance() {
		t.Errorf("position after Move = %v; want %v", m.pos(p), m.pos(s.Target))
	}
	wantStandby(t, m, "after Move")
}

// moving starts a move to the target and returns once the motor has left
// its start.
func moving(t *testing.T, s Setup, m *motor) *tasks.Task {
	t.Helper()
	mv := m.SetPosition(m.pos(s.Target))
	devtest.Eventually(t, "moving away from the start", func() bool {
		return m.State() == devices.Moving && m.at(t) != m.start
	})
	return mv
}

// stoppedBetween checks that the motor stands between start and target
// and stays there.
func stoppedBetween(t *testing.T, s Setup, m *motor) {
	t.Helper()
	p := m.at(t)
	lo, hi := math.Min(m.start, s.Target), math.Max(m.start, s.Target)
	if p <= lo || p >= hi {
		t.Errorf("stopped at %v; want between %v and %v", m.pos(p), m.pos(m.start), m.pos(s.Target))
	}
	time.Sleep(50 * time.Millisecond)
	if p2 := m.at(t); p2 != p {
		t.Errorf("moved on after stopping: %v, then %v", m.pos(p), m.pos(p2))
	}
}

func cancelStops(t *testing.T, s Setup) {
	m := s.motor(t)
	mv := moving(t, s, m)
	mv.Cancel()
	if _, err := devtest.Within(t, "cancelled move", mv); !errors.Is(err, tasks.ErrCancelled) {
		t.Fatalf("cancelled move: error = %v; want cancelled", err)
	}
	wantStandby(t, m, "after cancel")
	stoppedBetween(t, s, m)
}

func stopStops(t *testing.T, s Setup) {
	m := s.motor(t)
	mv := moving(t, s, m)
	if _, err := devtest.Within(t, "Stop", m.Stop()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if !mv.State().Ended() {
		t.Errorf("move still %s after Stop", mv.State())
	}
	wantStandby(t, m, "after Stop")
	stoppedBetween(t, s, m)
}

func emergencyStop(t *testing.T, s Setup) {
	m := s.motor(t)
	mv := moving(t, s, m)
	if err := m.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if _, err := devtest.Within(t, "stopped move", mv); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("move after the emergency stop: error = %v; want emergency stop", err)
	}
	wantStandby(t, m, "after the emergency stop")
	stoppedBetween(t, s, m)
	// Nothing restarts; the next move is the user's and works.
	if _, err := devtest.Within(t, "move after", m.SetPosition(m.pos(m.start))); err != nil {
		t.Errorf("move after the emergency stop: %v", err)
	}
}

// untouched checks that a refused operation did not reach the driver.
func untouched(t *testing.T, m *motor, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v; want one beginning %q", err, want)
	}
	if n := m.drv.moves.Load(); n != 0 {
		t.Errorf("the driver was asked to move %d times; want 0", n)
	}
	if p := m.at(t); p != m.start {
		t.Errorf("position = %v; want %v, untouched", m.pos(p), m.pos(m.start))
	}
	wantStandby(t, m, "after the refusal")
}

func limitsRefuse(t *testing.T, s Setup) {
	m := s.motor(t)
	mid := (m.start + s.Target) / 2
	lo, hi := m.pos(math.Min(m.start, mid)-1e6), m.pos(math.Max(m.start, mid))
	if s.Target < m.start {
		lo, hi = m.pos(math.Min(m.start, mid)), m.pos(math.Max(m.start, mid)+1e6)
	}
	if err := m.Param("position").SetLimits(lo, hi); err != nil {
		t.Fatal(err)
	}
	_, err := devtest.Within(t, "set", m.SetPosition(m.pos(s.Target)))
	var le *devices.LimitError
	if !errors.As(err, &le) {
		t.Errorf("SetPosition beyond the limit: error = %v; want a LimitError", err)
	}
	untouched(t, m, err, m.Name()+".position: ")
	_, err = devtest.Within(t, "Move", m.Move(m.pos(s.Target-m.start)))
	if !errors.As(err, &le) {
		t.Errorf("Move beyond the limit: error = %v; want a LimitError", err)
	}
	untouched(t, m, err, m.Name()+".position: ")
}

func lockRefuses(t *testing.T, s Setup) {
	m := s.motor(t)
	m.Lock(false)
	_, err := devtest.Within(t, "set", m.SetPosition(m.pos(s.Target)))
	untouched(t, m, err, m.Name()+": locked")
	_, err = devtest.Within(t, "Home", m.Home())
	untouched(t, m, err, m.Name()+": locked")
}

func unitRefuses(t *testing.T, s Setup) {
	m := s.motor(t)
	_, err := devtest.Within(t, "set", m.SetPosition(s.Target))
	untouched(t, m, err, m.Name()+".position: ")
	_, err = devtest.Within(t, "set", m.SetPosition(2*q.S))
	untouched(t, m, err, m.Name()+".position: 2 s is not a ")
	_, err = devtest.Within(t, "Move", m.Move(1))
	untouched(t, m, err, m.Name()+".position: 1 has no unit")
}

func exclusiveWaits(t *testing.T, s Setup) {
	m := s.motor(t)
	devtest.ExclusiveWaits(t, m, "a set", func() *tasks.Task { return m.SetPosition(m.pos(s.Target)) }, m.drv.moves.Load)
}

func secondMotionBusy(t *testing.T, s Setup) {
	m := s.motor(t)
	mv := moving(t, s, m)
	defer mv.Cancel()
	_, err := devtest.Within(t, "second move", m.SetPosition(m.pos(m.start)))
	var be *devices.BusyError
	if !errors.As(err, &be) {
		t.Errorf("second move: error = %v; want a BusyError", err)
	}
	_, err = devtest.Within(t, "Home while moving", m.Home())
	if !errors.As(err, &be) {
		t.Errorf("Home while moving: error = %v; want a BusyError", err)
	}
}

func driverError(t *testing.T, s Setup) {
	m := s.motor(t)
	m.drv.mu.Lock()
	m.drv.fail = errors.New("amplifier fault")
	m.drv.mu.Unlock()
	_, err := devtest.Within(t, "move", m.SetPosition(m.pos(s.Target)))
	if want := m.Name() + ".position: amplifier fault"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantStandby(t, m, "after the failed move")
}

func driverPanic(t *testing.T, s Setup) {
	m := s.motor(t)
	m.drv.mu.Lock()
	m.drv.panicky = "index out of range"
	m.drv.mu.Unlock()
	_, err := devtest.Within(t, "move", m.SetPosition(m.pos(s.Target)))
	if want := m.Name() + ".position: driver panicked: index out of range"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantStandby(t, m, "after the panicked move")
}

func driverNaN(t *testing.T, s Setup) {
	m := s.motor(t)
	m.drv.mu.Lock()
	m.drv.nan = true
	m.drv.mu.Unlock()
	_, err := devtest.Within(t, "get", m.GetPosition())
	if want := m.Name() + ".position: the driver read NaN; check the driver"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	_, err = devtest.Within(t, "move", m.SetPosition(m.pos(s.Target)))
	if err == nil || !strings.HasPrefix(err.Error(), m.Name()+".position: ") {
		t.Errorf("move with a NaN position: error = %v; want one naming %s.position", err, m.Name())
	}
	if n := m.drv.moves.Load(); n != 0 {
		t.Errorf("the driver was asked to move %d times from an unknown position; want 0", n)
	}
}

func home(t *testing.T, s Setup) {
	m := s.motor(t)
	if _, err := devtest.Within(t, "Home", m.Home()); err != nil {
		t.Fatalf("Home: %v", err)
	}
	wantStandby(t, m, "after Home")
}

package motors_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

func TestMoveTakesTime(t *testing.T) {
	m := motors.NewLinear("motor")
	if _, err := m.SetMotionVelocity(100 * q.MMPerS).Await(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	task := m.SetPosition(5 * q.MM)
	devtest.Eventually(t, "moving", func() bool { return m.State() == devices.Moving })
	if _, err := task.Await(ctx); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 45*time.Millisecond {
		t.Errorf("5 mm at 100 mm/s took %v; want about 50ms", took)
	}
	if p := m.Position(); p != 5*q.MM {
		t.Errorf("Position() = %v; want 5 mm", p)
	}
	if s := m.State(); s != devices.Standby {
		t.Errorf("state after = %s; want standby", s)
	}
}

func TestCancelledMoveStopsBetween(t *testing.T) {
	m := motors.NewLinear("motor")
	m.SetMotionVelocity(10 * q.MMPerS).Await(ctx)
	task := m.SetPosition(10 * q.MM)
	devtest.Eventually(t, "moved", func() bool { return m.Position() > 0 })
	task.Cancel()
	_, err := task.Await(ctx)
	if !errors.Is(err, tasks.ErrCancelled) {
		t.Fatalf("Await() error = %v; want cancelled", err)
	}
	p := m.Position()
	if p <= 0 || p >= 10*q.MM {
		t.Errorf("position after cancel = %v; want between 0 and 10 mm", p)
	}
	if s := m.State(); s != devices.Standby {
		t.Errorf("state after cancel = %s; want standby", s)
	}
	time.Sleep(30 * time.Millisecond)
	if p2 := m.Position(); p2 != p {
		t.Errorf("position moved on after cancel: %v then %v", p, p2)
	}
}

func TestHardLimit(t *testing.T) {
	m := motors.NewLinear("motor")
	m.SetHardLimits(-1*q.MM, 1*q.MM)
	m.SetMotionVelocity(100 * q.MMPerS).Await(ctx)
	_, err := m.SetPosition(5 * q.MM).Await(ctx)
	want := "motor: stopped at the upper hard limit at 1 mm; state hard-limit, move back or Home()"
	if err == nil || err.Error() != want {
		t.Fatalf("move past hard limit: error = %v; want %s", err, want)
	}
	if s := m.State(); s != devices.HardLimit {
		t.Errorf("state = %s; want hard-limit", s)
	}
	if _, err := m.SetPosition(2 * q.MM).Await(ctx); err == nil || err.Error() != want {
		t.Errorf("move further out: error = %v; want %s", err, want)
	}
	if _, err := m.Home().Await(ctx); err != nil {
		t.Fatalf("Home() from hard limit: %v", err)
	}
	if p, s := m.Position(), m.State(); p != 0 || s != devices.Standby {
		t.Errorf("after Home: %v %s; want 0 mm standby", p, s)
	}
}

func TestStop(t *testing.T) {
	m := motors.NewRotation("rot")
	move := m.SetPosition(90 * q.Deg)
	devtest.Eventually(t, "moved", func() bool { return m.Position() > 0 })
	if _, err := m.Stop().Await(ctx); err != nil {
		t.Fatal(err)
	}
	if !move.State().Ended() {
		t.Errorf("move still %s after Stop", move.State())
	}
	if p := m.Position(); p <= 0 || p >= 90*q.Deg {
		t.Errorf("position after Stop = %v; want between 0 and 90 deg", p)
	}
	if s := m.State(); s != devices.Standby {
		t.Errorf("state after Stop = %s", s)
	}
}

func TestContinuous(t *testing.T) {
	m := motors.NewContinuousLinear("slide")
	m.SetHardLimits(-1*q.MM, 1*q.MM)
	if _, err := m.SetVelocity(50 * q.MMPerS).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if s := m.State(); s != devices.Moving {
		t.Errorf("state turning = %s; want moving", s)
	}
	deadline := time.Now().Add(2 * time.Second)
	for m.State() != devices.HardLimit && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if p, s := m.Position(), m.State(); p != 1*q.MM || s != devices.HardLimit {
		t.Errorf("at the limit: %v %s; want 1 mm hard-limit", p, s)
	}

	r := motors.NewContinuousRotation("stage")
	r.SetVelocity(90 * q.DegPerS).Await(ctx)
	devtest.Eventually(t, "turned", func() bool { return r.Position() > 0 })
	if err := r.EmergencyStop(ctx); err != nil {
		t.Fatal(err)
	}
	p := r.Position()
	time.Sleep(30 * time.Millisecond)
	if p2, s := r.Position(), r.State(); p2 != p || p <= 0 || s != devices.Standby || r.Velocity() != 0 {
		t.Errorf("after emergency stop: %v then %v, %s, velocity %v", p, p2, s, r.Velocity())
	}
}

func TestSecondMoveFailsNamingTask(t *testing.T) {
	m := motors.NewLinear("motor")
	first := tasks.Start(func(ctx context.Context) error {
		_, err := m.SetPosition(1 * q.MM).Await(ctx)
		return err
	}, tasks.Named("scan"))
	devtest.Eventually(t, "moving", func() bool { return m.State() == devices.Moving })
	_, err := m.SetPosition(2 * q.MM).Await(ctx)
	var be *devices.BusyError
	if !errors.As(err, &be) || be.Task != first {
		t.Fatalf("second move: error = %v; want BusyError naming task %d", err, first.ID())
	}
	want := "motor: cannot SetPosition while SetPosition runs for task " + strconv.FormatUint(first.ID(), 10) + " scan; cancel that task or await it first"
	if err.Error() != want {
		t.Errorf("error = %q; want %q", err, want)
	}
	first.Cancel()
	first.Await(ctx)
	if _, err := m.SetPosition(0.01 * q.MM).Await(ctx); err != nil {
		t.Errorf("move after cancelling the first: %v", err)
	}
}

// holdHandler holds the task called name where its set asks whether to
// log, between the set's checks and the driver's Set, so that a test can
// put an emergency stop exactly there.
type holdHandler struct {
	name             string
	reached, release chan struct{}
	once             sync.Once
}

func (h *holdHandler) Enabled(ctx context.Context, _ slog.Level) bool {
	if t := tasks.FromContext(ctx); t != nil && t.Name() == h.name {
		h.once.Do(func() { close(h.reached); <-h.release })
	}
	return false
}
func (h *holdHandler) Handle(context.Context, slog.Record) error { return nil }
func (h *holdHandler) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h *holdHandler) WithGroup(string) slog.Handler             { return h }

// TestEmergencyStopDuringVelocitySet: a continuous motion has no task of
// its own, so an emergency stop that comes while its set is under way must
// keep it from starting after the stop.
func TestEmergencyStopDuringVelocitySet(t *testing.T) {
	m := motors.NewContinuousRotation("stage")
	defer m.Stop().Await(ctx)
	h := &holdHandler{name: "stage.SetVelocity", reached: make(chan struct{}), release: make(chan struct{})}
	defer logs.Set(slog.New(h), nil, nil)()
	set := m.SetVelocity(90 * q.DegPerS)
	<-h.reached
	// With a done context EmergencyStop returns once the driver's stop has
	// run, without waiting for the set held here.
	done, cancel := context.WithCancel(ctx)
	cancel()
	m.EmergencyStop(done)
	close(h.release)
	if _, err := set.Await(ctx); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("set error = %v; want emergency stop", err)
	}
	if v, s := m.Velocity(), m.State(); v != 0 || s != devices.Standby {
		t.Errorf("after the emergency stop: velocity %v, state %s; want 0 deg/s, standby", v, s)
	}
}

// A motor whose limits no position satisfies is refused when it is made,
// not at its first move with a limit error that hides the cause.
func TestNewRefusesImpossibleLimits(t *testing.T) {
	for _, c := range []struct {
		name         string
		lower, upper float64
		want         string
	}{
		{"inverted", 10, 0, "the lower limit (10) is above the upper limit (0)"},
		{"nan", math.NaN(), 3, "must be numbers, not NaN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, `motors.New("m")`) || !strings.Contains(msg, c.want) {
					t.Fatalf("panic %q, want one naming the motor and saying %q", msg, c.want)
				}
			}()
			motors.New("m", motors.NewDummy(1), motors.Options{Unit: q.MM, Lower: c.lower, Upper: c.upper})
		})
	}
	// Equal limits mean none: that stays allowed.
	m := motors.New("free", motors.NewDummy(1), motors.Options{Unit: q.MM, Lower: 0, Upper: 0})
	if _, err := m.SetPosition(-5 * q.MM).Await(ctx); err != nil {
		t.Fatalf("a motor without limits refused a move: %v", err)
	}
}

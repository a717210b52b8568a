package slits_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/motors/motortest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/slits"
	"github.com/concert-go/concert/internal/tasks"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

var serial atomic.Int64

// blades are two dummy blade motors at -1 mm and +1 mm, 1 mm/s.
func blades(t *testing.T) (lower, upper *motors.Linear) {
	t.Helper()
	n := serial.Add(1)
	lower, upper = motors.NewLinear(fmt.Sprintf("lower%d", n)), motors.NewLinear(fmt.Sprintf("upper%d", n))
	for _, task := range []*tasks.Task{lower.SetMotionVelocity(100 * q.MMPerS), upper.SetMotionVelocity(100 * q.MMPerS)} {
		if _, err := task.Await(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tasks.Gather(ctx, lower.SetPosition(-1*q.MM), upper.SetPosition(1*q.MM)); err != nil {
		t.Fatal(err)
	}
	for _, task := range []*tasks.Task{lower.SetMotionVelocity(1 * q.MMPerS), upper.SetMotionVelocity(1 * q.MMPerS)} {
		if _, err := task.Await(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return lower, upper
}

// TestContract runs the motor contract against the gap and the offset
// over two dummy blades: each blade moves 0.2 mm, 200 ms at 1 mm/s.
func TestContract(t *testing.T) {
	for _, tt := range []struct {
		axis   slits.Axis
		target float64
	}{
		{slits.Gap, 2.4},
		{slits.Offset, -0.2},
	} {
		t.Run(tt.axis.String(), func(t *testing.T) {
			motortest.Run(t, motortest.Setup{
				New: func(t *testing.T) (motors.Driver, motors.Options) {
					lower, upper := blades(t)
					d, err := slits.NewDriver(lower, upper, tt.axis)
					if err != nil {
						t.Fatal(err)
					}
					return d, d.Options()
				},
				Target:    tt.target,
				Tolerance: 1e-9,
			})
		})
	}
}

func TestGapAndOffsetMoveBothBlades(t *testing.T) {
	lower, upper := blades(t)
	gap := slits.New("gap", lower, upper, slits.Gap)
	offset := slits.New("offset", lower, upper, slits.Offset)
	if _, err := gap.SetPosition(4 * q.MM).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := offset.SetPosition(0.5 * q.MM).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if lo, hi := lower.Position(), upper.Position(); lo != -1.5*q.MM || hi != 2.5*q.MM {
		t.Errorf("blades at %v and %v; want -1.5 mm and 2.5 mm", lo, hi)
	}
	if g, o := gap.Position(), offset.Position(); g != q.Quantity(4*q.MM) || o != q.Quantity(0.5*q.MM) {
		t.Errorf("gap %v, offset %v; want 4 mm and 0.5 mm", g, o)
	}
	want := "gap (slit gap): standby\n  parameter  value  limits       notes\n  position   4 mm   0 mm .. inf"
	if got := gap.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

// TestBladesMoveConcurrently: a gap move of 2 mm per blade at 1 mm/s
// takes one blade's time, not two; both blades are moving at once.
func TestBladesMoveConcurrently(t *testing.T) {
	lower, upper := blades(t)
	gap := slits.New("gap", lower, upper, slits.Gap)
	move := gap.SetPosition(6 * q.MM)
	devtest.Eventually(t, "both blades moving", func() bool {
		return lower.State() == devices.Moving && upper.State() == devices.Moving
	})
	move.Cancel()
	devtest.Within(t, "cancelled move", move)
	for _, b := range []*motors.Linear{lower, upper} {
		if st := b.State(); st != devices.Standby {
			t.Errorf("blade %s after the cancel: %s; want standby", b.Name(), st)
		}
	}
	p1, p2 := lower.Position(), upper.Position()
	time.Sleep(50 * time.Millisecond)
	if lower.Position() != p1 || upper.Position() != p2 {
		t.Errorf("blades moved on after the cancel")
	}
}

func TestBladeLimitsRefuseBeforeAnythingMoves(t *testing.T) {
	lower, upper := blades(t)
	if err := upper.Param("position").SetLimits(-10*q.MM, 2*q.MM); err != nil {
		t.Fatal(err)
	}
	gap := slits.New("gap", lower, upper, slits.Gap)
	_, err := devtest.Within(t, "move", gap.SetPosition(6*q.MM))
	var le *devices.LimitError
	want := "gap.position: " + upper.Name() + ".position: 3 mm > upper limit 2 mm"
	if !errors.As(err, &le) || err == nil || err.Error() != want {
		t.Errorf("error = %v;\nwant %s", err, want)
	}
	if lo, hi := lower.Position(), upper.Position(); lo != -1*q.MM || hi != 1*q.MM {
		t.Errorf("blades at %v and %v; want them untouched at -1 mm and 1 mm", lo, hi)
	}
	_, err = devtest.Within(t, "move", gap.SetPosition(-1*q.MM))
	if err == nil || !strings.HasPrefix(err.Error(), "gap.position: -1 mm < lower limit 0 mm") {
		t.Errorf("negative gap: error = %v", err)
	}
}

func TestEmergencyStopStopsBothBlades(t *testing.T) {
	lower, upper := blades(t)
	offset := slits.New("offset", lower, upper, slits.Offset)
	move := offset.SetPosition(5 * q.MM)
	devtest.Eventually(t, "both blades moving", func() bool {
		return lower.State() == devices.Moving && upper.State() == devices.Moving
	})
	if err := offset.EmergencyStop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := devtest.Within(t, "stopped move", move); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("move after the emergency stop: %v", err)
	}
	for _, b := range []*motors.Linear{lower, upper} {
		if st := b.State(); st != devices.Standby {
			t.Errorf("blade %s after the emergency stop: %s; want standby", b.Name(), st)
		}
	}
	p1, p2 := lower.Position(), upper.Position()
	time.Sleep(50 * time.Millisecond)
	if lower.Position() != p1 || upper.Position() != p2 {
		t.Errorf("blades moved on after the emergency stop")
	}
}

// TestOneBladeFails: a blade that cannot move (locked)
// fails the move before anything moves; one that is busy with another
// task stops the other blade instead of leaving it running.
func TestOneBladeFails(t *testing.T) {
	lower, upper := blades(t)
	gap := slits.New("gap", lower, upper, slits.Gap)
	lower.Lock(false)
	_, err := devtest.Within(t, "move", gap.SetPosition(4*q.MM))
	if want := "gap.position: " + lower.Name() + ": locked"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v; want one beginning %q", err, want)
	}
	if upper.Position() != 1*q.MM {
		t.Errorf("upper blade moved to %v while the lower one was locked", upper.Position())
	}
	lower.Unlock()
	other := lower.SetPosition(-3 * q.MM) // 2 s at 1 mm/s
	defer other.Cancel()
	devtest.Eventually(t, "lower moving", func() bool { return lower.State() == devices.Moving })
	_, err = devtest.Within(t, "move", gap.SetPosition(4*q.MM))
	var be *devices.BusyError
	if !errors.As(err, &be) {
		t.Errorf("move with a busy blade: error = %v; want a BusyError", err)
	}
	// Its target was near 3 mm: stopped at once, it stands far short.
	if st, p := upper.State(), upper.Position(); st != devices.Standby || p >= 2*q.MM {
		t.Errorf("upper blade %s at %v; want standby, stopped near 1 mm", st, p)
	}
}

func TestBadBlades(t *testing.T) {
	lower, _ := blades(t)
	for _, tc := range []struct {
		lower, upper slits.Blade
		want         string
	}{
		{lower, lower, "s: the lower and the upper blade are both " + lower.Name() + "; give two motors"},
		{lower, nil, "s: a slit needs two blade motors, lower and upper"},
		{lower, motors.NewRotation("rot"), "s: blade rot: its position must be a length that can be read and set"},
	} {
		func() {
			defer func() {
				if v := recover(); fmt.Sprint(v) != tc.want {
					t.Errorf("panic %v;\nwant %s", v, tc.want)
				}
			}()
			slits.New("s", tc.lower, tc.upper, slits.Gap)
		}()
	}
}

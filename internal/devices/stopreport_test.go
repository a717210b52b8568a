package devices_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/tasks"
)

func TestReportString(t *testing.T) {
	tests := []struct {
		name string
		r    devices.StopReport
		want string
	}{
		{"nothing", devices.StopReport{}, "Emergency stop: 0 tasks cancelled, 0 devices stopped"},
		{"one each", devices.StopReport{Tasks: 1, Stopped: []string{"motor"}}, "Emergency stop: 1 task cancelled, 1 device stopped"},
		{"failures", devices.StopReport{
			Tasks:    3,
			Stopped:  []string{"motor", "motor2"},
			Failed:   []devices.StopFailure{{Device: "shutter", Err: errors.New("jammed")}},
			TimedOut: []string{"camera"},
		}, "Emergency stop: 3 tasks cancelled, 2 devices stopped, 1 failed (shutter: jammed), 1 timed out (camera)"},
		{"timed out after", devices.StopReport{Stopped: []string{"motor"}, TimedOut: []string{"camera"}, Timeout: 2 * time.Second},
			"Emergency stop: 0 tasks cancelled, 1 device stopped, 1 timed out after 2s (camera)"},
		{"many timed out", devices.StopReport{TimedOut: []string{"m1", "m2", "m3", "m4", "m5"}},
			"Emergency stop: 0 tasks cancelled, 0 devices stopped, 5 timed out (m1, m2, m3 and 2 more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.String(); got != tt.want {
				t.Errorf("String() =\n%q; want\n%q", got, tt.want)
			}
		})
	}
}

// blockTask is a task that waits for its cancellation.
func blockTask(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

func TestEmergencyStop(t *testing.T) {
	sched := tasks.NewScheduler(context.Background())
	bg := sched.Start(blockTask)
	fg := sched.Start(blockTask, tasks.AsForeground())
	devs := func(ctx context.Context) *devices.StopReport {
		return &devices.StopReport{
			Stopped:  []string{"motor"},
			Failed:   []devices.StopFailure{{Device: "shutter", Err: errors.New("jammed")}},
			TimedOut: []string{"camera"},
		}
	}
	r := devices.EmergencyStopScheduler(context.Background(), sched, devs)
	want := "Emergency stop: 2 tasks cancelled, 1 device stopped, 1 failed (shutter: jammed), 1 timed out (camera)"
	if r.String() != want {
		t.Errorf("report = %q; want %q", r, want)
	}
	for _, task := range []*tasks.Task{bg, fg} {
		if _, err := task.Await(context.Background()); !errors.Is(err, tasks.ErrEmergencyStop) {
			t.Errorf("%v ended with %v; want cancelled by the emergency stop", task, err)
		}
	}
}

// An emergency stop called from inside a task cancels that task too, and
// must still stop the devices with a live context.
func TestEmergencyStopFromTask(t *testing.T) {
	sched := tasks.NewScheduler(context.Background())
	devs := func(ctx context.Context) *devices.StopReport {
		time.Sleep(10 * time.Millisecond) // the task's context is cancelled meanwhile
		if err := ctx.Err(); err != nil {
			return &devices.StopReport{Failed: []devices.StopFailure{{Device: "motor", Err: err}}}
		}
		return &devices.StopReport{Stopped: []string{"motor"}}
	}
	task := sched.Start(func(ctx context.Context) (*devices.StopReport, error) {
		return devices.EmergencyStopScheduler(ctx, sched, devs), nil
	})
	task.Await(context.Background())
	r, err := task.Result()
	if !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("calling task ended with %v; want cancelled by the emergency stop", err)
	}
	if got, want := r.(*devices.StopReport).String(), "Emergency stop: 1 task cancelled, 1 device stopped"; got != want {
		t.Errorf("report = %q; want %q", got, want)
	}
}

func TestEmergencyStopDevicesPanic(t *testing.T) {
	sched := tasks.NewScheduler(context.Background())
	r := devices.EmergencyStopScheduler(context.Background(), sched, func(context.Context) *devices.StopReport {
		panic("registry broken")
	})
	if want := "Emergency stop: 0 tasks cancelled, 0 devices stopped, 1 failed (devices: emergency stop panicked: registry broken)"; r.String() != want {
		t.Errorf("report = %q; want %q", r, want)
	}
}

// ctrl-k during background moves stops every motor where it is and closes
// the shutter.
func TestEmergencyStopDevices(t *testing.T) {
	m1, m2 := motors.NewLinear("estop_m1"), motors.NewLinear("estop_m2")
	shutter := shutters.New("estop_shutter")
	if _, err := shutter.Open().Await(ctx); err != nil {
		t.Fatal(err)
	}
	moves := []*tasks.Task{m1.SetPosition(10 * q.MM), m2.SetPosition(-10 * q.MM)}
	time.Sleep(50 * time.Millisecond) // both move at 1 mm/s
	r := devices.EmergencyStopEverything(ctx)
	for _, name := range []string{"estop_m1", "estop_m2", "estop_shutter"} {
		if !slices.Contains(r.Stopped, name) {
			t.Errorf("report %q does not name %s as stopped", r, name)
		}
	}
	// Other tests' devices that fail on purpose may still be live here.
	if r.Tasks < 2 {
		t.Errorf("report = %q; want both moves cancelled", r)
	}
	for _, mv := range moves {
		if _, err := mv.Await(ctx); !errors.Is(err, tasks.ErrEmergencyStop) {
			t.Errorf("move ended with %v; want cancelled by the emergency stop", err)
		}
	}
	p1, p2 := m1.Position(), m2.Position()
	if p1 <= 0 || p1 >= 10*q.MM || p2 >= 0 || p2 <= -10*q.MM {
		t.Errorf("motors stopped at %v and %v; want between start and target", p1, p2)
	}
	time.Sleep(50 * time.Millisecond)
	if m1.Position() != p1 || m2.Position() != p2 {
		t.Errorf("motors went on moving after the emergency stop: %v -> %v, %v -> %v", p1, m1.Position(), p2, m2.Position())
	}
	if st := shutter.State(); st != devices.Closed {
		t.Errorf("shutter is %v after the emergency stop; want closed", st)
	}
}

package keys

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/tasks"
)

func TestReportString(t *testing.T) {
	tests := []struct {
		name string
		r    Report
		want string
	}{
		{"nothing", Report{}, "Emergency stop: 0 tasks cancelled, 0 devices stopped"},
		{"one each", Report{Tasks: 1, Stopped: []string{"motor"}}, "Emergency stop: 1 task cancelled, 1 device stopped"},
		{"failures", Report{
			Tasks:    3,
			Stopped:  []string{"motor", "motor2"},
			Failed:   []DeviceError{{"shutter", errors.New("jammed")}},
			TimedOut: []string{"camera"},
		}, "Emergency stop: 3 tasks cancelled, 2 devices stopped, 1 failed (shutter: jammed), 1 timed out (camera)"},
		{"many timed out", Report{TimedOut: []string{"m1", "m2", "m3", "m4", "m5"}},
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

// block is a task that waits for its cancellation.
func block(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

func TestEmergencyStop(t *testing.T) {
	sched := tasks.NewScheduler(context.Background())
	bg := sched.Start(block)
	fg := sched.Start(block, tasks.AsForeground())
	var tasksLeft atomic.Int64
	devs := func(ctx context.Context) ([]string, []DeviceError, []string) {
		// The devices are told while the tasks are being cancelled, not
		// after they have ended.
		tasksLeft.Store(int64(sched.Len()))
		return []string{"motor"}, []DeviceError{{"shutter", errors.New("jammed")}}, []string{"camera"}
	}
	r := emergencyStop(context.Background(), sched, devs)
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
	devs := func(ctx context.Context) ([]string, []DeviceError, []string) {
		time.Sleep(10 * time.Millisecond) // the task's context is cancelled meanwhile
		if err := ctx.Err(); err != nil {
			return nil, []DeviceError{{"motor", err}}, nil
		}
		return []string{"motor"}, nil, nil
	}
	task := sched.Start(func(ctx context.Context) (Report, error) {
		return emergencyStop(ctx, sched, devs), nil
	})
	task.Await(context.Background())
	r, err := task.Result()
	if !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("calling task ended with %v; want cancelled by the emergency stop", err)
	}
	if got, want := r.(Report).String(), "Emergency stop: 1 task cancelled, 1 device stopped"; got != want {
		t.Errorf("report = %q; want %q", got, want)
	}
}

func TestEmergencyStopDevicesPanic(t *testing.T) {
	sched := tasks.NewScheduler(context.Background())
	r := emergencyStop(context.Background(), sched, func(context.Context) ([]string, []DeviceError, []string) {
		panic("registry broken")
	})
	if want := "Emergency stop: 0 tasks cancelled, 0 devices stopped, 1 failed (devices: emergency stop panicked: registry broken)"; r.String() != want {
		t.Errorf("report = %q; want %q", r, want)
	}
}

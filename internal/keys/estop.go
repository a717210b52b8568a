package keys

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/tasks"
)

// Report says what one emergency stop did. It prints as one short line.
type Report struct {
	Tasks    int                   // tasks running at the stop, all cancelled
	Stopped  []string              // devices whose emergency stop succeeded
	Failed   []devices.StopFailure // devices whose emergency stop returned an error
	TimedOut []string              // devices that did not answer in time
	Took     time.Duration         // from the call until every device answered or timed out

	cancelled time.Time // when every task had been told; for the benchmark
}

// OK reports whether every device stopped.
func (r Report) OK() bool { return len(r.Failed) == 0 && len(r.TimedOut) == 0 }

// String gives the report as printed after ctrl-k:
//
//	Emergency stop: 3 tasks cancelled, 2 devices stopped, 1 failed (shutter: jammed), 1 timed out (camera)
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Emergency stop: %s cancelled, %s stopped", plural(r.Tasks, "task"), plural(len(r.Stopped), "device"))
	if len(r.Failed) > 0 {
		names := make([]string, len(r.Failed))
		for i, f := range r.Failed {
			// Device errors often name the device already.
			names[i] = f.Err.Error()
			if !strings.HasPrefix(names[i], f.Device+":") && !strings.HasPrefix(names[i], f.Device+".") {
				names[i] = f.Device + ": " + names[i]
			}
		}
		fmt.Fprintf(&b, ", %d failed (%s)", len(r.Failed), list(names))
	}
	if len(r.TimedOut) > 0 {
		fmt.Fprintf(&b, ", %d timed out (%s)", len(r.TimedOut), list(r.TimedOut))
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// list keeps the line short: the first few names, then how many more.
func list(names []string) string {
	const show = 3
	if len(names) <= show {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:show], ", "), len(names)-show)
}

// deviceStops calls emergency stop on every registered device at once and
// says how each went: devices.EmergencyStopAll, or a fake in tests.
type deviceStops func(ctx context.Context) *devices.StopReport

// EmergencyStop is ctrl-k: it cancels every task of the Default scheduler,
// foreground and background, with tasks.ErrEmergencyStop, and at the same
// moment calls emergency stop on every registered device. It returns when
// every device has answered or timed out; the tasks go on winding down.
//
// ctx's values are kept but not its cancellation: an emergency stop called
// from inside a task cancels that task too, and must still finish.
func EmergencyStop(ctx context.Context) Report {
	return emergencyStop(ctx, tasks.Default, devices.EmergencyStopAll)
}

func emergencyStop(ctx context.Context, sched *tasks.Scheduler, devs deviceStops) Report {
	start := time.Now()
	ctx = context.WithoutCancel(ctx)
	// Counted before the devices are told: a device's stop may end its
	// operation's task before CancelAll gets to it, cancelled all the same.
	running := sched.Len()
	done := make(chan *devices.StopReport, 1)
	go func() {
		var d *devices.StopReport
		defer func() {
			if v := recover(); v != nil {
				d = &devices.StopReport{Failed: []devices.StopFailure{{Device: "devices", Err: fmt.Errorf("emergency stop panicked: %v", v)}}}
			}
			done <- d
		}()
		d = devs(ctx)
	}()
	n := sched.CancelAll(tasks.ErrEmergencyStop)
	cancelled := time.Now()
	d := <-done
	if d == nil {
		d = &devices.StopReport{}
	}
	return Report{Tasks: max(n, running), Stopped: d.Stopped, Failed: d.Failed, TimedOut: d.TimedOut, Took: time.Since(start), cancelled: cancelled}
}

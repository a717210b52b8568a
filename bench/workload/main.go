// Command workload runs one of concert's benchmark workloads in Go and
// prints {"seconds": ...}, the time spent in the workload itself. The
// runner (bench/compare) runs it beside bench/workload.py, which does the
// same in Python asyncio, and reads peak memory from the process's resource
// usage for both.
//
// Usage: go run ./bench/workload WORKLOAD N
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// workloads maps a name to a function that runs it n times over and returns
// the time to report; each does its own setup outside that time where the
// Python side does too.
var workloads = map[string]func(n int) (time.Duration, error){
	"start-await":  startAwait,
	"gather-sleep": gatherSleep,
	"cancel-all":   cancelAll,

	"emergency-stop": emergencyStop,
	"param-get-set":  paramGetSet,
}

func main() {
	if len(os.Args) != 3 {
		fail(fmt.Errorf("usage: workload WORKLOAD N (workloads: %v)", names()))
	}
	run, ok := workloads[os.Args[1]]
	if !ok {
		fail(fmt.Errorf("unknown workload %q (workloads: %v)", os.Args[1], names()))
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fail(fmt.Errorf("N must be a positive number, got %q", os.Args[2]))
	}
	// Log as the shell does, formatting every record, but not to a terminal.
	logs.Set(slog.New(slog.NewJSONHandler(io.Discard, nil)), nil, nil)
	d, err := run(n)
	if err != nil {
		fail(err)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]float64{"seconds": d.Seconds()})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "workload:", err)
	os.Exit(2)
}

func names() []string {
	var list []string
	for name := range workloads {
		list = append(list, name)
	}
	sort.Strings(list)
	return list
}

func trivial(context.Context) (any, error) { return 1, nil }

func startAwait(n int) (time.Duration, error) {
	start := time.Now()
	ts := make([]*tasks.Task, n)
	for i := range ts {
		ts[i] = tasks.Start(trivial)
	}
	for _, t := range ts {
		if _, err := t.Await(context.Background()); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func gatherSleep(n int) (time.Duration, error) {
	start := time.Now()
	ts := make([]*tasks.Task, n)
	for i := range ts {
		ts[i] = tasks.Start(func(ctx context.Context) (any, error) {
			select {
			case <-time.After(10 * time.Millisecond):
				return 1, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		})
	}
	_, err := tasks.Gather(context.Background(), ts...)
	return time.Since(start), err
}

// cancelAll times what ctrl-k's cancellation costs: from CancelAll to every
// task ended, with n tasks waiting.
func cancelAll(n int) (time.Duration, error) {
	ts := make([]*tasks.Task, n)
	var waiting sync.WaitGroup
	waiting.Add(n)
	for i := range ts {
		ts[i] = tasks.Start(func(ctx context.Context) error {
			done := ctx.Done()
			waiting.Done()
			<-done
			return ctx.Err()
		})
	}
	// Like the Python side, every task waits before the clock starts; a
	// task cancelled before it first ran would cost less than one woken.
	waiting.Wait()
	time.Sleep(10 * time.Millisecond) // the last few from Done to parked
	start := time.Now()
	if got := tasks.CancelAll(tasks.ErrEmergencyStop); got != n {
		return 0, fmt.Errorf("CancelAll cancelled %d of %d tasks", got, n)
	}
	tasks.Gather(context.Background(), ts...)
	return time.Since(start), nil
}

// emergencyStop times ctrl-k's device side: EmergencyStopAll over n devices
// whose stop takes 10 ms each. Each device may take a minute instead of
// the shell's 2 s: on a loaded machine a device that timed out would fail
// the run (the smoke test did), and what is measured is the fan-out.
func emergencyStop(n int) (time.Duration, error) {
	devs := make([]*devices.Base, n)
	for i := range devs {
		devs[i], _ = devices.New(devices.Config{Name: fmt.Sprint("slow", i), EmergencyStop: func(ctx context.Context) error {
			select {
			case <-time.After(10 * time.Millisecond):
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}})
	}
	start := time.Now()
	report := devices.EmergencyStopAllWithin(context.Background(), time.Minute)
	d := time.Since(start)
	if !report.OK() {
		return 0, fmt.Errorf("emergency stop: %v", report)
	}
	runtime.KeepAlive(devs)
	return d, nil
}

// paramGetSet times n gets and n sets to the current value on a dummy
// motor that does not move, each awaited like at the prompt.
func paramGetSet(n int) (time.Duration, error) {
	m := motors.NewLinear("motor")
	ctx := context.Background()
	start := time.Now()
	for range n {
		v, err := m.GetPosition().Await(ctx)
		if err != nil {
			return 0, err
		}
		if _, err := m.SetPosition(v.(q.Length)).Await(ctx); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

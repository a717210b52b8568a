package devices

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"weak"
)

// The registry holds every device made by New, weakly: a device nobody
// references any more is collected and leaves it, so a long session that
// makes devices in a loop does not grow.
var registry = struct {
	sync.Mutex
	m map[uint64]weak.Pointer[Base]
}{m: map[uint64]weak.Pointer[Base]{}}

func register(b *Base) {
	registry.Lock()
	registry.m[b.id] = weak.Make(b)
	registry.Unlock()
	runtime.AddCleanup(b, unregister, b.id)
}

func unregister(id uint64) {
	registry.Lock()
	delete(registry.m, id)
	registry.Unlock()
}

// Devices returns the live devices in the order they were made.
func Devices() []*Base {
	registry.Lock()
	list := make([]*Base, 0, len(registry.m))
	for _, w := range registry.m {
		if b := w.Value(); b != nil {
			list = append(list, b)
		}
	}
	registry.Unlock()
	slices.SortFunc(list, func(a, b *Base) int { return cmp.Compare(a.id, b.id) })
	return list
}

// DefaultStopTimeout is how long EmergencyStopAll waits for one device.
const DefaultStopTimeout = 2 * time.Second

// EmergencyStopAll is EmergencyStopAllWithin(ctx, DefaultStopTimeout).
func EmergencyStopAll(ctx context.Context) *StopReport {
	return EmergencyStopAllWithin(ctx, DefaultStopTimeout)
}

// EmergencyStopAllWithin calls EmergencyStop on every live device at once,
// each with its own deadline of timeout (or ctx's, if sooner), and reports
// which stopped, which failed and which did not answer in time. A device
// that hangs delays nobody: it is reported as timed out while its stop
// call may go on in the background. Each device's stop is logged at debug
// level only: the caller logs the report, once.
func EmergencyStopAllWithin(ctx context.Context, timeout time.Duration) *StopReport {
	start := time.Now()
	devs := Devices()
	type result struct {
		name     string
		err      error
		timedOut bool
	}
	results := make([]result, len(devs))
	var wg sync.WaitGroup
	for i, b := range devs {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					results[i] = result{name: b.name, err: fmt.Errorf("panic: %v", v)}
				}
			}()
			dctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				defer func() {
					if v := recover(); v != nil {
						done <- fmt.Errorf("panic: %v", v)
					}
				}()
				done <- b.emergencyStop(dctx, slog.LevelDebug)
			}()
			r := result{name: b.name}
			select {
			case r.err = <-done:
				r.timedOut = r.err != nil && dctx.Err() != nil && errors.Is(r.err, context.DeadlineExceeded)
			case <-dctx.Done():
				r.err, r.timedOut = context.Cause(dctx), true
			}
			results[i] = r
		})
	}
	wg.Wait()
	rep := &StopReport{Took: time.Since(start), Timeout: timeout}
	for _, r := range results {
		switch {
		case r.timedOut:
			rep.TimedOut = append(rep.TimedOut, r.name)
		case r.err != nil:
			rep.Failed = append(rep.Failed, StopFailure{Device: r.name, Err: r.err})
		default:
			rep.Stopped = append(rep.Stopped, r.name)
		}
	}
	return rep
}

// StopReport says what EmergencyStopAll stopped.
type StopReport struct {
	Stopped  []string      // devices that stopped
	Failed   []StopFailure // devices whose stop returned an error
	TimedOut []string      // devices that did not answer within Timeout
	Timeout  time.Duration // the deadline each device had
	Took     time.Duration // how long the whole stop took
}

// StopFailure is one device whose emergency stop failed, and why.
type StopFailure struct {
	Device string
	Err    error
}

// OK reports whether every device stopped.
func (r *StopReport) OK() bool { return len(r.Failed) == 0 && len(r.TimedOut) == 0 }

// String prints the report in one line: "emergency stop: 3 stopped,
// 1 failed (tube: ...), 1 timed out after 2s (camera)".
func (r *StopReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "emergency stop: %d stopped", len(r.Stopped))
	if len(r.Failed) > 0 {
		why := make([]string, len(r.Failed))
		for i, f := range r.Failed {
			why[i] = f.Err.Error()
			if !strings.HasPrefix(why[i], f.Device+":") && !strings.HasPrefix(why[i], f.Device+".") {
				why[i] = f.Device + ": " + why[i]
			}
		}
		fmt.Fprintf(&b, ", %d failed (%s)", len(r.Failed), strings.Join(why, "; "))
	}
	if len(r.TimedOut) > 0 {
		fmt.Fprintf(&b, ", %d timed out after %v (%s)", len(r.TimedOut), r.Timeout, strings.Join(r.TimedOut, ", "))
	}
	return b.String()
}

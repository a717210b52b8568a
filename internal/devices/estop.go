package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// This file is the emergency stop of everything, ctrl-k's: the fan-out
// to every task and every device, its report, and the watchdog that
// triggers it on a condition. Package keys only maps keys and signals
// onto EmergencyStopEverything.

// DefaultStopTimeout is how long EmergencyStopAll waits for one device.
const DefaultStopTimeout = 2 * time.Second

// StopReport says what an emergency stop did: of every task and device
// (EmergencyStopEverything), or of the devices only (EmergencyStopAll,
// Tasks 0). It prints as one short line.
type StopReport struct {
	Tasks    int           // tasks running at the stop, all cancelled
	Stopped  []string      // devices whose emergency stop succeeded
	Failed   []StopFailure // devices whose emergency stop returned an error
	TimedOut []string      // devices that did not answer within Timeout
	Timeout  time.Duration // the deadline each device had
	Took     time.Duration // from the call until every device answered or timed out
	// Cancelled is when every task had been told; benchmarks measure
	// the stop up to it.
	Cancelled time.Time
}

// StopFailure is one device whose emergency stop failed, and why.
type StopFailure struct {
	Device string
	Err    error
}

// OK reports whether every device stopped.
func (r *StopReport) OK() bool { return len(r.Failed) == 0 && len(r.TimedOut) == 0 }

// String gives the report as the shell prints it after ctrl-k:
//
//	Emergency stop: 3 tasks cancelled, 2 devices stopped, 1 failed (shutter: jammed), 1 timed out after 2s (camera)
func (r *StopReport) String() string {
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
		after := ""
		if r.Timeout > 0 {
			after = " after " + r.Timeout.String()
		}
		fmt.Fprintf(&b, ", %d timed out%s (%s)", len(r.TimedOut), after, list(r.TimedOut))
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

// EmergencyStopEverything is ctrl-k: it cancels every task of the
// tasks.Default scheduler, foreground and background, with
// tasks.ErrEmergencyStop, and at the same moment calls emergency stop on
// every live device (EmergencyStopAll). It returns when every device has
// answered or timed out; the tasks go on winding down.
//
// ctx's values are kept but not its cancellation: an emergency stop called
// from inside a task cancels that task too, and must still finish.
func EmergencyStopEverything(ctx context.Context) *StopReport {
	return EmergencyStopScheduler(ctx, tasks.Default, EmergencyStopAll)
}

// EmergencyStopScheduler is EmergencyStopEverything over the tasks of
// sched and the devices devs stops (EmergencyStopAll, or a fake in tests).
// A devs that panics is reported as a failure of "devices".
func EmergencyStopScheduler(ctx context.Context, sched *tasks.Scheduler, devs func(context.Context) *StopReport) *StopReport {
	start := time.Now()
	ctx = context.WithoutCancel(ctx)
	// Counted before the devices are told: a device's stop may end its
	// operation's task before the tasks are cancelled, cancelled all the
	// same.
	running := sched.Len()
	// Every task is held at once: whatever it starts from now on ends
	// cancelled, its function never called, so no operation starts
	// after the devices' stops. The devices stop first, each cancelling
	// its own operations; the tasks are cancelled once the devices have
	// answered (see holdWhileStopping). Cancelling thousands of tasks
	// first would wake them all, and the devices' stops and the
	// operations they end would run only after those had unwound: the
	// runtime runs woken goroutines first in, first out (issue 17).
	cancelAll := sched.Hold(tasks.ErrEmergencyStop)
	defer holdRecords()()
	stopped := make(chan *StopReport, 1)
	answered := &lastAnswer{start: time.Now()}
	go func() { stopped <- stopDevices(context.WithValue(ctx, answeredKey{}, answered), devs) }()
	d := holdWhileStopping(stopped, answered)
	n := cancelAll()
	cancelled := time.Now()
	if d == nil {
		d = <-stopped
	}
	r := *d
	r.Tasks, r.Took, r.Cancelled = max(n, running), time.Since(start), cancelled
	return &r
}

// stopRecords are the audit records of the operations an emergency stop
// ends (a set, cancelled, and where it stopped), made while it runs: each
// is written once the stop has reported, in order, whole and with the
// time it was made. Formatting and writing a record takes longer than a
// dummy motor's whole stop, and each device's stop waits for its
// operations to end: written at once, a thousand of them stood between
// ctrl-k and its report line (issue 17).
var stopRecords struct {
	mu      sync.Mutex
	holds   int      // emergency stops under way
	pending []func() // in the order made
	writing sync.Mutex
}

// holdRecords makes the records wait while an emergency stop runs; the
// function it returns ends the hold and writes them on a goroutine of
// their own (or LogStopRecords writes them first), unless another stop
// still runs.
func holdRecords() (release func()) {
	stopRecords.mu.Lock()
	stopRecords.holds++
	stopRecords.mu.Unlock()
	return func() {
		stopRecords.mu.Lock()
		stopRecords.holds--
		write := stopRecords.holds == 0 && len(stopRecords.pending) > 0
		stopRecords.mu.Unlock()
		if write {
			go writeStopRecords(true)
		}
	}
}

// record writes a record of an operation now, or once the emergency stop
// under way has reported.
func record(write func()) {
	stopRecords.mu.Lock()
	if stopRecords.holds > 0 {
		stopRecords.pending = append(stopRecords.pending, write)
		stopRecords.mu.Unlock()
		return
	}
	stopRecords.mu.Unlock()
	write()
}

// LogStopRecords writes the records of the operations that emergency
// stops ended, if they wait, and returns when they are written. The shell
// calls it after printing a stop's report and before logging it, so that
// the log holds them in order, also when another stop still runs (a
// signal's, on the way out); they are written on their own otherwise.
func LogStopRecords() { writeStopRecords(false) }

// writeStopRecords writes the waiting records in order; with whenIdle,
// only while no emergency stop runs.
func writeStopRecords(whenIdle bool) {
	stopRecords.writing.Lock()
	defer stopRecords.writing.Unlock()
	for {
		stopRecords.mu.Lock()
		if (whenIdle && stopRecords.holds > 0) || len(stopRecords.pending) == 0 {
			stopRecords.mu.Unlock()
			return
		}
		batch := stopRecords.pending
		stopRecords.pending = nil
		stopRecords.mu.Unlock()
		for _, write := range batch {
			func() {
				defer func() { _ = recover() }() // a record lost, never the caller
				write()
			}()
		}
	}
}

// How long an emergency stop lets the devices stop before it cancels the
// tasks (held meanwhile: they run on, but nothing they start runs): as
// long as devices keep answering, up to holdAtMost; a device that hangs
// or answers slowly holds the tasks up by quietFor only.
const (
	quietFor   = 20 * time.Millisecond
	holdAtMost = 200 * time.Millisecond
)

// answeredKey's value in an emergency stop's context is the lastAnswer
// that EmergencyStopAllWithin sets whenever a device has answered.
type answeredKey struct{}

// lastAnswer is when a device last answered (monotonic nanoseconds since
// the hold began), set without waking anyone: a thousand devices
// answering would otherwise wake the holding goroutine and re-arm its
// timer a thousand times.
type lastAnswer struct {
	start time.Time
	at    atomic.Int64
}

func (l *lastAnswer) set() { l.at.Store(int64(time.Since(l.start))) }

// holdWhileStopping returns the devices' report once stopped gives it, or
// nil when no device has answered for quietFor, or after holdAtMost.
func holdWhileStopping(stopped <-chan *StopReport, answered *lastAnswer) *StopReport {
	quiet, most := time.NewTimer(quietFor), time.NewTimer(holdAtMost)
	defer quiet.Stop()
	defer most.Stop()
	for {
		select {
		case d := <-stopped:
			return d
		case <-quiet.C:
			// Quiet since the last answer, or wait out the rest.
			since := time.Since(answered.start) - time.Duration(answered.at.Load())
			if since >= quietFor {
				return nil
			}
			quiet.Reset(quietFor - since)
		case <-most.C:
			return nil
		}
	}
}

// stopDevices calls devs; one that panics is reported as a failure of
// "devices".
func stopDevices(ctx context.Context, devs func(context.Context) *StopReport) (r *StopReport) {
	defer func() {
		if v := recover(); v != nil {
			r = &StopReport{Failed: []StopFailure{{Device: "devices", Err: fmt.Errorf("emergency stop panicked: %v", v)}}}
		}
		if r == nil {
			r = &StopReport{}
		}
	}()
	return devs(ctx)
}

// EmergencyStopAll is EmergencyStopAllWithin(ctx, DefaultStopTimeout).
func EmergencyStopAll(ctx context.Context) *StopReport {
	return EmergencyStopAllWithin(ctx, DefaultStopTimeout)
}

// EmergencyStopAllWithin calls EmergencyStop on every live device at once,
// each with a deadline of timeout from now (or ctx's, if sooner), and
// reports which stopped, which failed and which did not answer in time. A
// device that hangs delays nobody: it is reported as timed out while its
// stop call may go on in the background. Each device's stop is logged at
// debug level only: the caller logs the report, once.
func EmergencyStopAllWithin(ctx context.Context, timeout time.Duration) *StopReport {
	start := time.Now()
	devs := live(true) // replaced devices too: whoever holds one may move it
	// One deadline and one goroutine per device: a thousand devices are
	// told within a millisecond, and nothing else is queued before their
	// stops (see EmergencyStopScheduler).
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	results := make([]error, len(devs))
	answer, _ := ctx.Value(answeredKey{}).(*lastAnswer)
	var (
		mu        sync.Mutex
		remaining = len(devs)
		answered  = make([]bool, len(devs))
		all       = make(chan struct{})
	)
	if remaining == 0 {
		close(all)
	}
	// Every device's operations are cancelled first, here: none of that
	// calls a driver or waits. The operations then end while the devices'
	// stops are started, and most have ended when their device's stop
	// waits for them: one goroutine switch less per device.
	ops := make([][]*tasks.Task, len(devs))
	for i, b := range devs {
		ops[i] = b.stopOps()
	}
	for i, b := range devs {
		go func() {
			err := stopOne(dctx, b, ops[i])
			mu.Lock()
			defer mu.Unlock()
			if dctx.Err() != nil && answered[i] {
				return // reported as timed out already
			}
			results[i], answered[i] = err, true
			if answer != nil {
				answer.set()
			}
			if remaining--; remaining == 0 {
				close(all)
			}
		}()
	}
	select {
	case <-all:
	case <-dctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	rep := &StopReport{Took: time.Since(start), Timeout: timeout}
	for i, b := range devs {
		err := results[i]
		switch {
		case !answered[i] || (err != nil && errors.Is(err, context.DeadlineExceeded) && dctx.Err() != nil):
			rep.TimedOut = append(rep.TimedOut, b.name)
		case err != nil:
			rep.Failed = append(rep.Failed, StopFailure{Device: b.name, Err: err})
		default:
			rep.Stopped = append(rep.Stopped, b.name)
		}
		answered[i] = true // a late answer changes nothing now
	}
	return rep
}

// stopOne is the rest of one device's emergency stop, its operations
// cancelled (Base.stopOps); a panic is its error.
func stopOne(ctx context.Context, b *Base, ops []*tasks.Task) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return b.finishStop(ctx, ops, slog.LevelDebug)
}

// watchdogs runs the watchdogs. They are tasks of their own scheduler
// because an emergency stop cancels every task of the Default one, and a
// safety monitor that its own alarm switches off would watch only once.
var watchdogs = tasks.NewScheduler(context.Background())

// Watchdog starts Concert's check_emergency_stop: a background task that
// calls check every interval and, when it becomes true, triggers the same
// emergency stop as ctrl-k (EmergencyStopEverything) and logs it with the
// report, and prints it where ctrl-k's goes (see SetWatchdogAnnouncer).
// It triggers once per alarm: it re-arms only when check has been false
// again. A check that panics counts as true (fail safe) and the panic's
// value is logged and printed as text.
//
// The task runs until it is cancelled (Task.Cancel); an emergency stop does
// not end it. It does not appear in the Default scheduler's task list.
func Watchdog(check func() bool, interval time.Duration) *tasks.Task {
	return startWatchdog(check, interval, EmergencyStopEverything)
}

func startWatchdog(check func() bool, interval time.Duration, estop func(context.Context) *StopReport) *tasks.Task {
	return watchdogs.Start(func(ctx context.Context) error {
		if check == nil {
			return fmt.Errorf("watchdog: check is nil; want a func() bool that says when to stop everything")
		}
		if interval <= 0 {
			return fmt.Errorf("watchdog: interval must be positive, got %v", interval)
		}
		log := logs.L()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		armed := true
		for {
			alarm, perr := safeCheck(check)
			switch {
			case alarm && armed:
				armed = false
				r := estop(ctx)
				LogStopRecords()
				if perr != nil {
					// As text: a JSON log writes an error value as {}.
					log.Error("watchdog: emergency stop", "report", r.String(), "check_panic", fmt.Sprint(perr))
					announce(fmt.Sprintf("Watchdog alarm (its check panicked: %v). %s", perr, r))
				} else {
					log.Error("watchdog: emergency stop", "report", r.String())
					announce("Watchdog alarm. " + r.String())
				}
			case !alarm && !armed:
				armed = true
				log.Info("watchdog: check cleared, re-armed")
			}
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
			}
		}
	}, tasks.Named("watchdog"))
}

// announcer prints a watchdog's emergency stop for the user; see
// SetWatchdogAnnouncer.
var announcer atomic.Pointer[func(string)]

// SetWatchdogAnnouncer makes say print every watchdog's emergency stop
// report, one line, where the user sees it: the shell (package keys) sets
// it to the terminal, as ctrl-k's report (issue 16: the stop went to the
// log only). Nil, the default, prints on stderr.
func SetWatchdogAnnouncer(say func(msg string)) {
	if say == nil {
		announcer.Store(nil)
		return
	}
	announcer.Store(&say)
}

func announce(msg string) {
	if f := announcer.Load(); f != nil {
		(*f)(msg)
		return
	}
	fmt.Fprintln(os.Stderr, msg)
}

func safeCheck(check func() bool) (alarm bool, perr any) {
	defer func() {
		if v := recover(); v != nil {
			alarm, perr = true, v
		}
	}()
	return check(), nil
}

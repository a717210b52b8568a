package tasks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
)

// State is where a task is in its life. A task starts Running and ends in
// exactly one of Done, Failed or Cancelled.
type State int

const (
	Running    State = iota // the function runs
	Cancelling              // cancel was asked; the function has not returned yet
	Done                    // the function returned without error
	Failed                  // the function returned an error or panicked
	Cancelled               // the context was cancelled before the function returned
)

var stateNames = [...]string{"running", "cancelling", "done", "failed", "cancelled"}

func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return fmt.Sprintf("State(%d)", int(s))
	}
	return stateNames[s]
}

// Ended reports whether s is a final state.
func (s State) Ended() bool { return s >= Done }

// Func is the shape every task function is adapted to. Start accepts the
// other shapes a session writes; see Start.
type Func func(ctx context.Context) (any, error)

// Task is one running or finished function. It is created running by
// Scheduler.Start; the zero value is not usable. All methods are safe for
// concurrent use.
type Task struct {
	// The fields are ordered so that the struct is 176 bytes, not 240: a
	// hundred thousand tasks waiting hold one each (issue 17).
	id   uint64
	name string
	// parent is the task that started t until t ends; then the nearest
	// ancestor still running, so that t's running descendants stay within
	// that ancestor while chains of ended tasks are freed.
	parent atomic.Pointer[Task]
	// held is the cause of a Scheduler.Hold over the task, before its
	// context is cancelled with it.
	held  atomic.Pointer[error]
	sched *Scheduler

	// ctx belongs to the task: it is the context its function receives.
	ctx    taskContext
	cancel context.CancelCauseFunc

	mu     sync.Mutex
	done   chan struct{} // made by the first Done, or at the end if nobody asked
	onEnd  func(*Task)   // AfterEnd's functions, until they run
	state  State
	result any
	err    error
	// started and ended are nanoseconds since epoch: a time.Time is 24
	// bytes, and the clock's monotonic reading is what they are for.
	started int64
	ended   int64

	slot       int32       // in the scheduler's registry, under its shard's lock
	awaited    atomic.Bool // Await was called
	reported   atomic.Bool // ClaimReport was called
	foreground bool
	logged     bool
	over       bool // the end is complete and done is closed
}

// epoch is what Task.started and Task.ended count from.
var epoch = time.Now()

func sinceEpoch() int64 { return int64(time.Since(epoch)) }

// ID is unique within the process and grows with every task started.
func (t *Task) ID() uint64 { return t.id }

// Name is the name given at start, or the function's name.
func (t *Task) Name() string { return t.name }

// Foreground reports whether the task is a command typed at the prompt.
func (t *Task) Foreground() bool { return t.foreground }

// Parent is the task that started t: the one given with ChildOf, or else
// the task running on the goroutine that called Start (see
// Scheduler.Current). It records who asked for the work, for locks; it
// does not tie the lifetimes. It is nil once t has ended.
func (t *Task) Parent() *Task {
	if t.hasEnded() {
		return nil
	}
	return t.parent.Load()
}

// Within reports whether t is other or was started, directly or through
// other tasks, from inside other.
func (t *Task) Within(other *Task) bool {
	for p := t; p != nil; p = p.parent.Load() {
		if p == other {
			return true
		}
	}
	return false
}

// State returns the task's state now.
func (t *Task) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state == Running && t.ctx.Err() != nil {
		// Cancelled through the scheduler's root context, not CancelCause.
		return Cancelling
	}
	return t.state
}

// Started returns when the task started.
func (t *Task) Started() time.Time { return epoch.Add(time.Duration(t.started)) }

// Ended returns when the task ended, or the zero time while it runs.
func (t *Task) Ended() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.state.Ended() {
		return time.Time{}
	}
	return epoch.Add(time.Duration(t.ended))
}

// endedNow is hasEnded without the lock while t's context is not
// cancelled, which it is before t ends: the tasks a command starts all
// look at the command as they end, and would all take its lock.
func (t *Task) endedNow() bool { return t.ctx.Err() != nil && t.hasEnded() }

func (t *Task) hasEnded() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.over
}

// Done is closed when the task has ended.
func (t *Task) Done() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	// Made on demand: most tasks end before anyone waits for them.
	if t.done == nil {
		t.done = make(chan struct{})
	}
	return t.done
}

// AfterEnd arranges for f to run once the task has ended, on the goroutine
// that ended it, after Done is closed; if the task has ended already, f
// runs at once on the calling goroutine. f must be short: it is what
// watches a task without a goroutine waiting on Done for each one. A panic
// in f is logged, not passed on.
func (t *Task) AfterEnd(f func()) { t.AfterEndOf(func(*Task) { f() }) }

// AfterEndOf is AfterEnd for a function that is given the task: one such
// function made once can watch every task, where AfterEnd's function is a
// closure allocated for each (the shell watches every task a session
// starts).
func (t *Task) AfterEndOf(f func(*Task)) {
	t.mu.Lock()
	if !t.over {
		// One function in a field of its own, not a slice: nearly every
		// task has at most one (the shell's watch), and a slice would be
		// 16 bytes more per task and an allocation per task.
		if prev := t.onEnd; prev != nil {
			t.onEnd = func(*Task) { t.runHook(prev); t.runHook(f) }
		} else {
			t.onEnd = f
		}
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	t.runHook(f)
}

func (t *Task) runHook(f func(*Task)) {
	defer func() {
		if v := recover(); v != nil {
			t.sched.log(func(l *slog.Logger) {
				l.Error("a function run after a task's end panicked", "task", t.id, "name", t.name, "panic", fmt.Sprint(v))
			})
		}
	}()
	f(t)
}

// Cancel asks the task to stop, with ErrCancelled as the cause. It returns
// at once; see the package doc for what follows.
func (t *Task) Cancel() { t.CancelCause(ErrCancelled) }

// CancelCause asks the task to stop and records why. Only the first cause
// counts; cancelling an ended task does nothing.
func (t *Task) CancelCause(cause error) { t.cancelCause(cause) }

// cancelCause reports whether the task had not ended yet.
func (t *Task) cancelCause(cause error) bool {
	if cause == nil {
		cause = ErrCancelled
	}
	t.mu.Lock()
	ended := t.state.Ended()
	if t.state == Running {
		t.state = Cancelling
	}
	t.mu.Unlock()
	if !ended {
		t.cancel(cause)
	}
	return !ended
}

// Result returns the result and error of an ended task without waiting.
// While the task runs it returns nil, nil; use Await to wait.
func (t *Task) Result() (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.result, t.err
}

// Err returns the error of an ended task, or nil.
func (t *Task) Err() error {
	_, err := t.Result()
	return err
}

// Await waits until the task ends and returns its result and error. If ctx
// is cancelled first, the task is cancelled with ctx's cause and Await still
// waits for it to end. Awaiting an ended task returns at once, each time
// with the same result. A task cannot await itself.
func (t *Task) Await(ctx context.Context) (any, error) {
	t.awaited.Store(true)
	done := t.Done()
	select {
	case <-done:
		return t.Result()
	default:
	}
	if FromContext(ctx) == t {
		return nil, fmt.Errorf("task %d %s cannot await itself", t.id, t.name)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.CancelCause(context.Cause(ctx))
		<-done
	}
	return t.Result()
}

// Awaited reports whether Await has been called on the task: its outcome
// then reaches whoever awaits it, and need not be reported otherwise.
func (t *Task) Awaited() bool { return t.awaited.Load() }

// ClaimReport returns true the first time it is called and false after:
// whoever watches tasks to report their failures claims each report, so a
// failure is told once however many watch it.
func (t *Task) ClaimReport() bool { return t.reported.CompareAndSwap(false, true) }

// String prints the task for people: <task 3 motor.Home: running>.
func (t *Task) String() string {
	return fmt.Sprintf("<task %d %s: %s>", t.id, t.name, t.State())
}

// record sets the outcome. A cancelled context wins over what the function
// returned; see the package doc.
func (t *Task) record(result any, err error) (State, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.result = result
	err = checked(err)
	cause := context.Cause(&t.ctx)
	switch {
	case cause != nil:
		t.state = Cancelled
		t.err = &CancelledError{TaskID: t.id, TaskName: t.name, Cause: cause, Err: nonCancel(err)}
	case err != nil:
		t.state = Failed
		t.err = err
	default:
		t.state = Done
	}
	t.ended = sinceEpoch()
	return t.state, t.err
}

// end logs the recorded outcome, frees what the task held and tells its
// waiters.
func (t *Task) end(state State, err error) {
	t.sched.logEnd(t, state, err)
	// Release the context's resources; the cause is already recorded.
	t.cancel(errTaskEnded)
	p := t.parent.Load()
	for p != nil && p.endedNow() {
		p = p.parent.Load()
	}
	t.parent.Store(p)
	t.mu.Lock()
	t.over = true
	if t.done == nil {
		t.done = closedChan
	} else {
		close(t.done)
	}
	hook := t.onEnd
	t.onEnd = nil
	t.mu.Unlock()
	if hook != nil {
		t.runHook(hook)
	}
}

// checked returns err, or, when err is a nil pointer whose methods panic
// (var e *MyError; return e), an error saying so: the task's error is
// printed, logged and unwrapped later, and that must not crash the shell.
func checked(err error) (safe error) {
	if err == nil || err == context.Canceled {
		return err
	}
	if v := reflect.ValueOf(err); v.Kind() != reflect.Pointer || !v.IsNil() {
		return err
	}
	defer func() {
		if recover() != nil {
			safe = fmt.Errorf("a nil %T returned as error", err)
		}
	}()
	_ = err.Error()
	_ = errors.Is(err, context.Canceled) // runs its Unwrap and Is methods
	return err
}

// nonCancel drops errors that only repeat the cancellation.
func nonCancel(err error) error {
	if err == nil || err == context.Canceled || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

// closedChan is the Done of every task that ended before anyone asked.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

type taskKey struct{}

// taskContext is a task's cancellable context that also answers
// FromContext, without a context.WithValue allocation per task.
type taskContext struct {
	context.Context
	task *Task
}

func (c *taskContext) Value(key any) any {
	if key == (taskKey{}) {
		return c.task
	}
	return c.Context.Value(key)
}

// FromContext returns the task whose context ctx is or derives from, or nil.
func FromContext(ctx context.Context) *Task {
	t, _ := ctx.Value(taskKey{}).(*Task)
	return t
}

package tasks

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/petermattis/goid"

	"github.com/concert-go/concert/internal/logs"
)

// Scheduler starts tasks and lists the ones that run. Ended tasks leave the
// list at once, so a long session does not grow. Create one with
// NewScheduler; Default serves the shell.
type Scheduler struct {
	root context.Context

	running registry // while their functions run
	fg      atomic.Pointer[Task]

	logger func() *slog.Logger // nil: no log
}

// Default is the scheduler the shell and the devices use. It logs to the
// shell's logger (package logs), never slog.Default, which a session may
// replace: see logEnd for what at which level.
var Default = func() *Scheduler {
	s := NewScheduler(context.Background())
	s.logger = logs.L
	return s
}()

var nextID atomic.Uint64

// NewScheduler returns a scheduler whose tasks derive their contexts from
// root: cancelling root cancels every task it starts.
func NewScheduler(root context.Context) *Scheduler {
	return &Scheduler{root: root}
}

// Option changes how a task is started.
type Option func(*Task)

// Named gives the task a name for tasks() and errors, such as "motor.Home".
func Named(name string) Option { return func(t *Task) { t.name = name } }

// ChildOf records p as the task that asked for this one (see Task.Parent),
// instead of the task running on the calling goroutine: for code that has
// its caller's context (FromContext) or found the caller earlier.
func ChildOf(p *Task) Option { return func(t *Task) { t.parent.Store(p) } }

// Logged logs the task's cancellation at info level instead of debug: for
// the commands a user types and the tasks they start, whose cancellation
// the user caused or saw; a device operation's own tasks would drown them.
// Starts and successful ends are at debug level for every task (see
// logEnd).
func Logged() Option { return func(t *Task) { t.logged = true } }

// AsForeground marks the task as the command typed at the prompt.
func AsForeground() Option { return func(t *Task) { t.foreground = true } }

// Start runs f on a new goroutine as a task and returns it at once. f is a
// func taking a context.Context or nothing, returning (T, error), error, T
// or nothing; anything else gives a task that has already failed, with an
// error that says which shapes work.
func (s *Scheduler) Start(f any, opts ...Option) *Task {
	fn, name, err := adapt(f, nil)
	return s.start(fn, name, err, opts)
}

func (s *Scheduler) start(fn Func, name string, adaptErr error, opts []Option) *Task {
	t := &Task{
		id:      nextID.Add(1),
		name:    name,
		sched:   s,
		started: sinceEpoch(),
	}
	for _, o := range opts {
		o(t)
	}
	if t.parent.Load() == nil {
		// A task started inside a lock's holder must count as the
		// holder's, or its device operations wait for the lock forever.
		t.parent.Store(s.Current())
	}
	ctx, cancel := context.WithCancelCause(s.root)
	t.ctx = taskContext{ctx, t}
	t.cancel = cancel
	if adaptErr != nil {
		t.end(t.record(nil, adaptErr))
		return t
	}
	if cancelledBy(t.parent.Load(), ErrEmergencyStop) {
		// An emergency stop never restarts anything: work asked for by a
		// task it cancelled (one that ignored its context and went on)
		// does not run at all.
		cancel(ErrEmergencyStop)
		t.end(t.record(nil, nil))
		return t
	}
	s.running.add(t)
	if t.foreground {
		s.fg.Store(t)
	}
	s.log(func(l *slog.Logger) {
		if l.Enabled(context.Background(), slog.LevelDebug) {
			l.Debug("task started", "task", t.id, "name", t.name, "foreground", t.foreground)
		}
	})
	workers.launch(t, fn)
	return t
}

func (t *Task) run(fn Func, w *worker) {
	s := t.sched
	w.task.Store(t)
	var (
		result   any
		err      error
		returned bool
	)
	defer func() {
		if v := recover(); v != nil {
			result, err = nil, &PanicError{Value: v, Stack: debug.Stack()}
		} else if !returned {
			// runtime.Goexit (t.FailNow, a library giving up) unwinds
			// without a result: that must not read as success.
			err = fmt.Errorf("task %d %s: the function called runtime.Goexit instead of returning", t.id, t.name)
		}
		w.task.Store(nil)
		// The outcome is recorded before the task leaves the registry, so
		// whoever sees it gone (Len, List, Wait, Foreground) finds its
		// final state.
		state, terr := t.record(result, err)
		s.running.remove(t)
		if t.foreground {
			s.fg.CompareAndSwap(t, nil)
		}
		t.end(state, terr)
	}()
	result, err = fn(&t.ctx)
	returned = true
}

// Current returns the task whose function runs on the calling goroutine.
// Code that has a context should use FromContext instead. On a goroutine
// that is no task's, such as the one the interpreter evaluates a prompt
// command on, Current returns the running foreground task, or nil.
//
// Go hides goroutine identity on purpose; the scheduler needs it only to
// tell which task calls a device operation that takes no context
// (motor.SetPosition(x) typed in a session), so that the operations of a
// lock's holder are let through and everyone else's wait.
func (s *Scheduler) Current() *Task {
	if w, ok := onGoroutine.Load(goid.Get()); ok {
		if t := w.task.Load(); t != nil && t.sched == s {
			return t
		}
	}
	return s.fg.Load()
}

// logEnd logs how t ended. The session log is an audit trail, not a
// trace: a failure is logged at info level; a cancellation at info level
// for a Logged task (a command, a task the user started), unless an
// emergency stop or the shell's exit cancelled it, whose one record
// counts the tasks; everything else at debug level. A hundred thousand
// tasks that succeed write nothing at the default level.
func (s *Scheduler) logEnd(t *Task, state State, err error) {
	s.log(func(l *slog.Logger) {
		ctx := context.Background()
		switch state {
		case Done:
			if l.Enabled(ctx, slog.LevelDebug) {
				l.Debug("task done", "task", t.id, "name", t.name)
			}
		case Cancelled:
			cause := context.Cause(&t.ctx)
			level := slog.LevelDebug
			if t.logged && !errors.Is(cause, ErrEmergencyStop) && !errors.Is(cause, ErrShutdown) {
				level = slog.LevelInfo
			}
			if l.Enabled(ctx, level) {
				l.Log(ctx, level, "task cancelled", "task", t.id, "name", t.name, "cause", cause)
			}
		default:
			l.Info("task failed", "task", t.id, "name", t.name, "err", err)
		}
	})
}

// log calls write with the scheduler's logger, if it has one. Logging is
// not a task's work: a handler that panics (or an error whose Error method
// does) loses the record, never the task's end or the process.
func (s *Scheduler) log(write func(*slog.Logger)) {
	if s.logger == nil {
		return
	}
	defer func() { _ = recover() }()
	write(s.logger())
}

// Foreground returns the running foreground task, or nil.
func (s *Scheduler) Foreground() *Task { return s.fg.Load() }

// List returns the running tasks, oldest first.
func (s *Scheduler) List() []*Task {
	list := s.running.appendAll(make([]*Task, 0, s.Len()))
	slices.SortFunc(list, func(a, b *Task) int { return cmp.Compare(a.id, b.id) })
	return list
}

// Len returns how many tasks run.
func (s *Scheduler) Len() int { return s.running.len() }

// CancelAll cancels every running task with cause and returns how many it
// cancelled. Like Task.Cancel it does not wait; use Wait for that.
func (s *Scheduler) CancelAll(cause error) int { return s.Hold(cause)() }

// Hold is CancelAll in two steps. At once it marks every running task: a
// task started from inside one of them from now on ends cancelled with
// cause at once, its function never called, as from a cancelled one.
// Nothing is woken: the tasks run on. The function it returns cancels
// them (and what they started meanwhile) and returns how many, as
// CancelAll does; it must be called, once.
//
// An emergency stop holds every task while the devices stop, then
// cancels them: each cancelled task is a goroutine woken, the runtime
// runs woken goroutines first in, first out, and the devices' stops, the
// operations they end and the report would otherwise queue behind
// thousands of cancelled tasks unwinding (issue 17).
func (s *Scheduler) Hold(cause error) (cancelAll func() int) {
	watermark := nextID.Load()
	list := s.running.appendAll(make([]*Task, 0, s.Len()))
	for _, t := range list {
		t.held.Store(&cause)
	}
	return func() int { return s.cancelListed(list, watermark, cause) }
}

// cancelListed cancels the tasks of list with cause, and those started
// after the one numbered watermark from inside them.
//
// Cancelling wakes each task's goroutine, and the runtime runs woken
// goroutines first in, first out: a teller that the runtime preempts (it
// ran 10 ms, or the machine's other processes took its core) waits behind
// every task it woke, hundreds of milliseconds when they are interpreted
// (issue 17). So no teller is waited for: several share the list, taking
// a batch at a time, and the first to find none left wakes the caller,
// which tells whatever is still untold (the rest of a preempted teller's
// batch) itself.
func (s *Scheduler) cancelListed(list []*Task, watermark uint64, cause error) int {
	// For an emergency stop Start refuses whatever a held task starts, so
	// the tasks started before Hold reached their parents are all the
	// sweep can find: it looks before any task is woken, while the
	// registry's locks are quiet (thousands of woken tasks take them to
	// leave it, and one preempted holding a lock kept the sweep, and the
	// report, waiting behind all the others).
	swept, early := 0, errors.Is(cause, ErrEmergencyStop)
	if early {
		swept = s.sweep(watermark, cause, true)
	}
	const batch = 32
	// A task's state here: untold, being told, told while it ran, or
	// found ended.
	const (
		untold = iota
		telling
		toldRunning
		toldEnded
	)
	state := make([]atomic.Uint32, len(list))
	tell := func(i int) {
		if state[i].Load() != untold || !state[i].CompareAndSwap(untold, telling) {
			return
		}
		r := uint32(toldEnded)
		if list[i].cancelCause(cause) {
			r = toldRunning
		}
		state[i].Store(r)
	}
	var next atomic.Int64
	ranOut := make(chan struct{})
	var once sync.Once
	// More tellers than cores: started before any task is woken, the
	// ones waiting for a core are queued ahead of every woken task.
	tellers := min(2*runtime.GOMAXPROCS(0), 1+len(list)/batch)
	for range tellers {
		go func() {
			for {
				i := int(next.Add(batch)) - batch
				if i >= len(list) {
					break
				}
				part := list[i:min(i+batch, len(list))]
				warm(part)
				for j := range part {
					tell(i + j)
				}
			}
			once.Do(func() { close(ranOut) })
		}()
	}
	<-ranOut
	n := 0
	for i, t := range list {
		tell(i)
		switch state[i].Load() {
		case toldRunning:
			n++
		case telling:
			// Another teller has it, and may have been preempted before
			// telling: telling twice does no harm.
			if t.ctx.Err() == nil {
				t.cancelCause(cause)
			}
			n++
		}
	}
	if !early {
		swept = s.sweep(watermark, cause, false)
	}
	// A listed task may have ended meanwhile; only the others count.
	return n + swept
}

// sweep cancels with cause the tasks started after the one numbered
// watermark by a task that was cancelled with cause: a task may start work
// after CancelAll listed the running tasks and before it reached that
// task. A few passes catch the work that work starts in turn; a task that
// keeps starting more after its cancellation is not chased for ever (for
// an emergency stop, Start refuses such work anyway). With listed, the
// listed tasks (held: Hold marked them) are left to the tellers, which
// count them.
func (s *Scheduler) sweep(watermark uint64, cause error, listed bool) int {
	n := 0
	for range 3 {
		found := 0
		for _, t := range s.running.appendAll(nil) {
			if t.id > watermark && t.ctx.Err() == nil && (!listed || t.held.Load() == nil) &&
				cancelledBy(t.parent.Load(), cause) && t.cancelCause(cause) {
				found++
			}
		}
		if found == 0 {
			break
		}
		n += found
	}
	return n
}

// cancelledBy reports whether t or a task above it was cancelled, or held
// (see Hold), with cause.
func cancelledBy(t *Task, cause error) bool {
	for p := t; p != nil; p = p.parent.Load() {
		if c := context.Cause(&p.ctx); c != nil && errors.Is(c, cause) {
			return true
		}
		if h := p.held.Load(); h != nil && errors.Is(*h, cause) {
			return true
		}
	}
	return false
}

// warm reads, without taking locks, the memory that cancelling ts will
// lock and write: the task, its context and the context's channel. A
// hundred thousand tasks do not fit in the caches, and loads without locks
// between them wait for memory side by side instead of one after another.
func warm(ts []*Task) {
	n := 0
	for _, t := range ts {
		n += len(t.ctx.Done())
	}
	runtime.KeepAlive(n)
}

// Wait blocks until no task runs, including tasks started meanwhile, or
// until ctx is done, and then returns ctx's cause.
func (s *Scheduler) Wait(ctx context.Context) error {
	for {
		list := s.List()
		if len(list) == 0 {
			return nil
		}
		for _, t := range list {
			select {
			case <-t.Done():
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
	}
}

// Start runs f as a task of the Default scheduler; see Scheduler.Start.
func Start(f any, opts ...Option) *Task { return Default.Start(f, opts...) }

// Current returns the Default scheduler's task on the calling goroutine;
// see Scheduler.Current.
func Current() *Task { return Default.Current() }

// List returns the Default scheduler's running tasks, oldest first.
func List() []*Task { return Default.List() }

// CancelAll cancels every task of the Default scheduler.
func CancelAll(cause error) int { return Default.CancelAll(cause) }

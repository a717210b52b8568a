package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// Device is what every device has: the small contract the registry,
// emergency stop and the shell's tables rely on.
type Device interface {
	Name() string
	State() State
	// EmergencyStop brings the device to a standstill as fast as it can,
	// whatever it is doing and whoever holds it; see the package doc.
	EmergencyStop(ctx context.Context) error
}

// Stopper is a device whose motion can be stopped in a planned way.
// Unlike EmergencyStop it waits for exclusive access like any operation.
type Stopper interface {
	Stop() *tasks.Task
}

// Homer is a device that can find its home position.
type Homer interface {
	Home() *tasks.Task
}

// Config describes a device to New.
type Config struct {
	Name string // how the session calls it: "motor"
	Kind string // what it is, for tables: "linear motor"
	// State is the state it starts in; Standby if empty.
	State State
	// EmergencyStop is the driver's stop-at-once: halt the motion, close
	// the shutter, switch off the beam. It runs after the device's
	// operations were cancelled, without waiting for them or for any lock.
	// Nil means cancelling the operations is enough.
	EmergencyStop func(ctx context.Context) error
	// Wrap, if set, is applied to every function the device is handed
	// (EmergencyStop, an operation's function and Check, a parameter's
	// Get, Set, Limits and Check) before it keeps or calls it, and must
	// give back a function of the same type. The shell sets it for a
	// device written in the session: interpreted code that the device
	// calls on a goroutine of its own must hold its share of the
	// interpreter from the call's first step (package repl).
	Wrap func(f any) any
}

var nextDeviceID atomic.Uint64

// Base is the part of every device the user sees: name, state, parameters,
// write locks, stash and restore, emergency stop. Devices embed a *Base
// made by New. All methods are safe for concurrent use.
type Base struct {
	id    uint64
	name  string
	kind  string
	estop func(ctx context.Context) error
	wrap  func(f any) any // Config.Wrap

	mu      sync.Mutex
	state   State
	params  []*Parameter
	byName  map[string]*Parameter
	locked  bool
	perm    bool
	ops     map[*tasks.Task]uint64 // running operations, waiting ones included: estops when each was called
	busy    *tasks.Task            // the running motion, if any
	busyOp  string
	estops  uint64        // emergency stops so far
	holders []*tasks.Task // exclusive access to the whole device, innermost last
	changed chan struct{} // closed and replaced when holders change
}

// Control is the driver's side of a device: declaring parameters, running
// operations, setting the state. The driver keeps it; the user never sees
// it.
type Control struct{ b *Base }

// New makes a device's Base and its Control and registers the device for
// EmergencyStopAll and the tables. The registry holds it weakly: a device
// the session no longer references leaves it when collected.
func New(cfg Config) (*Base, *Control) {
	b := &Base{
		id:      nextDeviceID.Add(1),
		name:    cfg.Name,
		kind:    cfg.Kind,
		wrap:    cfg.Wrap,
		state:   cfg.State,
		byName:  map[string]*Parameter{},
		ops:     map[*tasks.Task]uint64{},
		changed: make(chan struct{}),
	}
	if b.state == "" {
		b.state = Standby
	}
	b.estop = wrapped(b, cfg.EmergencyStop)
	register(b)
	return b, &Control{b}
}

// wrapped is f as the device's Config.Wrap gives it back; f itself
// without a Wrap, or when f is nil.
func wrapped[F any](b *Base, f F) F {
	if b.wrap == nil || reflect.ValueOf(f).IsNil() {
		return f
	}
	return b.wrap(f).(F)
}

// Name is how the session calls the device.
func (b *Base) Name() string { return b.name }

// Kind says what the device is: "linear motor".
func (b *Base) Kind() string { return b.kind }

// State returns the device's state now.
func (b *Base) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

// Param returns the parameter called name. It panics with a *ParamError,
// which names the parameters there are, if the device has none so called.
func (b *Base) Param(name string) *Parameter {
	b.mu.Lock()
	p := b.byName[name]
	b.mu.Unlock()
	if p == nil {
		panic(&ParamError{Device: b.name, Param: name, Have: b.paramNames()})
	}
	return p
}

// Params returns the device's parameters in the order they were declared.
func (b *Base) Params() []*Parameter {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.params)
}

func (b *Base) paramNames() []string {
	var names []string
	for _, p := range b.Params() {
		names = append(names, p.name)
	}
	return names
}

// Lock write-locks the whole device: every set, every motion and every
// operation that writes a parameter fails with a LockError until Unlock;
// reads, Stop and emergency stop still work. A permanent lock cannot be
// undone.
func (b *Base) Lock(permanent bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.locked = true
	b.perm = b.perm || permanent
}

// Unlock undoes Lock on the device and on each of its parameters. It fails
// with a LockError, unlocking nothing, if the device or a parameter is
// locked permanently.
func (b *Base) Unlock() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.perm {
		return &LockError{Device: b.name, Permanent: true, Unlocking: true}
	}
	for _, p := range b.params {
		if p.perm {
			return &LockError{Device: b.name, Param: p.name, Permanent: true, Unlocking: true}
		}
	}
	b.locked = false
	for _, p := range b.params {
		p.locked = false
	}
	return nil
}

// Locked reports whether the device is write-locked as a whole.
func (b *Base) Locked() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.locked
}

// Stash pushes the current value of every readable and writable parameter
// on that parameter's stash; Restore sets them back. The task's result is
// nil.
func (b *Base) Stash() *tasks.Task {
	caller := tasks.Current()
	return tasks.Start(func(ctx context.Context) error {
		for _, p := range b.Params() {
			if p.readable() && p.writable() {
				if err := p.stash(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	}, tasks.Named(b.name+".Stash"), tasks.ChildOf(caller))
}

// Restore sets every parameter that Stash saved back to its last stashed
// value, one after the other in declaration order, and pops it.
func (b *Base) Restore() *tasks.Task {
	caller := tasks.Current()
	return tasks.Start(func(ctx context.Context) error {
		for _, p := range b.Params() {
			if p.readable() && p.writable() {
				if _, err := p.restore(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	}, tasks.Named(b.name+".Restore"), tasks.ChildOf(caller))
}

// EmergencyStop brings the device to a standstill at once, ignoring locks
// and exclusive access: it cancels the device's operations (running or
// waiting) with tasks.ErrEmergencyStop, calls the driver's stop, and waits
// until the cancelled operations have ended or ctx is done.
func (b *Base) EmergencyStop(ctx context.Context) error {
	return b.emergencyStop(ctx, slog.LevelWarn)
}

// emergencyStop logs each device's stop at level: EmergencyStopAll logs at
// debug level, because its caller logs one report for all the devices, and
// a thousand lines to the session log would slow ctrl-k down.
func (b *Base) emergencyStop(ctx context.Context, level slog.Level) error {
	return b.finishStop(ctx, b.stopOps(), level)
}

// stopOps is the first step of an emergency stop: it marks one (an
// operation under way then does not change the state afterwards, see
// Control.SetState) and cancels the device's operations, running or
// waiting, with tasks.ErrEmergencyStop. It never calls the driver and
// never waits.
func (b *Base) stopOps() []*tasks.Task {
	b.mu.Lock()
	b.estops++
	ops := make([]*tasks.Task, 0, len(b.ops))
	for t := range b.ops {
		ops = append(ops, t)
	}
	b.mu.Unlock()
	for _, t := range ops {
		t.CancelCause(tasks.ErrEmergencyStop)
	}
	return ops
}

// finishStop is the rest: the driver's stop, then the wait until the
// cancelled operations have ended or ctx is done.
func (b *Base) finishStop(ctx context.Context, ops []*tasks.Task, level slog.Level) error {
	var err error
	if b.estop != nil {
		err = b.estop(ctx)
	}
	for _, t := range ops {
		select {
		case <-t.Done():
		case <-ctx.Done():
			return &DeviceError{Device: b.name, Err: fmt.Errorf("emergency stop: %s still running: %w", t.Name(), context.Cause(ctx))}
		}
	}
	if err != nil {
		return &DeviceError{Device: b.name, Err: fmt.Errorf("emergency stop: %w", err)}
	}
	if l := logs.L(); l.Enabled(ctx, level) {
		l.Log(ctx, level, "emergency stop", "device", b.name, "state", string(b.State()), "cancelled", len(ops))
	}
	return nil
}

// String prints the device as the shell shows it: its table.
func (b *Base) String() string { return b.Table().String() }

// lockTarget makes a device a Lockable for Exclusive.
func (b *Base) lockTarget() (*Base, *Parameter) { return b, nil }

// SetState sets the device's state; drivers call it when their hardware
// changes state by itself (a limit switch) or at the end of an operation.
//
// An emergency stop has the last word: called from an operation that an
// emergency stop has hit meanwhile, SetState does nothing, so that a
// shutter whose opening completes just as the stop closes it, or a
// cancelled close that reverts to open, cannot reopen it afterwards.
func (c *Control) SetState(s State) {
	b := c.b
	caller := tasks.Current()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stoppedDuring(caller) {
		return
	}
	b.state = s
}

// stoppedDuring reports whether t is an operation of the device that an
// emergency stop has hit since it was called. b.mu is held.
func (b *Base) stoppedDuring(t *tasks.Task) bool {
	gen, ok := b.ops[t]
	return ok && gen != b.estops
}

// Base returns the device the Control belongs to.
func (c *Control) Base() *Base { return c.b }

// Op describes an operation for Control.Run.
type Op struct {
	Name string // as in the task's name and errors: "Home"
	// From lists the states the operation starts from; empty means any.
	From []State
	// Via is the state while it runs; empty keeps the state.
	Via State
	// Motion marks an operation that moves the device: only one runs at
	// a time, and a second one fails with a BusyError naming the task of
	// the first.
	Motion bool
	// Writes lists the parameters the operation changes: their write
	// locks and exclusive access apply to it, as to their sets.
	Writes []*Parameter
	// Uses lists parameters the operation acts on without setting
	// them, as a Stop ends a move of the position: their exclusive
	// access applies to it, their write locks do not.
	Uses []*Parameter
	// Check, if set, is the last check before the operation starts, made
	// once exclusive access is granted; a parameter set checks its limits
	// here, so a refused set leaves even the state untouched.
	Check func() error
}

// Run starts fn as the device operation op and returns its task. The task
// waits for exclusive access, checks write locks, the state and a running
// motion, sets the Via state, then calls fn. fn sets the final state (with
// SetState) itself; a fn that ends by cancellation must leave a consistent
// state, such as standby where a motor stopped.
//
// Like sets, operations are logged when they end, with the device, the
// operation, the task that asked for it, the state after and any error.
func (c *Control) Run(op Op, fn func(ctx context.Context) (any, error)) *tasks.Task {
	caller := tasks.Current()
	fn, op.Check = wrapped(c.b, fn), wrapped(c.b, op.Check)
	return c.b.run(op, caller, func(ctx context.Context) (any, error) {
		v, err := fn(ctx)
		if log := logs.L(); log.Enabled(ctx, slog.LevelInfo) {
			attrs := []slog.Attr{slog.String("device", c.b.name), slog.String("op", op.Name),
				slog.String("task", taskName(caller)), slog.String("state", string(c.b.State()))}
			if err != nil {
				attrs = append(attrs, slog.String("err", err.Error()))
			}
			log.LogAttrs(ctx, slog.LevelInfo, "op", attrs...)
		}
		return v, err
	})
}

func (b *Base) run(op Op, caller *tasks.Task, fn func(ctx context.Context) (any, error)) *tasks.Task {
	// An emergency stop between this call and the moment the task lists
	// itself in b.ops would not see it; the generation tells the task that
	// one happened, so it does not start after the stop.
	b.mu.Lock()
	gen := b.estops
	b.mu.Unlock()
	return tasks.Start(func(ctx context.Context) (any, error) {
		self := tasks.FromContext(ctx)
		b.mu.Lock()
		b.ops[self] = gen
		stopped := b.stoppedDuring(self)
		b.mu.Unlock()
		defer func() {
			b.mu.Lock()
			delete(b.ops, self)
			if b.busy == self {
				b.busy, b.busyOp = nil, ""
			}
			b.mu.Unlock()
		}()
		if stopped {
			self.CancelCause(tasks.ErrEmergencyStop)
			return nil, context.Cause(ctx)
		}
		if err := b.begin(ctx, self, op); err != nil {
			return nil, err
		}
		v, err := fn(ctx)
		b.mu.Lock()
		stopped = b.stoppedDuring(self)
		b.mu.Unlock()
		if stopped && err == nil {
			// The stop came as the driver finished, maybe before it
			// cancelled this task: report it stopped either way, as
			// the device's state is the stop's now, not the driver's.
			return nil, tasks.ErrEmergencyStop
		}
		return v, err
	}, tasks.Named(b.name+"."+op.Name), tasks.ChildOf(caller))
}

// begin waits for exclusive access, then makes the checks of op and marks
// it running, all under one hold of the mutex.
func (b *Base) begin(ctx context.Context, self *tasks.Task, op Op) error {
	access := op.Writes
	if len(op.Uses) > 0 {
		access = slices.Concat(op.Writes, op.Uses)
	}
	waited := false
	defer func() {
		if waited {
			doneWaiting(self)
		}
	}()
	for {
		var checkErr error
		if op.Check != nil {
			checkErr = op.Check()
		}
		b.mu.Lock()
		holder := b.blocker(self, access)
		if holder == nil {
			if checkErr != nil {
				b.mu.Unlock()
				return checkErr
			}
			break
		}
		ch := b.changed
		b.mu.Unlock()
		if err := waitFor(self, holder); err != nil {
			return err
		}
		waited = true
		select {
		case <-ch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	defer b.mu.Unlock()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if (len(op.Writes) > 0 || op.Motion) && b.locked {
		return &LockError{Device: b.name, Permanent: b.perm}
	}
	for _, p := range op.Writes {
		if p.locked {
			return &LockError{Device: b.name, Param: p.name, Permanent: p.perm}
		}
	}
	if op.Motion {
		if b.busy != nil {
			owner := b.busy
			if p := owner.Parent(); p != nil {
				owner = p
			}
			return &BusyError{Device: b.name, Op: op.Name, Busy: b.busyOp, Task: owner}
		}
	}
	if len(op.From) > 0 && !slices.Contains(op.From, b.state) {
		return &StateError{Device: b.name, Op: op.Name, State: b.state, From: op.From}
	}
	if op.Motion {
		b.busy, b.busyOp = self, op.Name
	}
	if op.Via != "" {
		b.state = op.Via
	}
	return nil
}

// blocker returns the task whose exclusive access to the device or one of
// the parameters ps keeps task t from operating on them now, or nil if t
// may. b.mu is held.
func (b *Base) blocker(t *tasks.Task, ps []*Parameter) *tasks.Task {
	if n := len(b.holders); n > 0 && !t.Within(b.holders[n-1]) {
		return b.holders[n-1]
	}
	for _, p := range ps {
		if n := len(p.holders); n > 0 && !t.Within(p.holders[n-1]) {
			return p.holders[n-1]
		}
	}
	return nil
}

// failed returns a task that has already failed with err, so that errors
// found at call time reach the caller the same way as the others.
func failed(name string, caller *tasks.Task, err error) *tasks.Task {
	return tasks.Start(func() error { return err }, tasks.Named(name), tasks.ChildOf(caller))
}

var errNothingStashed = errors.New("nothing stashed; call Stash() first")

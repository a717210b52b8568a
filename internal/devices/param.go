package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// ParamSpec describes a parameter to Control.Add.
type ParamSpec struct {
	Name string // snake_case, as in dev.Param("motion_velocity")
	Doc  string // one line for ddoc
	// Unit is the unit the parameter shows its values in, such as q.MM;
	// it also fixes the dimension a set must have. Nil for a parameter
	// whose values are no quantity: then Zero gives their type.
	Unit q.Quantity
	Zero any
	// Get reads the value from the device; nil for a write-only
	// parameter. Set writes it; nil for a read-only one. Set is called
	// only after every check passed; it honours ctx if it takes time.
	Get func(ctx context.Context) (any, error)
	Set func(ctx context.Context, v any) error
	// Limits gives the device's own limits, q.NoLimit (or an infinity)
	// for an open side; nil for none at all. A nil limit it returns fails
	// every set and Check, as a nil from the interpreter must not open a
	// limit. The effective limits are the narrowest of these and the
	// user's.
	Limits func() (lower, upper q.Quantity)
	// Check, if set, refuses a value of the right type before anything
	// happens, as a unit or limit check does: a selection that is none
	// of the named positions. Its error is wrapped to name the parameter.
	Check func(v any) error
	// Choices makes a selection parameter: a set of any other value is
	// refused, naming the ones allowed (a filter wheel's "Al 1 mm",
	// "Cu 1 mm"). Nil for any value of the parameter's type.
	Choices []any
	// From, Via and Motion make a set an operation with those properties
	// (see Op): a motor's position set is a Motion from standby Via
	// moving.
	From   []State
	Via    State
	Motion bool
}

// Parameter is one named value of a device: readable, writable or both,
// with a unit, limits, a write lock, a stash and exclusive access. Get one
// with dev.Param("name"). All methods are safe for concurrent use.
type Parameter struct {
	dev   *Base
	spec  ParamSpec
	name  string
	camel string // "MotionVelocity"
	typ   reflect.Type
	setOp Op
	// Task names, made once: a get or set should cost little more than
	// starting its task.
	getName, setName string

	// Guarded by dev.mu, so that access checks see device and parameters
	// at once.
	locked, perm       bool
	lower, upper       q.Quantity // the user's limits; nil for none
	limLocked, limPerm bool
	stack              []any
	holders            []*tasks.Task
	target             any // the value of the last set that passed its checks

	subs atomic.Int32  // how many Changes run: sets wake them
	kick chan struct{} // closed and replaced by a set, for Changes; see changed
}

// Add declares a parameter. Declare all parameters in the constructor,
// before the device is used.
func (c *Control) Add(spec ParamSpec) *Parameter {
	spec.Get, spec.Set = wrapped(c.b, spec.Get), wrapped(c.b, spec.Set)
	spec.Limits, spec.Check = wrapped(c.b, spec.Limits), wrapped(c.b, spec.Check)
	p := &Parameter{dev: c.b, spec: spec, name: spec.Name, camel: Camel(spec.Name)}
	switch {
	case spec.Unit != nil:
		p.typ = reflect.TypeOf(spec.Unit)
	case spec.Zero != nil:
		p.typ = reflect.TypeOf(spec.Zero)
	}
	p.getName, p.setName = c.b.name+".Get"+p.camel, c.b.name+".Set"+p.camel
	p.setOp = Op{Name: "Set" + p.camel, From: spec.From, Via: spec.Via, Motion: spec.Motion, Writes: []*Parameter{p}}
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	if _, dup := c.b.byName[spec.Name]; dup {
		panic("devices: " + c.b.name + " declares parameter " + spec.Name + " twice")
	}
	c.b.params = append(c.b.params, p)
	c.b.byName[spec.Name] = p
	return p
}

// Camel turns a parameter name into the name of its methods:
// "motion_velocity" becomes "MotionVelocity".
func Camel(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// Name is the parameter's name: "position".
func (p *Parameter) Name() string { return p.name }

// Device is the device the parameter belongs to.
func (p *Parameter) Device() *Base { return p.dev }

// Doc is the parameter's one-line description.
func (p *Parameter) Doc() string { return p.spec.Doc }

// Unit is the unit values show in, such as q.MM, or nil.
func (p *Parameter) Unit() q.Quantity { return p.spec.Unit }

// Readable reports whether the parameter can be read.
func (p *Parameter) Readable() bool { return p.readable() }

// Writable reports whether the parameter can be set.
func (p *Parameter) Writable() bool { return p.writable() }

func (p *Parameter) readable() bool { return p.spec.Get != nil }
func (p *Parameter) writable() bool { return p.spec.Set != nil }

func (p *Parameter) where() string { return p.dev.name + "." + p.name }

// lockTarget makes a parameter a Lockable for Exclusive.
func (p *Parameter) lockTarget() (*Base, *Parameter) { return p.dev, p }

// Set starts setting the parameter to v and returns the running task; its
// result is nil. See the package doc for the checks made before the device
// is touched.
func (p *Parameter) Set(v any) *tasks.Task {
	caller := tasks.Current()
	if err := p.checkSet(v); err != nil {
		return failed(p.setName, caller, err)
	}
	op := p.setOp
	op.Check = func() error { return p.checkLimits(v) }
	return p.dev.run(op, caller, func(ctx context.Context) (any, error) {
		return nil, p.write(ctx, v, caller)
	})
}

// SetRelative starts the operation op (such as a motor's "Move"): setting
// the parameter to its value at the start plus delta, a quantity of the
// parameter's type. The value is read once exclusive access is granted,
// and the target is checked against the limits before the driver is
// touched, as in Set; the task's result is nil.
func (p *Parameter) SetRelative(op string, delta any) *tasks.Task {
	caller := tasks.Current()
	name := p.dev.name + "." + op
	if err := p.checkSet(delta); err != nil {
		return failed(name, caller, err)
	}
	if !p.readable() || p.spec.Unit == nil {
		return failed(name, caller, &DeviceError{Device: p.dev.name, Param: p.name, Err: errors.New("no relative set: not a readable quantity")})
	}
	d := delta.(q.Quantity)
	o := p.setOp
	o.Name = op
	var target q.Quantity
	o.Check = func() error {
		now, err := p.Read(context.Background())
		if err != nil {
			return err
		}
		target = q.New(d.Dim(), now.(q.Quantity).Base()+d.Base())
		return p.checkLimits(target)
	}
	return p.dev.run(o, caller, func(ctx context.Context) (any, error) {
		return nil, p.write(ctx, target, caller)
	})
}

// Check reports whether a set to v would be refused, and why, without
// touching the device: the type, the limits and the write locks (not the
// state, which may change before the set). Use it to validate a whole scan
// before starting it.
func (p *Parameter) Check(v any) error {
	if err := p.checkSet(v); err != nil {
		return err
	}
	if err := p.checkLimits(v); err != nil {
		return err
	}
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	switch {
	case p.dev.locked:
		return &LockError{Device: p.dev.name, Permanent: p.dev.perm}
	case p.locked:
		return &LockError{Device: p.dev.name, Param: p.name, Permanent: p.perm}
	}
	return nil
}

// Get starts reading the parameter and returns the running task; its
// result is the value, such as a q.Length.
func (p *Parameter) Get() *tasks.Task {
	caller := tasks.Current()
	if !p.readable() {
		return failed(p.getName, caller, &AccessError{Device: p.dev.name, Param: p.name})
	}
	return tasks.Start(p.Read, tasks.Named(p.getName), tasks.ChildOf(caller))
}

// Read reads the value now, blocking; it neither waits for exclusive
// access nor starts a task. Devices' X() methods use it.
func (p *Parameter) Read(ctx context.Context) (any, error) {
	if !p.readable() {
		return nil, &AccessError{Device: p.dev.name, Param: p.name}
	}
	v, err := p.spec.Get(ctx)
	if err != nil {
		return nil, p.wrap(err)
	}
	return v, nil
}

// Must reads the value now and panics with the error if the read fails;
// the X() methods of devices use it, so that x := motor.Position() reads
// in one call. Use Get or Read to handle the error instead.
func (p *Parameter) Must() any {
	v, err := p.Read(context.Background())
	if err != nil {
		panic(err)
	}
	return v
}

// checkSet refuses values of the wrong type, NaN and infinities, values
// that are not among the choices, and read-only parameters.
func (p *Parameter) checkSet(v any) error {
	if !p.writable() {
		return &AccessError{Device: p.dev.name, Param: p.name, Write: true}
	}
	if err := p.checkType(v); err != nil {
		return err
	}
	if len(p.spec.Choices) > 0 && !slices.Contains(p.spec.Choices, v) {
		return &ChoiceError{Device: p.dev.name, Param: p.name, Value: v, Choices: p.spec.Choices}
	}
	if err := p.checkFinite(v, ""); err != nil {
		return err
	}
	if p.spec.Check != nil {
		if err := p.spec.Check(v); err != nil {
			return &DeviceError{Device: p.dev.name, Param: p.name, Err: err}
		}
	}
	return nil
}

// Choices returns the values a selection parameter takes (see
// ParamSpec.Choices), nil for any.
func (p *Parameter) Choices() []any { return slices.Clone(p.spec.Choices) }

// Target returns the setpoint: the value of the last set that passed its
// checks and went to the device, whether it arrived or not (a move
// cancelled half-way keeps its target); nil before the first. The value
// the device has now is the readback: Read, Get or dev.X().
func (p *Parameter) Target() any {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	return p.target
}

// checkFinite refuses NaN and ±Inf, which only a computation gone wrong
// gives ((hi-lo)/q.Length(n-1) with n = 1): no device is sent there, and
// no limit, tolerance or wait target is one. what names the value in the
// message: "" for the value itself, "upper limit", "tolerance".
func (p *Parameter) checkFinite(v any, what string) error {
	var f float64
	switch x := v.(type) {
	case q.Quantity:
		f = x.Base()
	case float64:
		f = x
	case float32:
		f = float64(x)
	default:
		return nil
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e := &NotFiniteError{Device: p.dev.name, Param: p.name, Value: v, What: what}
		if p.spec.Unit != nil {
			e.Value, e.Dim = q.FormatIn(v.(q.Quantity), p.spec.Unit), p.spec.Unit.Dim().String()
		}
		return e
	}
	return nil
}

func (p *Parameter) checkType(v any) error {
	if p.typ == nil || reflect.TypeOf(v) == p.typ {
		return nil
	}
	e := &UnitError{Device: p.dev.name, Param: p.name, Value: v, Want: p.typ.String()}
	if p.spec.Unit != nil {
		d := p.spec.Unit.Dim()
		e.Want = d.String()
		if isNumber(v) {
			e.Hint = d.Hint(fmt.Sprint(v))
		} else if x, ok := v.(q.Quantity); ok {
			e.Hint = d.Hint(numberOf(x, d))
		}
	}
	return e
}

// numberOf keeps the number the user wrote in a hint: 2 s gives "2".
func numberOf(x q.Quantity, _ q.Dim) string {
	s := x.String()
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i]
	}
	return s
}

// write runs in the set's task, after every check: the driver's Set and
// the log.
func (p *Parameter) write(ctx context.Context, v any, caller *tasks.Task) error {
	log := logs.L()
	logging := log.Enabled(ctx, slog.LevelInfo)
	var old any
	if logging && p.readable() {
		old, _ = p.spec.Get(ctx)
	}
	p.dev.mu.Lock()
	p.target = v
	p.dev.mu.Unlock()
	err := p.spec.Set(ctx, v)
	if p.subs.Load() > 0 {
		p.changed()
	}
	if logging {
		// Where a cancelled or failed set left the device is read now;
		// the record is formatted and written after an emergency stop
		// under way has reported (see record).
		at := time.Now()
		var now any
		if err != nil && p.readable() {
			now, _ = p.spec.Get(context.WithoutCancel(ctx))
		}
		record(func() {
			attrs := []slog.Attr{slog.String("device", p.dev.name), slog.String("param", p.name),
				slog.String("old", show(old)), slog.String("new", show(v)), slog.String("task", taskName(caller))}
			if err != nil {
				// A cancelled or failed set may have left the device between
				// old and new: say where, so the log tells the whole story.
				attrs = append(attrs, slog.String("err", err.Error()))
				if p.readable() {
					attrs = append(attrs, slog.String("now", show(now)))
				}
			}
			r := slog.NewRecord(at, slog.LevelInfo, "set", 0)
			r.AddAttrs(attrs...)
			_ = log.Handler().Handle(context.WithoutCancel(ctx), r)
		})
	}
	if err != nil {
		return p.wrap(err)
	}
	return nil
}

func show(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

func taskName(t *tasks.Task) string {
	if t == nil {
		return ""
	}
	return strconv.FormatUint(t.ID(), 10) + " " + t.Name()
}

// wrap makes a driver's error name the parameter, unless it is one of
// ours already or a cancellation.
func (p *Parameter) wrap(err error) error {
	var (
		hl *HardLimitError
		de *DeviceError
	)
	if errors.As(err, &hl) || errors.As(err, &de) || errors.Is(err, context.Canceled) {
		return err
	}
	return &DeviceError{Device: p.dev.name, Param: p.name, Err: err}
}

// Limits returns the effective limits, the narrowest of the user's and the
// device's; q.NoLimit on a side that has none.
func (p *Parameter) Limits() (lower, upper q.Quantity) {
	lo, _, hi, _, _ := p.limits()
	return open(lo), open(hi)
}

// UserLimits returns the limits set with SetLimits, SetLower and SetUpper;
// q.NoLimit on an open side.
func (p *Parameter) UserLimits() (lower, upper q.Quantity) {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	return open(p.lower), open(p.upper)
}

// DeviceLimits returns the device's own limits, which no user call
// changes; q.NoLimit on an open side.
func (p *Parameter) DeviceLimits() (lower, upper q.Quantity, err error) {
	lo, hi, err := p.deviceLimits()
	return open(lo), open(hi), err
}

// open shows the internal nil of an open side as q.NoLimit.
func open(x q.Quantity) q.Quantity {
	if x == nil {
		return q.NoLimit
	}
	return x
}

// deviceLimits calls the spec's Limits, nil for an open side. A nil or a
// NaN from it is an error: a driver written in a session may hand over a
// nil the interpreter made of a constant.
func (p *Parameter) deviceLimits() (lo, hi q.Quantity, err error) {
	if p.spec.Limits == nil {
		return nil, nil, nil
	}
	lo, hi = p.spec.Limits()
	side := func(x q.Quantity, what string, inf float64) (q.Quantity, error) {
		switch {
		case x == nil:
			return nil, &DeviceError{Device: p.dev.name, Param: p.name,
				Err: fmt.Errorf("the device's %s is nil; its Limits must return q.NoLimit for none", what)}
		case x == q.NoLimit || x.Base() == inf:
			return nil, nil
		case x.Dim() != p.spec.Unit.Dim() || math.IsNaN(x.Base()) || math.IsInf(x.Base(), 0):
			return nil, &DeviceError{Device: p.dev.name, Param: p.name,
				Err: fmt.Errorf("the device's %s %v is not a finite %s", what, x, p.spec.Unit.Dim())}
		}
		return x, nil
	}
	if lo, err = side(lo, "lower limit", math.Inf(-1)); err != nil {
		return nil, nil, err
	}
	if hi, err = side(hi, "upper limit", math.Inf(1)); err != nil {
		return nil, nil, err
	}
	return lo, hi, nil
}

// limits gives the effective limits, nil for an open side, and whether
// each is the device's.
func (p *Parameter) limits() (lo q.Quantity, loExt bool, hi q.Quantity, hiExt bool, err error) {
	p.dev.mu.Lock()
	lo, hi = p.lower, p.upper
	p.dev.mu.Unlock()
	if p.spec.Limits != nil {
		elo, ehi, err := p.deviceLimits()
		if err != nil {
			return nil, false, nil, false, err
		}
		if elo != nil && (lo == nil || elo.Base() > lo.Base()) {
			lo, loExt = elo, true
		}
		if ehi != nil && (hi == nil || ehi.Base() < hi.Base()) {
			hi, hiExt = ehi, true
		}
	}
	return lo, loExt, hi, hiExt, nil
}

func (p *Parameter) checkLimits(v any) error {
	x, ok := v.(q.Quantity)
	if !ok || p.spec.Unit == nil {
		return nil
	}
	lo, loExt, hi, hiExt, err := p.limits()
	if err != nil {
		return err
	}
	e := &LimitError{Device: p.dev.name, Param: p.name, Value: x}
	switch {
	case lo != nil && x.Base() < lo.Base()-slack(lo.Base()):
		e.Limit, e.External = lo, loExt
		return e
	case hi != nil && x.Base() > hi.Base()+slack(hi.Base()):
		e.Limit, e.External, e.Upper = hi, hiExt, true
		return e
	}
	return nil
}

// slack lets a value that equals a limit up to float noise pass
// (0.1 + 0.2 mm against a 0.3 mm limit).
func slack(limit float64) float64 { return 1e-12 * math.Max(math.Abs(limit), 1e-300) }

// SetLimits sets the user's limits; q.NoLimit leaves a side open. It fails
// when the limits are locked, when a limit is nil, NaN, infinite or not of
// the parameter's dimension, or when lower > upper.
//
// A nil limit is refused rather than taken for an open one: the shell's
// interpreter turns a constant stored in a q.Quantity into nil (issue 11),
// and a limit must never vanish by accident.
func (p *Parameter) SetLimits(lower, upper q.Quantity) error {
	return p.setLimits(lower, upper, true, true)
}

// SetLower sets the user's lower limit and keeps the upper one; q.NoLimit
// opens it. See SetLimits.
func (p *Parameter) SetLower(lower q.Quantity) error { return p.setLimits(lower, nil, true, false) }

// SetUpper sets the user's upper limit and keeps the lower one; q.NoLimit
// opens it. See SetLimits.
func (p *Parameter) SetUpper(upper q.Quantity) error { return p.setLimits(nil, upper, false, true) }

func (p *Parameter) setLimits(lower, upper q.Quantity, setLo, setHi bool) error {
	if p.spec.Unit == nil {
		return fmt.Errorf("%s: values are no quantities and have no limits", p.where())
	}
	d := p.spec.Unit.Dim()
	check := func(x q.Quantity, set bool, what string) (q.Quantity, error) {
		switch {
		case !set || x == q.NoLimit:
			return nil, nil
		case x == nil:
			return nil, fmt.Errorf("%s: the %s is nil; write q.NoLimit for no limit, or a value such as %s", p.where(), what, d.Hint("10"))
		case x.Dim() != d:
			return nil, &UnitError{Device: p.dev.name, Param: p.name, Value: x, Want: d.String(), Hint: d.Hint(numberOf(x, 0))}
		}
		return x, p.checkFinite(x, what)
	}
	lo, err := check(lower, setLo, "lower limit")
	if err != nil {
		return err
	}
	hi, err := check(upper, setHi, "upper limit")
	if err != nil {
		return err
	}
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	if p.limLocked {
		return &LockError{Device: p.dev.name, Param: p.name, Limits: true, Permanent: p.limPerm}
	}
	if !setLo {
		lo = p.lower
	}
	if !setHi {
		hi = p.upper
	}
	if lo != nil && hi != nil && lo.Base() > hi.Base() {
		return fmt.Errorf("%s: lower limit %s > upper limit %s", p.where(), q.FormatIn(lo, p.spec.Unit), q.FormatIn(hi, p.spec.Unit))
	}
	p.lower, p.upper = lo, hi
	return nil
}

// LockLimits locks the user's limits against SetLimits; a permanent lock
// cannot be undone.
func (p *Parameter) LockLimits(permanent bool) {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	p.limLocked = true
	p.limPerm = p.limPerm || permanent
}

// UnlockLimits undoes LockLimits unless it was permanent.
func (p *Parameter) UnlockLimits() error {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	if p.limPerm {
		return &LockError{Device: p.dev.name, Param: p.name, Limits: true, Permanent: true, Unlocking: true}
	}
	p.limLocked = false
	return nil
}

// Lock write-locks the parameter: sets fail with a LockError until Unlock.
// A permanent lock cannot be undone.
func (p *Parameter) Lock(permanent bool) {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	p.locked = true
	p.perm = p.perm || permanent
}

// Unlock undoes Lock unless it was permanent. It does not undo a lock of
// the whole device.
func (p *Parameter) Unlock() error {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	if p.perm {
		return &LockError{Device: p.dev.name, Param: p.name, Permanent: true, Unlocking: true}
	}
	p.locked = false
	return nil
}

// Locked reports whether a set would fail because the parameter or its
// device is write-locked.
func (p *Parameter) Locked() bool {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	return p.locked || p.dev.locked
}

// Stash starts a task that reads the value and pushes it on the
// parameter's stash; its result is the value. A parameter that cannot be
// both read and written is refused, as in Concert: Restore could not set
// it back.
func (p *Parameter) Stash() *tasks.Task {
	caller := tasks.Current()
	if !p.readable() || !p.writable() {
		return failed(p.where()+".Stash", caller, &AccessError{Device: p.dev.name, Param: p.name, Write: p.readable(), Op: "stashed"})
	}
	return tasks.Start(func(ctx context.Context) (any, error) {
		if err := p.stash(ctx); err != nil {
			return nil, err
		}
		p.dev.mu.Lock()
		defer p.dev.mu.Unlock()
		return p.stack[len(p.stack)-1], nil
	}, tasks.Named(p.where()+".Stash"), tasks.ChildOf(caller))
}

func (p *Parameter) stash(ctx context.Context) error {
	v, err := p.Read(ctx)
	if err != nil {
		return err
	}
	p.dev.mu.Lock()
	p.stack = append(p.stack, v)
	p.dev.mu.Unlock()
	return nil
}

// Restore starts a task that sets the parameter to the value last
// stashed and, once that succeeded, pops it. Its result is the value.
func (p *Parameter) Restore() *tasks.Task {
	caller := tasks.Current()
	return tasks.Start(p.restore, tasks.Named(p.where()+".Restore"), tasks.ChildOf(caller))
}

// restore sets the parameter to the top of its stash and pops it; it
// returns the value set.
func (p *Parameter) restore(ctx context.Context) (any, error) {
	p.dev.mu.Lock()
	n := len(p.stack)
	var v any
	if n > 0 {
		v = p.stack[n-1]
	}
	p.dev.mu.Unlock()
	if n == 0 {
		return nil, &DeviceError{Device: p.dev.name, Param: p.name, Err: errNothingStashed}
	}
	if _, err := p.Set(v).Await(ctx); err != nil {
		return nil, err
	}
	p.dev.mu.Lock()
	if len(p.stack) == n {
		p.stack = p.stack[:n-1]
	}
	p.dev.mu.Unlock()
	return v, nil
}

// Wait starts a task that reads the parameter every 10 ms until it is
// within tolerance of value (equal to it for values that are no
// quantities; tolerance may then be nil) and fails with a
// *tasks.TimeoutError after timeout (never if timeout is 0).
func (p *Parameter) Wait(value, tolerance any, timeout q.Duration) *tasks.Task {
	caller := tasks.Current()
	name := p.where() + ".Wait"
	if err := p.checkType(value); err != nil {
		return failed(name, caller, err)
	}
	if err := p.checkFinite(value, ""); err != nil {
		return failed(name, caller, err)
	}
	var tol float64
	if p.spec.Unit != nil {
		if tolerance == nil {
			tolerance = q.New(p.spec.Unit.Dim(), 0)
		}
		if err := p.checkType(tolerance); err != nil {
			return failed(name, caller, err)
		}
		if err := p.checkFinite(tolerance, "tolerance"); err != nil {
			return failed(name, caller, err)
		}
		tol = math.Abs(tolerance.(q.Quantity).Base())
	}
	if !p.readable() {
		return failed(name, caller, &AccessError{Device: p.dev.name, Param: p.name})
	}
	return tasks.Start(func(ctx context.Context) (any, error) {
		var (
			now     any
			readErr error
		)
		reached := func() bool {
			now, readErr = p.Read(ctx)
			if readErr != nil {
				return true
			}
			if x, ok := value.(q.Quantity); ok {
				return math.Abs(now.(q.Quantity).Base()-x.Base()) <= tol+slack(x.Base())
			}
			return now == value
		}
		err := tasks.WaitUntil(ctx, reached, 10*time.Millisecond, timeout.Std())
		if readErr != nil {
			return nil, readErr
		}
		var te *tasks.TimeoutError
		if errors.As(err, &te) {
			want := show(value)
			if p.spec.Unit != nil {
				want = q.FormatIn(value.(q.Quantity), p.spec.Unit) + " ± " + q.FormatIn(tolerance.(q.Quantity), p.spec.Unit)
			}
			te.What = fmt.Sprintf("%s to reach %s (now %s)", p.where(), want, p.format(now))
		}
		return now, err
	}, tasks.Named(name), tasks.ChildOf(caller))
}

// format prints a value of the parameter in its unit.
func (p *Parameter) format(v any) string {
	if x, ok := v.(q.Quantity); ok && p.spec.Unit != nil {
		return q.FormatIn(x, p.spec.Unit)
	}
	return show(v)
}

// String prints the parameter with its value, limits and lock:
// motor.position = 2 mm (limits -10 mm .. 10 mm, locked).
func (p *Parameter) String() string {
	s := p.where()
	if p.readable() {
		if v, err := p.Read(context.Background()); err != nil {
			s += " = ? (" + err.Error() + ")"
		} else {
			s += " = " + p.format(v)
		}
	}
	var notes []string
	if lim := p.limitText(); lim != "" {
		notes = append(notes, "limits "+lim)
	}
	if !p.writable() {
		notes = append(notes, "read-only")
	}
	if p.Locked() {
		notes = append(notes, "locked")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

func (p *Parameter) limitText() string {
	lo, _, hi, _, err := p.limits()
	if err != nil {
		return "? (" + err.Error() + ")"
	}
	if lo == nil && hi == nil {
		return ""
	}
	text := func(x q.Quantity, inf string) string {
		if x == nil {
			return inf
		}
		return x.String()
	}
	return text(lo, "-inf") + " .. " + text(hi, "inf")
}

package devices

import (
	"errors"
	"fmt"
	"strings"

	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// target names a device or one of its parameters: "motor" or
// "motor.position".
func target(device, param string) string {
	if param == "" {
		return device
	}
	return device + "." + param
}

// UnitError is a value of the wrong type for a parameter: a bare number
// where a quantity is wanted, or a quantity of another dimension.
type UnitError struct {
	Device, Param string
	Value         any
	Want          string // the wanted type, "length" or "cameras.TriggerMode"
	Hint          string // how to write it, "5 * q.MM"; may be empty
}

func (e *UnitError) Error() string {
	where := target(e.Device, e.Param)
	if _, ok := e.Value.(q.Quantity); ok {
		msg := fmt.Sprintf("%s: %v is not a %s", where, e.Value, e.Want)
		if e.Hint != "" {
			msg += " (write e.g. " + e.Hint + ")"
		}
		return msg
	}
	if isNumber(e.Value) && e.Hint != "" {
		return fmt.Sprintf("%s: %v has no unit; write %s", where, e.Value, e.Hint)
	}
	return fmt.Sprintf("%s: %v (%T) is not a %s", where, e.Value, e.Value, e.Want)
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return true
	}
	return false
}

// NotFiniteError is a NaN or an infinity given as a value, a limit, a
// tolerance or a target: only a computation gone wrong gives one (0/0, a
// division by a zero step), and no device is sent there. Nothing was
// touched.
type NotFiniteError struct {
	Device, Param string
	Value         any    // as given, or formatted in the parameter's unit
	Dim           string // "length"; empty for values that are no quantities
	What          string // "" for the value, else "lower limit", "tolerance", ...
}

func (e *NotFiniteError) Error() string {
	what, kind := "", "number"
	if e.What != "" {
		what = e.What + " "
	}
	if e.Dim != "" {
		kind = e.Dim
	}
	msg := fmt.Sprintf("%s: %s%v is not a finite %s", target(e.Device, e.Param), what, e.Value, kind)
	if strings.HasSuffix(e.What, "limit") {
		return msg + "; write q.NoLimit for no limit"
	}
	return msg + " (a division by zero?); compute a finite value"
}

// ChoiceError is a value a selection parameter does not take. The device
// was not touched.
type ChoiceError struct {
	Device, Param string
	Value         any
	Choices       []any
}

func (e *ChoiceError) Error() string {
	return fmt.Sprintf("%s: %s is not one of %s", target(e.Device, e.Param), choice(e.Value), choiceList(e.Choices))
}

// choice prints one value of a selection: a string quoted, so that "none"
// reads as a value.
func choice(v any) string {
	if x, ok := v.(q.Quantity); ok {
		return x.String()
	}
	return fmt.Sprintf("%#v", v)
}

func choiceList(cs []any) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = choice(c)
	}
	return strings.Join(names, ", ")
}

// LimitError is a value outside a parameter's effective limits. The device
// was not touched.
type LimitError struct {
	Device, Param string
	Value, Limit  q.Quantity
	Upper         bool // the upper limit, else the lower
	External      bool // the device's own limit, else the user's
}

func (e *LimitError) Error() string {
	op, which := "<", "lower"
	if e.Upper {
		op, which = ">", "upper"
	}
	msg := fmt.Sprintf("%s: %v %s %s limit %v", target(e.Device, e.Param), e.Value, op, which, e.Limit)
	if e.External {
		msg += " of the device"
	}
	return msg
}

// LockError is a set of a write-locked parameter or device, or an attempt
// to undo a permanent lock.
type LockError struct {
	Device, Param string
	Permanent     bool
	Unlocking     bool // the attempt was to unlock
	Limits        bool // the limits are locked, not the value
}

func (e *LockError) Error() string {
	what := target(e.Device, e.Param)
	if e.Limits {
		what += " limits"
	}
	switch {
	case e.Permanent && e.Unlocking:
		return what + ": locked permanently, cannot be unlocked"
	case e.Permanent:
		return what + ": locked permanently, cannot be changed"
	case e.Limits:
		return what + ": locked; call UnlockLimits() first"
	case e.Param != "":
		return fmt.Sprintf("%s: locked; call %s.Param(%q).Unlock() first", what, e.Device, e.Param)
	default:
		return what + ": locked; call " + e.Device + ".Unlock() first"
	}
}

// StateError is an operation the device's state does not allow, such as
// closing a closed shutter.
type StateError struct {
	Device string
	Op     string
	State  State
	From   []State // the states Op starts from
}

func (e *StateError) Error() string {
	names := make([]string, len(e.From))
	for i, s := range e.From {
		names[i] = string(s)
	}
	return fmt.Sprintf("%s: cannot %s in state %s (only in %s)", e.Device, e.Op, e.State, strings.Join(names, ", "))
}

// BusyError is a second motion on a device that is already moving for a
// task.
type BusyError struct {
	Device string
	Op     string      // what was refused
	Busy   string      // what runs
	Task   *tasks.Task // the task the running motion is for
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("%s: cannot %s while %s runs for task %d %s; cancel that task or await it first",
		e.Device, e.Op, e.Busy, e.Task.ID(), e.Task.Name())
}

// AccessError is a read of a write-only or a set of a read-only parameter.
type AccessError struct {
	Device, Param string
	Write         bool
	Op            string // what was refused, if not a read or a set: "stashed"
}

func (e *AccessError) Error() string {
	switch {
	case e.Op != "" && e.Write:
		return target(e.Device, e.Param) + ": read-only, cannot be " + e.Op + " (Restore could not set it back)"
	case e.Op != "":
		return target(e.Device, e.Param) + ": write-only, cannot be " + e.Op
	}
	if e.Write {
		return target(e.Device, e.Param) + ": read-only, cannot be set"
	}
	return target(e.Device, e.Param) + ": write-only, cannot be read"
}

// ParamError names a parameter a device does not have.
type ParamError struct {
	Device, Param string
	Have          []string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("%s: no parameter %q (have %s)", e.Device, e.Param, strings.Join(e.Have, ", "))
}

// HardLimitError is a motion stopped by a hard limit switch. The device is
// in state hard-limit until it moves back.
type HardLimitError struct {
	Device   string
	Position q.Quantity
	Upper    bool
}

func (e *HardLimitError) Error() string {
	which := "lower"
	if e.Upper {
		which = "upper"
	}
	return fmt.Sprintf("%s: stopped at the %s hard limit at %v; state hard-limit, move back or Home()", e.Device, which, e.Position)
}

// DeviceError wraps an error of a driver so that it names the device and
// parameter or operation.
type DeviceError struct {
	Device, Param string
	Err           error
}

func (e *DeviceError) Error() string { return target(e.Device, e.Param) + ": " + e.Err.Error() }
func (e *DeviceError) Unwrap() error { return e.Err }

// ErrUnreachable marks a driver's error that says the hardware could not
// be reached: the connection was refused or lost, or no reply came. A
// motion that ends with it leaves the device in state Error, not standby,
// until an operation succeeds again. Drivers mark such errors with
// Unreachable.
var ErrUnreachable = errors.New("device unreachable")

// Unreachable marks err (which keeps its message) as ErrUnreachable; nil
// stays nil.
func Unreachable(err error) error {
	if err == nil {
		return nil
	}
	return unreachable{err}
}

type unreachable struct{ error }

func (u unreachable) Unwrap() error        { return u.error }
func (u unreachable) Is(target error) bool { return target == ErrUnreachable }

// NestingError is an Exclusive inside another that would take targets no
// enclosing Exclusive holds; see Exclusive.
type NestingError struct {
	Targets string   // the inner Exclusive's targets: "motor, shutter"
	Outer   string   // the enclosing one's: "motor"
	Adds    []string // what it would add: "shutter"
}

func (e *NestingError) Error() string {
	return fmt.Sprintf("exclusive(%s) inside exclusive(%s) would also take %s, which may deadlock; name every target in the outer exclusive",
		e.Targets, e.Outer, strings.Join(e.Adds, ", "))
}

// DeadlockError is an operation that would wait for exclusive access held
// by a task that itself waits, directly or through others, for one that
// the operation runs inside: two holders each using a device the other
// holds. Waiting would never end.
type DeadlockError struct {
	Op     string // the operation refused: "b.SetPosition"
	Holder string // the task it would wait for: "exclusive(b)"
	Waits  string // what that one waits for: "exclusive(a)"
}

func (e *DeadlockError) Error() string {
	return fmt.Sprintf("%s would wait for %s, which waits for %s, inside which it runs: a deadlock; name all the devices in one exclusive",
		e.Op, e.Holder, e.Waits)
}

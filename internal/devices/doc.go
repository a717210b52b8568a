// Package devices is what a scientist controls: devices with named
// parameters, units, limits, write locks, a state machine, exclusive access
// for a task, and emergency stop. The checks are written once here; a
// driver (the dummy devices in the packages beside this one) describes its
// parameters and operations with New and Control and implements only the
// primitives: read a value, write a value, move, stop at once.
//
// # Operations
//
// An operation that takes time (a parameter set, a move, Open, Grab) is
// called without a context and returns a running *tasks.Task at once; await
// it for its result. The operation finds its caller with tasks.Current and
// starts as tasks.ChildOf(caller), which is how exclusive access knows whose
// operation it is. Cancelling the task stops the operation gracefully (a
// motor stops where it is, its state returns to standby); see package tasks
// for the cancellation model. Every set is logged through slog.Default with
// the device, parameter, old and new value and the task.
//
// # Checks, in order
//
// A set is refused at once, with an already failed task, if the value has
// the wrong type (UnitError: a bare number, or a time where a length is
// wanted) or the parameter is read-only (AccessError). Otherwise its task
// waits for exclusive access (see Exclusive), then refuses a value outside
// the effective limits (LimitError), a write-locked parameter or device
// (LockError), a second motion while one runs for another task
// (BusyError), and a state the operation does not start from
// (StateError). Only then is the driver called; a refused set leaves the
// device and its state untouched.
//
// # Emergency stop
//
// EmergencyStop on a device, and EmergencyStopAll on every live device,
// ignore exclusive access and write locks: they cancel the device's
// operations with tasks.ErrEmergencyStop and call the driver's stop at once.
// They never start anything, and have the last word: an operation they hit
// can no longer change the device's state (see Control.SetState).
// EmergencyStopEverything is ctrl-k: every task cancelled and every device
// stopped at once, with one StopReport; Watchdog triggers it on a
// condition.
package devices

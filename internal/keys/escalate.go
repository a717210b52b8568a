package keys

import (
	"errors"
	"time"
)

// ErrInterpreterStopped is the cause given to every task when repeated
// ctrl-c presses stop the interpreter, so that the tasks it kills end as
// Cancelled and never as a success (see package tasks).
var ErrInterpreterStopped = errors.New("interpreter stopped by ctrl-c")

// Action is what one ctrl-c press during a command does.
type Action int

const (
	// Cancel: the first press cancels the foreground task with
	// tasks.ErrInterrupted; what it awaits is cancelled with it and its
	// devices run their cancel action. The shell prints "Cancelled" once
	// that is over.
	Cancel Action = iota + 1
	// Wait: the command is still cleaning up. The press says so and does
	// not abandon the cleanup.
	Wait
	// StopInterpreter: the command ignores cancellation (a tight
	// interpreted loop). Every task is cancelled with ErrInterpreterStopped
	// and then the interpreter is stopped, which ends every interpreted
	// goroutine, background tasks included.
	StopInterpreter
	// Stopping: the interpreter was stopped, but the command still runs
	// compiled code that ignores cancellation; only its return ends it.
	Stopping
)

// The messages the presses print; Cancel prints nothing, the shell's
// "Cancelled" follows when the command has ended.
const (
	MsgWait            = "Cancelling: waiting for the command to clean up. ctrl-c again stops the interpreter, ctrl-k stops everything."
	MsgWaitNoStop      = "Cancelling: waiting for the command to clean up. ctrl-k stops everything."
	MsgStopInterpreter = "Stopping the interpreter: every task ends cancelled."
	MsgStopping        = "Still waiting: the command runs compiled code that ignores cancellation. ctrl-k stops every device."
)

func (a Action) String() string {
	switch a {
	case Cancel:
		return "cancel"
	case Wait:
		return "wait"
	case StopInterpreter:
		return "stop interpreter"
	case Stopping:
		return "stopping"
	}
	return "none"
}

// StopDelay is how long a cancelled command gets to clean up before a
// ctrl-c press may stop the interpreter: fast presses in a row while a
// motor decelerates must not kill every background task.
const StopDelay = time.Second

// Escalation counts the ctrl-c presses during one command and decides
// what each does. The zero value is ready; use one per command. It is not
// safe for concurrent use (the key watcher calls it from one goroutine).
type Escalation struct {
	// CanStop says whether the interpreter can be stopped; when false the
	// presses after the first only ever Wait.
	CanStop bool

	presses int
	first   time.Time
	stopped bool
}

// Press records a ctrl-c press at now and returns what it does:
//
//	1st press:                   Cancel
//	2nd press:                   Wait
//	3rd and later presses:       StopInterpreter, once StopDelay has passed
//	                             since the first press; Wait before that
//	any press after the stop:    Stopping
//
// The message is what the press prints, "" for Cancel.
func (e *Escalation) Press(now time.Time) (Action, string) {
	e.presses++
	switch {
	case e.presses == 1:
		e.first = now
		return Cancel, ""
	case e.stopped:
		return Stopping, MsgStopping
	case !e.CanStop:
		return Wait, MsgWaitNoStop
	case e.presses >= 3 && now.Sub(e.first) >= StopDelay:
		e.stopped = true
		return StopInterpreter, MsgStopInterpreter
	}
	return Wait, MsgWait
}

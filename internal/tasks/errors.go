package tasks

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Causes of cancellation, recorded with context.WithCancelCause and found
// again with errors.Is on a task's error.
var (
	// ErrCancelled is the cause of Task.Cancel.
	ErrCancelled = errors.New("cancelled")
	// ErrInterrupted is the cause when the user presses ctrl-c.
	ErrInterrupted = errors.New("interrupted by ctrl-c")
	// ErrEmergencyStop is the cause when the user presses ctrl-k.
	ErrEmergencyStop = errors.New("emergency stop")
	// ErrShutdown is the cause when the shell exits with tasks still running.
	ErrShutdown = errors.New("shell exiting")

	// errTaskEnded releases an ended task's context; nobody sees it as a
	// cause because the outcome is recorded before.
	errTaskEnded = errors.New("task ended")
)

// CancelledError is the error of a task that was cancelled. errors.Is
// matches it against context.Canceled and against its Cause.
type CancelledError struct {
	TaskID   uint64
	TaskName string
	Cause    error // why: ErrInterrupted, ErrEmergencyStop, ...
	Err      error // what the function returned besides the cancellation, if anything
}

func (e *CancelledError) Error() string {
	msg := fmt.Sprintf("task %d %s cancelled: %v", e.TaskID, e.TaskName, e.Cause)
	if e.Err != nil {
		msg += " (then: " + e.Err.Error() + ")"
	}
	return msg
}

func (e *CancelledError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Cause, e.Err}
	}
	return []error{e.Cause}
}

// Is makes errors.Is(err, context.Canceled) true for every cancelled task.
func (e *CancelledError) Is(target error) bool { return target == context.Canceled }

// PanicError is the error of a task whose function panicked.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap gives the panic value when it was an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// TimeoutError is returned by WaitUntil when the condition did not become
// true in time.
type TimeoutError struct {
	What  string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out after %v waiting for %s", e.After, e.What)
}

// Is makes errors.Is(err, context.DeadlineExceeded) true.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

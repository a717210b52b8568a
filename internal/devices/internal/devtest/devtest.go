// Package devtest holds what the tests of the device packages share:
// waiting for a condition or a task with a generous deadline instead of a
// fixed sleep, because the machines that run them may be slow and busy.
package devtest

import (
	"context"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/tasks"
)

// Deadline is how long Eventually and Within wait before they call it a
// hang: far longer than anything a test waits for should take.
const Deadline = 5 * time.Second

// Eventually polls cond until it holds, and fails the test if it does not
// within Deadline.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Deadline)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s after %v", what, Deadline)
		}
		time.Sleep(time.Millisecond)
	}
}

// Within waits for task and returns its result; it fails the test if the
// task has not ended within Deadline: a deadlock.
func Within(t testing.TB, what string, task *tasks.Task) (any, error) {
	t.Helper()
	select {
	case <-task.Done():
		return task.Result()
	case <-time.After(Deadline):
		t.Fatalf("%s: still %s after %v", what, task.State(), Deadline)
		return nil, nil
	}
}

// ExclusiveWaits is the exclusive-access check every family's contract
// suite makes: while another task holds dev exclusively, op (an operation
// that reaches the driver) must wait, with the driver untouched (calls
// counts its calls), and run once the holder lets go.
func ExclusiveWaits(t *testing.T, dev devices.Lockable, what string, op func() *tasks.Task, calls func() int64) {
	t.Helper()
	release := Hold(t, dev)
	other := op()
	time.Sleep(50 * time.Millisecond) // room for the operation to go wrong
	if other.State().Ended() || calls() != 0 {
		t.Errorf("%s of another task ran while the device was held: %v, %d driver calls", what, other.State(), calls())
	}
	release()
	if _, err := Within(t, what+" after the release", other); err != nil {
		t.Errorf("%s after the release: %v", what, err)
	}
}

// Hold makes another task hold dev exclusively until release is called;
// release returns once that task has ended.
func Hold(t testing.TB, dev devices.Lockable) (release func()) {
	t.Helper()
	held, let := make(chan struct{}), make(chan struct{})
	holder := devices.Exclusive(func(ctx context.Context) error {
		close(held)
		<-let
		return nil
	}, dev)
	<-held
	return func() {
		t.Helper()
		close(let)
		Within(t, "holder", holder)
	}
}

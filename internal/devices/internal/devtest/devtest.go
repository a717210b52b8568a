// Package devtest holds what the tests of the device packages share:
// waiting for a condition or a task with a generous deadline instead of a
// fixed sleep, because the machines that run them may be slow and busy.
package devtest

import (
	"testing"
	"time"

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

package repl

import (
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/tasks"
)

// Stopping the interpreter (ctrl-c three times) in a deep recursion of a
// task leaves that recursion's functions without their ends: yaegi runs no
// more interpreted code there, their deferred _fx_ included. The pool
// goroutine that ran the task runs later tasks, whose recursions must be
// counted from their own start: after the stop, recursion as deep as
// before the stop is still no error, on whichever goroutine it runs.
func TestRecursionAfterTheInterpreterStopped(t *testing.T) {
	s, _ := newTestSession(t)
	run(t, s,
		`func spin(n int) int { if n == 0 { for { } }; return spin(n-1) + 1 }`,
		`func down(n int) int { if n == 0 { return 0 }; return down(n-1) + 1 }`)
	// Stopped at the prompt: a command stopped while it runs goes on a
	// moment on yaegi's goroutine, racing with the next (see settle).
	run(t, s, `t := start(func() (int, error) { return spin(990), nil })`)
	time.Sleep(300 * time.Millisecond)
	s.StopInterpreter()
	for tasks.Default.Len() > 0 {
		time.Sleep(time.Millisecond)
	}
	settle()
	for i := range 8 {
		got := value(t, s, `await start(func() (int, error) { return down(980), nil })`)
		if !strings.Contains(got, "980") {
			t.Fatalf("recursion 981 deep in task %d after the stop: %s; want 980", i, got)
		}
	}
}

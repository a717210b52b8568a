package repl

import (
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/tasks"
)

// A task started from session code costs one goroutine, not two: the
// watch that reports an unawaited failure runs when the task ends, not on
// a goroutine of its own.
func TestStartFromSessionOneGoroutinePerTask(t *testing.T) {
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard, Notify: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		tasks.CancelAll(tasks.ErrShutdown)
		for tasks.Default.Len() > 0 {
			time.Sleep(time.Millisecond)
		}
	}()
	before := runtime.NumGoroutine()
	const n = 1000
	if err := s.Run(`f := func(ctx context.Context) error { <-ctx.Done(); return nil }
for i := 0; i < 1000; i++ { start(f) }`, ""); err != nil {
		t.Fatal(err)
	}
	if got := runtime.NumGoroutine() - before; got > n+20 {
		t.Errorf("%d waiting tasks started from a session hold %d goroutines; want about %d", n, got, n)
	}
}

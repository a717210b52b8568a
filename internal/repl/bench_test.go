package repl

import (
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/concert-go/concert/internal/logs"
)

// BenchmarkCommand is one line typed at the prompt, end to end: the
// foreground task, splitting, the rewrite, yaegi, printing the value.
func BenchmarkCommand(b *testing.B) {
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Run("m := motors.NewLinear(\"bench\")", ""); err != nil {
		b.Fatal(err)
	}
	for _, cmd := range []string{"1 + 2", "x := 2 * q.MM", "m.Position()", "await m.GetPosition()"} {
		b.Run(cmd, func(b *testing.B) {
			for b.Loop() {
				if err := s.Run(cmd, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewSession is the interpreter with stdlib, our symbols and the
// prelude: most of the time from start to the prompt.
func BenchmarkNewSession(b *testing.B) {
	for b.Loop() {
		if _, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartFromSession is `start(f)` from session code, the way a
// session starts many tasks: a loop in the interpreter, then one gather.
// f is a function literal held in a variable, as in bench/compare's
// shell-start-gather. ns/task is wall time per task.
func BenchmarkStartFromSession(b *testing.B) {
	benchmarkStart(b, "f := func(ctx context.Context) error { return nil }")
}

// BenchmarkStartDeclaredFromSession is BenchmarkStartFromSession with f
// declared with func: yaegi makes a new reflect.MakeFunc of f each time
// it passes f to compiled code. Named so that -bench StartFromSession
// runs the other alone.
func BenchmarkStartDeclaredFromSession(b *testing.B) {
	benchmarkStart(b, "func f(ctx context.Context) error { return nil }")
}

// BenchmarkStartCallingFromSession is BenchmarkStartFromSession with an f
// that calls something, as a task's function does: what a call from a
// task into compiled code adds.
func BenchmarkStartCallingFromSession(b *testing.B) {
	benchmarkStart(b, "f := func(ctx context.Context) error { return ctx.Err() }")
}

func benchmarkStart(b *testing.B, declareF string) {
	// The shell's log at its default level, to a discarded writer.
	b.Cleanup(logs.Set(slog.New(slog.NewJSONHandler(io.Discard, nil)), nil, nil))
	// Notify set, as the shell sets it: every started task is watched for
	// a failure nobody awaits.
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard, Notify: func(error) {}})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Run(declareF+"\nvar ts []any", ""); err != nil {
		b.Fatal(err)
	}
	const n = 10000
	src := fmt.Sprintf("ts = make([]any, 0, %d)\nfor i := 0; i < %d; i++ { ts = append(ts, start(f)) }\nres := await gather(ts...)\n_ = res", n, n)
	cpu := cpuTime()
	for b.Loop() {
		if err := s.Run(src, ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/task")
	reportCPU(b, cpu, b.N*n, "task")
}

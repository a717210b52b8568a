package repl

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// BenchmarkEmergencyStopFromSession is ctrl-k's work in the shell without
// the terminal (bench/compare's shell-ctrl-k has the terminal too):
// background tasks written in the session wait on their context, dummy
// motors move, and everything is emergency-stopped. report-ms is until
// the report is made (every task told, every device's stop returned),
// report-cpu-ms the process's CPU time until then, which a busy machine
// changes less than the wall time; settled-ms until every task has
// ended.
func BenchmarkEmergencyStopFromSession(b *testing.B) {
	b.Run("tasks=10000,motors=1000", func(b *testing.B) { benchEmergencyStopFromSession(b, 10000, 1000) })
	b.Run("tasks=10000,motors=0", func(b *testing.B) { benchEmergencyStopFromSession(b, 10000, 0) })
	b.Run("tasks=0,motors=1000", func(b *testing.B) { benchEmergencyStopFromSession(b, 0, 1000) })
}

func benchEmergencyStopFromSession(b *testing.B, nTasks, nMotors int) {
	b.Cleanup(logs.Set(slog.New(slog.NewJSONHandler(io.Discard, nil)), nil, nil))
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	setup := `func setup(nTasks, nMotors int) {
	for i := 0; i < nTasks; i++ {
		start(func(ctx context.Context) { <-ctx.Done() })
	}
	ms := make([]*motors.Linear, nMotors)
	for i := range ms {
		ms[i] = motors.NewLinear(fmt.Sprintf("m%d", i))
		ms[i].SetPosition(90 * q.MM)
	}
	for _, m := range ms {
		for m.State() != "moving" {
			time.Sleep(time.Millisecond)
		}
	}
}`
	if err := s.Run(setup, ""); err != nil {
		b.Fatal(err)
	}
	var report, reportCPU, settled time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := s.Run(fmt.Sprintf("setup(%d, %d)", nTasks, nMotors), ""); err != nil {
			b.Fatal(err)
		}
		runtime.GC() // the setup's garbage is not the stop's cost
		b.StartTimer()
		c0, t0 := cpuTime(), time.Now()
		r := devices.EmergencyStopEverything(context.Background())
		report += time.Since(t0)
		reportCPU += cpuTime() - c0
		b.StopTimer()
		if r.Tasks < nTasks+nMotors || len(r.Stopped) < nMotors {
			b.Fatalf("report %q; want %d tasks and %d devices stopped", r, nTasks+nMotors, nMotors)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := tasks.Default.Wait(ctx); err != nil {
			b.Fatal(err)
		}
		cancel()
		settled += time.Since(t0)
		runtime.GC() // the motors leave the registry
		runtime.GC()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(report.Microseconds())/1000/n, "report-ms")
	b.ReportMetric(float64(reportCPU.Microseconds())/1000/n, "report-cpu-ms")
	b.ReportMetric(float64(settled.Microseconds())/1000/n, "settled-ms")
}

// BenchmarkWaitingTaskMemory is what a task written in the session holds
// while it waits, in sleep(ctx, d) or on its context: its goroutine's
// stack and its heap, beside a compiled task waiting on its context. A
// goroutine's stack is at least 2 KB, doubles whenever more is needed and
// is halved at a collection when under a quarter is in use; the
// interpreter's frames keep a waiting interpreted task's at 8 KB (README,
// Performance). The heap leaves out the goroutine's own record (about
// 0.5 KB), which the runtime keeps and reuses after the first round.
func BenchmarkWaitingTaskMemory(b *testing.B) {
	b.Run("interpreted", func(b *testing.B) {
		benchWaitingTaskMemory(b, `f := func(ctx context.Context) error { return sleep(ctx, time.Hour) }`)
	})
	b.Run("interpreted-done", func(b *testing.B) {
		benchWaitingTaskMemory(b, `f := func(ctx context.Context) { <-ctx.Done() }`)
	})
	b.Run("compiled", func(b *testing.B) { benchWaitingTaskMemory(b, "") })
}

func benchWaitingTaskMemory(b *testing.B, src string) {
	b.Cleanup(logs.Set(slog.New(slog.NewJSONHandler(io.Discard, nil)), nil, nil))
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	const n = 5000
	var stack, heap float64
	for b.Loop() {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		if src == "" {
			for range n {
				tasks.Start(func(ctx context.Context) { <-ctx.Done() })
			}
		} else if err := s.Run(fmt.Sprintf("%s\nfor i := 0; i < %d; i++ { start(f) }", src, n), ""); err != nil {
			b.Fatal(err)
		}
		waitWaiting(b, n)
		runtime.GC()
		runtime.ReadMemStats(&m1)
		stack += float64(m1.StackInuse) - float64(m0.StackInuse)
		heap += float64(m1.HeapInuse) - float64(m0.HeapInuse)
		tasks.Default.CancelAll(tasks.ErrShutdown)
		if err := tasks.Default.Wait(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(stack/float64(b.N*n), "stack-B/task")
	b.ReportMetric(heap/float64(b.N*n), "heap-B/task")
}

// waitWaiting waits until n goroutines wait on a channel: every task's
// function has started and reached its wait.
func waitWaiting(b *testing.B, n int) {
	buf := make([]byte, 64<<20)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		k := runtime.Stack(buf, true)
		if all := string(buf[:k]); strings.Count(all, "[select")+strings.Count(all, "[chan receive") >= n {
			return
		}
	}
	b.Fatalf("fewer than %d tasks waiting after a minute", n)
}

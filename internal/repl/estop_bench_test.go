package repl

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
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

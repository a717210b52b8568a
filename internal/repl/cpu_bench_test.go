//go:build unix

package repl

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine it says more about a change than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ns/op-unit to b's results: the process's CPU time
// since start, per unit of work.
func reportCPU(b *testing.B, start time.Duration, units int, unit string) {
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(units), "cpu-ns/"+unit)
}

//go:build unix

package datatest

import (
	"syscall"
	"testing"
	"time"
)

// CPUTime is the CPU time the process has used, user and system: on a
// shared machine it says more about a benchmark pair than the wall clock.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ReportCPU adds cpu-ns/frame (or another unit) to b's results: the
// process's CPU time since start, per unit of work.
func ReportCPU(b *testing.B, start time.Duration, units int, unit string) {
	b.ReportMetric(float64((CPUTime()-start).Nanoseconds())/float64(units), "cpu-ns/"+unit)
}

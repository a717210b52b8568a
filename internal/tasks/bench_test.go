package tasks

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's CPU time: on a loaded machine it says more
// about a change than the time on the clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func trivial(context.Context) (any, error) { return 1, nil }

func BenchmarkStartAwait(b *testing.B) {
	s := NewScheduler(context.Background())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Start(trivial).Await(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGather mirrors Concert's start() of n coroutines gathered.
func BenchmarkGather(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		for _, work := range []struct {
			name string
			fn   Func
		}{
			{"trivial", trivial},
			{"sleep10ms", func(ctx context.Context) (any, error) {
				select {
				case <-time.After(10 * time.Millisecond):
				case <-ctx.Done():
				}
				return 1, nil
			}},
		} {
			b.Run(fmt.Sprintf("%s/n=%d", work.name, n), func(b *testing.B) {
				s := NewScheduler(context.Background())
				ctx := context.Background()
				b.ReportAllocs()
				cpu := cpuTime()
				for b.Loop() {
					ts := make([]*Task, n)
					for i := range ts {
						ts[i] = s.Start(work.fn)
					}
					if _, err := Gather(ctx, ts...); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/task")
				b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N*n), "cpu-ns/task")
			})
		}
	}
}

// BenchmarkCancelAll cancels 100,000 live tasks, each waiting on its
// context. ns/op is the time CancelAll takes to tell them all; ended-ms is
// the time from the call until every task has ended. On a machine with few
// cores the two are close: each task told is woken onto the teller's own
// core, and once the teller's time slice ends the Go scheduler lets the
// woken tasks wind down before it resumes.
func BenchmarkCancelAll(b *testing.B) {
	const n = 100_000
	var ended time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := NewScheduler(context.Background())
		var waiting sync.WaitGroup
		waiting.Add(n)
		block := func(ctx context.Context) (any, error) {
			done := ctx.Done()
			waiting.Done()
			<-done
			return nil, ctx.Err()
		}
		for range n {
			s.Start(block)
		}
		waiting.Wait()
		time.Sleep(10 * time.Millisecond) // the last few from Done to parked
		runtime.GC()                      // not the setup's garbage
		b.StartTimer()
		start := time.Now()
		if got := s.CancelAll(ErrEmergencyStop); got != n {
			b.Fatalf("CancelAll() = %d; want %d", got, n)
		}
		b.StopTimer()
		s.Wait(context.Background())
		ended += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(ended)/1e6/float64(b.N), "ended-ms")
}

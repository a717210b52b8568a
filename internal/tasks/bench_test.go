package tasks

import (
	"context"
	"fmt"
	"testing"
	"time"
)

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
			})
		}
	}
}

// BenchmarkCancelAll cancels 100,000 live tasks; the figure is the time
// CancelAll takes to tell them all, not their wind-down.
func BenchmarkCancelAll(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	block := func(ctx context.Context) (any, error) { <-ctx.Done(); return nil, ctx.Err() }
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := NewScheduler(context.Background())
		ts := make([]*Task, n)
		for i := range ts {
			ts[i] = s.Start(block)
		}
		time.Sleep(100 * time.Millisecond) // let every goroutine park
		b.StartTimer()
		if got := s.CancelAll(ErrEmergencyStop); got != n {
			b.Fatalf("CancelAll() = %d; want %d", got, n)
		}
		b.StopTimer()
		Gather(ctx, ts...)
		b.StartTimer()
	}
}

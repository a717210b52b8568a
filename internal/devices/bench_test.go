package devices_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/logs"
)

// BenchmarkParam measures get and set round trips, the workloads of
// Concert's reference figures (get 37-53 µs, set to the current value
// 225-307 µs).
func BenchmarkParam(b *testing.B) {
	m := motors.NewLinear("motor")
	b.Run("GetX().Await", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.GetPosition().Await(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("X()", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.Position()
		}
	})
	b.Run("SetX(current).Await", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.SetPosition(0).Await(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SetX(current).Await/logged", func(b *testing.B) {
		defer logs.Set(slog.New(slog.NewJSONHandler(io.Discard, nil)), nil, nil)()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.SetPosition(0).Await(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	runtime.KeepAlive(m)
}

// BenchmarkEmergencyStopAll stops 1,000 devices whose stop takes 10 ms
// (target: under 30 ms), and 1,000 dummy motors in the middle of a move.
func BenchmarkEmergencyStopAll(b *testing.B) {
	const n = 1000
	b.Run("10ms-stops", func(b *testing.B) {
		devs := make([]*devices.Base, n)
		for i := range devs {
			devs[i], _ = devices.New(devices.Config{Name: fmt.Sprint("slow", i), EmergencyStop: func(ctx context.Context) error {
				select {
				case <-time.After(10 * time.Millisecond):
					return nil
				case <-ctx.Done():
					return context.Cause(ctx)
				}
			}})
		}
		for b.Loop() {
			if rep := devices.EmergencyStopAll(ctx); !rep.OK() {
				b.Fatal(rep)
			}
		}
		runtime.KeepAlive(devs)
	})
	b.Run("moving-motors", func(b *testing.B) {
		runtime.GC() // drop the slow devices of the run before
		ms := make([]*motors.Linear, n)
		for i := range ms {
			ms[i] = motors.NewLinear(fmt.Sprint("motor", i))
		}
		for b.Loop() {
			b.StopTimer()
			for _, m := range ms {
				m.SetPosition(50 * q.MM)
			}
			for _, m := range ms {
				for m.State() != devices.Moving {
					time.Sleep(time.Millisecond)
				}
			}
			b.StartTimer()
			if rep := devices.EmergencyStopAll(ctx); !rep.OK() {
				b.Fatal(rep)
			}
			b.StopTimer()
			for _, m := range ms {
				m.Home()
			}
			for _, m := range ms {
				for m.Position() != 0 || m.State() != devices.Standby {
					time.Sleep(time.Millisecond)
				}
			}
			b.StartTimer()
		}
	})
}

// BenchmarkExclusive takes exclusive access to two shared devices from
// many tasks at once; each op is one Exclusive with an empty body.
func BenchmarkExclusive(b *testing.B) {
	x, y := motors.NewLinear("x"), motors.NewLinear("y")
	b.SetParallelism(8)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			targets := []devices.Lockable{x, y.Param("position")}
			if i%2 == 1 {
				targets = []devices.Lockable{y.Param("position"), x}
			}
			i++
			if _, err := devices.Exclusive(func() {}, targets...).Await(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package scans

import (
	"context"
	"testing"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/photodiodes"
	"github.com/concert-go/concert/internal/devices/q"
)

// BenchmarkScanPoint measures what a scan costs per point beyond the
// devices' own time, on dummies that do not move (1 nm steps at 1 m/s):
// "scan" is an ascan of b.N+1 points reading a diode, its run written to
// disk; "loop" does the same sets and reads in a plain Go loop. The
// overhead per point is the difference of their ns/op (goal: under 1 ms).
func BenchmarkScanPoint(b *testing.B) {
	if err := data.Configure("bench", b.TempDir()); err != nil {
		b.Fatal(err)
	}
	Configure(Config{})
	m := motors.NewLinear("bench_m")
	m.SetMotionVelocity(1 * q.MPerS).Await(context.Background())
	diode := photodiodes.New("bench_diode")
	ctx := context.Background()
	b.Run("scan", func(b *testing.B) {
		stop := q.Length(b.N) * q.NM
		b.ResetTimer()
		if _, err := Ascan(m, 0*q.MM, stop, b.N, diode).Await(ctx); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("loop", func(b *testing.B) {
		pos, in := m.Param("position"), diode.Param("intensity")
		for i := range b.N + 1 {
			if _, err := pos.Set(q.Length(i) * q.NM).Await(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := in.Read(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

//go:build unix

package scans

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/data/datatest"
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/photodiodes"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
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

// bigCamera is the dummy camera with 512x512 frames, grabbed at once.
type bigCamera struct {
	*cameras.Device
	frame *cameras.Frame
}

func (c *bigCamera) Grab() *tasks.Task {
	return tasks.Start(func() (*cameras.Frame, error) { return c.frame, nil })
}

// BenchmarkAcquireFrames writes 512x512 16-bit frames from a camera to
// TIFF files: "acquire" is an acquisition of b.N frames into a run, which
// writes each frame, its row and its mean and, at the end, plot.png and
// meta.json; "plain" grabs the same frames and writes the same TIFFs in a
// plain Go loop (datatest.PlainTIFF). "paired" alternates the two by
// acquisitions of up to 100 frames, so that both see the same load of a
// shared machine, and reports acquire/plain, the ratio of their times
// (goal: at most 1.2).
func BenchmarkAcquireFrames(b *testing.B) {
	if err := data.Configure("bench", b.TempDir()); err != nil {
		b.Fatal(err)
	}
	Configure(Config{})
	const w, h = 512, 512
	pix := make([]uint16, w*h)
	for i := range pix {
		pix[i] = uint16(i)
	}
	cam := &bigCamera{cameras.New("bench_cam"), &cameras.Frame{Width: w, Height: h, Pixels: pix}}
	ctx := context.Background()
	acquire := func(b *testing.B, n int) {
		if _, err := Acquire(Frames(cam, "frames", n)).Await(ctx); err != nil {
			b.Fatal(err)
		}
	}
	img := image.NewGray16(image.Rect(0, 0, w, h))
	plain := func(b *testing.B, dir string, n int) {
		for i := range n {
			v, err := cam.Grab().Await(ctx)
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(dir, fmt.Sprintf("frame_%06d.tif", i))
			if err := datatest.PlainTIFF(path, img, v.(*cameras.Frame).Pixels); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("acquire", func(b *testing.B) {
		b.SetBytes(w * h * 2)
		cpu := datatest.CPUTime()
		acquire(b, b.N)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		datatest.ReportCPU(b, cpu, b.N, "frame")
	})
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(w * h * 2)
		cpu := datatest.CPUTime()
		plain(b, b.TempDir(), b.N)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		datatest.ReportCPU(b, cpu, b.N, "frame")
	})
	b.Run("paired", func(b *testing.B) {
		var acq, pl time.Duration
		for done := 0; done < b.N; {
			n := min(100, b.N-done)
			t0 := time.Now()
			acquire(b, n)
			t1 := time.Now()
			plain(b, b.TempDir(), n)
			acq, pl = acq+t1.Sub(t0), pl+time.Since(t1)
			done += n
		}
		b.ReportMetric(float64(acq)/float64(pl), "acquire/plain")
	})
}

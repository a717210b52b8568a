//go:build unix

package data

import (
	"fmt"
	"image"
	"path/filepath"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/data/datatest"
)

// BenchmarkFrames writes 512x512 16-bit frames as TIFF files: through a
// run (Run.Frame, "run") and with a plain Go loop doing the same by hand
// (datatest.PlainTIFF, "plain"). "paired" alternates the two frame by
// frame, so that both see the same load of a shared machine, and reports
// run/plain, the ratio of their times (goal: at most 1.2).
func BenchmarkFrames(b *testing.B) {
	const w, h = 512, 512
	pix := make([]uint16, w*h)
	for i := range pix {
		pix[i] = uint16(i)
	}
	b.Run("run", func(b *testing.B) {
		r, err := CreateIn(b.TempDir(), Meta{Kind: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(w * h * 2)
		cpu := datatest.CPUTime()
		b.ResetTimer()
		for range b.N {
			if _, err := r.Frame("projections", w, h, pix); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		datatest.ReportCPU(b, cpu, b.N, "frame")
		b.StopTimer()
		r.Close(Done, nil)
	})
	b.Run("plain", func(b *testing.B) {
		dir := b.TempDir()
		b.SetBytes(w * h * 2)
		cpu := datatest.CPUTime()
		img := image.NewGray16(image.Rect(0, 0, w, h))
		for i := range b.N {
			if err := datatest.PlainTIFF(filepath.Join(dir, fmt.Sprintf("frame_%06d.tif", i)), img, pix); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		datatest.ReportCPU(b, cpu, b.N, "frame")
	})
	b.Run("paired", func(b *testing.B) {
		r, err := CreateIn(b.TempDir(), Meta{Kind: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close(Done, nil)
		dir := b.TempDir()
		img := image.NewGray16(image.Rect(0, 0, w, h))
		var run, plain time.Duration
		for i := range b.N {
			viaRun := func() {
				t0 := time.Now()
				if _, err := r.Frame("projections", w, h, pix); err != nil {
					b.Fatal(err)
				}
				run += time.Since(t0)
			}
			viaPlain := func() {
				t0 := time.Now()
				if err := datatest.PlainTIFF(filepath.Join(dir, fmt.Sprintf("frame_%06d.tif", i)), img, pix); err != nil {
					b.Fatal(err)
				}
				plain += time.Since(t0)
			}
			if i%2 == 0 { // neither always goes first
				viaRun()
				viaPlain()
			} else {
				viaPlain()
				viaRun()
			}
		}
		b.ReportMetric(float64(run)/float64(plain), "run/plain")
	})
}

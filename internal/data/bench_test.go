package data

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/tiff"
)

// BenchmarkFrames writes 512x512 16-bit frames as TIFF files: through a
// run (Run.Frame) and with a plain Go loop doing the same by hand. The
// goal is a run within 1.2x of the plain loop; compare frames/s.
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
		b.ResetTimer()
		for range b.N {
			if _, err := r.Frame("projections", w, h, pix); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		b.StopTimer()
		r.Close(Done, nil)
	})
	b.Run("plain", func(b *testing.B) {
		dir := b.TempDir()
		b.SetBytes(w * h * 2)
		for i := range b.N {
			img := image.NewGray16(image.Rect(0, 0, w, h))
			for j, p := range pix {
				binary.BigEndian.PutUint16(img.Pix[2*j:], p)
			}
			f, err := os.Create(filepath.Join(dir, fmt.Sprintf("frame_%06d.tif", i)))
			if err != nil {
				b.Fatal(err)
			}
			bw := bufio.NewWriterSize(f, 64<<10)
			if err := tiff.Encode(bw, img, nil); err != nil {
				b.Fatal(err)
			}
			bw.Flush()
			f.Close()
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
}

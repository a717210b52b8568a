package datatest

import (
	"bufio"
	"encoding/binary"
	"image"
	"os"

	"golang.org/x/image/tiff"
)

// PlainTIFF is what the frame benchmarks compare a run with: a plain Go
// program writing pix as a 16-bit TIFF file at path, into img (reused
// from frame to frame, as a careful program would), buffered.
func PlainTIFF(path string, img *image.Gray16, pix []uint16) error {
	for j, p := range pix {
		binary.BigEndian.PutUint16(img.Pix[2*j:], p)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = tiff.Encode(bw, img, nil)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

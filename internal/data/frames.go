package data

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/image/tiff"
)

// Frame writes one camera frame (width x height pixels, row by row) as the
// next 16-bit TIFF of acquisition acq: frames/ACQ/frame_NNNNNN.tif,
// counting from 0 as Concert's DirectoryWalker does. It returns the file's
// path. Frames of different acquisitions may be written concurrently.
func (r *Run) Frame(acq string, width, height int, pix []uint16) (string, error) {
	if len(pix) != width*height {
		return "", fmt.Errorf("data: frame of %dx%d with %d pixels", width, height, len(pix))
	}
	r.mu.Lock()
	if r.err != nil {
		r.mu.Unlock()
		return "", r.err
	}
	if r.meta.Frames == nil {
		r.meta.Frames = map[string]int{}
	}
	i := r.meta.Frames[acq]
	r.meta.Frames[acq] = i + 1
	r.mu.Unlock()

	dir := filepath.Join(r.dir, "frames", acq)
	path := filepath.Join(dir, fmt.Sprintf("frame_%06d.tif", i))
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		err = WriteTIFF(path, width, height, pix)
	}
	if err != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.meta.Frames[acq]--
		return "", r.fail(path, err)
	}
	return path, nil
}

// grays holds conversion buffers: a frame a second of 512x512 should not
// allocate half a megabyte each time.
var grays sync.Pool

// WriteTIFF writes pixels (row by row) as an uncompressed 16-bit
// grayscale TIFF file.
func WriteTIFF(path string, width, height int, pix []uint16) error {
	img, _ := grays.Get().(*image.Gray16)
	if img == nil || img.Rect.Dx() != width || img.Rect.Dy() != height {
		img = image.NewGray16(image.Rect(0, 0, width, height))
	}
	defer grays.Put(img)
	for i, p := range pix {
		binary.BigEndian.PutUint16(img.Pix[2*i:], p)
	}
	f, err := openFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	err = tiff.Encode(w, img, nil)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

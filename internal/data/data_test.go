package data

import (
	"encoding/csv"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/image/tiff"

	"github.com/concert-go/concert/internal/data/datatest"
)

func TestRunWritesCSVMetaPlotAndFrames(t *testing.T) {
	dir := t.TempDir()
	r, err := CreateIn(dir, Meta{Kind: "ascan", Command: "await ascan(m, ...)", Session: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Number() != 1 || filepath.Base(r.Dir()) != "run_0001" {
		t.Fatalf("first run is %d in %s", r.Number(), r.Dir())
	}
	m, err := ReadMeta(dir, 1)
	if err != nil || m.Status != Running || m.Command != "await ascan(m, ...)" || m.User == "" {
		t.Fatalf("meta at start = %+v, %v", m, err)
	}
	cols := []Column{{Name: "point"}, {Name: "m.position", Unit: "mm"}, {Name: "diode.intensity"}}
	if err := r.SetColumns(cols, 1, []int{2}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := r.Point([]any{i + 1, float64(i) * 0.5, 10.0 + float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Written as they come: the rows are on disk before Close.
	rows := datatest.ReadCSV(t, filepath.Join(r.Dir(), "points.csv"))
	want := [][]string{{"point", "m.position [mm]", "diode.intensity"}, {"1", "0", "10"}, {"2", "0.5", "11"}, {"3", "1", "12"}}
	if !equal(rows, want) {
		t.Fatalf("points.csv = %v, want %v", rows, want)
	}
	pix := make([]uint16, 4*3)
	for i := range pix {
		pix[i] = uint16(i * 1000)
	}
	path, err := r.Frame("darks", 4, 3, pix)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(r.Dir(), "frames", "darks", "frame_000000.tif"); path != want {
		t.Fatalf("frame written to %s, want %s", path, want)
	}
	if err := r.Close(Done, nil); err != nil {
		t.Fatal(err)
	}
	m, err = ReadMeta(dir, 1)
	if err != nil || m.Status != Done || m.Points != 3 || m.Frames["darks"] != 1 || m.Ended == nil {
		t.Fatalf("meta at end = %+v, %v", m, err)
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), "plot.png")); err != nil {
		t.Fatalf("no plot: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := tiff.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray16)
	if !ok || g.Rect.Dx() != 4 || g.Rect.Dy() != 3 {
		t.Fatalf("TIFF is %T %v, want 4x3 Gray16", img, img.Bounds())
	}
	for i, p := range pix {
		if got := g.Gray16At(i%4, i/4).Y; got != p {
			t.Fatalf("pixel %d = %d, want %d", i, got, p)
		}
	}
	// The next run gets the next number.
	r2, err := CreateIn(dir, Meta{Kind: "dscan"})
	if err != nil || r2.Number() != 2 {
		t.Fatalf("second run: %v, %v", r2, err)
	}
	r2.Close(Cancelled, errors.New("interrupted by ctrl-c"))
	list, err := List(dir)
	if err != nil || len(list) != 2 || list[1].Status != Cancelled || list[1].Error != "interrupted by ctrl-c" {
		t.Fatalf("List = %+v, %v", list, err)
	}
}

func equal(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "|") != strings.Join(b[i], "|") {
			return false
		}
	}
	return true
}

// A disk that fills up in the middle of a run: the write fails with a
// clear error, later writes fail with the same, the rows before stay, and
// meta.json says what happened.
func TestWriteErrorStopsTheRunAndKeepsWhatWasWritten(t *testing.T) {
	dir := t.TempDir()
	r, err := CreateIn(dir, Meta{Kind: "ascan"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetColumns([]Column{{Name: "x"}}, 0, []int{0}); err != nil {
		t.Fatal(err)
	}
	r.Point([]any{1.0})
	r.Point([]any{2.0})
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	good := r.points
	r.mu.Lock()
	r.points = full
	r.csv = csv.NewWriter(full)
	r.mu.Unlock()
	err = r.Point([]any{3.0})
	var we *WriteError
	if !errors.As(err, &we) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Point on a full disk = %v, want a WriteError with ENOSPC", err)
	}
	want := "run 1: cannot write /dev/full: no space left on device; the run stopped, what was written before is kept"
	if err.Error() != want {
		t.Fatalf("error = %q, want %q", err, want)
	}
	if err2 := r.Point([]any{4.0}); err2 != err {
		t.Fatalf("a later Point = %v, want the same error", err2)
	}
	good.Close()
	r.Close(Done, nil)
	rows := datatest.ReadCSV(t, filepath.Join(r.Dir(), "points.csv"))
	if !equal(rows, [][]string{{"x"}, {"1"}, {"2"}}) {
		t.Fatalf("points kept = %v", rows)
	}
	m, _ := ReadMeta(dir, 1)
	if m.Status != Failed || m.Points != 2 || !strings.Contains(m.Error, "no space left") {
		t.Fatalf("meta = %+v", m)
	}
}

func TestUnwritableDataDirectory(t *testing.T) {
	_, err := CreateIn("/dev/null/data", Meta{Kind: "ascan"})
	want := `data directory /dev/null/data cannot be made: not a directory; change it with datadir("DIR")`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if err := SetDir("/dev/null/data"); err == nil || !strings.Contains(err.Error(), "cannot be made") {
		t.Fatalf("SetDir = %v", err)
	}
}

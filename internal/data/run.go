package data

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Status is how a run ended, or "running".
type Status string

// The statuses of a run.
const (
	Running   Status = "running"
	Done      Status = "done"
	Failed    Status = "failed"
	Cancelled Status = "cancelled"
)

// Column is one column of points.csv.
type Column struct {
	Name string `json:"name"`           // "motor.position"
	Unit string `json:"unit,omitempty"` // "mm"
}

// Header is the column's title in the CSV: "motor.position [mm]".
func (c Column) Header() string {
	if c.Unit == "" {
		return c.Name
	}
	return c.Name + " [" + c.Unit + "]"
}

// Meta is a run's meta.json.
type Meta struct {
	Run      int               `json:"run"`
	Kind     string            `json:"kind"` // "dscan", "tomo", ...
	Session  string            `json:"session"`
	User     string            `json:"user"`
	Host     string            `json:"host"`
	Command  string            `json:"command"`
	Started  time.Time         `json:"started"`
	Ended    *time.Time        `json:"ended,omitempty"`
	Status   Status            `json:"status"`
	Error    string            `json:"error,omitempty"`
	Points   int               `json:"points"`
	Planned  int               `json:"planned,omitempty"` // points the scan meant to measure
	Columns  []Column          `json:"columns,omitempty"`
	Frames   map[string]int    `json:"frames,omitempty"` // acquisition -> frames written
	Scan     map[string]any    `json:"scan,omitempty"`   // what the scan was asked to do
	Baseline map[string]Device `json:"baseline"`
	// Plot names the columns plot.png shows: X against each of Y.
	PlotX int   `json:"plot_x"`
	PlotY []int `json:"plot_y,omitempty"`
}

// Run is one numbered run being written. Its methods are safe for
// concurrent use; after the first write error every write returns it.
type Run struct {
	dir string

	mu     sync.Mutex
	meta   Meta
	points *os.File
	csv    *csv.Writer
	rows   [][]float64 // the numbers, for the plot
	err    error
	closed bool
}

// openFile is os.OpenFile; tests replace it to make writes fail.
var openFile = os.OpenFile

// Create starts run number next in the data directory (Dir), made if
// needed, and writes its meta.json with status running. m gives the kind,
// command, scan and baseline; the rest is filled in here.
func Create(m Meta) (*Run, error) { return CreateIn(Dir(), m) }

// CreateIn is Create in the data directory dir.
func CreateIn(dir string, m Meta) (*Run, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory %s cannot be made: %w; change it with datadir(\"DIR\")", dir, unwrapPath(err))
	}
	n, path, err := nextRun(dir)
	if err != nil {
		return nil, err
	}
	m.Run, m.Status = n, Running
	if m.Session == "" {
		m.Session = Session()
	}
	if u, err := user.Current(); err == nil {
		m.User = u.Username
	}
	m.Host, _ = os.Hostname()
	if m.Started.IsZero() {
		m.Started = time.Now()
	}
	r := &Run{dir: path, meta: m}
	if err := r.writeMeta(); err != nil {
		return nil, err
	}
	return r, nil
}

// nextRun makes the directory of the next run: one more than the highest
// number there. Mkdir fails on a directory that exists, so two processes
// never get the same number.
func nextRun(dir string) (int, string, error) {
	n := 0
	for _, m := range scanRuns(dir) {
		n = max(n, m)
	}
	for range 1000 {
		n++
		path := filepath.Join(dir, runName(n))
		err := os.Mkdir(path, 0o755)
		if err == nil {
			return n, path, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return 0, "", fmt.Errorf("data directory %s is not writable: %w; change it with datadir(\"DIR\")", dir, unwrapPath(err))
		}
	}
	return 0, "", fmt.Errorf("data directory %s: no free run number", dir)
}

func runName(n int) string { return fmt.Sprintf("run_%04d", n) }

// scanRuns lists the run numbers in dir.
func scanRuns(dir string) []int {
	entries, _ := os.ReadDir(dir)
	var ns []int
	for _, e := range entries {
		var n int
		if _, err := fmt.Sscanf(e.Name(), "run_%d", &n); err == nil && e.IsDir() {
			ns = append(ns, n)
		}
	}
	return ns
}

// Number is the run's number.
func (r *Run) Number() int { return r.meta.Run }

// Dir is the run's directory.
func (r *Run) Dir() string { return r.dir }

// Meta returns a copy of the run's metadata as it stands.
func (r *Run) Meta() Meta {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.meta
}

// Err is the write error that ended the run, or nil.
func (r *Run) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// WriteError is a write that failed; the run ends with it.
type WriteError struct {
	Run  int
	Path string
	Err  error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("run %d: cannot write %s: %v; the run stopped, what was written before is kept", e.Run, e.Path, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

// fail records the first write error; r.mu is held.
func (r *Run) fail(path string, err error) error {
	if r.err == nil {
		r.err = &WriteError{Run: r.meta.Run, Path: path, Err: unwrapPath(err)}
	}
	return r.err
}

// SetColumns writes the CSV header; call it once before the first Point.
// plotX and plotY say which columns plot.png shows.
func (r *Run) SetColumns(cols []Column, plotX int, plotY []int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	path := filepath.Join(r.dir, "points.csv")
	f, err := openFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return r.fail(path, err)
	}
	r.points, r.csv = f, csv.NewWriter(f)
	r.meta.Columns, r.meta.PlotX, r.meta.PlotY = cols, plotX, plotY
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Header()
	}
	if err := r.writeRow(head); err != nil {
		return err
	}
	if err := r.writeMetaLocked(); err != nil {
		return err
	}
	return nil
}

// Point appends one row: a value per column, each a float64, an int, a
// bool or a string. The row is on disk (handed to the OS) when Point
// returns.
func (r *Run) Point(vals []any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if r.csv == nil {
		return errors.New("data: Point before SetColumns")
	}
	cells := make([]string, len(vals))
	nums := make([]float64, len(vals))
	for i, v := range vals {
		cells[i], nums[i] = cell(v)
	}
	if err := r.writeRow(cells); err != nil {
		return err
	}
	r.rows = append(r.rows, nums)
	r.meta.Points++
	return nil
}

func (r *Run) writeRow(cells []string) error {
	r.csv.Write(cells)
	r.csv.Flush()
	if err := r.csv.Error(); err != nil {
		return r.fail(r.points.Name(), err)
	}
	return nil
}

// cell gives a value's text in the CSV and its number for the plot (NaN
// for text).
func cell(v any) (string, float64) {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), v
	case int:
		return strconv.Itoa(v), float64(v)
	case bool:
		if v {
			return "1", 1
		}
		return "0", 0
	case string:
		return v, nan
	case nil:
		return "", nan
	}
	return fmt.Sprint(v), nan
}

// Rows returns the numbers written so far, one slice per point.
func (r *Run) Rows() [][]float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]float64(nil), r.rows...)
}

// Close ends the run with status and err (nil for none): it closes
// points.csv, writes plot.png and the final meta.json. A write error of
// the run itself takes precedence over err in meta.json. Close returns the
// first write error of the run, if any; a second Close does nothing.
func (r *Run) Close(status Status, err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.err
	}
	r.closed = true
	if r.points != nil {
		if cerr := r.points.Close(); cerr != nil {
			r.fail(r.points.Name(), cerr)
		}
	}
	now := time.Now()
	r.meta.Ended = &now
	r.meta.Status = status
	switch {
	case r.err != nil:
		r.meta.Status, r.meta.Error = Failed, r.err.Error()
	case err != nil:
		r.meta.Error = err.Error()
	}
	if len(r.rows) > 0 {
		if perr := writePlot(filepath.Join(r.dir, "plot.png"), r.meta, r.rows); perr != nil {
			r.fail(filepath.Join(r.dir, "plot.png"), perr)
		}
	}
	if merr := r.writeMetaLocked(); merr != nil && r.err == nil {
		return merr
	}
	return r.err
}

func (r *Run) writeMeta() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writeMetaLocked()
}

// writeMetaLocked writes meta.json whole: a temporary file renamed into
// place, so a reader never sees half of it.
func (r *Run) writeMetaLocked() error {
	b, err := json.MarshalIndent(r.meta, "", "  ")
	if err != nil {
		return fmt.Errorf("run %d: metadata: %w", r.meta.Run, err)
	}
	path := filepath.Join(r.dir, "meta.json")
	tmp := path + ".tmp"
	f, err := openFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return r.fail(path, err)
	}
	_, werr := f.Write(append(b, '\n'))
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp)
		return r.fail(path, errors.Join(werr, cerr))
	}
	if err := os.Rename(tmp, path); err != nil {
		return r.fail(path, err)
	}
	return nil
}

package store

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// rotatingFile is an append-only log file that several processes may write
// at once and that rotates by size: path, path.1, ... path.N, oldest last.
//
// Not lumberjack: it assumes a single writing process, and two concert
// sessions running side by side write the same log.
type rotatingFile struct {
	path string
	max  int64 // rotate before a write would grow the file past max bytes
	keep int   // rotated files kept

	mu     sync.Mutex
	f      *os.File // nil after a failed reopen: the next Write tries again
	closed bool
	guard  *fileLock // serialises writes and rotation between processes
}

// openLogFile opens the log at path: a rotatingFile, or, when path names
// something that is not a regular file (/dev/null, /dev/full, a pipe), the
// file itself: nothing to rotate, and no lock file next to it.
func openLogFile(path string, max int64, keep int) (io.WriteCloser, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	}
	return openRotating(path, max, keep)
}

func openRotating(path string, max int64, keep int) (*rotatingFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	guard, err := openFileLock(path + ".lock")
	if err != nil {
		return nil, err
	}
	r := &rotatingFile{path: path, max: max, keep: keep, guard: guard}
	if err := r.reopen(); err != nil {
		guard.close()
		return nil, err
	}
	return r, nil
}

func (r *rotatingFile) reopen() error {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	r.f = f
	return nil
}

// Write appends p, whole records, rotating first where the next would
// not fit: a batch longer than max is split between records.
func (r *rotatingFile) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		chunk := p
		if int64(len(chunk)) > r.max {
			// Up to the last record end within max, or one whole record.
			cut := bytes.LastIndexByte(p[:r.max], '\n') + 1
			if cut == 0 {
				cut = bytes.IndexByte(p, '\n') + 1
			}
			if cut > 0 {
				chunk = p[:cut]
			}
		}
		m, err := r.writeChunk(chunk)
		n += m
		if err != nil {
			return n, err
		}
		p = p[len(chunk):]
	}
	return n, nil
}

func (r *rotatingFile) writeChunk(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, os.ErrClosed
	}
	// The size check and the write must be one step for all processes, or
	// two of them both fill the file past max.
	if err := r.guard.lock(); err != nil {
		return 0, err
	}
	defer r.guard.unlock()
	if r.f == nil {
		if err := r.reopen(); err != nil {
			return 0, err
		}
	}
	// Another process may have rotated: write where the path points now.
	ours, err := r.f.Stat()
	if err != nil {
		return 0, err
	}
	if now, err := os.Stat(r.path); err != nil || !os.SameFile(ours, now) {
		if err := r.reopen(); err != nil {
			return 0, err
		}
		if ours, err = r.f.Stat(); err != nil {
			return 0, err
		}
	}
	if ours.Size() > 0 && ours.Size()+int64(len(p)) > r.max {
		if err := r.rotate(); err != nil {
			return 0, fmt.Errorf("rotating the log %s: %w", r.path, err)
		}
	}
	return r.f.Write(p)
}

// rotate shifts the files by one, unless another process has just done so.
func (r *rotatingFile) rotate() error {
	ours, err1 := r.f.Stat()
	now, err2 := os.Stat(r.path)
	if err1 == nil && err2 == nil && os.SameFile(ours, now) {
		os.Remove(fmt.Sprintf("%s.%d", r.path, r.keep))
		for i := r.keep - 1; i >= 1; i-- {
			os.Rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1))
		}
		if r.keep > 0 {
			if err := os.Rename(r.path, r.path+".1"); err != nil {
				return err
			}
		} else if err := os.Remove(r.path); err != nil {
			return err
		}
	}
	return r.reopen()
}

// Close closes the file; later writes fail.
func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	var err error
	if r.f != nil {
		err = r.f.Close()
		r.f = nil
	}
	r.guard.close()
	return err
}

// LogFiles returns the files of the log at path, oldest first, that exist.
func LogFiles(path string, keep int) []string {
	var out []string
	for i := keep; i >= 1; i-- {
		p := fmt.Sprintf("%s.%d", path, i)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	if _, err := os.Stat(path); err == nil {
		out = append(out, path)
	}
	return out
}

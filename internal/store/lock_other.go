//go:build !unix

package store

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// lockFile without flock: an exclusive create. A lock left by a killed run
// stays until removed by hand; the error names its file.
func lockFile(name, path string) (*Lock, string, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		b, _ := os.ReadFile(path)
		o, _ := parseOwner(b)
		return nil, "", &RunningError{Name: name, PID: o.pid, Since: o.since}
	}
	if err != nil {
		return nil, "", err
	}
	if _, err := f.WriteString(owner{pid: os.Getpid(), since: time.Now()}.String()); err != nil {
		f.Close()
		os.Remove(path)
		return nil, "", err
	}
	return &Lock{path: path, f: f}, "", nil
}

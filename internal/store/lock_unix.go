//go:build unix

package store

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"
)

func lockFile(name, path string) (*Lock, string, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, "", err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			b, _ := io.ReadAll(f)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				o, _ := parseOwner(b)
				return nil, "", &RunningError{Name: name, PID: o.pid, Since: o.since}
			}
			return nil, "", err
		}
		// The holder before us may have removed the file between our open
		// and our flock; then we hold a lock on a file nobody else sees.
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			f.Close()
			continue
		}
		old, err := io.ReadAll(f)
		if err != nil {
			f.Close()
			return nil, "", err
		}
		note := ""
		if len(old) > 0 {
			// A released lock is removed; one still here was left by a
			// process that died holding it.
			note = staleNote(name, old)
		}
		rec := owner{pid: os.Getpid(), since: time.Now()}.String()
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, "", err
		}
		if _, err := f.WriteAt([]byte(rec), 0); err != nil {
			f.Close()
			return nil, "", err
		}
		return &Lock{path: path, f: f}, note, nil
	}
}

//go:build unix

package store

import (
	"os"
	"syscall"
)

// fileLock is an flock(2) between processes on a file that stays.
type fileLock struct{ f *os.File }

func openFileLock(path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return &fileLock{f: f}, nil
}

func (l *fileLock) lock() error   { return syscall.Flock(int(l.f.Fd()), syscall.LOCK_EX) }
func (l *fileLock) unlock() error { return syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN) }
func (l *fileLock) close() error  { return l.f.Close() }

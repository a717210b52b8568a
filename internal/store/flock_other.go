//go:build !unix

package store

// fileLock does not lock between processes where there is no flock.
type fileLock struct{}

func openFileLock(path string) (*fileLock, error) { return &fileLock{}, nil }
func (l *fileLock) lock() error                   { return nil }
func (l *fileLock) unlock() error                 { return nil }
func (l *fileLock) close() error                  { return nil }

package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RunningError says that the session runs already and does not allow a
// second instance.
type RunningError struct {
	Name  string
	PID   int
	Since time.Time
}

func (e *RunningError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("process %d", e.PID)
		if !e.Since.IsZero() {
			who += " since " + e.Since.Local().Format("2006-01-02 15:04:05")
		}
	}
	return fmt.Sprintf("session %q is already running (%s); stop it first, or put the line %q in the session to allow several instances",
		e.Name, who, MultiInstanceDirective)
}

// Lock is a held instance lock; see Store.Lock. A nil *Lock is the lock of
// a multi-instance session and releases nothing.
type Lock struct {
	path string
	f    *os.File
	once sync.Once
	err  error
}

// Lock takes the instance lock of session name, so that it runs once at a
// time, unless src declares MultiInstanceDirective (then it returns a nil
// *Lock). A lock left behind by a run that was killed (its process is gone)
// is taken over and note says so; a lock held by a live process gives a
// *RunningError. Call Release when the session ends.
//
// The lock belongs to the real file of the session (see LockFile), so that
// `concert start myexp` and `concert start --filename <dir>/myexp.go`, or a
// symbolic link to it, are one session (issue 16); a bundled session, which
// has no file, is locked by its name.
//
// The lock is an flock(2) on <data>/concert/locks/KEY.lock: the kernel
// drops it when its process dies however it dies, so a SIGKILL or SIGHUP
// cannot leave a lock that blocks the next start (Concert's lock file
// does, issue 6), and a recycled process id cannot fake a live owner.
func (s *Store) Lock(name string, src []byte) (l *Lock, note string, err error) {
	if err := ValidName(name); err != nil {
		return nil, "", err
	}
	p, err := s.Path(name)
	if err != nil {
		return nil, "", err
	}
	if real, err := realPath(p); err == nil {
		return s.lock(name, fileKey(real), src)
	}
	return s.lock(name, name, src)
}

// LockFile is Lock for a session run from a file outside the store
// (concert start --filename), whose name need not be a valid session name:
// the lock belongs to the file's real path, symbolic links resolved, so
// that every name of one file shares one lock.
func (s *Store) LockFile(path string, src []byte) (l *Lock, note string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, "", err
	}
	real, err := realPath(abs)
	if err != nil {
		real = abs // gone meanwhile: its name is all there is
	}
	return s.lock(abs, fileKey(real), src)
}

// realPath is path absolute, with every symbolic link resolved; an error
// when there is no such file.
func realPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

func fileKey(real string) string {
	sum := sha256.Sum256([]byte(real))
	return "file-" + hex.EncodeToString(sum[:8])
}

func (s *Store) lock(name, key string, src []byte) (*Lock, string, error) {
	if MultiInstance(src) {
		return nil, "", nil
	}
	dir := filepath.Join(s.DataDir, "locks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", err
	}
	return lockFile(name, filepath.Join(dir, key+".lock"))
}

// Release gives the lock up. It is safe to call more than once and on a nil
// *Lock.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	l.once.Do(func() {
		// Remove before closing: a process that opened the old file and
		// gets the lock once it is closed sees the path gone and retries.
		rmErr := os.Remove(l.path)
		l.err = l.f.Close()
		if l.err == nil {
			l.err = rmErr
		}
	})
	return l.err
}

// owner is what a lock file records about the process holding it.
type owner struct {
	pid   int
	since time.Time
}

func (o owner) String() string {
	return fmt.Sprintf("%d %s\n", o.pid, o.since.UTC().Format(time.RFC3339))
}

func parseOwner(b []byte) (owner, bool) {
	f := strings.Fields(string(b))
	if len(f) < 1 {
		return owner{}, false
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		return owner{}, false
	}
	o := owner{pid: pid}
	if len(f) > 1 {
		o.since, _ = time.Parse(time.RFC3339, f[1])
	}
	return o, true
}

func staleNote(name string, b []byte) string {
	o, ok := parseOwner(b)
	if !ok {
		return fmt.Sprintf("concert: cleared a stale lock of session %q", name)
	}
	return fmt.Sprintf("concert: cleared the stale lock of session %q left by process %d (started %s), which is gone",
		name, o.pid, o.since.Local().Format("2006-01-02 15:04:05"))
}

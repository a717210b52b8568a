//go:build unix

package keys

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// term serialises every change of terminal settings the package makes, so
// that the last restore before the process exits is really the last.
var term struct {
	mu      sync.Mutex
	guarded []guarded // what Guard saved, restored by Restore
	final   bool      // the process is exiting: no more mode changes
}

type guarded struct {
	f     *os.File
	saved unix.Termios
}

// fdOf returns f's descriptor without f.Fd, which would switch a
// non-blocking file to blocking mode behind its other users' backs.
func fdOf(f *os.File) (int, error) {
	sc, err := f.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	if err := sc.Control(func(d uintptr) { fd = int(d) }); err != nil {
		return -1, err
	}
	return fd, nil
}

func getTermios(fd int) (*unix.Termios, error) {
	return unix.IoctlGetTermios(fd, ioctlGetTermios)
}

// setTermios applies t unless the process is exiting and the final restore
// has been done.
func setTermios(fd int, t *unix.Termios) error {
	term.mu.Lock()
	defer term.mu.Unlock()
	if term.final {
		return nil
	}
	return unix.IoctlSetTermios(fd, ioctlSetTermios, t)
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool {
	fd, err := fdOf(f)
	if err != nil {
		return false
	}
	_, err = getTermios(fd)
	return err == nil
}

// Guard saves tty's settings as found, for Restore to put back on every way
// out of the shell: normal exit, error, panic (Recover) and signal
// (HandleSignals). Call it once at start, before anything changes the
// terminal; the func it returns is Restore. A tty that is not a terminal
// is not an error: there is nothing to restore.
func Guard(tty *os.File) (restore func(), err error) {
	fd, err := fdOf(tty)
	if err != nil {
		return Restore, fmt.Errorf("terminal %s: %w", tty.Name(), err)
	}
	t, err := getTermios(fd)
	if err != nil {
		return Restore, nil // not a terminal
	}
	term.mu.Lock()
	term.guarded = append(term.guarded, guarded{f: tty, saved: *t})
	term.mu.Unlock()
	return Restore, nil
}

// Restore puts every terminal Guard saw back as Guard found it. It is safe
// to call at any time and more than once.
func Restore() {
	term.mu.Lock()
	defer term.mu.Unlock()
	restoreLocked()
}

func restoreLocked() {
	for _, g := range term.guarded {
		if fd, err := fdOf(g.f); err == nil {
			_ = unix.IoctlSetTermios(fd, ioctlSetTermios, &g.saved)
		}
	}
}

// restoreFinal restores the terminals for the last time: the process is
// about to exit, and a key watcher still unwinding must not switch the
// terminal back to its own mode afterwards.
func restoreFinal() {
	term.mu.Lock()
	defer term.mu.Unlock()
	restoreLocked()
	term.final = true
}

// ReadAnswer reads one line typed at tty in the terminal's line mode, for
// a question such as "Exit? [y/N]". ctrl-k also ends the line, so that the
// emergency stop is available while the question waits: estop is true
// when the line ended with it, and the caller stops everything and asks
// again. Echo and line editing are the terminal's own. ask, if not nil,
// prints the question once the terminal is in line mode: a key typed as
// soon as the question shows is read in that mode (typed before, a ctrl-k
// would have been an ordinary character, the read waiting on).
func ReadAnswer(tty *os.File, ask func()) (answer string, estop bool, err error) {
	fd, err := fdOf(tty)
	if err != nil {
		return "", false, err
	}
	old, err := getTermios(fd)
	if err != nil {
		return "", false, err
	}
	mode := *old
	mode.Lflag |= unix.ICANON | unix.ECHO | unix.ISIG
	mode.Cc[unix.VEOL] = CtrlK
	if err := setTermios(fd, &mode); err != nil {
		return "", false, err
	}
	defer setTermios(fd, old)
	if ask != nil {
		ask()
	}
	// One read gives one line in line mode; a byte at a time is not needed.
	// The terminal's line holds 4095 bytes at most.
	buf := make([]byte, 4096)
	n, err := tty.Read(buf)
	if err != nil {
		return "", false, err
	}
	line := string(buf[:n])
	if i := strings.IndexByte(line, CtrlK); i >= 0 {
		return line[:i], true, nil
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

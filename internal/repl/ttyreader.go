//go:build unix

package repl

import (
	"bytes"
	"errors"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/elk-language/go-prompt"
	"github.com/elk-language/go-prompt/term"
	"golang.org/x/sys/unix"

	"github.com/concert-go/concert/internal/keys"
	"github.com/concert-go/concert/internal/logs"
)

// ttyReader is the line editor's terminal reader, with a queue in front:
// keys typed while a command ran, the refresh keys, and what its own
// goroutine read. go-prompt looks at its reader only every 10 ms; the
// goroutine reads each key as it arrives, so ctrl-k acts at once and never
// waits for the editor (issue 17).
type ttyReader struct {
	mu    sync.Mutex
	queue [][]byte
	// paused after an Enter until the next Input: go-prompt's reading
	// goroutine would otherwise take keys typed after the Enter into an
	// Input that has already ended, and they would be lost.
	paused   bool
	pausedAt time.Time
	// held: the goroutine read an Enter and reads no more until the line
	// goes on (onEnter) or the next Input, so that the keys typed while
	// the command runs are the key watcher's (package keys): ctrl-c
	// cancels the command instead of clearing the next prompt's line.
	held   bool
	resume chan struct{} // pokes a held goroutine
	// ctrlK is called for each ctrl-k read from the terminal; the key
	// does not reach the editor.
	ctrlK func()

	// Between Open and Close, on the editor's goroutine.
	fd     int
	opened bool          // fd is ours to close (not stdin)
	wake   *os.File      // written to by Close: ends the poll
	quit   chan struct{} // closed by Close
	done   chan struct{} // closed when the reading has ended
}

func newTTYReader() *ttyReader {
	return &ttyReader{fd: -1, resume: make(chan struct{}, 1)}
}

// unpause ends the pause after an Enter: the line goes on (onEnter) or
// the next Input begins.
func (r *ttyReader) unpause() {
	r.mu.Lock()
	r.paused = false
	wasHeld := r.held
	r.held = false
	r.mu.Unlock()
	if wasHeld {
		select {
		case r.resume <- struct{}{}:
		default:
		}
	}
}

func (r *ttyReader) inject(b []byte) {
	r.mu.Lock()
	r.queue = append(r.queue, append([]byte(nil), b...))
	r.mu.Unlock()
}

// Open puts the terminal in the editor's raw mode, as go-prompt's own
// reader does, and starts reading it.
func (r *ttyReader) Open() error {
	fd, err := syscall.Open("/dev/tty", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	opened := err == nil
	if errors.Is(err, os.ErrNotExist) {
		fd, err = syscall.Stdin, nil
	}
	if err != nil {
		return err
	}
	return r.start(fd, opened)
}

// start is Open on fd, which is the reader's to close when opened is
// true (/dev/tty) and stdin otherwise.
func (r *ttyReader) start(fd int, opened bool) error {
	closeFd := func() {
		if opened {
			syscall.Close(fd)
		} else {
			blocking(fd)
		}
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		closeFd()
		return err
	}
	if err := term.SetRaw(fd); err != nil {
		closeFd()
		return err
	}
	wakeR, wakeW, err := os.Pipe()
	if err != nil {
		term.RestoreFD(fd)
		closeFd()
		return err
	}
	r.fd, r.opened, r.wake = fd, opened, wakeW
	r.quit, r.done = make(chan struct{}), make(chan struct{})
	go r.read(fd, wakeR, r.quit, r.done)
	return nil
}

// Close stops the reading and restores the terminal.
func (r *ttyReader) Close() error {
	if r.done == nil {
		return nil
	}
	close(r.quit)
	r.wake.Write([]byte{0})
	<-r.done
	r.wake.Close()
	err := term.RestoreFD(r.fd)
	if r.opened {
		if cerr := syscall.Close(r.fd); err == nil {
			err = cerr
		}
	} else {
		blocking(r.fd)
	}
	r.fd, r.opened, r.wake, r.quit, r.done = -1, false, nil, nil, nil
	return err
}

// blocking puts stdin back in blocking mode. Without a /dev/tty the
// reader reads stdin, whose open file the shell that started concert
// shares: left non-blocking, that shell's next read fails with EAGAIN.
// /dev/tty opened here is a file of its own and is closed instead.
func blocking(fd int) {
	if err := syscall.SetNonblock(fd, false); err != nil {
		logs.L().Debug("prompt reader: stdin back to blocking", "err", err)
	}
}

// read reads the terminal until wake is written to: ctrl-k is acted on at
// once, everything else is queued for the editor.
func (r *ttyReader) read(fd int, wake *os.File, quit <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer wake.Close()
	defer keys.Recover()
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(wake.Fd()), Events: unix.POLLIN}}
	buf := make([]byte, 1024)
	for {
		if !r.waitHeld(quit) {
			return
		}
		fds[0].Revents, fds[1].Revents = 0, 0
		if _, err := unix.Poll(fds, -1); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			logs.L().Debug("prompt reader: poll", "err", err)
			return
		}
		if fds[1].Revents != 0 {
			return
		}
		if fds[0].Revents&unix.POLLIN == 0 {
			if fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
				return // hung up: SIGHUP ends the shell
			}
			continue
		}
		n, err := unix.Read(fd, buf)
		switch {
		case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			continue
		case err != nil || n == 0:
			return
		}
		r.take(buf[:n])
	}
}

// take acts on each ctrl-k in b and queues the rest. After an Enter it
// holds the reading (see held).
func (r *ttyReader) take(b []byte) {
	n := 0
	for _, c := range b {
		if c == keys.CtrlK && r.ctrlK != nil {
			r.ctrlK()
			continue
		}
		b[n] = c
		n++
	}
	if n == 0 {
		return
	}
	r.mu.Lock()
	r.queue = append(r.queue, append([]byte(nil), b[:n]...))
	if bytes.ContainsAny(b[:n], "\r\n") {
		r.held = true
	}
	r.mu.Unlock()
}

// waitHeld waits while the reading is held, at most a second (an Enter
// go-prompt used otherwise ends no pause: never keep keys away), and
// reports false when the reader is closed meanwhile.
func (r *ttyReader) waitHeld(quit <-chan struct{}) bool {
	r.mu.Lock()
	held := r.held
	r.mu.Unlock()
	if !held {
		return true
	}
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	for {
		select {
		case <-quit:
			return false
		case <-r.resume:
		case <-timer.C:
			r.mu.Lock()
			r.held = false
			r.mu.Unlock()
		}
		r.mu.Lock()
		held = r.held
		r.mu.Unlock()
		if !held {
			return true
		}
	}
}

// Read returns one control key, an escape sequence, or text up to the
// next control key. go-prompt reads a chunk with more than one key as
// pasted text: it would insert an Enter as a newline and drop ctrl-c
// followed by ctrl-d. Split, typed-ahead and pasted keys act as if typed.
func (r *ttyReader) Read(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused && time.Since(r.pausedAt) < time.Second {
		return 0, syscall.EAGAIN
	}
	// A pause that outlives a second was not ended by onEnter or the next
	// Input (an Enter go-prompt used otherwise): never keep keys away.
	r.paused = false
	if len(r.queue) == 0 {
		return 0, syscall.EAGAIN
	}
	chunk := r.queue[0]
	cut := len(chunk)
	if i := bytes.IndexFunc(chunk, func(r rune) bool { return r < 0x20 || r == 0x7f }); i == 0 && chunk[0] != 0x1b {
		cut = 1
	} else if i > 0 {
		cut = i
	} else if j := bytes.IndexByte(chunk[1:], 0x1b); j >= 0 {
		cut = j + 1 // two escape sequences
	}
	cut = min(cut, len(b))
	n := copy(b, chunk[:cut])
	if n < len(chunk) {
		r.queue[0] = chunk[n:]
	} else {
		r.queue = r.queue[1:]
	}
	if n == 1 && (b[0] == '\r' || b[0] == '\n') {
		// Until onEnter or the next Input; an Enter typed ahead holds
		// the reading too.
		r.paused, r.pausedAt, r.held = true, time.Now(), true
	}
	return n, nil
}

// GetWinSize gives go-prompt a usable size where a pseudo-terminal reports
// none (some containers): it renders nothing at 0 columns.
func (r *ttyReader) GetWinSize() *prompt.WinSize {
	if r.fd >= 0 {
		if ws, err := unix.IoctlGetWinsize(r.fd, unix.TIOCGWINSZ); err == nil && ws.Col > 0 && ws.Row > 0 {
			return &prompt.WinSize{Row: ws.Row, Col: ws.Col}
		}
	}
	return &prompt.WinSize{Row: prompt.DefRowCount, Col: prompt.DefColCount}
}

var _ prompt.Reader = (*ttyReader)(nil)

//go:build unix

// Package ptytest runs a program in a pseudo-terminal for tests, the way a
// user at a real terminal would: it sends key bytes (0x03 for ctrl-c, 0x0b
// for ctrl-k), waits for text on the screen, reads the terminal's settings
// with `stty -a` before and after the program, and never lets a test hang.
//
// The test keeps its own handle on the terminal side of the pair, so
// `stty -a` reads the very terminal the program used, also after the program
// has exited or was killed.
package ptytest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Options say how to start the program. The zero value gives a 24x80
// terminal, TERM=xterm-256color, NO_COLOR=1 and the test's environment.
type Options struct {
	Rows, Cols uint16   // terminal size; 24 and 80 when zero
	Env        []string // KEY=VALUE, overriding the environment and the defaults
	Dir        string   // working directory; the test's when empty
}

// defaultEnv is what every program sees unless Options.Env says otherwise:
// a terminal that understands the usual escapes, and no colours, so the
// tests read plain words.
var defaultEnv = []string{"TERM=xterm-256color", "NO_COLOR=1"}

// Term is a program running in a pseudo-terminal. Its methods are meant for
// the test goroutine, except Output, Raw and Send, which are safe anywhere.
type Term struct {
	t      testing.TB
	cmd    *exec.Cmd
	ptm    *os.File // our side: what we write the program reads
	tty    *os.File // the program's side, kept open for stty
	before string   // stty -a before the program started

	readDone chan struct{}
	exited   chan struct{}
	state    *os.ProcessState
	waitErr  error

	mu   sync.Mutex
	raw  []byte
	mark int // WaitFor searches the stripped output from here
	grew chan struct{}

	closeOnce sync.Once
}

// Start runs name with args in a new pseudo-terminal of its own, as the
// leader of a new session with the terminal as its controlling terminal
// (so 0x03 sent while the terminal is in cooked mode raises SIGINT, as at a
// real keyboard). The program is killed, and the terminal closed, when the
// test ends.
func Start(t testing.TB, opts Options, name string, args ...string) *Term {
	t.Helper()
	p, err := start(t, opts, name, args)
	if err != nil {
		t.Fatalf("ptytest: start %s: %v", name, err)
	}
	t.Cleanup(p.Close)
	return p
}

func start(t testing.TB, opts Options, name string, args []string) (*Term, error) {
	if opts.Rows == 0 {
		opts.Rows = 24
	}
	if opts.Cols == 0 {
		opts.Cols = 80
	}
	ptm, tty, err := openPair(opts.Rows, opts.Cols)
	if err != nil {
		return nil, err
	}
	p := &Term{
		t:        t,
		ptm:      ptm,
		tty:      tty,
		readDone: make(chan struct{}),
		exited:   make(chan struct{}),
		grew:     make(chan struct{}),
	}
	if p.before, err = p.stty(); err != nil {
		ptm.Close()
		tty.Close()
		return nil, err
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = opts.Dir
	cmd.Env = mergeEnv(os.Environ(), defaultEnv, opts.Env)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		ptm.Close()
		tty.Close()
		return nil, err
	}
	p.cmd = cmd
	go p.read()
	go func() {
		p.waitErr = cmd.Wait()
		p.state = cmd.ProcessState
		close(p.exited)
	}()
	return p, nil
}

// Open returns a new pseudo-terminal pair of rows x cols for tests that
// use a terminal in the test process itself: what is written to master
// arrives at tty as typed keys, and what is written to tty can be read
// from master. Reads from master can be interrupted with a deadline or by
// Close. Both are closed when the test ends.
func Open(t testing.TB, rows, cols uint16) (master, tty *os.File) {
	t.Helper()
	master, tty, err := openPair(rows, cols)
	if err != nil {
		t.Fatalf("ptytest: open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() {
		master.Close()
		tty.Close()
	})
	return master, tty
}

func openPair(rows, cols uint16) (ptm, tty *os.File, err error) {
	master, tty, err := pty.Open()
	if err != nil {
		return nil, nil, err
	}
	// pty.Open leaves the master in blocking mode, where closing it does
	// not wake a pending Read. A non-blocking duplicate goes through Go's
	// poller: Close interrupts the reader, so Close never hangs.
	ptm, err = pollable(master)
	master.Close()
	if err != nil {
		tty.Close()
		return nil, nil, err
	}
	ws := &unix.Winsize{Row: rows, Col: cols}
	if err := ioctl(tty, func(fd int) error { return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, ws) }); err != nil {
		ptm.Close()
		tty.Close()
		return nil, nil, fmt.Errorf("set size: %w", err)
	}
	return ptm, tty, nil
}

func pollable(f *os.File) (*os.File, error) {
	var dup int
	err := ioctl(f, func(fd int) error {
		var err error
		dup, err = unix.Dup(fd)
		return err
	})
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(dup)
	if err := unix.SetNonblock(dup, true); err != nil {
		unix.Close(dup)
		return nil, err
	}
	return os.NewFile(uintptr(dup), f.Name()), nil
}

// ioctl runs fn on f's descriptor without f.Fd, which would switch f to
// blocking mode.
func ioctl(f *os.File, fn func(fd int) error) error {
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := sc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

func mergeEnv(lists ...[]string) []string {
	var keys []string
	vals := map[string]string{}
	for _, list := range lists {
		for _, kv := range list {
			k, v, _ := strings.Cut(kv, "=")
			if _, ok := vals[k]; !ok {
				keys = append(keys, k)
			}
			vals[k] = v
		}
	}
	env := make([]string, len(keys))
	for i, k := range keys {
		env[i] = k + "=" + vals[k]
	}
	return env
}

func (p *Term) read() {
	defer close(p.readDone)
	buf := make([]byte, 4096)
	for {
		n, err := p.ptm.Read(buf)
		if n > 0 {
			p.mu.Lock()
			p.raw = append(p.raw, buf[:n]...)
			close(p.grew)
			p.grew = make(chan struct{})
			p.mu.Unlock()
		}
		if err != nil {
			// EIO once the program and everyone else closed the terminal,
			// os.ErrClosed after Close: either way nothing more comes.
			return
		}
	}
}

// Pid is the program's process id; it is also its process group and
// session id.
func (p *Term) Pid() int { return p.cmd.Process.Pid }

// Send writes b to the terminal as if typed.
func (p *Term) Send(b []byte) {
	p.t.Helper()
	if _, err := p.ptm.Write(b); err != nil {
		p.t.Fatalf("ptytest: send %q: %v", b, err)
	}
}

// SendString writes s to the terminal as if typed.
func (p *Term) SendString(s string) { p.t.Helper(); p.Send([]byte(s)) }

// Signal sends sig to the program (not to its process group).
func (p *Term) Signal(sig syscall.Signal) {
	p.t.Helper()
	if err := syscall.Kill(p.Pid(), sig); err != nil {
		p.t.Fatalf("ptytest: signal %v: %v", sig, err)
	}
}

// Raw returns everything the program wrote so far, escapes included.
func (p *Term) Raw() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.raw)
}

// Output returns everything the program wrote so far with ANSI escape
// sequences removed and line ends as "\n".
func (p *Term) Output() string { return Strip(p.Raw()) }

// WaitFor waits until substr appears in the output written since the end of
// the last match, and moves the search start past it; so waiting twice for
// a prompt waits for two prompts. It fails the test with the output so far
// when timeout passes first or the program closed the terminal.
func (p *Term) WaitFor(substr string, timeout time.Duration) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("%q", substr), func(s string) []int {
		if i := strings.Index(s, substr); i >= 0 {
			return []int{i, i + len(substr)}
		}
		return nil
	}, timeout)
}

// WaitForRegexp is WaitFor for a regular expression. It returns the match
// and its submatches.
func (p *Term) WaitForRegexp(re *regexp.Regexp, timeout time.Duration) []string {
	p.t.Helper()
	var m []string
	p.waitFor("/"+re.String()+"/", func(s string) []int {
		loc := re.FindStringSubmatchIndex(s)
		if loc == nil {
			return nil
		}
		m = make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = s[loc[2*i]:loc[2*i+1]]
			}
		}
		return loc[:2]
	}, timeout)
	return m
}

func (p *Term) waitFor(what string, find func(string) []int, timeout time.Duration) {
	p.t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		p.mu.Lock()
		out := Strip(p.raw)
		grew := p.grew
		mark := min(p.mark, len(out))
		if loc := find(out[mark:]); loc != nil {
			p.mark = mark + loc[1]
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		select {
		case <-grew:
		case <-p.readDone:
			// Take what arrived with the last read, then give up.
			p.mu.Lock()
			out = Strip(p.raw)
			if loc := find(out[mark:]); loc != nil {
				p.mark = mark + loc[1]
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
			p.t.Fatalf("ptytest: terminal closed before %s appeared; output:\n%s", what, out)
		case <-timer.C:
			p.t.Fatalf("ptytest: %s did not appear within %v; output:\n%s", what, timeout, p.Output())
		}
	}
}

// Wait waits for the program to exit and returns how it ended; it fails
// the test if the program still runs after timeout. ExitCode is -1 for a
// program killed by a signal. When Wait returns, Output holds everything
// the program wrote.
func (p *Term) Wait(timeout time.Duration) *os.ProcessState {
	p.t.Helper()
	select {
	case <-p.exited:
		p.settle()
		return p.state
	case <-time.After(timeout):
		p.t.Fatalf("ptytest: program still runs after %v; output:\n%s", timeout, p.Output())
		return nil
	}
}

// settle waits until the last output of an ended program has been read:
// the terminal hands it over asynchronously, and the test's own handle on
// it means no end-of-file tells when it is all there. The kernel pushes
// the last bytes from a worker thread, which a loaded machine delays:
// only 100 ms with nothing queued counts as the end.
func (p *Term) settle() {
	deadline := time.Now().Add(5 * time.Second)
	quiet := 0
	for quiet < 10 && time.Now().Before(deadline) {
		p.mu.Lock()
		grew := p.grew
		p.mu.Unlock()
		var n int
		_ = ioctl(p.ptm, func(fd int) error {
			var err error
			n, err = unix.IoctlGetInt(fd, unix.TIOCINQ)
			return err
		})
		select {
		case <-grew:
			quiet = 0
		case <-time.After(10 * time.Millisecond):
			if n == 0 {
				quiet++
			}
		}
	}
}

// SttyBefore returns what `stty -a` printed for the terminal just before
// the program started.
func (p *Term) SttyBefore() string { return p.before }

// Stty runs `stty -a` on the program's terminal now. Compare it with
// SttyBefore after the program exited to see that it restored the terminal.
func (p *Term) Stty() string {
	p.t.Helper()
	s, err := p.stty()
	if err != nil {
		p.t.Fatalf("ptytest: %v", err)
	}
	return s
}

func (p *Term) stty() (string, error) {
	cmd := exec.Command("stty", "-a")
	cmd.Stdin = p.tty
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("stty -a: %v: %s", err, out)
	}
	return string(out), nil
}

// Close kills the program's process group, waits briefly for it, and
// closes the terminal. It never blocks for long and may be called more
// than once; Start registers it with t.Cleanup.
func (p *Term) Close() {
	p.closeOnce.Do(func() {
		select {
		case <-p.exited:
		default:
			// The program leads its own process group: take its children
			// with it.
			_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
			select {
			case <-p.exited:
			case <-time.After(5 * time.Second):
				p.t.Errorf("ptytest: program %d did not die after SIGKILL", p.Pid())
			}
		}
		p.tty.Close()
		p.ptm.Close()
		select {
		case <-p.readDone:
		case <-time.After(5 * time.Second):
			p.t.Errorf("ptytest: terminal reader did not stop")
		}
	})
}

// ExitedBySignal reports the signal that killed the process, if one did.
func ExitedBySignal(ps *os.ProcessState) (syscall.Signal, bool) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return 0, false
	}
	return ws.Signal(), true
}

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
)

// terminal is a program running in a pseudo-terminal, driven as a user at
// a terminal would: bytes typed, the screen read back. It remembers when
// each piece of output arrived, so that a time can be read for any text.
type terminal struct {
	cmd   *exec.Cmd
	tty   *os.File
	start time.Time

	mu     sync.Mutex
	seen   []byte
	chunks []chunk       // when seen grew, and to where
	grew   chan struct{} // closed and replaced whenever seen grows
	closed bool          // the program's side is gone
	mark   int           // waitFor searches from here
}

type chunk struct {
	end int
	at  time.Time
}

// startTerminal starts argv in a new 40x120 pseudo-terminal with env added
// to the environment.
func startTerminal(argv, env []string) (*terminal, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	t := &terminal{cmd: cmd, grew: make(chan struct{}), start: time.Now()}
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	t.tty = tty
	go t.read()
	return t, nil
}

func (t *terminal) read() {
	buf := make([]byte, 64<<10)
	for {
		n, err := t.tty.Read(buf)
		now := time.Now()
		t.mu.Lock()
		t.seen = append(t.seen, buf[:n]...)
		t.chunks = append(t.chunks, chunk{len(t.seen), now})
		if err != nil {
			t.closed = true
		}
		close(t.grew)
		t.grew = make(chan struct{})
		t.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// send types b and returns when it began to write it.
func (t *terminal) send(b []byte) (time.Time, error) {
	// The clock is read before the write: a driver descheduled inside
	// Write would otherwise start timing after the program had answered.
	at := time.Now()
	_, err := t.tty.Write(b)
	return at, err
}

// waitFor waits until re matches the output after the previous match and
// returns the match and when the output that completed it arrived.
func (t *terminal) waitFor(re *regexp.Regexp, timeout time.Duration) ([]string, time.Time, error) {
	deadline := time.After(timeout)
	for {
		t.mu.Lock()
		loc := re.FindSubmatchIndex(t.seen[t.mark:])
		grew, closed := t.grew, t.closed
		if loc != nil {
			end := t.mark + loc[1]
			var m []string
			for i := 0; i+1 < len(loc); i += 2 {
				if loc[i] >= 0 {
					m = append(m, string(t.seen[t.mark+loc[i]:t.mark+loc[i+1]]))
				} else {
					m = append(m, "")
				}
			}
			at := t.arrival(end)
			t.mark = end
			t.mu.Unlock()
			return m, at, nil
		}
		t.mu.Unlock()
		if closed {
			return nil, time.Time{}, fmt.Errorf("the program ended before %q showed; its last output:\n%s", re, t.tail())
		}
		select {
		case <-grew:
		case <-deadline:
			return nil, time.Time{}, fmt.Errorf("no %q within %v; the last output:\n%s", re, timeout, t.tail())
		}
	}
}

// arrival is when the output up to end had arrived; under mu.
func (t *terminal) arrival(end int) time.Time {
	for _, c := range t.chunks {
		if c.end >= end {
			return c.at
		}
	}
	return time.Now()
}

func (t *terminal) tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return tail(string(bytes.ToValidUTF8(t.seen, nil)))
}

// stop ends the program and returns its peak resident set in kB. It asks
// with SIGTERM first: concert start is a supervisor whose shell is its
// child, and only a child that was waited for counts in the supervisor's
// peak. A program that does not end within 10 s is killed.
func (t *terminal) stop() int64 {
	t.cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan struct{})
	go func() {
		t.cmd.Wait()
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.cmd.Process.Kill()
		<-exited
	}
	t.tty.Close()
	if ru, ok := t.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

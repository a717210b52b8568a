//go:build unix

package keys

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// The keys the watcher acts on; every other byte is type-ahead.
const (
	CtrlC byte = 0x03 // cancel the foreground command
	CtrlK byte = 0x0b // emergency stop
)

// pollGuard bounds each poll: ctx's end wakes the watcher through a pipe at
// once, and this only guards against a lost wake-up.
const pollGuard = 100 // ms

// Watch owns tty while a command runs, until ctx is done. It switches the
// terminal to a mode without line buffering, echo, signal generation and
// extended input processing, so ctrl-c and ctrl-k arrive as bytes and not
// as SIGINT; output processing stays on, so the command's output still
// starts each line at the left edge (x/term's MakeRaw would turn it off).
//
// Watch calls onKey on its own goroutine for each CtrlC and CtrlK byte, in
// the order typed; onKey must return quickly (start anything slow on
// another goroutine), since no key is read while it runs. Every other byte
// is type-ahead: Watch returns it when ctx is done, for the line editor to
// take as if typed at the next prompt. Watch never reads after ctx is done,
// so keys typed later stay in the terminal for whoever reads next.
//
// On return, also by panic in onKey, the terminal is back in the mode Watch
// found it in. The error is not nil only if the terminal could not be
// used (then the type-ahead so far is returned with it), or it was hung up.
func Watch(ctx context.Context, tty *os.File, onKey func(b byte)) (typeahead []byte, err error) {
	fd, err := fdOf(tty)
	if err != nil {
		return nil, fmt.Errorf("key watcher: %w", err)
	}
	old, err := getTermios(fd)
	if err != nil {
		return nil, fmt.Errorf("key watcher: %s is not a terminal: %w", tty.Name(), err)
	}
	mode := *old
	// The same input translation as the line editor's raw mode, so the
	// type-ahead reaches it as the bytes it would have read itself (Enter
	// as \r, ctrl-s and ctrl-q as keys).
	mode.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP |
		unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	mode.Lflag &^= unix.ICANON | unix.ECHO | unix.ECHONL | unix.ISIG | unix.IEXTEN
	mode.Cc[unix.VMIN] = 1
	mode.Cc[unix.VTIME] = 0
	if err := setTermios(fd, &mode); err != nil {
		return nil, fmt.Errorf("key watcher: set terminal mode: %w", err)
	}
	defer func() {
		if rerr := setTermios(fd, old); rerr != nil && err == nil {
			err = fmt.Errorf("key watcher: restore terminal mode: %w", rerr)
		}
	}()

	// The wake-up pipe: os.Pipe marks it close-on-exec, so programs the
	// command starts do not inherit it.
	wakeR, wakeW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("key watcher: %w", err)
	}
	defer wakeR.Close()
	defer wakeW.Close()
	wakeFd, err := fdOf(wakeR)
	if err != nil {
		return nil, fmt.Errorf("key watcher: %w", err)
	}
	// A wake-up that comes after Watch has returned writes to a closed
	// *os.File, which fails harmlessly (a raw descriptor might have been
	// reused by then).
	stop := context.AfterFunc(ctx, func() { _, _ = wakeW.Write([]byte{0}) })
	defer stop()

	fds := []unix.PollFd{
		{Fd: int32(fd), Events: unix.POLLIN},
		{Fd: int32(wakeFd), Events: unix.POLLIN},
	}
	buf := make([]byte, 256)
	for ctx.Err() == nil {
		fds[0].Revents, fds[1].Revents = 0, 0
		if _, err := unix.Poll(fds, pollGuard); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return typeahead, fmt.Errorf("key watcher: poll %s: %w", tty.Name(), err)
		}
		// Checked again here: a key typed after the command ended belongs
		// to the next prompt, not to this command.
		if ctx.Err() != nil {
			break
		}
		ev := fds[0].Revents
		if ev&unix.POLLIN != 0 {
			n, err := unix.Read(fd, buf)
			switch {
			case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
				continue
			case err != nil:
				return typeahead, fmt.Errorf("key watcher: read %s: %w", tty.Name(), err)
			case n == 0:
				return typeahead, fmt.Errorf("key watcher: %s was hung up", tty.Name())
			}
			for _, b := range buf[:n] {
				if b == CtrlC || b == CtrlK {
					onKey(b)
				} else {
					typeahead = append(typeahead, b)
				}
			}
			continue
		}
		if ev&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
			return typeahead, fmt.Errorf("key watcher: %s was hung up", tty.Name())
		}
	}
	return typeahead, nil
}

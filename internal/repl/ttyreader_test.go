//go:build unix

package repl

import (
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Reading stdin (no /dev/tty), the prompt's reader puts it back in
// blocking mode when it closes: the shell that started concert shares
// that open file, and its next read would fail with EAGAIN.
func TestTTYReaderLeavesStdinBlocking(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	fd := int(tty.Fd()) // Fd puts the file in blocking mode
	r := newTTYReader()
	if err := r.start(fd, false); err != nil {
		t.Fatal(err)
	}
	if flags, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); flags&unix.O_NONBLOCK == 0 {
		t.Fatal("the reader did not make its input non-blocking: the test checks nothing")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		t.Fatalf("stdin after Close: %v (the reader closed a file it did not open?)", err)
	}
	if flags&unix.O_NONBLOCK != 0 {
		t.Error("stdin is left non-blocking after the reader closed")
	}
}

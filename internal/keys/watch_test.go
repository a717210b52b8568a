//go:build unix

package keys

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
	"golang.org/x/sys/unix"
)

const wait = 5 * time.Second

func termios(t testing.TB, f *os.File) unix.Termios {
	t.Helper()
	fd, err := fdOf(f)
	if err != nil {
		t.Fatal(err)
	}
	tio, err := getTermios(fd)
	if err != nil {
		t.Fatal(err)
	}
	return *tio
}

// watch runs Watch on tty in the background and collects the keys.
type watch struct {
	cancel context.CancelFunc
	done   chan struct{}
	keys   chan byte
	ta     []byte
	err    error
}

func startWatch(t *testing.T, tty *os.File) *watch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &watch{cancel: cancel, done: make(chan struct{}), keys: make(chan byte, 16)}
	go func() {
		defer close(w.done)
		w.ta, w.err = Watch(ctx, tty, func(b byte) { w.keys <- b })
	}()
	t.Cleanup(func() {
		cancel()
		<-w.done
	})
	return w
}

func (w *watch) key(t *testing.T) byte {
	t.Helper()
	select {
	case b := <-w.keys:
		return b
	case <-time.After(wait):
		t.Fatal("no key reached onKey")
		return 0
	}
}

func (w *watch) stop(t *testing.T) ([]byte, error) {
	t.Helper()
	w.cancel()
	select {
	case <-w.done:
	case <-time.After(wait):
		t.Fatal("Watch did not return after its context was cancelled")
	}
	return w.ta, w.err
}

// waitMode waits until the watcher has switched the terminal's mode.
func waitMode(t testing.TB, tty *os.File) unix.Termios {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		tio := termios(t, tty)
		if tio.Lflag&unix.ICANON == 0 {
			return tio
		}
		if time.Now().After(deadline) {
			t.Fatal("the watcher did not switch the terminal mode")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWatchKeysAndTypeahead(t *testing.T) {
	master, tty := ptytest.Open(t, 24, 80)
	before := termios(t, tty)
	w := startWatch(t, tty)
	waitMode(t, tty)
	master.Write([]byte("ls\r\x03x\x0b\x1b[A"))
	if b := w.key(t); b != CtrlC {
		t.Errorf("first key = %#x; want ctrl-c", b)
	}
	if b := w.key(t); b != CtrlK {
		t.Errorf("second key = %#x; want ctrl-k", b)
	}
	ta, err := w.stop(t)
	if err != nil {
		t.Fatalf("Watch error = %v", err)
	}
	// Enter stays \r and the arrow key's escape is kept: the line editor
	// gets the bytes it would have read itself.
	if want := "ls\rx\x1b[A"; string(ta) != want {
		t.Errorf("type-ahead = %q; want %q", ta, want)
	}
	if after := termios(t, tty); after != before {
		t.Errorf("terminal mode after Watch = %+v; want as before %+v", after, before)
	}
}

func TestWatchMode(t *testing.T) {
	_, tty := ptytest.Open(t, 24, 80)
	before := termios(t, tty)
	if before.Oflag&unix.OPOST == 0 || before.Lflag&unix.ISIG == 0 {
		t.Fatalf("fresh terminal is not cooked: %+v", before)
	}
	w := startWatch(t, tty)
	mode := waitMode(t, tty)
	for _, f := range []struct {
		name string
		bit  uint32
	}{{"ICANON", unix.ICANON}, {"ECHO", unix.ECHO}, {"ISIG", unix.ISIG}, {"IEXTEN", unix.IEXTEN}} {
		if mode.Lflag&f.bit != 0 {
			t.Errorf("%s is set while the watcher runs; want it cleared", f.name)
		}
	}
	if mode.Oflag&unix.OPOST == 0 || mode.Oflag&unix.ONLCR == 0 {
		t.Errorf("output processing is off while the watcher runs; want OPOST and ONLCR kept")
	}
	w.stop(t)
}

// The command's output keeps its line starts: "\n" still becomes "\r\n"
// (no staircase), and typed keys are not echoed into it.
func TestWatchOutputAndNoEcho(t *testing.T) {
	master, tty := ptytest.Open(t, 24, 80)
	w := startWatch(t, tty)
	waitMode(t, tty)
	master.Write([]byte("secret"))
	tty.Write([]byte("a\nb\n"))
	time.Sleep(50 * time.Millisecond) // give an echo the time to appear
	w.stop(t)
	master.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	var out []byte
	buf := make([]byte, 64)
	for {
		n, err := master.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			break
		}
	}
	if string(out) != "a\r\nb\r\n" {
		t.Errorf("screen = %q; want %q (no echo, no staircase)", out, "a\r\nb\r\n")
	}
}

func TestWatchLeavesLaterKeys(t *testing.T) {
	master, tty := ptytest.Open(t, 24, 80)
	w := startWatch(t, tty)
	waitMode(t, tty)
	// The ctrl-c after it tells when the watcher has read "during".
	master.Write([]byte("during\x03"))
	w.key(t)
	ta, _ := w.stop(t)
	if string(ta) != "during" {
		t.Errorf("type-ahead = %q; want %q", ta, "during")
	}
	master.Write([]byte("after\r"))
	buf := make([]byte, 64)
	n, err := tty.Read(buf)
	if err != nil || string(buf[:n]) != "after\n" {
		t.Errorf("next reader got %q, %v; want %q", buf[:n], err, "after\n")
	}
}

func TestWatchEndsAtOnce(t *testing.T) {
	_, tty := ptytest.Open(t, 24, 80)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ta, err := Watch(ctx, tty, func(byte) { t.Error("onKey called") })
	if ta != nil || err != nil {
		t.Errorf("Watch with a done context = %q, %v; want nil, nil", ta, err)
	}
}

func TestWatchNotATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	_, err = Watch(context.Background(), r, func(byte) {})
	if err == nil || !strings.HasPrefix(err.Error(), "key watcher: |0 is not a terminal") {
		t.Errorf("Watch on a pipe: err = %v; want \"key watcher: |0 is not a terminal: ...\"", err)
	}
}

func TestWatchRestoresOnPanic(t *testing.T) {
	master, tty := ptytest.Open(t, 24, 80)
	before := termios(t, tty)
	go func() {
		// Sent once the watcher owns the terminal: in cooked mode the
		// terminal would turn it into a signal.
		waitMode(t, tty)
		master.Write([]byte{CtrlC})
	}()
	var got any
	func() {
		defer func() { got = recover() }()
		Watch(context.Background(), tty, func(byte) { panic("boom") })
	}()
	if got != "boom" {
		t.Fatalf("recovered %v; want the panic from onKey", got)
	}
	if after := termios(t, tty); after != before {
		t.Errorf("terminal mode after a panic in onKey = %+v; want as before", after)
	}
}

func TestWatchHangup(t *testing.T) {
	master, tty := ptytest.Open(t, 24, 80)
	w := startWatch(t, tty)
	waitMode(t, tty)
	master.Write([]byte("x"))
	master.Close()
	select {
	case <-w.done:
	case <-time.After(wait):
		t.Fatal("Watch did not return when the terminal was hung up")
	}
	if w.err == nil || !strings.Contains(w.err.Error(), "was hung up") {
		t.Errorf("Watch error = %v; want \"... was hung up\"", w.err)
	}
}

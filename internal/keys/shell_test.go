//go:build unix

package keys

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/ptytest"
	"github.com/concert-go/concert/internal/tasks"
)

// syncBuffer is the shell's output, read while the shell writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitOut waits until the output holds want.
func waitOut(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output = %q; want it to contain %q", out.String(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

type fakeDevices struct {
	mu    sync.Mutex
	calls int
}

func (d *fakeDevices) stop(context.Context) *devices.StopReport {
	d.mu.Lock()
	d.calls++
	d.mu.Unlock()
	return &devices.StopReport{Stopped: []string{"motor", "shutter"}}
}

type shellTest struct {
	sh     *Shell
	sched  *tasks.Scheduler
	out    *syncBuffer
	master *os.File
	devs   *fakeDevices
	exit   chan int
	stops  chan struct{}
}

func newShellTest(t *testing.T, canStop bool) *shellTest {
	master, tty := ptytest.Open(t, 24, 80)
	st := &shellTest{
		sched:  tasks.NewScheduler(context.Background()),
		out:    &syncBuffer{},
		master: master,
		devs:   &fakeDevices{},
		exit:   make(chan int, 1),
		stops:  make(chan struct{}, 4),
	}
	cfg := Config{
		TTY:       tty,
		Out:       st.out,
		Scheduler: st.sched,
		Exit:      func(code int) { st.exit <- code },
		devices:   st.devs.stop,
	}
	if canStop {
		cfg.StopInterpreter = func() { st.stops <- struct{}{} }
	}
	st.sh = NewShell(cfg)
	return st
}

// run runs fg under Shell.Run in the background, and returns once the
// watcher owns the terminal: before, the terminal is cooked and turns
// ctrl-c into a signal (which the shell gets as SIGINT when the terminal
// is its controlling terminal; this one is not).
func (st *shellTest) run(t *testing.T, fg *tasks.Task) (typeahead chan []byte) {
	t.Helper()
	ch := make(chan []byte, 1)
	go func() { ch <- st.sh.Run(fg) }()
	if st.sh.tty != nil {
		waitMode(t, st.sh.tty)
	}
	return ch
}

func (st *shellTest) send(t *testing.T, b string) {
	t.Helper()
	if _, err := st.master.Write([]byte(b)); err != nil {
		t.Fatal(err)
	}
}

// block is a task that waits for its cancellation.
func block(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

func await(t *testing.T, task *tasks.Task) error {
	t.Helper()
	select {
	case <-task.Done():
	case <-time.After(wait):
		t.Fatalf("%v did not end", task)
	}
	return task.Err()
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatal("nothing arrived")
		var zero T
		return zero
	}
}

func TestShellCtrlC(t *testing.T) {
	st := newShellTest(t, true)
	bg := st.sched.Start(block)
	fg := st.sched.Start(block, tasks.AsForeground())
	ta := st.run(t, fg)
	st.send(t, "dstate()\r\x03")
	if err := await(t, fg); !errors.Is(err, tasks.ErrInterrupted) {
		t.Errorf("foreground ended with %v; want interrupted by ctrl-c", err)
	}
	if got := recv(t, ta); string(got) != "dstate()\r" {
		t.Errorf("type-ahead = %q; want %q", got, "dstate()\r")
	}
	if bg.State() != tasks.Running {
		t.Errorf("background task is %v after ctrl-c; want running", bg.State())
	}
	if out := st.out.String(); out != "" {
		t.Errorf("first ctrl-c printed %q; want nothing (the shell prints Cancelled)", out)
	}
	bg.Cancel()
}

func TestShellCtrlCWaitsForCleanup(t *testing.T) {
	st := newShellTest(t, true)
	cleanup := make(chan struct{})
	fg := st.sched.Start(func(ctx context.Context) error {
		<-ctx.Done()
		<-cleanup // a motor decelerating
		return ctx.Err()
	}, tasks.AsForeground())
	ta := st.run(t, fg)
	st.send(t, "\x03\x03")
	waitOut(t, st.out, MsgWait+"\n")
	select {
	case <-ta:
		t.Fatal("Run returned before the cleanup was over")
	case <-time.After(20 * time.Millisecond):
	}
	if fg.State() != tasks.Cancelling {
		t.Errorf("foreground is %v; want cancelling", fg.State())
	}
	close(cleanup)
	recv(t, ta)
	if err := fg.Err(); !errors.Is(err, tasks.ErrInterrupted) {
		t.Errorf("foreground ended with %v; want interrupted", err)
	}
}

// A command that ignores cancellation (a tight interpreted loop) ends at
// the third press, once StopDelay has passed, and every task it killed
// reads as cancelled.
func TestShellCtrlCStopsInterpreter(t *testing.T) {
	st := newShellTest(t, true)
	killed := make(chan struct{})
	go func() {
		<-st.stops
		close(killed) // what stopping the interpreter does to its goroutines
	}()
	loop := func() (int, error) { <-killed; return 0, nil } // ignores its context
	bg := st.sched.Start(loop)
	fg := st.sched.Start(loop, tasks.AsForeground())
	ta := st.run(t, fg)
	st.send(t, "\x03\x03")
	waitOut(t, st.out, MsgWait+"\n")
	time.Sleep(StopDelay)
	st.send(t, "\x03")
	recv(t, ta)
	if err := fg.Err(); !errors.Is(err, tasks.ErrInterrupted) {
		t.Errorf("foreground ended with %v; want cancelled, interrupted by ctrl-c", err)
	}
	if err := await(t, bg); !errors.Is(err, ErrInterpreterStopped) {
		t.Errorf("background task ended with %v; want cancelled, interpreter stopped", err)
	}
	if want := MsgWait + "\n" + MsgStopInterpreter + "\n"; st.out.String() != want {
		t.Errorf("output = %q; want %q", st.out.String(), want)
	}
}

func TestShellCtrlK(t *testing.T) {
	st := newShellTest(t, true)
	var bgs []*tasks.Task
	for range 3 {
		bgs = append(bgs, st.sched.Start(block))
	}
	fg := st.sched.Start(func() { time.Sleep(100 * time.Millisecond) }, tasks.AsForeground()) // blocking compiled code
	ta := st.run(t, fg)
	st.send(t, "\x0b")
	for _, bg := range bgs {
		if err := await(t, bg); !errors.Is(err, tasks.ErrEmergencyStop) {
			t.Errorf("background task ended with %v; want cancelled by the emergency stop", err)
		}
	}
	recv(t, ta)
	if want := "Emergency stop: 4 tasks cancelled, 2 devices stopped\n"; st.out.String() != want {
		t.Errorf("output = %q; want %q", st.out.String(), want)
	}
	if st.devs.calls != 1 {
		t.Errorf("device emergency stop called %d times; want 1", st.devs.calls)
	}
	if err := fg.Err(); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("foreground ended with %v; want cancelled by the emergency stop", err)
	}
}

func TestShellWithoutTerminal(t *testing.T) {
	st := newShellTest(t, false)
	st.sh = NewShell(Config{TTY: os.Stdin, Out: st.out, Scheduler: st.sched, devices: st.devs.stop})
	if IsTerminal(os.Stdin) {
		t.Skip("stdin is a terminal")
	}
	fg := st.sched.Start(block, tasks.AsForeground())
	ta := st.run(t, fg)
	st.sh.Interrupt() // SIGINT
	if err := await(t, fg); !errors.Is(err, tasks.ErrInterrupted) {
		t.Errorf("foreground ended with %v; want interrupted", err)
	}
	if got := recv(t, ta); got != nil {
		t.Errorf("type-ahead = %q; want none", got)
	}
}

func TestShellInterruptAtPrompt(t *testing.T) {
	st := newShellTest(t, true)
	st.sh.Interrupt() // nothing runs: nothing happens
	fg := st.sched.Start(block, tasks.AsForeground())
	st.sh.Interrupt() // started, not yet handed to Run
	if err := await(t, fg); !errors.Is(err, tasks.ErrInterrupted) {
		t.Errorf("foreground ended with %v; want interrupted", err)
	}
	if out := st.out.String(); out != "" {
		t.Errorf("output = %q; want none", out)
	}
}

// screen reads what was written to the terminal.
func screen(t *testing.T, master *os.File) string {
	t.Helper()
	master.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var out []byte
	buf := make([]byte, 256)
	for {
		n, err := master.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return string(out)
		}
	}
}

// resetTerm undoes what a faked exit left: the final restore.
func resetTerm(t *testing.T) {
	t.Cleanup(func() {
		term.mu.Lock()
		term.final = false
		term.guarded = nil
		term.mu.Unlock()
	})
}

func TestShellSignals(t *testing.T) {
	tests := []struct {
		sig  syscall.Signal
		code int
	}{
		{syscall.SIGTERM, 143},
		{syscall.SIGHUP, 129},
		{syscall.SIGQUIT, 131},
	}
	for _, tt := range tests {
		t.Run(tt.sig.String(), func(t *testing.T) {
			resetTerm(t)
			st := newShellTest(t, true)
			if _, err := Guard(st.sh.tty); err != nil {
				t.Fatal(err)
			}
			before := termios(t, st.sh.tty)
			stop := st.sh.HandleSignals()
			defer stop()
			bg := st.sched.Start(block)
			fg := st.sched.Start(block, tasks.AsForeground())
			st.run(t, fg)
			syscall.Kill(os.Getpid(), tt.sig)
			if code := recv(t, st.exit); code != tt.code {
				t.Errorf("exit code = %d; want %d", code, tt.code)
			}
			for _, task := range []*tasks.Task{bg, fg} {
				if err := await(t, task); !errors.Is(err, tasks.ErrEmergencyStop) {
					t.Errorf("%v ended with %v; want cancelled by the emergency stop", task, err)
				}
			}
			want := "\r\nCaught " + map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP", syscall.SIGQUIT: "SIGQUIT"}[tt.sig] +
				": emergency stop, then exit.\r\nEmergency stop: 2 tasks cancelled, 2 devices stopped\r\n"
			if got := screen(t, st.master); got != want {
				t.Errorf("screen = %q; want %q", got, want)
			}
			if out := st.out.String(); out != "" {
				t.Errorf("output = %q; want it all on the terminal", out)
			}
			if after := termios(t, st.sh.tty); after != before {
				t.Errorf("terminal after %v = %+v; want as guarded %+v", tt.sig, after, before)
			}
		})
	}
}

func TestShellSIGINT(t *testing.T) {
	st := newShellTest(t, true)
	stop := st.sh.HandleSignals()
	defer stop()
	fg := st.sched.Start(block, tasks.AsForeground())
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	if err := await(t, fg); !errors.Is(err, tasks.ErrInterrupted) {
		t.Errorf("foreground ended with %v; want interrupted", err)
	}
	select {
	case code := <-st.exit:
		t.Errorf("SIGINT made the shell exit with %d", code)
	default:
	}
}

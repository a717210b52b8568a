//go:build unix

package keys

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/ptytest"
	"github.com/concert-go/concert/internal/tasks"
	"golang.org/x/sys/unix"
)

// childEnv makes the test binary a small shell instead of running tests:
// see child.
const childEnv = "KEYS_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		child(mode)
		os.Exit(0)
	}
	ptytest.Main(m)
}

// child is a shell in miniature, wired as cmd/concert wires package keys:
// the terminal guarded, Recover deferred, signals handled, a motor moving
// in the background and a foreground command under Shell.Run. It prints
// "watching" once the key watcher owns the terminal. mode says how the
// foreground command ends: "normal" after a short while, "panic" by a
// panic on a goroutine of the shell, "wait" only when cancelled; and, under
// Supervise, "unrecovered" by a panic on a goroutine without Recover (a
// library's), "sigkill" by SIGKILL, "supervised" only when cancelled.
func child(mode string) {
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the test reads the screen
	switch mode {
	case "unrecovered", "sigkill", "supervised":
		Supervise(os.Stdin)
	}
	restore, err := Guard(os.Stdin)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer restore()
	defer Recover()
	sh := NewShell(Config{TTY: os.Stdin, Out: os.Stdout})
	defer sh.HandleSignals()()

	motor := motors.NewLinear("motor")
	motor.SetPosition(10 * q.MM)
	fg := tasks.Start(func(ctx context.Context) error {
		switch mode {
		case "normal":
			time.Sleep(300 * time.Millisecond)
			return nil
		case "panic":
			go func() {
				defer Recover()
				time.Sleep(300 * time.Millisecond)
				panic("boom")
			}()
		case "unrecovered":
			go func() {
				time.Sleep(300 * time.Millisecond)
				panic("inside a library")
			}()
		case "sigkill":
			go func() {
				time.Sleep(300 * time.Millisecond)
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}()
		}
		<-ctx.Done()
		return ctx.Err()
	}, tasks.AsForeground())
	go func() {
		defer Recover()
		for {
			if t, err := unix.IoctlGetTermios(0, ioctlGetTermios); err == nil && t.Lflag&unix.ICANON == 0 {
				fmt.Println("watching")
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	sh.Run(fg)
	fmt.Println("command ended:", fg.State())
}

func startChild(t *testing.T, mode string) *ptytest.Term {
	t.Helper()
	term := ptytest.Start(t, ptytest.Options{Env: []string{childEnv + "=" + mode}}, os.Args[0], "-test.run=^$")
	term.WaitFor("watching", wait)
	return term
}

func TestProcessTerminalRestored(t *testing.T) {
	tests := []struct {
		name   string
		mode   string
		signal syscall.Signal
		code   int
		want   []string
	}{
		{"normal exit", "normal", 0, 0, []string{"command ended: done"}},
		{"panic", "panic", 0, 2, []string{
			"concert: panic: boom\nconcert: emergency stop, then exit.\n",
			"concert: Emergency stop: 2 tasks cancelled, 1 device stopped\n",
			"panic: boom [recovered",
		}},
		{"SIGTERM", "wait", syscall.SIGTERM, 143, []string{
			"Caught SIGTERM: emergency stop, then exit.\n", "Emergency stop: 2 tasks cancelled, 1 device stopped\n",
		}},
		{"SIGHUP", "wait", syscall.SIGHUP, 129, []string{
			"Caught SIGHUP: emergency stop, then exit.\n", "Emergency stop: 2 tasks cancelled, 1 device stopped\n",
		}},
		{"SIGQUIT", "wait", syscall.SIGQUIT, 131, []string{
			"Caught SIGQUIT: emergency stop, then exit.\n", "Emergency stop: 2 tasks cancelled, 1 device stopped\n",
		}},
		// Deaths no Recover sees: the supervisor restores the terminal.
		{"supervised, unrecovered panic", "unrecovered", 0, 2, []string{"panic: inside a library"}},
		{"supervised, SIGKILL", "sigkill", 0, 137, []string{"\nconcert: the shell was killed (SIGKILL); terminal restored.\n"}},
		{"supervised, SIGTERM to the supervisor", "supervised", syscall.SIGTERM, 143, []string{
			"Caught SIGTERM: emergency stop, then exit.\n", "Emergency stop: 2 tasks cancelled, 1 device stopped\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			term := startChild(t, tt.mode)
			if tt.signal != 0 {
				term.Signal(tt.signal)
			}
			st := term.Wait(wait)
			if st.ExitCode() != tt.code {
				t.Errorf("exit code = %d; want %d", st.ExitCode(), tt.code)
			}
			out := term.Output()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output does not contain %q:\n%s", w, out)
				}
			}
			if before, after := term.SttyBefore(), term.Stty(); before != after {
				t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
			}
		})
	}
}

// ctrl-c and ctrl-k as bytes from the keyboard of a real terminal, to a
// process whose controlling terminal it is.
func TestProcessKeys(t *testing.T) {
	t.Run("ctrl-c", func(t *testing.T) {
		t.Parallel()
		term := startChild(t, "wait")
		term.Send([]byte{CtrlC})
		term.WaitFor("command ended: cancelled", wait)
		if st := term.Wait(wait); st.ExitCode() != 0 {
			t.Errorf("exit code = %d; want 0", st.ExitCode())
		}
	})
	t.Run("ctrl-k", func(t *testing.T) {
		t.Parallel()
		term := startChild(t, "wait")
		term.Send([]byte{CtrlK})
		term.WaitFor("Emergency stop: 2 tasks cancelled, 1 device stopped\ncommand ended: cancelled", wait)
		if st := term.Wait(wait); st.ExitCode() != 0 {
			t.Errorf("exit code = %d; want 0", st.ExitCode())
		}
	})
}

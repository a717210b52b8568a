//go:build unix

package ptytest

import (
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Screen is a program running in a tmux window: what the tests read is the
// screen as the user sees it, after every cursor move and redraw, where
// Term gives the stream of bytes. Use it to check what the line editor
// shows; it needs tmux on the PATH.
type Screen struct {
	t    testing.TB
	sock string // the tmux server's socket, private to the test

	closeOnce sync.Once
}

// StartScreen runs name with args in a new tmux server of its own, in a
// window of opts.Rows x opts.Cols, with the environment Start gives except
// TERM, which tmux sets. The
// window stays after the program ends, so its last screen can be read.
// The server is killed when the test ends.
func StartScreen(t testing.TB, opts Options, name string, args ...string) *Screen {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatalf("ptytest: tmux is needed for StartScreen: %v", err)
	}
	if opts.Rows == 0 {
		opts.Rows = 24
	}
	if opts.Cols == 0 {
		opts.Cols = 80
	}
	dir, err := os.MkdirTemp("", "ptytest-tmux-") // short: socket paths have a length limit
	if err != nil {
		t.Fatal(err)
	}
	s := &Screen{t: t, sock: filepath.Join(dir, "s")}
	t.Cleanup(func() {
		s.Close()
		os.RemoveAll(dir)
	})
	// remain-on-exit must hold before the program can end: set it first,
	// in the same tmux invocation that makes the window.
	tmuxArgs := []string{"start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";",
		"new-session", "-d", "-s", "main", "-x", fmt.Sprint(opts.Cols), "-y", fmt.Sprint(opts.Rows)}
	if opts.Dir != "" {
		tmuxArgs = append(tmuxArgs, "-c", opts.Dir)
	}
	// TERM is tmux's own (its default-terminal) unless opts.Env sets it.
	for _, kv := range mergeEnv([]string{"NO_COLOR=1"}, opts.Env) {
		tmuxArgs = append(tmuxArgs, "-e", kv)
	}
	tmuxArgs = append(tmuxArgs, "--", name)
	tmuxArgs = append(tmuxArgs, args...)
	if out, err := s.tmux(tmuxArgs...); err != nil {
		t.Fatalf("ptytest: tmux new-session: %v\n%s", err, out)
	}
	return s
}

func (s *Screen) tmux(args ...string) ([]byte, error) {
	cmd := exec.Command("tmux", append([]string{"-S", s.sock, "-f", os.DevNull}, args...)...)
	// The server takes its default environment from ours; TERM inside the
	// window is tmux's own unless -e sets it.
	return cmd.CombinedOutput()
}

// Send types b as if on a keyboard.
func (s *Screen) Send(b []byte) {
	s.t.Helper()
	args := []string{"send-keys", "-t", "main", "-H"}
	for _, c := range b {
		args = append(args, hex.EncodeToString([]byte{c}))
	}
	if out, err := s.tmux(args...); err != nil {
		s.t.Fatalf("ptytest: tmux send-keys %q: %v\n%s", b, err, out)
	}
}

// SendString types s.
func (s *Screen) SendString(text string) { s.t.Helper(); s.Send([]byte(text)) }

// Text returns the lines scrolled off the top and the screen now, one line
// per row. Like tmux, it drops the spaces at the end of a row (a prompt
// "name? " reads "name?"), and it drops trailing empty rows and tmux's
// note that the program has ended.
func (s *Screen) Text() string {
	s.t.Helper()
	out, err := s.tmux("capture-pane", "-p", "-S", "-", "-t", "main")
	if err != nil {
		s.t.Fatalf("ptytest: tmux capture-pane: %v\n%s", err, out)
	}
	lines := strings.Split(string(out), "\n")
	kept := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, "Pane is dead (") {
			kept = append(kept, strings.TrimRight(l, " "))
		}
	}
	return strings.TrimRight(strings.Join(kept, "\n"), "\n")
}

// WaitFor waits until substr is on the screen, and fails the test with the
// screen when timeout passes first.
func (s *Screen) WaitFor(substr string, timeout time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		text := s.Text()
		if strings.Contains(text, substr) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("ptytest: %q not on the screen within %v; screen:\n%s", substr, timeout, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Close kills the tmux server and the program with it. It may be called
// more than once; StartScreen registers it with t.Cleanup.
func (s *Screen) Close() {
	s.closeOnce.Do(func() {
		_, _ = s.tmux("kill-server")
	})
}

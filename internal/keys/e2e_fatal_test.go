//go:build linux

package keys

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// A fatal error Go cannot recover from (here a stack overflow, after the
// session lowered the stack limit) ends the shell without an emergency
// stop: the supervisor says so and names the device that was moving, and
// puts the terminal back.
func TestE2EFatalErrorNamesMovingDevices(t *testing.T) {
	t.Parallel()
	term := concert(t)
	do(term, `import "runtime/debug"`)
	do(term, `func deep(n int) int { if n == 0 { return 0 }; return deep(n-1) + 1 }`)
	do(term, `t := motor.SetPosition(100 * q.MM)`) // 1 mm/s: it moves for 100 s
	enter(term, `motor.State()`, "moving")
	time.Sleep(300 * time.Millisecond) // the supervisor has heard of it
	term.SendString("debug.SetMaxStack(8192); deep(300)\r")
	term.WaitFor("fatal error: stack overflow", e2eWait)
	term.WaitFor("concert: the shell died without an emergency stop: devices were NOT stopped.", e2eWait)
	term.WaitForRegexp(regexp.MustCompile(`Last seen \(0\.1 s before\): [^\n]*motor moving`), e2eWait)
	if st := term.Wait(e2eWait); st == nil || st.ExitCode() != 2 {
		t.Errorf("exit status %v; want 2, Go's for a fatal error", st)
	}
	if before, after := term.SttyBefore(), term.Stty(); before != after {
		t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
	}
}

// A shell that ends in order, also with a motor moving (its task is
// cancelled, the motor stopped), gets no such word from the supervisor.
func TestE2EOrderlyEndNoUnstoppedWord(t *testing.T) {
	t.Parallel()
	term := concert(t)
	do(term, `t := motor.SetPosition(100 * q.MM)`)
	enter(term, `motor.State()`, "moving")
	time.Sleep(300 * time.Millisecond)
	term.Send([]byte{0x04}) // ctrl-d
	term.WaitFor("Exit and cancel them? [y/N]", e2eWait)
	term.SendString("y\r")
	term.Wait(e2eWait)
	if out := term.Output(); strings.Contains(out, "NOT stopped") {
		t.Errorf("an orderly end reads as a crash:\n%s", out)
	}
}

//go:build unix

package keys

import (
	"testing"
	"time"
)

func TestE2ECtrlKAtPrompt(t *testing.T) {
	t.Parallel()
	term := concert(t)
	do(term, "m := motor.SetPosition(10 * q.MM)")
	time.Sleep(200 * time.Millisecond)
	term.Send([]byte{CtrlK})
	term.WaitFor("Emergency stop: 1 task cancelled, 4 devices stopped\n", e2eWait)
	stopped(t, term, "motor", 10)
	quit(t, term)
}

// The prelude's watchdog stops everything when its check turns true, and
// keeps watching.
func TestE2EWatchdog(t *testing.T) {
	t.Parallel()
	term := concert(t)
	do(term, "wd := watchdog(func() bool { return motor.Position() > 1*q.MM }, 5*time.Millisecond)")
	do(term, "m := motor.SetPosition(10 * q.MM)")
	enter(term, "await m", "Cancelled (emergency stop)\n")
	p := position(t, term, "motor.Position()")
	if p <= 1 || p >= 1.5 {
		t.Errorf("motor stopped at %v mm; want just past 1 mm", p)
	}
	enter(term, "wd.State()", "running")
	do(term, "wd.Cancel()")
	enter(term, "await wd", "Cancelled\n")
	quit(t, term)
}

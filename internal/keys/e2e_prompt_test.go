//go:build unix

package keys

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
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

// ctrl-c at the prompt clears the line and does not exit.
func TestE2ECtrlCAtPrompt(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s := ptytest.StartScreen(t, ptytest.Options{Env: []string{
		"CONCERT_SESSIONS_DIR=" + filepath.Join(home, "sessions"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"),
	}}, ptytest.Concert(t), "start", "tutorial")
	s.WaitFor("tutorial >", 2*time.Minute)
	s.SendString("motor.Pos")
	s.WaitFor("tutorial > motor.Pos", e2eWait)
	s.Send([]byte{CtrlC})
	s.SendString("1 + 1\r")
	s.WaitFor("tutorial > 1 + 1\n2\ntutorial >", e2eWait)
	if text := s.Text(); strings.Contains(text, "motor.Pos1") || strings.Contains(text, "Sorry") {
		t.Errorf("the cleared line was run:\n%s", text)
	}
}

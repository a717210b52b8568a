//go:build unix

package keys

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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
	s := ptytest.StartScreen(t, ptytest.Options{Env: ptytest.HomeEnv(home)}, ptytest.Concert(t), "start", "tutorial")
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

// However the shell dies, even by SIGKILL with the key watcher owning the
// terminal, the supervisor puts the terminal back.
func TestE2ESupervisorAfterSIGKILL(t *testing.T) {
	t.Parallel()
	term := concert(t)
	startCommand(term, "time.Sleep(10 * time.Second)")
	// The shell is the supervisor's child, started from any of its threads.
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", term.Pid()))
	var children []byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		children = append(children, b...)
	}
	shell, err := strconv.Atoi(strings.TrimSpace(string(children)))
	if err != nil {
		t.Fatalf("the supervisor's children are %q; want one shell", children)
	}
	if during, before := term.Stty(), term.SttyBefore(); during == before {
		t.Fatalf("the key watcher does not own the terminal")
	}
	syscall.Kill(shell, syscall.SIGKILL)
	if st := term.Wait(e2eWait); st.ExitCode() != 137 {
		t.Errorf("exit status = %d; want 137", st.ExitCode())
	}
	term.WaitFor("concert: the shell was killed (SIGKILL); terminal restored.\n", e2eWait)
	if before, after := term.SttyBefore(), term.Stty(); before != after {
		t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
	}
}

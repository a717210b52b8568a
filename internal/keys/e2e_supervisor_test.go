//go:build linux

package keys

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
)

// concertUnderShell runs `concert start tutorial` from a shell that stays
// on the terminal afterwards, as a user's login shell does: the supervisor
// is not the terminal's session leader, so its death hangs nothing up.
// It returns the terminal, the supervisor's and the shell's process ids.
func concertUnderShell(t *testing.T, home string) (term *ptytest.Term, supervisor, shell int) {
	t.Helper()
	script := ptytest.Concert(t) + ` start tutorial; echo "supervisor ended $?"; exec sleep 600`
	term = ptytest.Start(t, ptytest.Options{Env: ptytest.HomeEnv(home)}, "/bin/sh", "-c", script)
	term.WaitFor(prompt, 2*time.Minute)
	do(term, `import "os"`)
	term.SendString(`fmt.Println("pids", os.Getppid(), os.Getpid())` + "\r")
	m := term.WaitForRegexp(regexp.MustCompile(`pids (\d+) (\d+)\n`), e2eWait)
	term.WaitFor(prompt, e2eWait)
	supervisor, _ = strconv.Atoi(m[1])
	shell, _ = strconv.Atoi(m[2])
	return term, supervisor, shell
}

// gone waits until process pid has ended (a zombie nobody reaps counts):
// the test has no other handle on an orphan.
func gone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Fatalf("process %d still runs", pid)
}

// concertLog is `concert log tutorial` for the concert run under home.
func concertLog(t *testing.T, home string) string {
	t.Helper()
	cmd := exec.Command(ptytest.Concert(t), "log", "tutorial")
	cmd.Env = append(os.Environ(), ptytest.HomeEnv(home)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("concert log tutorial: %v\n%s", err, out)
	}
	return string(out)
}

// SIGKILL of the supervisor while a motor moves: the shell stops every
// device at once, says so, restores the terminal and exits, and the next
// start runs (issue 16: it ran on as an orphan, the motor moving, the lock
// held).
func TestE2ESupervisorKilled(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	term, supervisor, shell := concertUnderShell(t, home)
	startCommand(term, "await motor.SetPosition(100 * q.MM)")
	time.Sleep(200 * time.Millisecond) // it moves at 1 mm/s
	if err := syscall.Kill(supervisor, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	term.WaitFor(fmt.Sprintf("The concert supervisor (process %d) died: emergency stop, then exit.", supervisor), e2eWait)
	term.WaitForRegexp(regexp.MustCompile(`Emergency stop: \d+ tasks? cancelled, \d+ devices stopped`), e2eWait)
	gone(t, shell)
	if before, after := term.SttyBefore(), term.Stty(); before != after {
		t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
	}
	log := concertLog(t, home)
	for _, want := range []string{"emergency stop by=\"supervisor died\"", "session end status=143"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
	next := exec.Command(ptytest.Concert(t), "start", "tutorial", "--non-interactive")
	next.Env = append(os.Environ(), ptytest.HomeEnv(home)...)
	if out, err := next.CombinedOutput(); err != nil || len(out) != 0 {
		t.Errorf("the next start: %v, %q; want it to run, without a word", err, out)
	}
}

// SIGHUP (the terminal closed) ends the session with its end in the log
// (issue 16: no "session end" record).
func TestE2ESighupLogsSessionEnd(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	term := ptytest.Start(t, ptytest.Options{Env: ptytest.HomeEnv(home)}, ptytest.Concert(t), "start", "tutorial")
	term.WaitFor(prompt, 2*time.Minute)
	term.Signal(syscall.SIGHUP)
	if st := term.Wait(e2eWait); st.ExitCode() != 129 {
		t.Errorf("exit status after SIGHUP = %d; want 129", st.ExitCode())
	}
	if log := concertLog(t, home); !strings.Contains(log, "session end status=129") {
		t.Errorf("the log has no session end:\n%s", log)
	}
}

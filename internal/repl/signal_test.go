//go:build unix

package repl_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
)

// TestSIGINTCancelsTheCommand: with stdin not a terminal, SIGINT is
// ctrl-c: the awaited move is cancelled (the motor stops on the way), the
// background task is not, and the shell reads on.
func TestSIGINTCancelsTheCommand(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	race, raceDir := raceEnv(t)
	cmd := exec.Command(ptytest.Concert(t), "start", "tutorial")
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"CONCERT_SESSIONS_DIR="+filepath.Join(home, "sessions"), "NO_COLOR=1", race)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out ptytest.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(s string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(out.String(), s) {
			if time.Now().After(deadline) {
				t.Fatalf("%q did not appear; output:\n%s", s, out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	io.WriteString(stdin, "bg := rotation.SetPosition(90 * q.Deg)\n\"moving\"\n")
	waitFor("moving\n")
	io.WriteString(stdin, "await motor.SetPosition(50 * q.MM)\n")
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	waitFor("Cancelled\n")
	io.WriteString(stdin, "motor.Position() > 0 && motor.Position() < 50*q.MM\nbg.State()\n")
	stdin.Close()
	err = cmd.Wait()
	checkRaces(t, raceDir)
	want := "moving\nCancelled\ntrue\nrunning\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("exit: %v; want status 1 (a command was cancelled)", err)
	}
}

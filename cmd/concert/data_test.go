//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concert-go/concert/internal/ptytest"
)

// concertIn runs `concert args...` with the XDG directories under home
// and stdin, and returns its output and exit status.
func concertIn(t *testing.T, home, stdin string, args ...string) (out string, code int) {
	t.Helper()
	cmd := concertProcess(args...)
	cmd.Env = append(cmd.Env, ptytest.HomeEnv(home)...)
	cmd.Stdin = strings.NewReader(stdin)
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	cmd.Run()
	return b.String(), cmd.ProcessState.ExitCode()
}

// concert data SESSION RUN shows the whole command that made the run (the
// list shortens it) and the run's files; a run that is not there is named
// with how many there are.
func TestDataShowsTheWholeCommandAndTheFiles(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, "s.go")
	if err := os.WriteFile(file, []byte("m := motors.NewLinear(\"m\")\nawait m.SetMotionVelocity(100 * q.MMPerS)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := `await dscan(m, -1*q.MM, 1*q.MM, 2, measure("signal", func() float64 { return m.Position().In(q.MM) }))`
	if out, code := concertIn(t, home, cmd+"\n", "start", "--filename", file); code != 0 {
		t.Fatalf("the scan: status %d\n%s", code, out)
	}
	out, code := concertIn(t, home, "", "data", "s", "1")
	if code != 0 || !strings.Contains(out, "command        "+cmd+"\n") {
		t.Errorf("concert data s 1 (status %d) does not show the whole command %s:\n%s", code, cmd, out)
	}
	if !strings.Contains(out, "files          meta.json, plot.png, points.csv\n") {
		t.Errorf("concert data s 1 does not list the run's files:\n%s", out)
	}
	out, code = concertIn(t, home, "", "data")
	if !strings.Contains(out, "s  1 run\n") {
		t.Errorf("concert data (status %d):\n%s\nwant s  1 run", code, out)
	}
	out, code = concertIn(t, home, "", "data", "s", "7")
	if code != 1 || !strings.Contains(out, "no run 7 in ") || !strings.Contains(out, "it has 1 run (concert data s lists them)") {
		t.Errorf("concert data s 7 (status %d):\n%s\nwant no run 7 ..., it has 1 run (concert data s lists them)", code, out)
	}
}

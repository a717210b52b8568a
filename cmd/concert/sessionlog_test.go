//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
)

// sessionLog runs `concert start --filename FILE --non-interactive` over
// src with a fresh data directory and returns stdout, stderr, the exit
// status and the session log.
func sessionLog(t *testing.T, src string, flags ...string) (stdout, stderr string, code int, log string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "s.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := concertProcess(append([]string{"start", "--filename", file, "--non-interactive"}, flags...)...)
	cmd.Env = append(cmd.Env, ptytest.HomeEnv(dir)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if code < 0 {
		t.Fatalf("concert: %v\nstderr:\n%s", err, errOut.String())
	}
	b, _ := os.ReadFile(filepath.Join(dir, "data", "concert", "log", "concert.log"))
	return out.String(), errOut.String(), code, string(b)
}

// Issue 16, item 2: a session that replaces slog's default with a handler
// whose writer panics takes down neither the next command nor the shell's
// own log.
func TestSessionSlogDefaultCannotTakeTheShellDown(t *testing.T) {
	stdout, stderr, code, log := sessionLog(t, `import "log/slog"
type W struct{}
func (W) Write(p []byte) (int, error) { panic("boom") }
slog.SetDefault(slog.New(slog.NewJSONHandler(W{}, nil)))
m := motors.NewLinear("m")
await m.SetPosition(1 * q.MM)
fmt.Println(m.Position())
`)
	if stdout != "1 mm\n" || stderr != "" || code != 0 {
		t.Errorf("stdout %q, stderr %q, status %d; want 1 mm, nothing, 0", stdout, stderr, code)
	}
	if !strings.Contains(log, `"msg":"set","session":"s","device":"m","param":"position","old":"0 mm","new":"1 mm"`) {
		t.Errorf("the set is not in the session log:\n%s", log)
	}
}

// At the default level the log is an audit trail: a loop of a thousand
// tasks that succeed writes no record per task; what the user ran, set and
// saw fail is there. The session waits for the failing task to end: ended
// at once, it would cancel the task before it ran (on a loaded machine).
func TestSessionLogIsAnAuditTrail(t *testing.T) {
	_, stderr, code, log := sessionLog(t, `m := motors.NewLinear("m")
f := func(ctx context.Context) error { return nil }
ts := []any{}
for i := 0; i < 1000; i++ { ts = append(ts, start(f)) }
res := await gather(ts...)
await m.SetPosition(2 * q.MM)
bad := start(func() error { return fmt.Errorf("camera offline") })
await waitUntil(func() bool { return bad.State().Ended() }, 10*q.MS, 30*q.S)
`)
	if code != 0 {
		t.Fatalf("status %d, stderr %q", code, stderr)
	}
	for _, want := range []string{`"msg":"session start"`, `"msg":"run"`, `"msg":"set"`, `"msg":"task failed"`, `"err":"camera offline"`, `"msg":"session end"`} {
		if !strings.Contains(log, want) {
			t.Errorf("no %s in the log:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "\n"); n > 20 {
		t.Errorf("the log has %d records for 1,000 tasks; want a handful:\n%.2000s", n, log)
	}
}

// --logfile /dev/full: the session runs, the failure is said once on
// stderr, and no /dev/full.lock appears.
func TestLogfileDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	os.Remove("/dev/full.lock") // left by an older concert
	stdout, stderr, code, _ := sessionLog(t, `m := motors.NewLinear("m")
for i := 0; i < 5; i++ { await m.SetPosition(q.Length(i) * q.MM) }
fmt.Println(m.Position())
`, "--logfile", "/dev/full")
	if _, err := os.Stat("/dev/full.lock"); err == nil {
		os.Remove("/dev/full.lock")
		t.Error("/dev/full.lock was created")
	}
	want := "concert: the session log: write /dev/full: no space left on device; records are being lost (said once)\n"
	if stdout != "4 mm\n" || stderr != want || code != 0 {
		t.Errorf("stdout %q, stderr %q, status %d; want 4 mm, %q, 0", stdout, stderr, code, want)
	}
}

// A terminating signal ends the process with os.Exit, which runs no
// deferred calls: the buffered records, the emergency stop's included,
// are written all the same.
func TestSignalExitWritesTheLog(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd := concertProcess("start", "tutorial")
			cmd.Env = append(cmd.Env, ptytest.HomeEnv(dir)...)
			stdin, _ := cmd.StdinPipe()
			var out ptytest.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill() })
			fmt.Fprintln(stdin, `motor.SetPosition(5 * q.MM)`)
			fmt.Fprintln(stdin, `fmt.Println("moving")`)
			deadline := time.Now().Add(20 * time.Second)
			for !strings.Contains(out.String(), "moving") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			cmd.Wait()
			b, _ := os.ReadFile(filepath.Join(dir, "data", "concert", "log", "concert.log"))
			log := string(b)
			for _, want := range []string{`"input":"motor.SetPosition(5 * q.MM)\n"`, `"msg":"emergency stop","session":"tutorial","by":"` + unixName(sig) + `"`} {
				if !strings.Contains(log, want) {
					t.Errorf("no %s in the log after %v:\n%s\noutput:\n%s", want, sig, log, out.String())
				}
			}
		})
	}
}

func unixName(sig syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP"}[sig]
}

//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/concert-go/concert/sessions"
)

// TestHelperMain is not a test: it is concert itself, run by the tests
// below as a process of its own, with the arguments after "--".
func TestHelperMain(t *testing.T) {
	if os.Getenv("CONCERT_TEST_MAIN") == "" {
		t.Skip("helper process only")
	}
	i := 0
	for i < len(os.Args) && os.Args[i] != "--" {
		i++
	}
	bundledSessions = sessions.FS
	e := defaultEnv()
	code := execute(context.Background(), newRootCmd(e), os.Args[i+1:], e.Err)
	if code == exitOK {
		code = sessionStatus
	}
	os.Exit(code)
}

// concertProcess returns `concert args...` as a process of the test binary.
func concertProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperMain$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "CONCERT_TEST_MAIN=1")
	return cmd
}

// readySession starts `concert args...` and returns, with the pipe to its
// stdin, once it has run a first command; the test's end kills it.
func readySession(t *testing.T, args ...string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := concertProcess(args...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	fmt.Fprintln(stdin, `fmt.Println("ready")`)
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("concert %v said %q", args, line)
	}
	return cmd, stdin
}

// A session runs once at a time; killing it (SIGKILL: no cleanup at all)
// leaves a lock that the next start clears with a note.
func TestStartLockKilled(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("CONCERT_SESSIONS_DIR", "")

	first, stdin := readySession(t, "start", "tutorial")
	pid := first.Process.Pid

	second := concertProcess("start", "tutorial")
	second.Stdin = strings.NewReader("")
	out, err := second.CombinedOutput()
	wantPrefix := fmt.Sprintf(`concert: session "tutorial" is already running (process %d since `, pid)
	if code := second.ProcessState.ExitCode(); code != 1 || !strings.HasPrefix(string(out), wantPrefix) {
		t.Errorf("second start while the first runs: status %d (%v), output %q; want status 1 and %q...", code, err, out, wantPrefix)
	}

	first.Process.Kill()
	first.Wait()
	stdin.Close()

	third := concertProcess("start", "tutorial", "--non-interactive")
	third.Stdin = strings.NewReader("")
	out, err = third.CombinedOutput()
	wantNote := fmt.Sprintf(`concert: cleared the stale lock of session "tutorial" left by process %d (started `, pid)
	if err != nil || !strings.HasPrefix(string(out), wantNote) || !strings.Contains(string(out), "), which is gone\n") {
		t.Errorf("start after the first was killed: %v, output %q; want success and %q...", err, out, wantNote)
	}

	// A multi-instance session runs twice at once.
	dir := t.TempDir()
	t.Setenv("CONCERT_SESSIONS_DIR", dir)
	os.WriteFile(dir+"/twice.go", []byte("// Twice.\n// concert:multi-instance\nx := 1\n"), 0o644)
	a, aIn := readySession(t, "start", "twice")
	b := concertProcess("start", "twice", "--non-interactive")
	b.Stdin = strings.NewReader("")
	if out, err := b.CombinedOutput(); err != nil || len(out) != 0 {
		t.Errorf("second instance of a multi-instance session: %v, %q", err, out)
	}
	aIn.Close()
	a.Wait()
}

// start's log flags: --logto stderr with a level, and bad values.
func TestStartLogFlags(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("CONCERT_SESSIONS_DIR", "")
	tests := []struct {
		args       []string
		wantStatus int
		want       string
	}{
		{[]string{"--logto", "stderr", "--loglevel", "debug"}, 0, "level=INFO msg=\"session start\" session=tutorial path=bundled/tutorial.go"},
		{[]string{"--logto", "syslog"}, 2, "concert: --logto \"syslog\": use stderr or file\nRun 'concert start --help' for usage.\n"},
		{[]string{"--loglevel", "loud"}, 2, "concert: --loglevel \"loud\": use debug, info, warn or error\nRun 'concert start --help' for usage.\n"},
	}
	for _, tt := range tests {
		cmd := concertProcess(append([]string{"start", "tutorial", "--non-interactive"}, tt.args...)...)
		cmd.Stdin = strings.NewReader("")
		out, _ := cmd.CombinedOutput()
		code := cmd.ProcessState.ExitCode()
		if code != tt.wantStatus || (code == 0 && !strings.Contains(string(out), tt.want)) || (code != 0 && string(out) != tt.want) {
			t.Errorf("start %v: status %d, output %q; want status %d, %q", tt.args, code, out, tt.wantStatus, tt.want)
		}
	}
	// A log that cannot be written does not keep the session from running.
	notDir := t.TempDir() + "/file"
	os.WriteFile(notDir, nil, 0o644)
	cmd := concertProcess("start", "tutorial", "--non-interactive", "--logfile", notDir+"/x.log")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "concert: opening the log: ") || !strings.HasSuffix(string(out), "; the session runs without a log\n") {
		t.Errorf("start with a log that cannot be opened: %v, %q", err, out)
	}
	logfile := t.TempDir() + "/my.log"
	cmd = concertProcess("start", "tutorial", "--non-interactive", "--logfile", logfile)
	cmd.Stdin = strings.NewReader("")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("start --logfile: %v %s", err, out)
	}
	if got := fileText(t, logfile); !strings.Contains(got, `"msg":"session start","session":"tutorial"`) {
		t.Errorf("--logfile holds %q", got)
	}
}

// A session file outside the store may have any name; its lock is its own.
func TestStartFilenameLock(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	p := t.TempDir() + "/my scan.v2.go"
	os.WriteFile(p, []byte("x := 1\n"), 0o644)
	first, stdin := readySession(t, "start", "--filename", p)
	second := concertProcess("start", "--filename", p)
	second.Stdin = strings.NewReader("")
	out, _ := second.CombinedOutput()
	want := fmt.Sprintf("concert: session %q is already running (process %d since ", p, first.Process.Pid)
	if code := second.ProcessState.ExitCode(); code != 1 || !strings.HasPrefix(string(out), want) {
		t.Errorf("second start --filename: status %d, %q; want 1, %q...", code, out, want)
	}
	stdin.Close()
	if err := first.Wait(); err != nil {
		t.Errorf("first start --filename: %v", err)
	}
}

// `concert start myexp` and `concert start --filename <dir>/myexp.go` (or
// a link to it) are one session: the second is refused (issue 16).
func TestStartLockSameFileTwoNames(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := t.TempDir()
	t.Setenv("CONCERT_SESSIONS_DIR", dir)
	os.WriteFile(dir+"/myexp.go", []byte("// My experiment.\nx := 1\n"), 0o644)
	link := t.TempDir() + "/other-name.go"
	os.Symlink(dir+"/myexp.go", link)
	first, stdin := readySession(t, "start", "myexp")
	for _, p := range []string{dir + "/myexp.go", link} {
		second := concertProcess("start", "--filename", p, "--non-interactive")
		second.Stdin = strings.NewReader("")
		out, _ := second.CombinedOutput()
		want := fmt.Sprintf("concert: session %q is already running (process %d since ", p, first.Process.Pid)
		if code := second.ProcessState.ExitCode(); code != 1 || !strings.HasPrefix(string(out), want) {
			t.Errorf("start --filename %s while start myexp runs: status %d, %q; want 1, %q...", p, code, out, want)
		}
	}
	stdin.Close()
	if err := first.Wait(); err != nil {
		t.Errorf("start myexp: %v", err)
	}
}

//go:build unix

package keys

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
)

// End-to-end: the real concert binary in a pseudo-terminal, keys sent as
// bytes, as a user at a terminal would.

const (
	e2eWait = 30 * time.Second // generous: the machine may be busy, the binary race-built
	prompt  = "tutorial > "
)

func concert(t *testing.T) *ptytest.Term {
	t.Helper()
	home := t.TempDir()
	term := ptytest.Start(t, ptytest.Options{Env: ptytest.HomeEnv(home)}, ptytest.Concert(t), "start", "tutorial")
	term.WaitFor(prompt, 2*time.Minute) // the first test builds the binary
	return term
}

// enter types a command and waits for want, then for the next prompt.
func enter(term *ptytest.Term, cmd, want string) {
	term.SendString(cmd + "\r")
	term.WaitFor(want, e2eWait)
	term.WaitFor(prompt, e2eWait)
}

var probes atomic.Int64

// do types a command that prints nothing and waits until it has run: a
// prompt alone is no sign, the line editor redraws it as keys arrive.
func do(term *ptytest.Term, cmd string) {
	n := 1000 + probes.Add(1)
	term.SendString(cmd + "\r")
	enter(term, fmt.Sprintf("%d + 0", n), fmt.Sprintf("\n%d\n", n))
}

// startCommand types a command that runs a while and returns once it
// runs: it prints "started" first. The key watcher owns the terminal from
// a moment later; keys sent before that arrive all the same (ctrl-c as
// SIGINT, the rest as type-ahead).
func startCommand(term *ptytest.Term, cmd string) {
	term.SendString(`fmt.Println("started"); ` + cmd + "\r")
	term.WaitFor("started\n", e2eWait)
	time.Sleep(50 * time.Millisecond)
}

var lengthRE = regexp.MustCompile(`\n(-?[0-9.]+) (m|mm|µm|nm)\n`)

// position reads a length the shell prints, in mm.
func position(t *testing.T, term *ptytest.Term, expr string) float64 {
	t.Helper()
	term.SendString(expr + "\r")
	m := term.WaitForRegexp(lengthRE, e2eWait)
	term.WaitFor(" > ", e2eWait) // any session's prompt
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v * map[string]float64{"m": 1e3, "mm": 1, "µm": 1e-3, "nm": 1e-6}[m[2]]
}

// stopped checks that the motor stands between start and target and stays.
func stopped(t *testing.T, term *ptytest.Term, motor string, target float64) {
	t.Helper()
	p := position(t, term, motor+".Position()")
	if p <= 0 || p >= target {
		t.Errorf("%s stopped at %v mm; want between 0 and %v mm", motor, p, target)
	}
	time.Sleep(200 * time.Millisecond)
	if again := position(t, term, motor+".Position()"); again != p {
		t.Errorf("%s moves on after the stop: %v mm, then %v mm", motor, p, again)
	}
}

func quit(t *testing.T, term *ptytest.Term) {
	t.Helper()
	term.Send([]byte{0x04})
	st := term.Wait(e2eWait)
	if st.ExitCode() != 0 {
		t.Errorf("exit status after ctrl-d = %d; want 0\n%s", st.ExitCode(), term.Output())
	}
	if before, after := term.SttyBefore(), term.Stty(); before != after {
		t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
	}
}

func TestE2ECtrlCStopsMotor(t *testing.T) {
	t.Parallel()
	term := concert(t)
	startCommand(term, "await motor.SetPosition(10 * q.MM)")
	time.Sleep(200 * time.Millisecond) // it moves at 1 mm/s
	term.Send([]byte{CtrlC})
	term.WaitFor("Cancelled\n", e2eWait)
	term.WaitFor(prompt, e2eWait)
	stopped(t, term, "motor", 10)
	quit(t, term)
}

func TestE2ECtrlKStopsEverything(t *testing.T) {
	t.Parallel()
	term := concert(t)
	do(term, "await shutter.Open()")
	enter(term, "shutter.State()", "open")
	do(term, "m := motor.SetPosition(10 * q.MM)")
	do(term, `motor2 := motors.NewLinear("motor2")`)
	do(term, "m2 := motor2.SetPosition(-10 * q.MM)")
	// A blocking compiled call that ignores cancellation: ctrl-k must not
	// wait for it. (The limit leaves room for a busy machine; the log says
	// how long it took.)
	const sleep = 10 * time.Second
	startCommand(term, fmt.Sprintf("time.Sleep(%d * time.Second)", sleep/time.Second))
	sent := time.Now()
	term.Send([]byte{CtrlK})
	term.WaitFor("Emergency stop: 3 tasks cancelled, 5 devices stopped\n", sleep-2*time.Second)
	t.Logf("report %v after ctrl-k", time.Since(sent))
	term.WaitFor(prompt, e2eWait)
	stopped(t, term, "motor", 10)
	stopped(t, term, "-motor2", 10)
	enter(term, "shutter.State()", "closed")
	enter(term, "m.State()", "cancelled")
	enter(term, "m2.State()", "cancelled")
	quit(t, term)
}

func TestE2ETypeahead(t *testing.T) {
	t.Parallel()
	term := concert(t)
	startCommand(term, "time.Sleep(500 * time.Millisecond)")
	term.SendString("1 + 41")
	term.WaitFor(prompt, e2eWait)
	term.SendString("\r")
	term.WaitFor("\n42\n", e2eWait)
	term.WaitFor(prompt, e2eWait)
	quit(t, term)
}

// A tight interpreted loop ignores cancellation: the third ctrl-c, a
// second after the first, stops the interpreter, and the shell goes on.
func TestE2ECtrlCEscalation(t *testing.T) {
	t.Parallel()
	term := concert(t)
	do(term, "bg := start(func(ctx context.Context) error { for { } })")
	// One statement: with bg never pausing, each evaluation waits a moment
	// at the interpreter's gate (package repl), and a ctrl-c between two
	// statements of a command ends it before the next.
	term.SendString("for i := 0; ; i++ { if i == 0 { fmt.Println(\"started\") } }\r")
	term.WaitFor("started\n", e2eWait)
	time.Sleep(50 * time.Millisecond)
	term.Send([]byte{CtrlC})
	time.Sleep(100 * time.Millisecond)
	term.Send([]byte{CtrlC})
	term.WaitFor(MsgWait, e2eWait)
	time.Sleep(StopDelay)
	term.Send([]byte{CtrlC})
	term.WaitFor(MsgStopInterpreter, e2eWait)
	term.WaitFor("Cancelled", e2eWait)
	term.WaitFor(prompt, e2eWait)
	// No command after the stop here: yaegi goes on reading its global
	// frame on the stopped evaluation's goroutine after EvalWithContext has
	// returned, with nothing to synchronise with, so the race detector sees
	// the next evaluation race with it (package repl, settle; issue 15).
	// repl's TestPromptStopInterpreter shows the shell going on.
	quit(t, term)
}

func TestE2ESignals(t *testing.T) {
	tests := []struct {
		name    string
		sig     syscall.Signal
		command bool // while a command runs, else at the prompt
		code    int
		report  string
	}{
		{"SIGTERM at the prompt", syscall.SIGTERM, false, 143, "Emergency stop: 1 task cancelled, 4 devices stopped\n"},
		{"SIGTERM during a command", syscall.SIGTERM, true, 143, "Emergency stop: 2 tasks cancelled, 4 devices stopped\n"},
		{"SIGHUP at the prompt", syscall.SIGHUP, false, 129, "Emergency stop: 1 task cancelled, 4 devices stopped\n"},
		{"SIGHUP during a command", syscall.SIGHUP, true, 129, "Emergency stop: 2 tasks cancelled, 4 devices stopped\n"},
		{"SIGQUIT during a command", syscall.SIGQUIT, true, 131, "Emergency stop: 2 tasks cancelled, 4 devices stopped\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			term := concert(t)
			do(term, "m := motor.SetPosition(10 * q.MM)")
			if tt.command {
				startCommand(term, "await m")
			}
			term.Signal(tt.sig)
			st := term.Wait(e2eWait)
			if st.ExitCode() != tt.code {
				t.Errorf("exit status = %d; want %d\n%s", st.ExitCode(), tt.code, term.Output())
			}
			term.WaitFor(tt.report, e2eWait)
			if before, after := term.SttyBefore(), term.Stty(); before != after {
				t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
			}
		})
	}
}

// ctrl-k while a session file loads: the load is a command like any other.
func TestE2ECtrlKWhileLoading(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "slow.go")
	src := "// A session that takes long to load.\n\nm := motors.NewLinear(\"m\")\nfmt.Println(\"loading\")\nawait m.SetPosition(10 * q.MM)\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	term := ptytest.Start(t, ptytest.Options{Env: ptytest.HomeEnv(dir)}, ptytest.Concert(t), "start", "--filename", file)
	term.WaitFor("loading\n", 2*time.Minute)
	time.Sleep(200 * time.Millisecond)
	term.Send([]byte{CtrlK})
	term.WaitFor("Emergency stop: 2 tasks cancelled, 1 device stopped\n", e2eWait)
	term.WaitFor("Cancelled (emergency stop)\n", e2eWait)
	term.WaitFor("slow > ", e2eWait)
	p := position(t, term, "m.Position()")
	if p <= 0 || p >= 10 {
		t.Errorf("m stopped at %v mm; want between 0 and 10 mm", p)
	}
	term.Send([]byte{0x04})
	term.Wait(e2eWait)
	if before, after := term.SttyBefore(), term.Stty(); before != after {
		t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
	}
}

// With stdin not a terminal there is no key watcher: SIGINT is ctrl-c.
func TestE2ESIGINTWithoutTerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(ptytest.Concert(t), "start", "tutorial")
	cmd.Env = append(os.Environ(),
		"CONCERT_SESSIONS_DIR="+filepath.Join(dir, "sessions"),
		"XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_STATE_HOME="+filepath.Join(dir, "state"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	io.WriteString(stdin, "fmt.Println(\"moving\")\nawait motor.SetPosition(10 * q.MM)\n")
	waitOutFor(t, &out, "moving\n", e2eWait)
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	waitOutFor(t, &out, "Cancelled\n", e2eWait)
	io.WriteString(stdin, "motor.Position()\n")
	stdin.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(e2eWait):
		t.Fatalf("concert did not end at the end of its input; output:\n%s", out.String())
	}
	m := lengthRE.FindStringSubmatch("\n" + out.String()[strings.Index(out.String(), "Cancelled\n")+len("Cancelled"):])
	if m == nil {
		t.Fatalf("no position printed after Cancelled; output:\n%s", out.String())
	}
	if v, _ := strconv.ParseFloat(m[1], 64); m[2] == "mm" && v >= 10 || v <= 0 {
		t.Errorf("motor stopped at %s %s; want between 0 and 10 mm", m[1], m[2])
	}
}

func waitOutFor(t *testing.T, out *syncBuffer, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output does not show %q; output:\n%s", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// What was typed while a command ran is on the next prompt's line, as the
// user sees it, ready to be edited or run.
func TestE2ETypeaheadOnScreen(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s := ptytest.StartScreen(t, ptytest.Options{Env: ptytest.HomeEnv(home)}, ptytest.Concert(t), "start", "tutorial")
	s.WaitFor("tutorial >", 2*time.Minute)
	s.SendString(`fmt.Println("started"); time.Sleep(time.Second)` + "\r")
	s.WaitFor("started", e2eWait)
	s.SendString("motor.Pos")
	s.WaitFor("started\ntutorial > motor.Pos", e2eWait)
	s.SendString("ition()\r")
	s.WaitFor("tutorial > motor.Position()\n0 mm\ntutorial >", e2eWait)
}

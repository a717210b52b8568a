//go:build unix

package repl_test

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
)

const wait = 20 * time.Second

// shell starts `concert start tutorial` in a pseudo-terminal with the XDG
// directories under home and waits for the prompt.
func shell(t *testing.T, home string, env ...string) *ptytest.Term {
	t.Helper()
	race, raceDir := raceEnv(t)
	t.Cleanup(func() { checkRaces(t, raceDir) })
	env = append(append(ptytest.HomeEnv(home), race), env...)
	term := ptytest.Start(t, ptytest.Options{Env: env}, ptytest.Concert(t), "start", "tutorial")
	term.WaitFor("tutorial > ", wait)
	return term
}

// exit presses ctrl-d on an empty line and checks that the shell ends
// with status 0 and the terminal as it found it.
func exit(t *testing.T, term *ptytest.Term) {
	t.Helper()
	term.Send([]byte{0x04})
	st := term.Wait(wait)
	if st == nil || st.ExitCode() != 0 {
		t.Fatalf("exit after ctrl-d: %v\n%s", st, term.Output())
	}
	if before, after := term.SttyBefore(), term.Stty(); before != after {
		t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
	}
}

// run types a command and waits for want, then for the prompt drawn after
// it: only then is the line editor reading keys again (before that the
// terminal is cooked, and a ctrl-d or ctrl-c means something else).
func run(term *ptytest.Term, cmd, want string) {
	term.SendString(cmd + "\r")
	term.WaitFor(want, wait)
	term.WaitFor("tutorial > ", wait)
}

func TestPromptRunsCommands(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	run(term, "1 + 2", "\n3\n")
	// An open brace continues under the continuation prompt.
	term.SendString("func four() int {\r")
	term.WaitFor(".......... ", wait)
	term.SendString("return 4\r")
	term.SendString("}\r")
	run(term, "four()", "\n4\n")
	term.SendString("s := `a\r")
	term.SendString("b`\r")
	run(term, "len(s)", "\n3\n")
	run(term, "nope", "Sorry, undefined: nope\n")
	exit(t, term)
}

func TestPromptCompletion(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	tests := []struct{ typed, want string }{
		{"motor.SetPo", "motor.SetPosition"},
		{`motor.Param("mot`, `motor.Param("motion_velocity`},
		{"q.Ke", "q.KeV"},
		{"corof", "corofunc"},
		{"shut", "shutter"},
	}
	for _, tt := range tests {
		term.SendString(tt.typed)
		term.WaitFor(tt.typed, wait)
		term.SendString("\t")
		term.WaitFor(tt.want, wait)
		term.Send([]byte{0x03}) // ctrl-c clears the line
		term.WaitFor("tutorial > ", wait)
	}
	exit(t, term)
}

func TestPromptHistoryAcrossRuns(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	term := shell(t, home)
	run(term, "first := 41; first", "\n41\n")
	term.SendString("func twoLines() {\r")
	run(term, "}; 7", "\n7\n")
	exit(t, term)

	term = shell(t, home)
	term.SendString("\x1b[A") // up: the multi-line entry, whole
	term.WaitFor("func twoLines() {\n", wait)
	term.WaitFor(".......... }; 7", wait)
	term.SendString("\x1b[A") // up within the entry
	term.SendString("\x1b[A")
	term.WaitFor("first := 41; first", wait)
	run(term, "", "\n41\n")
	run(term, "first + 1", "\n42\n")
	exit(t, term)
}

func TestPromptCtrlC(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	// ctrl-c at the prompt clears the line and leaves the shell running.
	term.SendString("half typed")
	term.WaitFor("half typed", wait)
	term.Send([]byte{0x03})
	term.WaitFor("tutorial > ", wait)
	// ctrl-c while a command waits cancels it: the motor stops on the way.
	term.SendString("await motor.SetPosition(50 * q.MM)\r")
	time.Sleep(500 * time.Millisecond)
	term.Send([]byte{0x03})
	term.WaitFor("Cancelled\n", wait)
	term.WaitFor("tutorial > ", wait)
	run(term, "motor.Position() > 0 && motor.Position() < 50*q.MM", "\ntrue\n")
	exit(t, term)
}

func TestPromptCtrlDAsksWhileTasksRun(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	run(term, "motor.SetPosition(50 * q.MM)", "running>")
	term.Send([]byte{0x04})
	term.WaitFor("1 task(s) still running. Exit and cancel them? [y/N] ", wait)
	term.SendString("n\r")
	term.WaitFor("tutorial > ", wait)
	term.Send([]byte{0x04})
	term.WaitFor("Exit and cancel them? [y/N] ", wait)
	term.SendString("y\r")
	st := term.Wait(wait)
	if st == nil || st.ExitCode() != 0 {
		t.Fatalf("exit: %v\n%s", st, term.Output())
	}
}

// ctrl-k while the exit question waits is the emergency stop, and the
// prompt comes back.
func TestPromptCtrlKWhileExitAsks(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	run(term, "motor.SetPosition(50 * q.MM)", "running>")
	term.Send([]byte{0x04})
	term.WaitFor("Exit and cancel them? [y/N] ", wait)
	term.Send([]byte{0x0b})
	term.WaitFor("Emergency stop: 1 task cancelled, 4 devices stopped", wait)
	term.WaitFor("tutorial > ", wait)
	run(term, "motor.State()", "\nstandby\n")
	exit(t, term)
}

func TestPromptBackgroundOutput(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	run(term, `start(func(ctx context.Context) { sleep(ctx, time.Second); fmt.Println("from the background") })`, "running>")
	term.SendString("typing")
	term.WaitFor("from the background", wait)
	// The line being typed is drawn again below the output, whole.
	term.WaitFor("tutorial > typing", wait)
	term.SendString(" := 5\r")
	run(term, "typing", "\n5\n")
	exit(t, term)
}

func TestPromptSIGTERM(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	term.SendString("typing")
	term.WaitFor("typing", wait)
	term.Signal(syscall.SIGTERM)
	st := term.Wait(wait)
	if st == nil {
		t.Fatalf("no exit after SIGTERM:\n%s", term.Output())
	}
	if before, after := term.SttyBefore(), term.Stty(); before != after {
		t.Errorf("terminal settings changed:\nbefore: %s\nafter:  %s", before, after)
	}
}

func TestPromptCtrlK(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	run(term, "bg := rotation.SetPosition(90 * q.Deg)", "tutorial > ")
	term.SendString("await motor.SetPosition(50 * q.MM)\r")
	time.Sleep(500 * time.Millisecond)
	term.Send([]byte{0x0b})
	term.WaitFor("Cancelled", wait)
	term.WaitFor("tutorial > ", wait)
	// Both the command and the background task were cancelled, and both
	// motors stopped on their way.
	run(term, "bg.State()", "\ncancelled\n")
	run(term, "motor.Position() < 50*q.MM && rotation.Position() < 90*q.Deg", "\ntrue\n")
	exit(t, term)
}

func TestPromptTypeahead(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	term.SendString("await start(func(ctx context.Context) error { return sleep(ctx, time.Second) })\r")
	time.Sleep(200 * time.Millisecond)
	term.SendString("40 + 2") // typed while the command runs
	term.WaitFor("tutorial > 40 + 2", wait)
	run(term, "", "\n42\n")
	exit(t, term)
}

// TestPromptTypeaheadAfterStop: a move typed ahead (with Enter) while a
// move runs does not start after ctrl-c or ctrl-k stopped that move, as
// a terminal flushes its input at ctrl-c; the shell says what it did not
// run, and a line typed without Enter comes back to the prompt.
func TestPromptTypeaheadAfterStop(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	for _, key := range []byte{0x03, 0x0b} { // ctrl-c, ctrl-k
		term.SendString("await motor.SetPosition(5 * q.MM)\r")
		time.Sleep(300 * time.Millisecond)
		term.SendString("await motor.SetPosition(9 * q.MM)\r") // typed ahead
		term.SendString("motor.State()")                       // no Enter yet
		time.Sleep(300 * time.Millisecond)
		term.Send([]byte{key})
		term.WaitFor("Not run, typed while the cancelled command ran: await motor.SetPosition(9 * q.MM)\n", wait)
		term.WaitFor("tutorial > motor.State()", wait)
		run(term, "", "\nstandby\n")
		run(term, "motor.Position() < 5*q.MM", "\ntrue\n")
	}
	exit(t, term)
}

func TestPromptColours(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir(), "NO_COLOR=")
	run(term, "nope", "Sorry, undefined: nope")
	if !strings.Contains(string(term.Raw()), "\x1b[31mSorry, undefined: nope") {
		t.Errorf("the error line is not red:\n%q", term.Raw())
	}
	exit(t, term)
}

func TestPromptAfterOutputWithoutNewline(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	run(term, `fmt.Print("no newline")`, "no newline\n")
	exit(t, term)
}

// TestPromptStopInterpreter: a command that ignores cancellation (a tight
// interpreted loop) ends on the third ctrl-c, which stops the interpreter;
// the prompt comes back.
func TestPromptStopInterpreter(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir())
	run(term, "n := 0; n", "\n0\n")
	term.SendString("for { n++ }\r")
	time.Sleep(300 * time.Millisecond)
	term.Send([]byte{0x03}) // cancels the command, which does not look
	time.Sleep(300 * time.Millisecond)
	term.Send([]byte{0x03})
	term.WaitFor("Cancelling: waiting for the command to clean up.", wait)
	time.Sleep(1200 * time.Millisecond)
	term.Send([]byte{0x03})
	term.WaitFor("Stopping the interpreter", wait)
	term.WaitFor("Cancelled\n", wait)
	term.WaitFor("tutorial > ", wait)
	// No command now: it would race with what yaegi still does on the
	// stopped evaluation's goroutine, over in fact by then (see settle)
	// but in no order the race detector can see.
	exit(t, term)
}

// Tab and Down cycle through the completion menu, as in IPython: each Tab
// puts the next entry in the line, the menu stays, and past the last one
// the line holds what was typed.
func TestPromptCompletionCycles(t *testing.T) {
	t.Parallel()
	race, raceDir := raceEnv(t)
	t.Cleanup(func() { checkRaces(t, raceDir) })
	s := ptytest.StartScreen(t, ptytest.Options{Env: append(ptytest.HomeEnv(t.TempDir()), race)}, ptytest.Concert(t), "start", "tutorial")
	s.WaitFor("tutorial >", 2*time.Minute)
	s.SendString("motor.Get")
	s.WaitFor("tutorial > motor.Get", wait)
	for _, step := range []struct{ keys, line string }{
		{"\t", "motor.GetMotionVelocity"},
		{"\t", "motor.GetPosition"},
		{"\t", "motor.Get"}, // past the last entry: what was typed
		{"\t", "motor.GetMotionVelocity"},
		{"\x1b[B", "motor.GetPosition"},       // Down, as Tab, once the menu is open
		{"\x1b[A", "motor.GetMotionVelocity"}, // Up goes back
		{"()", "motor.GetMotionVelocity()"},   // typing goes on after the entry
	} {
		s.SendString(step.keys)
		waitPromptLine(t, s, step.line)
	}
	s.SendString("\r")
	s.WaitFor("motor.GetMotionVelocity: ", wait)
	if text := s.Text(); strings.Contains(text, "Sorry") {
		t.Errorf("the completed line failed:\n%s", text)
	}
}

// waitPromptLine waits until the last prompt on the screen holds line.
func waitPromptLine(t *testing.T, s *ptytest.Screen, line string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		text := s.Text()
		i := strings.LastIndex(text, "tutorial > ")
		got, _, _ := strings.Cut(text[i+len("tutorial > "):], "\n")
		if i >= 0 && got == line {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the prompt holds %q, not %q; screen:\n%s", got, line, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ctrl-k's report is written above the line being edited as soon as it is
// made, not when the line editor next looks at its input; the line,
// continued over two lines here, is drawn again below it, whole, and
// goes on as if nothing happened.
func TestPromptCtrlKReportAboveTheLine(t *testing.T) {
	t.Parallel()
	race, raceDir := raceEnv(t)
	t.Cleanup(func() { checkRaces(t, raceDir) })
	s := ptytest.StartScreen(t, ptytest.Options{Env: append(ptytest.HomeEnv(t.TempDir()), race)}, ptytest.Concert(t), "start", "tutorial")
	s.WaitFor("tutorial >", 2*time.Minute)
	s.SendString("bg := motor.SetPosition(50 * q.MM)\r")
	s.WaitFor("bg := motor.SetPosition(50 * q.MM)\ntutorial >", wait)
	s.SendString("func four() int {\r")
	s.WaitFor("tutorial > func four() int {\n..........", wait)
	s.SendString("return 4")
	s.WaitFor(".......... return 4", wait)
	s.Send([]byte{0x0b})
	s.WaitFor("Emergency stop: 1 task cancelled, 4 devices stopped", wait)
	s.WaitFor("Emergency stop: 1 task cancelled, 4 devices stopped\ntutorial > func four() int {\n.......... return 4", wait)
	s.SendString("\r}\r")
	s.SendString("four()\r")
	s.WaitFor("\n4\n", wait)
	s.SendString("bg.State()\r")
	s.WaitFor("\ncancelled\n", wait)
	if text := s.Text(); strings.Count(text, "Emergency stop") != 1 || strings.Contains(text, "Sorry") {
		t.Errorf("screen after ctrl-k:\n%s", text)
	}
}

//go:build unix

package repl_test

import (
	"bytes"
	"regexp"
	"testing"
)

// A dumb terminal gets plain lines: no escape sequence at all, the
// terminal's own line editing, ctrl-k still the emergency stop at the
// prompt, ctrl-d to leave (issue 16: the line editor sent 39 escapes).
func TestPromptDumbTerminal(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir(), "TERM=dumb")
	run(term, "40 + 2", "\n42\n")
	term.SendString("func four() int {\r")
	term.WaitFor("... ", wait)
	term.SendString("return 4 }\r")
	term.WaitFor("tutorial > ", wait)
	run(term, "four()", "\n4\n")
	run(term, "nope", "Sorry, undefined: nope\n")
	term.Send([]byte{0x0b})
	term.WaitFor("Emergency stop: 0 tasks cancelled, ", wait)
	term.WaitFor("tutorial > ", wait)
	exit(t, term)
	if i := bytes.IndexByte(term.Raw(), 0x1b); i >= 0 {
		t.Errorf("escape sequences on a dumb terminal, the first at %d:\n%q", i, term.Raw())
	}
}

// NO_COLOR: the line editor sets no colours either.
func TestPromptNoColorEditor(t *testing.T) {
	t.Parallel()
	term := shell(t, t.TempDir(), "NO_COLOR=1")
	run(term, "40 + 2", "\n42\n")
	run(term, "nope", "Sorry, undefined: nope")
	exit(t, term)
	if m := regexp.MustCompile("\x1b\\[[0-9;]*m").Find(term.Raw()); m != nil {
		t.Errorf("colour sequence %q under NO_COLOR:\n%q", m, term.Raw())
	}
}

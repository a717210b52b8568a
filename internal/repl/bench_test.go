package repl

import (
	"io"
	"testing"
)

// BenchmarkCommand is one line typed at the prompt, end to end: the
// foreground task, splitting, the rewrite, yaegi, printing the value.
func BenchmarkCommand(b *testing.B) {
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Run("m := motors.NewLinear(\"bench\")", ""); err != nil {
		b.Fatal(err)
	}
	for _, cmd := range []string{"1 + 2", "x := 2 * q.MM", "m.Position()", "await m.GetPosition()"} {
		b.Run(cmd, func(b *testing.B) {
			for b.Loop() {
				if err := s.Run(cmd, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewSession is the interpreter with stdlib, our symbols and the
// prelude: most of the time from start to the prompt.
func BenchmarkNewSession(b *testing.B) {
	for b.Loop() {
		if _, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard}); err != nil {
			b.Fatal(err)
		}
	}
}

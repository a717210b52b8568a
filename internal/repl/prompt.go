package repl

import (
	"io"
	"os"
)

type prompter struct {
	s *Session
}

func newPrompter(c Config, tty *os.File) *prompter { return &prompter{} }
func (p *prompter) writer(w io.Writer) io.Writer   { return w }
func (p *prompter) loop(r *runner)                 {}
func (p *prompter) quit()                          {}

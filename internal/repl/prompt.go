package repl

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/elk-language/go-prompt"
	"github.com/fatih/color"
	"golang.org/x/term"

	"github.com/concert-go/concert/internal/keys"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// refreshKeys is a key sequence no terminal sends. The prompt's reader
// hands it to the line editor when output of a background task waits, and
// its binding prints that output above the line being typed.
var refreshKeys = []byte("\x1b[9999~")

// prompter is the line editor on a terminal. go-prompt's Input is called in
// a loop; the shell owns the signals (go-prompt's Run would exit the
// process on SIGINT). Between two Inputs the terminal is in the mode it
// was found in, and it is restored on every way out.
type prompter struct {
	s      *Session
	name   string
	tty    *os.File
	out    io.Writer
	hist   *history
	reader *ttyReader
	edit   *prompt.Prompt

	mu      sync.Mutex
	active  bool   // Input runs: output must go above the line
	pending []byte // output that waits for the refresh binding
	asked   bool   // the refresh keys are on their way
	entered bool   // Input ended with Enter, not ctrl-d
	midLine bool   // the last output did not end its line

	// emergencyStop is ctrl-k at the prompt (package keys); the report
	// prints above the line like other output.
	emergencyStop func()
}

func newPrompter(c Config, tty *os.File) *prompter {
	p := &prompter{
		name:   c.Name,
		tty:    tty,
		out:    c.Stdout,
		hist:   openHistory(c.HistoryFile),
		reader: &ttyReader{Reader: prompt.NewStdinReader()},
	}
	p.reader.ctrlK = p.ctrlK
	return p
}

func (p *prompter) prefix() string { return p.name + " > " }

func (p *prompter) newEditor() *prompt.Prompt {
	opts := []prompt.Option{prompt.WithPrefixTextColor(prompt.Blue)}
	if color.NoColor {
		// NO_COLOR: no colours in the suggestions either; the selected
		// one shows in the line itself.
		d := prompt.DefaultColor
		opts = []prompt.Option{
			prompt.WithPrefixTextColor(d),
			prompt.WithSuggestionTextColor(d), prompt.WithSuggestionBGColor(d),
			prompt.WithSelectedSuggestionTextColor(d), prompt.WithSelectedSuggestionBGColor(d),
			prompt.WithDescriptionTextColor(d), prompt.WithDescriptionBGColor(d),
			prompt.WithSelectedDescriptionTextColor(d), prompt.WithSelectedDescriptionBGColor(d),
			prompt.WithScrollbarThumbColor(d), prompt.WithScrollbarBGColor(d),
		}
	}
	return prompt.New(nil, append(opts,
		prompt.WithPrefix(p.prefix()),
		prompt.WithReader(p.reader),
		prompt.WithWriter(p.editorWriter()),
		prompt.WithHistory(p.hist.entries()),
		prompt.WithHistorySize(maxHistory),
		prompt.WithCompleter(p.s.complete),
		prompt.WithCompletionWordSeparator(completeWordSeparators),
		prompt.WithExecuteOnEnterCallback(p.onEnter),
		prompt.WithASCIICodeBind(prompt.ASCIICodeBind{ASCIICode: refreshKeys, Fn: p.refresh}),
	)...)
}

// ctrlK is the emergency stop, at the prompt as at any other time. The
// reader calls it as soon as the key is read (see ttyReader.Read), not
// the line editor, which looks at its input only every 10 ms. It runs on
// a goroutine of its own: the editor stays live while a device takes its
// time to answer, and a second ctrl-k counts as pressed (see
// keys.TwiceK). The report prints above the line.
func (p *prompter) ctrlK() {
	if p.emergencyStop != nil {
		go func() {
			defer keys.Recover()
			p.emergencyStop()
		}()
	}
}

// onEnter decides whether Enter runs the input or continues it on the
// next line; see NeedsMore.
func (p *prompter) onEnter(ed *prompt.Prompt, indentSize int) (int, bool) {
	text := ed.Buffer().Text()
	if NeedsMore(text) {
		p.reader.pause(false)
		return 0, false // no auto-indent: it would go into raw strings
	}
	p.mu.Lock()
	p.entered = true
	p.mu.Unlock()
	return 0, true
}

// loop reads commands until ctrl-d, and runs them with r.
func (p *prompter) loop(r *runner) {
	fd := int(p.tty.Fd())
	if st, err := term.GetState(fd); err == nil {
		defer term.Restore(fd, st)
	}
	p.edit = p.newEditor()
	for {
		line, ok := p.input()
		if !ok {
			if p.confirmExit() {
				return
			}
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		p.hist.add(line)
		if ahead := r.command(line, ""); len(ahead) > 0 {
			p.reader.inject(ahead)
		}
	}
}

// input reads one command; ok is false for ctrl-d on an empty line.
func (p *prompter) input() (line string, ok bool) {
	if keys.Exiting() {
		select {} // the signal handler ends the process
	}
	p.mu.Lock()
	p.active, p.entered = true, false
	if p.midLine {
		// The prompt starts with a carriage return: end the line first,
		// or fmt.Print("x") would be drawn over.
		p.out.Write([]byte("\n"))
		p.midLine = false
	}
	p.mu.Unlock()
	p.reader.pause(false)
	defer func() {
		p.mu.Lock()
		p.active = false
		out := p.pending
		p.pending, p.asked = nil, false
		ok = p.entered
		p.mu.Unlock()
		promptWriter{p}.Write(out) // straight through now, keeping midLine
	}()
	return p.edit.Input(), false
}

// confirmExit asks before ctrl-d ends the shell while tasks run.
func (p *prompter) confirmExit() bool {
	n := tasks.Default.Len()
	if n == 0 {
		return true
	}
	fmt.Fprintf(p.out, "%d task(s) still running. Exit and cancel them? [y/N] ", n)
	answer, estop, err := keys.ReadAnswer(p.tty)
	if err != nil {
		return true // the terminal is gone: nobody is left to ask
	}
	if estop {
		// ctrl-k works while the question waits too; then back to the
		// prompt, to look at what stopped.
		fmt.Fprintln(p.out)
		if p.emergencyStop != nil {
			p.emergencyStop()
		}
		return false
	}
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y")
}

// writer is the session's output: straight through while a command runs,
// above the line being edited while the prompt is shown.
func (p *prompter) writer() io.Writer { return promptWriter{p} }

type promptWriter struct{ p *prompter }

func (w promptWriter) Write(b []byte) (int, error) {
	p := w.p
	p.mu.Lock()
	if p.active {
		p.pending = append(p.pending, b...)
		ask := !p.asked
		p.asked = true
		p.mu.Unlock()
		if ask {
			p.reader.inject(refreshKeys)
		}
		return len(b), nil
	}
	if len(b) > 0 {
		p.midLine = b[len(b)-1] != '\n'
	}
	p.mu.Unlock()
	return p.out.Write(b)
}

// refresh prints the waiting output where the prompt was and leaves the
// cursor where the editor believes it is, relative to a new prompt below
// the output; the editor's render then draws the line there again.
func (p *prompter) refresh(ed *prompt.Prompt) bool {
	p.mu.Lock()
	out := p.pending
	p.pending, p.asked = nil, false
	p.mu.Unlock()
	if len(out) == 0 {
		return false
	}
	cur := ed.Buffer().DisplayCursorPosition(ed.UserInputColumns())
	x := int(cur.X) + utf8.RuneCountInString(p.prefix())
	var b bytes.Buffer
	if cur.Y > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", cur.Y)
	}
	b.WriteString("\r\x1b[J")
	text := strings.ReplaceAll(string(bytes.TrimRight(out, "\n")), "\r\n", "\n")
	b.WriteString(strings.ReplaceAll(text, "\n", "\r\n"))
	b.WriteString("\r\n")
	b.WriteString(strings.Repeat("\n", cur.Y))
	b.WriteString("\r")
	if x > 0 {
		fmt.Fprintf(&b, "\x1b[%dC", x)
	}
	if _, err := p.out.Write(b.Bytes()); err != nil {
		logs.L().Debug("prompt refresh", "err", err)
	}
	return true
}

// editorWriter is what the line editor writes with: without colours under
// NO_COLOR (go-prompt sets them even when all are the default).
func (p *prompter) editorWriter() prompt.Writer {
	w := keepTitle{prompt.NewStdoutWriter()}
	if color.NoColor {
		return noColors{w}
	}
	return w
}

// noColors drops go-prompt's colour and display attribute sequences.
type noColors struct{ keepTitle }

func (noColors) SetColor(prompt.Color, prompt.Color, bool)                                   {}
func (noColors) SetDisplayAttributes(prompt.Color, prompt.Color, ...prompt.DisplayAttribute) {}

// keepTitle is go-prompt's writer without its ClearTitle, which it calls
// after every input and which would wipe the terminal's title.
type keepTitle struct{ prompt.Writer }

func (keepTitle) ClearTitle() {}

// ttyReader is go-prompt's terminal reader with a queue in front: keys
// typed while a command ran, and the refresh keys.
type ttyReader struct {
	prompt.Reader
	mu    sync.Mutex
	queue [][]byte
	// paused after an Enter until the next Input: go-prompt's reading
	// goroutine would otherwise take keys typed after the Enter into an
	// Input that has already ended, and they would be lost.
	paused   bool
	pausedAt time.Time
	// ctrlK is called for each ctrl-k read from the terminal; the key
	// does not reach the editor.
	ctrlK func()
}

func (r *ttyReader) pause(p bool) {
	r.mu.Lock()
	r.paused = p
	r.mu.Unlock()
}

func (r *ttyReader) inject(b []byte) {
	r.mu.Lock()
	r.queue = append(r.queue, append([]byte(nil), b...))
	r.mu.Unlock()
}

// Read returns one control key, an escape sequence, or text up to the
// next control key. go-prompt reads a chunk with more than one key as
// pasted text: it would insert an Enter as a newline and drop ctrl-c
// followed by ctrl-d. Split, typed-ahead and pasted keys act as if typed.
func (r *ttyReader) Read(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused && time.Since(r.pausedAt) < time.Second {
		return 0, syscall.EAGAIN
	}
	// A pause that outlives a second was not ended by onEnter or the next
	// Input (an Enter go-prompt used otherwise): never keep keys away.
	r.paused = false
	if len(r.queue) == 0 {
		r.mu.Unlock()
		n, err := r.Reader.Read(b)
		if n > 0 && bytes.IndexByte(b[:n], keys.CtrlK) >= 0 {
			n = r.takeCtrlK(b[:n])
			if n == 0 {
				err = syscall.EAGAIN
			}
		}
		r.mu.Lock()
		if n <= 0 || err != nil {
			return n, err
		}
		r.queue = append(r.queue, append([]byte(nil), b[:n]...))
	}
	chunk := r.queue[0]
	cut := len(chunk)
	if i := bytes.IndexFunc(chunk, func(r rune) bool { return r < 0x20 || r == 0x7f }); i == 0 && chunk[0] != 0x1b {
		cut = 1
	} else if i > 0 {
		cut = i
	} else if j := bytes.IndexByte(chunk[1:], 0x1b); j >= 0 {
		cut = j + 1 // two escape sequences
	}
	cut = min(cut, len(b))
	n := copy(b, chunk[:cut])
	if n < len(chunk) {
		r.queue[0] = chunk[n:]
	} else {
		r.queue = r.queue[1:]
	}
	if n == 1 && (b[0] == '\r' || b[0] == '\n') {
		r.paused, r.pausedAt = true, time.Now() // until onEnter or the next Input
	}
	return n, nil
}

// takeCtrlK calls ctrlK for each ctrl-k in b and returns the length of b
// with them taken out.
func (r *ttyReader) takeCtrlK(b []byte) int {
	n := 0
	for _, c := range b {
		if c == keys.CtrlK && r.ctrlK != nil {
			r.ctrlK()
			continue
		}
		b[n] = c
		n++
	}
	return n
}

// GetWinSize gives go-prompt a usable size where a pseudo-terminal reports
// none (some containers): it renders nothing at 0 columns.
func (r *ttyReader) GetWinSize() *prompt.WinSize {
	ws := r.Reader.GetWinSize()
	if ws == nil || ws.Col == 0 || ws.Row == 0 {
		return &prompt.WinSize{Row: prompt.DefRowCount, Col: prompt.DefColCount}
	}
	return ws
}

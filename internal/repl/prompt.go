package repl

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
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
	redraw  bool   // output went above the line: the refresh draws it again

	// screenMu orders the editor's writes with output written above the
	// line from other goroutines (see writeNow). Under it: drawn says
	// that the editor's last flush left its line on the screen and the
	// cursor at cursor (relative to the line's start, without the
	// prompt), where its next render expects it.
	screenMu sync.Mutex
	drawn    bool
	cursor   prompt.Position

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
		reader: newTTYReader(),
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
// reader calls it as soon as the key is read (see ttyReader.take), not
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
		p.reader.unpause()
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
	p.reader.unpause()
	defer func() {
		p.mu.Lock()
		p.active = false
		out := p.pending
		p.pending, p.asked, p.redraw = nil, false, false
		ok = p.entered
		p.screenMu.Lock()
		p.drawn = false
		p.screenMu.Unlock()
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
	answer, estop, err := keys.ReadAnswer(p.tty, func() {
		fmt.Fprintf(p.out, "%d task(s) still running. Exit and cancel them? [y/N] ", n)
	})
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
// the output; the editor's render then draws the line there again. It
// also draws the line again after writeNow.
func (p *prompter) refresh(ed *prompt.Prompt) bool {
	p.mu.Lock()
	out, redraw := p.pending, p.redraw
	p.pending, p.asked, p.redraw = nil, false, false
	p.screenMu.Lock()
	p.mu.Unlock()
	defer p.screenMu.Unlock()
	if len(out) > 0 {
		p.above(out, ed.Buffer().DisplayCursorPosition(ed.UserInputColumns()))
	}
	return len(out) > 0 || redraw
}

// above writes out where the editor's line begins, the cursor being at
// cur in that line, and leaves the cursor at cur relative to a line
// below the output, where the editor's next render draws it. Under
// screenMu.
func (p *prompter) above(out []byte, cur prompt.Position) {
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
}

// urgent is the writer of what must show at once: ctrl-k's report and
// the other messages of the key handling (package keys). At the prompt
// the line editor shows other output only when it next looks at its
// input: every 10 ms, and behind every goroutine that is ready to run,
// thousands of them after an emergency stop (issue 17). This output is
// written from the goroutine that made it, directly above the line.
func (p *prompter) urgent() io.Writer { return urgentWriter{p} }

type urgentWriter struct{ p *prompter }

func (w urgentWriter) Write(b []byte) (int, error) {
	if w.p.writeNow(b) {
		return len(b), nil
	}
	return promptWriter{w.p}.Write(b)
}

// writeNow writes b above the line being edited, after the output that
// waits for the refresh, and asks the editor to draw its line again. It
// reports false, writing nothing, when the prompt is not shown or the
// editor's last flush was not of its line (it broke the line, erased the
// screen): then the refresh alone knows where to write.
func (p *prompter) writeNow(b []byte) bool {
	p.mu.Lock()
	if !p.active {
		p.mu.Unlock()
		return false
	}
	p.screenMu.Lock()
	if !p.drawn {
		p.screenMu.Unlock()
		p.mu.Unlock()
		return false
	}
	out := append(p.pending, b...)
	p.pending, p.redraw = nil, true
	ask := !p.asked
	p.asked = true
	p.mu.Unlock()
	p.above(out, p.cursor)
	p.screenMu.Unlock()
	if ask {
		p.reader.inject(refreshKeys)
	}
	return true
}

// editorWriter is what the line editor writes with: without colours under
// NO_COLOR (go-prompt sets them even when all are the default), and
// watched (see screenWriter).
func (p *prompter) editorWriter() prompt.Writer {
	w := keepTitle{prompt.NewStdoutWriter()}
	var out prompt.Writer = w
	if color.NoColor {
		out = noColors{w}
	}
	return &screenWriter{Writer: out, p: p}
}

// screenWriter tells writeNow where the editor left the cursor. go-prompt
// writes into a buffer and flushes it: a render ends with ShowCursor and
// leaves the cursor at the buffer's cursor, and so does a flush of cursor
// moves alone (the arrow keys); any other flush (the line broken at
// Enter, the screen erased) leaves the screen in a state writeNow does
// not know. All on the editor's goroutine.
type screenWriter struct {
	prompt.Writer
	p        *prompter
	rendered bool // ShowCursor since the last flush: a render's end
	changed  bool // written or erased since the last flush
}

func (w *screenWriter) Flush() error {
	p := w.p
	p.screenMu.Lock()
	defer p.screenMu.Unlock()
	err := w.Writer.Flush()
	switch {
	case w.rendered:
		p.drawn = true
	case w.changed:
		p.drawn = false
	}
	if p.drawn && p.edit != nil {
		p.cursor = p.edit.Buffer().DisplayCursorPosition(p.edit.UserInputColumns())
	}
	w.rendered, w.changed = false, false
	return err
}

func (w *screenWriter) ShowCursor() { w.rendered = true; w.Writer.ShowCursor() }

// Everything that writes or erases; cursor moves, colours and hiding the
// cursor keep the line as the editor drew it.
func (w *screenWriter) Write(b []byte) (int, error) { w.changed = true; return w.Writer.Write(b) }
func (w *screenWriter) WriteString(s string) (int, error) {
	w.changed = true
	return w.Writer.WriteString(s)
}
func (w *screenWriter) WriteRaw(b []byte)       { w.changed = true; w.Writer.WriteRaw(b) }
func (w *screenWriter) WriteRawString(s string) { w.changed = true; w.Writer.WriteRawString(s) }
func (w *screenWriter) EraseScreen()            { w.changed = true; w.Writer.EraseScreen() }
func (w *screenWriter) EraseUp()                { w.changed = true; w.Writer.EraseUp() }
func (w *screenWriter) EraseDown()              { w.changed = true; w.Writer.EraseDown() }
func (w *screenWriter) EraseStartOfLine()       { w.changed = true; w.Writer.EraseStartOfLine() }
func (w *screenWriter) EraseEndOfLine()         { w.changed = true; w.Writer.EraseEndOfLine() }
func (w *screenWriter) EraseLine()              { w.changed = true; w.Writer.EraseLine() }
func (w *screenWriter) CursorGoTo(row, col int) { w.changed = true; w.Writer.CursorGoTo(row, col) }
func (w *screenWriter) SaveCursor()             { w.changed = true; w.Writer.SaveCursor() }
func (w *screenWriter) UnSaveCursor()           { w.changed = true; w.Writer.UnSaveCursor() }
func (w *screenWriter) ScrollDown()             { w.changed = true; w.Writer.ScrollDown() }
func (w *screenWriter) ScrollUp()               { w.changed = true; w.Writer.ScrollUp() }
func (w *screenWriter) SetTitle(title string)   { w.changed = true; w.Writer.SetTitle(title) }
func (w *screenWriter) AskForCPR()              { w.changed = true; w.Writer.AskForCPR() }

// noColors drops go-prompt's colour and display attribute sequences.
type noColors struct{ keepTitle }

func (noColors) SetColor(prompt.Color, prompt.Color, bool)                                   {}
func (noColors) SetDisplayAttributes(prompt.Color, prompt.Color, ...prompt.DisplayAttribute) {}

// keepTitle is go-prompt's writer without its ClearTitle, which it calls
// after every input and which would wipe the terminal's title.
type keepTitle struct{ prompt.Writer }

func (keepTitle) ClearTitle() {}

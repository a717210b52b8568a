package repl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/fatih/color"
	"golang.org/x/term"

	"github.com/concert-go/concert/internal/keys"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/scans"
	"github.com/concert-go/concert/internal/store"
	"github.com/concert-go/concert/internal/tasks"
)

// Config is what `concert start` hands to Run.
type Config struct {
	Name     string // the session's name: the prompt, the history file
	Source   []byte // the session file; nil for an empty session
	Filename string // where Source came from, for error messages
	Init     string // a file of commands to run after the session; "" for none

	// NonInteractive runs the session and the init file, then exits
	// with their status, without reading commands.
	NonInteractive bool

	Stdin          io.Reader // commands; a terminal gets the line editor
	Stdout, Stderr io.Writer
	HistoryFile    string // where the prompt keeps its history; "" for none
	Loader         Loader // serves load("name")

	// Exit ends the process after a terminating signal (SIGTERM, SIGHUP,
	// SIGQUIT, the supervisor's death), once every device was stopped and
	// the terminal restored; os.Exit when nil. Run does not return then.
	Exit    func(code int)
	DataDir string // where runs go; "" for the default (package data)
}

// Run runs a session: its file, then the init file, then commands from
// Stdin, a line editor when Stdin is a terminal, plain lines otherwise. It
// returns the exit status: 0, or 1 when something failed (a command read
// as plain lines, the session file, the init file). Before it returns,
// running tasks are cancelled with tasks.ErrShutdown and waited for.
func Run(ctx context.Context, c Config) int {
	tty, interactive := c.Stdin.(*os.File)
	interactive = interactive && !c.NonInteractive && term.IsTerminal(int(tty.Fd()))
	if interactive {
		restore, err := keys.Guard(tty)
		if err != nil {
			fmt.Fprintf(c.Stderr, "concert: %v\n", err)
			return 1
		}
		defer restore()
		defer keys.Recover()
	}
	out := c.Stdout
	var p *prompter
	// A dumb terminal takes no escape sequences: no line editor there.
	if interactive && os.Getenv("TERM") != "dumb" {
		p = newPrompter(c, tty)
		out = p.writer()
	}
	r := &runner{p: p, errOut: c.Stderr, color: colorTerminal(c.Stderr)}
	if p != nil {
		r.errOut, r.color = out, !color.NoColor
	}
	s, err := NewSession(Options{Stdout: out, Stderr: c.Stderr, Loader: c.Loader, Notify: r.report})
	if err != nil {
		fmt.Fprintf(c.Stderr, "concert: %v\n", err)
		return 1
	}
	r.s = s
	if p != nil {
		p.s = s
	}
	if err := configureScans(c, s, out, tty, interactive, r.color); err != nil {
		fmt.Fprintf(c.Stderr, "concert: %v\n", err)
		return 1
	}
	// The scans' config holds the session; let it go with the session.
	defer scans.Configure(scans.Config{})
	defer r.shutdown()

	// The key handling owns the signals: SIGINT is ctrl-c for the
	// foreground command, SIGTERM/SIGHUP/SIGQUIT an emergency stop and exit
	// with the terminal restored (package keys).
	ttyForKeys := tty
	if !interactive {
		ttyForKeys = nil
	}
	keyOut := r.errOut
	if p != nil {
		keyOut = p.urgent() // ctrl-k's report shows at once, above the line
	}
	shell := keys.NewShell(keys.Config{TTY: ttyForKeys, Out: keyOut, StopInterpreter: s.StopInterpreter, Exit: c.Exit})
	r.keys = shell
	if p != nil {
		p.emergencyStop = func() { shell.EmergencyStop() }
	}
	stop := shell.HandleSignals()
	defer stop()

	if interactive {
		if d := store.Description(c.Source); d != "" {
			fmt.Fprintln(out, d)
		}
	}
	if c.Source != nil {
		s.MarkLoaded(c.Name)
		r.command(string(sessionBody(c.Source)), c.Filename)
	}
	if c.Init != "" {
		src, err := store.ReadFile(c.Init)
		if err != nil {
			r.status = 1
			r.report(fmt.Errorf("init file: %w", err))
		} else {
			r.command(string(src), c.Init)
		}
	}
	switch {
	case c.NonInteractive:
	case interactive:
		if p != nil {
			p.loop(r)
		} else {
			r.plainPrompt(c.Name, tty, out, func() { shell.EmergencyStop() })
		}
		// At a terminal the user saw each error; leaving is no failure.
		r.status = 0
	default:
		r.lines(ctx, c.Stdin)
	}
	return r.status
}

// runner runs commands and reports their outcome.
type runner struct {
	s      *Session
	p      *prompter
	keys   keyHandler
	errOut io.Writer
	color  bool // errors in red
	status int
}

// colorTerminal reports whether w is a terminal that may show colours
// (NO_COLOR unset).
func colorTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && !color.NoColor && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == ""
}

// command runs src as the foreground task and prints its error, if any.
// On a terminal, the key handling owns the terminal meanwhile; what was
// typed ahead is returned for the next prompt.
func (r *runner) command(src, file string) (typeahead []byte) {
	t := r.s.Start(src, file)
	typeahead = r.keys.Run(t)
	if err := r.s.Wait(t, src, file); err != nil {
		r.status = 1
		r.report(err)
		if errors.Is(err, context.Canceled) {
			typeahead = r.dropEntered(typeahead)
		}
	}
	return typeahead
}

// dropEntered keeps the lines entered while a command ran from running
// once it was cancelled (ctrl-c, ctrl-k, a watchdog): the move typed
// ahead must not start right after the stop, as a terminal flushes its
// input at ctrl-c. It says what it dropped and returns the unfinished
// line, which goes back to the prompt.
func (r *runner) dropEntered(typeahead []byte) (unfinished []byte) {
	end := bytes.LastIndexAny(typeahead, "\r\n")
	if end < 0 {
		return typeahead
	}
	var lines []string
	for _, l := range strings.FieldsFunc(string(typeahead[:end]), func(c rune) bool { return c == '\r' || c == '\n' }) {
		if l = strings.TrimSpace(printable(l)); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(r.errOut, "Not run, typed while the cancelled command ran: %s\n", strings.Join(lines, "; "))
	}
	return typeahead[end+1:]
}

// printable is s without terminal escape sequences (an arrow key) and
// control characters.
func printable(s string) string {
	s = escapeSeq.ReplaceAllString(s, "")
	return strings.Map(func(c rune) rune {
		if c < ' ' || c == 0x7f {
			return -1
		}
		return c
	}, s)
}

// escapeSeq matches a CSI or SS3 sequence, as keys such as the arrows send.
var escapeSeq = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|O.|.)?`)

// keyHandler is what runs a command on a terminal: it owns the terminal
// until the foreground task ends, turning ctrl-c and ctrl-k into
// cancellation and emergency stop (package keys).
type keyHandler interface {
	Run(fg *tasks.Task) (typeahead []byte)
}

// report prints a command's error: Cancelled for a cancelled command, one
// line "Sorry, <message>" for the rest, with the detail in the log.
func (r *runner) report(err error) {
	if errors.Is(err, context.Canceled) {
		var ce *tasks.CancelledError
		msg := "Cancelled"
		if errors.As(err, &ce) && errors.Is(ce.Cause, tasks.ErrEmergencyStop) {
			msg = "Cancelled (emergency stop)"
		}
		fmt.Fprintln(r.errOut, msg)
		return
	}
	logs.L().Info("command failed", "err", err)
	msg := err.Error()
	var pe *tasks.PanicError
	if errors.As(err, &pe) {
		var a abort
		if errors.As(err, &a) {
			msg = a.err.Error()
		}
		logs.L().Debug("panic", "stack", string(pe.Stack))
	}
	line := "Sorry, " + strings.ReplaceAll(msg, "\n", " ")
	if !r.color {
		fmt.Fprintln(r.errOut, line)
		return
	}
	// fatih/color decides by stdout alone; the choice here is errOut's.
	// A Color of its own each time: EnableColor writes the Color, and a
	// failed background task reports from its watcher's goroutine while a
	// command's error may be printing.
	red := color.New(color.FgRed)
	red.EnableColor()
	red.Fprintln(r.errOut, line)
}

// lines reads commands as plain lines: no editor, no escape codes.
func (r *runner) lines(ctx context.Context, in io.Reader) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	var buf strings.Builder
	for sc.Scan() && ctx.Err() == nil {
		buf.WriteString(sc.Text())
		buf.WriteByte('\n')
		if NeedsMore(buf.String()) {
			continue
		}
		if src := buf.String(); strings.TrimSpace(src) != "" {
			r.command(src, "")
		}
		buf.Reset()
	}
	if strings.TrimSpace(buf.String()) != "" {
		r.command(buf.String(), "")
	}
}

// plainPrompt reads commands on a terminal that takes no escape sequences
// (TERM=dumb): a plain prompt, the terminal's own line editing and echo,
// ctrl-d to leave. ctrl-k ends the line there (see keys.ReadAnswer) and
// is the emergency stop, also at the prompt.
func (r *runner) plainPrompt(name string, tty *os.File, out io.Writer, estop func()) {
	var buf strings.Builder
	for {
		prompt := "... "
		if buf.Len() == 0 {
			prompt = name + " > "
		}
		line, stop, err := keys.ReadAnswer(tty, func() { fmt.Fprint(out, prompt) })
		if stop {
			fmt.Fprintln(out)
			estop()
			buf.Reset()
			continue
		}
		if err != nil {
			fmt.Fprintln(out) // ctrl-d, or the terminal is gone
			return
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if NeedsMore(buf.String()) {
			continue
		}
		if src := buf.String(); strings.TrimSpace(src) != "" {
			r.command(src, "")
		}
		buf.Reset()
	}
}

// shutdown cancels the tasks still running and waits for them, a while.
func (r *runner) shutdown() {
	if tasks.Default.Len() == 0 {
		return
	}
	n := tasks.CancelAll(tasks.ErrShutdown)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tasks.Default.Wait(ctx); err != nil {
		fmt.Fprintf(r.errOut, "Sorry, %d task(s) did not stop within 10 s\n", tasks.Default.Len())
		return
	}
	logs.L().Info("cancelled running tasks on exit", "count", n)
}

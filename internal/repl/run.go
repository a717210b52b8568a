package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/fatih/color"
	"golang.org/x/term"

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
}

// Run runs a session: its file, then the init file, then commands from
// Stdin, a line editor when Stdin is a terminal, plain lines otherwise. It
// returns the exit status: 0, or 1 when something failed (a command read
// as plain lines, the session file, the init file). Before it returns,
// running tasks are cancelled with tasks.ErrShutdown and waited for.
func Run(ctx context.Context, c Config) int {
	tty, interactive := c.Stdin.(*os.File)
	interactive = interactive && !c.NonInteractive && term.IsTerminal(int(tty.Fd()))
	out := c.Stdout
	var p *prompter
	if interactive {
		p = newPrompter(c, tty)
		out = p.writer(c.Stdout)
	}
	s, err := NewSession(Options{Stdout: out, Stderr: c.Stderr, Loader: c.Loader})
	if err != nil {
		fmt.Fprintf(c.Stderr, "concert: %v\n", err)
		return 1
	}
	r := &runner{s: s, c: c, p: p, errOut: c.Stderr}
	if p != nil {
		r.errOut = out
		p.s = s
	}
	defer r.shutdown()

	stop := r.watchSignals(ctx)
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
		src, err := os.ReadFile(c.Init)
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
		p.loop(r)
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
	c      Config
	p      *prompter
	keys   keyHandler // nil: SIGINT alone cancels the command
	errOut io.Writer
	status int
}

// command runs src as the foreground task and prints its error, if any.
// On a terminal, the key handling owns the terminal meanwhile; what was
// typed ahead is returned for the next prompt.
func (r *runner) command(src, file string) (typeahead []byte) {
	t := r.s.Start(src, file)
	if r.keys != nil {
		typeahead = r.keys.Run(t)
	}
	if err := r.s.Wait(t, src, file); err != nil {
		r.status = 1
		r.report(err)
	}
	return typeahead
}

// keyHandler is what runs a command on a terminal: it owns the terminal
// until the foreground task ends, turning ctrl-c and ctrl-k into
// cancellation and emergency stop (package keys).
type keyHandler interface {
	Run(fg *tasks.Task) (typeahead []byte)
}

var red = color.New(color.FgRed)

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
	slog.Info("command failed", "err", err)
	msg := err.Error()
	var pe *tasks.PanicError
	if errors.As(err, &pe) {
		var a abort
		if errors.As(err, &a) {
			msg = a.err.Error()
		}
		slog.Debug("panic", "stack", string(pe.Stack))
	}
	line := "Sorry, " + strings.ReplaceAll(msg, "\n", " ")
	if color.NoColor {
		fmt.Fprintln(r.errOut, line)
		return
	}
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

// watchSignals makes SIGINT cancel the foreground command, as ctrl-c
// does, and SIGTERM or SIGHUP end the shell cleanly.
func (r *runner) watchSignals(ctx context.Context) (stop func()) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		defer func() {
			if v := recover(); v != nil {
				slog.Error("signal handler panicked", "value", v)
			}
		}()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case sig := <-sigs:
				if sig == os.Interrupt {
					r.interrupt()
					continue
				}
				slog.Info("exiting on signal", "signal", sig)
				tasks.CancelAll(tasks.ErrShutdown)
				if r.p != nil {
					r.p.quit()
				} else {
					// Plain input may block in a read: the process ends here.
					r.shutdown()
					os.Exit(1)
				}
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// interrupt is ctrl-c while a command runs: it cancels the foreground
// task, and only that.
func (r *runner) interrupt() {
	if fg := tasks.Default.Foreground(); fg != nil {
		if fg.State() == tasks.Cancelling {
			fmt.Fprintln(r.errOut, "Waiting for the command to finish cancelling (ctrl-k stops everything)")
		}
		fg.CancelCause(tasks.ErrInterrupted)
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
	slog.Info("cancelled running tasks on exit", "count", n)
}

//go:build unix

package keys

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
	"golang.org/x/sys/unix"
)

// Config says what a Shell works with.
type Config struct {
	// TTY is the terminal the shell reads; nil, or a file that is not a
	// terminal, means no key watcher: ctrl-c then arrives as SIGINT only.
	TTY *os.File
	// Out receives the shell's messages: the ctrl-c hints, the emergency
	// stop report. os.Stderr when nil.
	Out io.Writer
	// StopInterpreter stops every interpreted goroutine (cancels the
	// interpreter's evaluation context). Nil means repeated ctrl-c presses
	// only ever wait.
	StopInterpreter func()
	// Scheduler is tasks.Default when nil.
	Scheduler *tasks.Scheduler
	// Exit ends the process after a terminating signal; os.Exit when nil.
	Exit func(code int)

	devices deviceStops // devices.EmergencyStopAll when nil; tests fake it
}

// Shell is the key and signal handling of one interactive shell: what
// ctrl-c, ctrl-k and the signals do at the prompt and while a command
// runs. Create one with NewShell; its methods are safe for concurrent use.
type Shell struct {
	tty   *os.File
	out   io.Writer
	sched *tasks.Scheduler
	stop  func()
	exit  func(int)
	devs  deviceStops

	outMu  sync.Mutex
	mu     sync.Mutex
	cmd    *command  // the running command, nil at the prompt
	lastK  time.Time // the last ctrl-k, for TwiceK
	estops sync.WaitGroup
}

type command struct {
	fg  *tasks.Task
	esc Escalation
}

// NewShell returns a Shell for cfg.
func NewShell(cfg Config) *Shell {
	s := &Shell{
		out:   cfg.Out,
		sched: cfg.Scheduler,
		stop:  cfg.StopInterpreter,
		exit:  cfg.Exit,
		devs:  cfg.devices,
	}
	if cfg.TTY != nil && IsTerminal(cfg.TTY) {
		s.tty = cfg.TTY
	}
	if s.out == nil {
		s.out = os.Stderr
	}
	if s.sched == nil {
		s.sched = tasks.Default
	}
	if s.exit == nil {
		s.exit = os.Exit
	}
	if s.devs == nil {
		s.devs = devices.EmergencyStopAll
	}
	return s
}

// Run is the time a command runs: fg is its foreground task, already
// started. Run owns the terminal with a key watcher (see Watch) until fg
// has ended, and any emergency stop begun meanwhile has printed its report;
// then it returns the keys typed meanwhile, for the next prompt. ctrl-c
// presses escalate as Escalation.Press says; ctrl-k is EmergencyStop.
func (s *Shell) Run(fg *tasks.Task) (typeahead []byte) {
	c := &command{fg: fg, esc: Escalation{CanStop: s.stop != nil}}
	s.mu.Lock()
	s.cmd = c
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cmd = nil
		s.mu.Unlock()
	}()
	if s.tty != nil {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-fg.Done()
			cancel()
		}()
		var err error
		typeahead, err = Watch(ctx, s.tty, s.key)
		if err != nil {
			// The terminal is gone (hung up) or unusable: the command goes
			// on, and SIGINT / SIGHUP still reach the shell.
			logs.L().Warn("key watcher stopped", "err", err)
		}
	}
	<-fg.Done()
	s.estops.Wait()
	return typeahead
}

func (s *Shell) key(b byte) {
	switch b {
	case CtrlC:
		s.Interrupt()
	case CtrlK:
		s.estops.Add(1)
		go func() {
			defer s.estops.Done()
			defer s.logPanic("emergency stop")
			s.EmergencyStop()
		}()
	}
}

// Interrupt is one ctrl-c press: from the key watcher, or as SIGINT when
// none runs (between two terminal modes, or when stdin is not a terminal;
// HandleSignals routes it here). While a command runs it is one press of
// the escalation; at the prompt, with no command, it does nothing (the
// line editor clears the line on its own ctrl-c).
func (s *Shell) Interrupt() {
	s.mu.Lock()
	c := s.cmd
	if c == nil {
		s.mu.Unlock()
		// A command started but not yet handed to Run is still the
		// foreground task.
		if fg := s.sched.Foreground(); fg != nil {
			fg.CancelCause(tasks.ErrInterrupted)
		}
		return
	}
	action, msg := c.esc.Press(time.Now())
	s.mu.Unlock()
	switch action {
	case Cancel:
		c.fg.CancelCause(tasks.ErrInterrupted)
	case StopInterpreter:
		// Cancel first: a task whose context is cancelled before its
		// function returns ends Cancelled, whatever zero values the
		// stopped interpreter makes it return.
		n := s.sched.CancelAll(ErrInterpreterStopped)
		logs.L().Warn("interpreter stopped by ctrl-c", "tasks", n)
		s.stop()
	}
	if msg != "" {
		s.println(msg)
	}
}

// TwiceK is how soon a second ctrl-k must follow the first to stop the
// interpreter too.
const TwiceK = time.Second

// MsgTwiceK is what the second ctrl-k prints when it stops the interpreter.
const MsgTwiceK = "ctrl-k twice: the interpreter is stopped too; every interpreted goroutine ends, also an emergency stop that never returned."

// EmergencyStop is ctrl-k at any time: devices.EmergencyStopEverything
// over the shell's scheduler. It prints the report as one line and logs
// it.
//
// A second ctrl-k within TwiceK of the one before, at the prompt or while
// a command runs, also stops the interpreter once its emergency stop has
// reported: a device whose emergency stop never returns (a session's
// interpreted driver spinning) is reported as timed out, and its call
// goes on; stopping the interpreter ends every such leftover (issue 16).
// Every task is cancelled by then already, so nothing else is lost.
func (s *Shell) EmergencyStop() *devices.StopReport {
	s.mu.Lock()
	now := time.Now()
	twice := !s.lastK.IsZero() && now.Sub(s.lastK) < TwiceK
	s.lastK = now
	s.mu.Unlock()
	r := devices.EmergencyStopScheduler(context.Background(), s.sched, s.devs)
	s.println(r.String())
	logReport(r, "ctrl-k")
	if twice && s.stop != nil {
		n := s.sched.CancelAll(ErrInterpreterStopped)
		logs.L().Warn("interpreter stopped by ctrl-k twice", "tasks", n)
		s.stop()
		s.println(MsgTwiceK)
	}
	return r
}

func (s *Shell) println(msg string) {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	fmt.Fprintln(s.out, msg)
}

func (s *Shell) logPanic(what string) {
	if v := recover(); v != nil {
		logs.L().Error(what+" panicked", "panic", v)
		s.println(fmt.Sprintf("Sorry, %s failed: panic: %v", what, v))
	}
}

// exiting is set when a terminating signal has begun the way out.
var exiting atomic.Bool

// Exiting reports whether the process is on its way out after a
// terminating signal (see HandleSignals). The line editor then does not
// start another input: it would switch the terminal to its own mode after
// the final restore, with nobody left to put it back.
func Exiting() bool { return exiting.Load() }

// How long a terminating signal waits for the emergency stop and then for
// the tasks to wind down before the process exits anyway.
const (
	exitStopTimeout = 5 * time.Second
	exitTaskTimeout = time.Second
)

// HandleSignals makes the signals act for the shell until stop is called:
// SIGINT is Interrupt; SIGTERM, SIGHUP and SIGQUIT are an emergency stop
// (every task cancelled, every device stopped), then the terminal is
// restored (see Guard) and the process exits with 128 + the signal's
// number. While it runs, a watchdog's emergency stop prints on Out as
// ctrl-k's does (devices.SetWatchdogAnnouncer). The death of the supervisor (see Supervise) is such a signal
// too, with its own message and ExitSupervisorDied: the shell never runs
// on without it.
func (s *Shell) HandleSignals() (stop func()) {
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	if supervisor() != 0 {
		signal.Notify(ch, supervisorDied)
		watchSupervisor()
	}
	// A watchdog's report prints where ctrl-k's does, while the shell
	// runs; not after, when the announcer would keep the whole session
	// (its interpreter, its devices) from being collected.
	devices.SetWatchdogAnnouncer(s.println)
	done := make(chan struct{})
	go func() {
		defer s.logPanic("signal handler")
		for {
			select {
			case sig := <-ch:
				if sig == syscall.SIGINT {
					s.Interrupt()
					continue
				}
				s.terminate(sig.(syscall.Signal))
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(ch)
			devices.SetWatchdogAnnouncer(nil)
			close(done)
		})
	}
}

// terminate writes to the terminal itself: Out may be the line editor's,
// which shows output only when it next draws the prompt, and it will not.
// The message starts on a line of its own, also when the prompt was shown.
func (s *Shell) terminate(sig syscall.Signal) {
	exiting.Store(true)
	say := s.println
	if s.tty != nil {
		say = func(msg string) {
			s.outMu.Lock()
			defer s.outMu.Unlock()
			fmt.Fprintln(s.tty, msg)
		}
	}
	by, code := unix.SignalName(sig), 128+int(sig)
	if sig == supervisorDied {
		by, code = "supervisor died", ExitSupervisorDied
		// Orphaned, the shell may now be in the terminal's background:
		// writing to it and restoring it must not stop the process.
		signal.Ignore(syscall.SIGTTIN, syscall.SIGTTOU)
		say(fmt.Sprintf("\nThe concert supervisor (process %d) died: emergency stop, then exit.", supervisor()))
	} else {
		say(fmt.Sprintf("\nCaught %s: emergency stop, then exit.", unix.SignalName(sig)))
	}
	stopped := make(chan *devices.StopReport, 1)
	go func() {
		defer s.logPanic("emergency stop")
		r := devices.EmergencyStopScheduler(context.Background(), s.sched, s.devs)
		logReport(r, by)
		stopped <- r
	}()
	select {
	case r := <-stopped:
		say(r.String())
		ctx, cancel := context.WithTimeout(context.Background(), exitTaskTimeout)
		_ = s.sched.Wait(ctx)
		cancel()
	case <-time.After(exitStopTimeout):
		say(fmt.Sprintf("Emergency stop did not finish within %v; exiting anyway.", exitStopTimeout))
	}
	restoreFinal()
	// os.Exit runs no deferred calls: the buffered log is written here.
	logs.Flush()
	s.exit(code)
}

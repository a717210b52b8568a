//go:build unix

package keys

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// supervisedEnv marks the process Supervise started, so that it does not
// start another; its value is the supervisor's process id, which the shell
// watches (see watchSupervisor).
const supervisedEnv = "CONCERT_SUPERVISED"

// supervisorDied is the signal the shell gets when its supervisor dies
// (PR_SET_PDEATHSIG). A signal of its own: the kernel sends it already
// when the supervisor's threads die one by one, before the process is
// gone and the shell's parent changes, and a SIGTERM would then read as
// one sent by a user.
const supervisorDied = syscall.SIGUSR2

// ExitSupervisorDied is the shell's exit status when its supervisor died,
// as for SIGTERM: nobody is left to read it, but a process that waits for
// the shell's process id sees a termination, not a success.
const ExitSupervisorDied = 128 + int(syscall.SIGTERM)

// supervisorPID is the process id of this shell's supervisor, 0 when it
// has none; Supervise sets it in the supervised shell.
var supervisorPID atomic.Int64

// supervisor returns the process id of this shell's supervisor, 0 when it
// has none.
func supervisor() int { return int(supervisorPID.Load()) }

// SupervisorGone reports whether this shell was started by Supervise and
// its supervisor has died since (its parent is now another process).
func SupervisorGone() bool {
	pid := supervisor()
	return pid > 0 && os.Getppid() != pid
}

// Supervise makes the terminal safe from the deaths Recover never sees: a
// fatal runtime error, a panic on a goroutine of a library, SIGKILL. Unless
// this process is already the supervised one, it saves tty's settings, runs
// the same program with the same arguments as its child on the same
// terminal, waits for it, puts the terminal back as it found it, and exits
// with the child's status (128 + the signal's number when a signal killed
// it). When the child died without ending in order, and so without an
// emergency stop, it says so and names the devices that were moving. In the child, and when tty is not a terminal or the child cannot be
// started, Supervise returns and the program goes on by itself.
//
// Call it first thing in the command that owns the terminal. The child
// gets the signals the terminal sends (ctrl-c, ctrl-\ in a cooked
// terminal, hang-up) as the process group's member; SIGTERM, SIGHUP and
// SIGQUIT sent to the supervisor are passed on to it (a second one from the
// terminal changes nothing: the first ends the shell). SIGINT is not: from
// the keyboard it would count as a second ctrl-c press.
func Supervise(tty *os.File) {
	if v, ok := os.LookupEnv(supervisedEnv); ok {
		// The supervised shell. The mark is not passed on: a concert
		// that a session starts is supervised by nobody here.
		pid, _ := strconv.Atoi(v)
		supervisorPID.Store(int64(pid))
		os.Unsetenv(supervisedEnv)
		if fd, ok := os.LookupEnv(statusEnv); ok {
			os.Unsetenv(statusEnv)
			reportStatus(fd)
		}
		return
	}
	if !IsTerminal(tty) {
		return
	}
	fd, err := fdOf(tty)
	if err != nil {
		return
	}
	saved, err := getTermios(fd)
	if err != nil {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	// The kernel's parent-death signal, which the shell asks for (see
	// watchSupervisor), comes when the thread that started the child
	// ends, not the process: keep this one for good.
	runtime.LockOSThread()
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), supervisedEnv+"="+strconv.Itoa(os.Getpid()))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// The shell's reports: which devices move, and whether it ended in
	// order (status.go). Its end is the child's file descriptor 3.
	statusR, statusW, err := os.Pipe()
	if err == nil {
		cmd.ExtraFiles = []*os.File{statusW}
		cmd.Env = append(cmd.Env, statusEnv+"=3")
	}
	sigs := make(chan os.Signal, 8)
	// SIGINT from the keyboard reaches the child directly; here it must
	// only not end the supervisor.
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP)
	if err := cmd.Start(); err != nil {
		signal.Stop(sigs)
		return
	}
	shell := &shellStatus{done: make(chan struct{})}
	close(shell.done)
	if statusW != nil {
		statusW.Close()
		shell = listen(statusR)
	}
	go func() {
		defer func() { _ = recover() }()
		for sig := range sigs {
			if sig != syscall.SIGINT {
				_ = cmd.Process.Signal(sig)
			}
		}
	}()
	_ = cmd.Wait()
	signal.Stop(sigs)
	_ = unix.IoctlSetTermios(fd, ioctlSetTermios, saved)
	code := supervisedExit(cmd.ProcessState)
	fmt.Fprint(os.Stderr, shell.unstopped())
	os.Exit(code)
}

// supervisedExit is the status the supervisor exits with, and it tells the
// user when the shell died without a word of its own.
func supervisedExit(ps *os.ProcessState) int {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return ps.ExitCode()
	}
	fmt.Fprintf(os.Stderr, "\nconcert: the shell was killed (%s); terminal restored.\n", unix.SignalName(ws.Signal()))
	return 128 + int(ws.Signal())
}

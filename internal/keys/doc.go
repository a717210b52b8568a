// Package keys owns the terminal for the shell: the key watcher that reads
// ctrl-c and ctrl-k while a command runs, the emergency stop that ctrl-k
// triggers (also from a watchdog), the signals, and putting the terminal
// back as it was found on every way out.
//
// What a key does to tasks is written in package tasks (cancellation
// model). This package decides when: ctrl-c presses escalate (see
// Escalation), ctrl-k is EmergencyStop at any moment, even while blocking
// compiled code runs on the foreground, because the watcher reads the
// terminal on a goroutine of its own.
//
// Terminal safety: Guard saves the settings at start; Restore, Recover and
// the signal handling (Shell.HandleSignals) put them back on normal exit,
// panic and SIGTERM / SIGHUP / SIGQUIT.
package keys

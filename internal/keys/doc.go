// Package keys owns the terminal for the shell: the key watcher that reads
// ctrl-c and ctrl-k while a command runs, the signals, and putting the
// terminal back as it was found on every way out. The emergency stop that
// ctrl-k and the signals trigger, its report and the watchdog live with
// the devices (devices.EmergencyStopEverything); this package only maps
// keys and signals onto it.
//
// What a key does to tasks is written in package tasks (cancellation
// model). This package decides when: ctrl-c presses escalate (see
// Escalation), ctrl-k is Shell.EmergencyStop at any moment, even while blocking
// compiled code runs on the foreground, because the watcher reads the
// terminal on a goroutine of its own.
//
// Terminal safety: Guard saves the settings at start; Restore, Recover and
// the signal handling (Shell.HandleSignals) put them back on normal exit,
// panic and SIGTERM / SIGHUP / SIGQUIT.
package keys

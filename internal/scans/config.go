package scans

import (
	"io"
	"sync"
)

// Mode is how much a scan shows while it runs.
type Mode int

// The modes of the live view.
const (
	// Quiet shows nothing: --non-interactive, tests of the package.
	Quiet Mode = iota
	// Plain prints the table, a row per point, as plain lines: output
	// that is no terminal.
	Plain
	// Live draws, below the table on a terminal, a plot of the points
	// redrawn per point and a progress bar with ETA.
	Live
)

// Config is what the shell tells the scans about where they run.
type Config struct {
	Out  io.Writer // where the view goes: the session's output
	Mode Mode
	// TermFd is the terminal's file descriptor in Live mode, for its
	// size.
	TermFd int
	Color  bool // colours allowed (no NO_COLOR)
	// Command gives the command typed at the prompt, for meta.json.
	Command func() string
}

var (
	cfgMu sync.Mutex
	cfg   Config
)

// Configure sets where and how scans show themselves; the shell calls it
// once per session.
func Configure(c Config) {
	cfgMu.Lock()
	defer cfgMu.Unlock()
	cfg = c
}

func config() Config {
	cfgMu.Lock()
	defer cfgMu.Unlock()
	return cfg
}

// command is the command being run, or "".
func command() string {
	if c := config().Command; c != nil {
		return c()
	}
	return ""
}

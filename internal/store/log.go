package store

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/concert-go/concert/internal/logs"
)

// Log rotation defaults: at most LogKeep+1 files of LogMaxSize bytes.
const (
	LogMaxSize = 10 << 20
	LogKeep    = 5
)

// LogOptions are the values of `concert start`'s log flags.
type LogOptions struct {
	Session string    // every record carries session=Session
	To      string    // "file" (the default) or "stderr"
	File    string    // the log file; default LogPath()
	Level   string    // debug, info (the default), warn or error
	Stderr  io.Writer // for To "stderr"; default os.Stderr

	MaxSize int64 // rotate at this size; default LogMaxSize
	Keep    int   // rotated files kept; default LogKeep

	// OnError is told of each write to the file that failed (disk full,
	// --logfile /dev/full); the records of that write are lost. Wrap it
	// in logs.Once to say so once.
	OnError func(error)
}

// Log is an open session log.
type Log struct {
	*slog.Logger
	// Flush waits until every record logged so far is written.
	Flush func()
	// Close flushes, then closes the file; records logged after it are
	// dropped.
	Close func() error
}

// LogPath returns the default log file, <data>/concert/log/concert.log.
func (s *Store) LogPath() string {
	return filepath.Join(s.DataDir, "log", "concert.log")
}

// ParseLevel reads a --loglevel value.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("--loglevel %q: use debug, info, warn or error", s)
}

// OpenLog returns the session log: JSON records, one a line, each with time,
// level, message and session, appended to a file rotated by size (or text
// to stderr with To "stderr"). Records go to the file through a
// logs.Writer, off the caller's goroutine. Call Close when the session
// ends. `concert start` installs the logger with logs.Set.
func (s *Store) OpenLog(o LogOptions) (*Log, error) {
	level, err := ParseLevel(o.Level)
	if err != nil {
		return nil, err
	}
	hopts := &slog.HandlerOptions{Level: level}
	switch o.To {
	case "stderr":
		w := o.Stderr
		if w == nil {
			w = os.Stderr
		}
		h := slog.NewTextHandler(w, hopts)
		return &Log{Logger: slog.New(h).With("session", o.Session), Flush: func() {}, Close: func() error { return nil }}, nil
	case "", "file":
		path := o.File
		if path == "" {
			path = s.LogPath()
		}
		max, keep := o.MaxSize, o.Keep
		if max <= 0 {
			max = LogMaxSize
		}
		if keep <= 0 {
			keep = LogKeep
		}
		f, err := openLogFile(path, max, keep)
		if err != nil {
			return nil, fmt.Errorf("opening the log: %w", err)
		}
		w := logs.NewWriter(f, o.OnError)
		h := slog.NewJSONHandler(w, hopts)
		return &Log{Logger: slog.New(h).With("session", o.Session), Flush: w.Flush, Close: w.Close}, nil
	}
	return nil, fmt.Errorf("--logto %q: use stderr or file", o.To)
}

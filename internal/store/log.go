package store

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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
// to stderr with To "stderr"). Call close when the session ends; records
// logged after it are dropped. `concert start` installs the logger with
// slog.SetDefault.
func (s *Store) OpenLog(o LogOptions) (logger *slog.Logger, close func() error, err error) {
	level, err := ParseLevel(o.Level)
	if err != nil {
		return nil, nil, err
	}
	hopts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch o.To {
	case "stderr":
		w := o.Stderr
		if w == nil {
			w = os.Stderr
		}
		h = slog.NewTextHandler(w, hopts)
		close = func() error { return nil }
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
		f, err := openRotating(path, max, keep)
		if err != nil {
			return nil, nil, fmt.Errorf("opening the log: %w", err)
		}
		h = slog.NewJSONHandler(f, hopts)
		close = f.Close
	default:
		return nil, nil, fmt.Errorf("--logto %q: use stderr or file", o.To)
	}
	return slog.New(h).With("session", o.Session), close, nil
}

package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/store"
)

// logFlags are start's --logto, --logfile and --loglevel.
type logFlags struct {
	to, file, level string
}

// addLogFlags adds the log flags to cmd (concert start).
func addLogFlags(cmd *cobra.Command) *logFlags {
	f := &logFlags{}
	cmd.Flags().StringVar(&f.to, "logto", "file", "where the session log goes: `stderr` or file")
	cmd.Flags().StringVar(&f.file, "logfile", "", "log to `FILE` instead of <data>/concert/log/concert.log")
	cmd.Flags().StringVar(&f.level, "loglevel", "info", "least important records logged: debug, info, warn or error")
	return f
}

// open opens the session log of session as the flags say. The caller
// installs it with logs.Set and closes it when the session ends. Only
// wrong flag values are errors: a log file that cannot be opened must not
// keep a session from running, so then the session runs without a log,
// and a note on stderr says so. A log that fails later (a full disk,
// --logfile /dev/full) is reported on stderr once, by onError.
func (f *logFlags) open(st *store.Store, session string, stderr io.Writer, onError func(error)) (*store.Log, error) {
	if _, err := store.ParseLevel(f.level); err != nil {
		return nil, &usageError{err: err}
	}
	if f.to != "stderr" && f.to != "file" {
		return nil, usageErrorf("--logto %q: use stderr or file", f.to)
	}
	l, err := st.OpenLog(store.LogOptions{Session: session, To: f.to, File: f.file, Level: f.level, Stderr: stderr, OnError: onError})
	if err != nil {
		fmt.Fprintf(stderr, "concert: %v; the session runs without a log\n", err)
		return &store.Log{Logger: slog.New(slog.DiscardHandler), Flush: func() {}, Close: func() error { return nil }}, nil
	}
	return l, nil
}

// logError is what a session says, once, when its log cannot be written.
func logError(stderr io.Writer) func(error) {
	return logs.Once(func(err error) {
		fmt.Fprintf(stderr, "concert: the session log: %v; records are being lost (said once)\n", err)
	})
}

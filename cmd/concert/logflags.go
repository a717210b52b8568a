package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

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
// installs it with slog.SetDefault and calls close when the session ends.
// Only wrong flag values are errors: a log file that cannot be opened
// must not keep a session from running, so then the session runs without
// a log, and a note on stderr says so.
func (f *logFlags) open(st *store.Store, session string, stderr io.Writer) (logger *slog.Logger, close func() error, err error) {
	if _, err := store.ParseLevel(f.level); err != nil {
		return nil, nil, &usageError{err: err}
	}
	if f.to != "stderr" && f.to != "file" {
		return nil, nil, usageErrorf("--logto %q: use stderr or file", f.to)
	}
	logger, close, err = st.OpenLog(store.LogOptions{Session: session, To: f.to, File: f.file, Level: f.level, Stderr: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "concert: %v; the session runs without a log\n", err)
		return slog.New(slog.DiscardHandler), func() error { return nil }, nil
	}
	return logger, close, nil
}

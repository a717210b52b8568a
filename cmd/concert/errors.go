package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

// Exit statuses of the concert command.
const (
	exitOK          = 0
	exitError       = 1   // the command failed: see its message
	exitUsage       = 2   // wrong arguments, flags or session names
	exitInterrupted = 130 // cancelled by ctrl-c (128 + SIGINT)
)

// usageError is a mistake in how a command was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// exitCode maps an error to the exit status: this is the one place.
func exitCode(err error) int {
	var usage *usageError
	var name *store.NameError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage), errors.As(err, &name),
		// cobra's own, for a command name it does not know.
		strings.HasPrefix(err.Error(), "unknown command "):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	}
	return exitError
}

// execute runs root with args and returns the exit status. Errors are
// printed here, once, as "concert: message"; a usage error adds where to
// read the usage.
func execute(ctx context.Context, root *cobra.Command, args []string, stderr io.Writer) int {
	root.SetArgs(args)
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err: err}
	})
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	msg := err.Error()
	fmt.Fprintf(stderr, "concert: %s\n", msg)
	var name *store.NameError
	if exitCode(err) == exitUsage && !errors.As(err, &name) && !strings.Contains(msg, "usage:") && cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return exitCode(err)
}

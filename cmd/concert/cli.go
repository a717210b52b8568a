package main

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/repl"
	"github.com/concert-go/concert/internal/store"
)

// env is what the session commands work with, injected so that tests run
// them against buffers and a temporary XDG directory.
type env struct {
	In  io.Reader
	Out io.Writer // results: lists, descriptions, logs
	Err io.Writer // notes on what a command did

	// Bundled holds the sessions shipped in the binary.
	Bundled fs.FS
	// Getenv reads the environment (EDITOR).
	Getenv func(string) string
	// HTTP fetches sessions for import.
	HTTP *http.Client
	// Check parses a session without running it; edit and import use it.
	Check func(filename string, src []byte) error
}

// bundledSessions holds the sessions shipped in the binary: main sets it
// to sessions.FS; tests bring their own.
var bundledSessions fs.FS

func defaultEnv() *env {
	return &env{
		In:      os.Stdin,
		Out:     os.Stdout,
		Err:     os.Stderr,
		Bundled: bundledSessions,
		Getenv:  os.Getenv,
		HTTP:    &http.Client{Timeout: time.Minute},
		Check:   repl.Check,
	}
}

// store opens the store afresh, so that a test's environment applies.
func (e *env) store() (*store.Store, error) {
	return store.New(e.Bundled)
}

// note tells the user what a command did, on Err.
func (e *env) note(format string, args ...any) {
	fmt.Fprintf(e.Err, format+"\n", args...)
}

// noteReplaced tells the user how to get back a session that a forced
// write replaced (store.Write keeps it in the trash).
func (e *env) noteReplaced(name string) {
	e.note("The session it replaced is in the trash; to get it back: concert mv %s %s-new && concert restore %s", name, name, name)
}

// sessionCommands returns the session management commands for the root's
// AddCommand list.
func sessionCommands(e *env) []*cobra.Command {
	return []*cobra.Command{
		newInitCmd(e),
		newEditCmd(e),
		newShowCmd(e),
		newCpCmd(e),
		newMvCmd(e),
		newRmCmd(e),
		newRestoreCmd(e),
		newImportCmd(e),
		newExportCmd(e),
		newLogCmd(e),
		newDocsCmd(e),
		newDataCmd(e),
		newCompletionCmd(),
	}
}

// args checks the number of positional arguments, saying what is expected
// in the words of usage (e.g. "NAME", "SRC DST").
func args(min, max int, usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= min && (max < 0 || len(args) <= max) {
			return nil
		}
		if len(args) < min {
			return usageErrorf("missing %s; usage: %s %s", missing(usage, len(args)), cmd.CommandPath(), usage)
		}
		return usageErrorf("too many arguments (%s); usage: %s %s", strings.Join(args[max:], " "), cmd.CommandPath(), usage)
	}
}

// missing names the first argument of usage that is not given.
func missing(usage string, given int) string {
	f := strings.Fields(usage)
	if given < len(f) {
		return strings.Trim(f[given], "[].")
	}
	return "arguments"
}

// completeSessions completes session names, for ValidArgsFunction.
func completeSessions(e *env) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		st, err := e.store()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		list, err := st.List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var names []string
		for _, s := range list {
			if strings.HasPrefix(s.Name, prefix) {
				names = append(names, s.Name+"\t"+s.Summary)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// Command concert is an interactive control shell for laboratory devices:
// scientists type Go, interpreted by yaegi, to move motors, open shutters
// and grab camera frames, many things at once, and stop everything at any
// moment with one key.
//
// Usage:
//
//	concert start NAME            run session NAME, then the prompt
//	concert start --filename FILE run a session file that is not stored
//	concert init NAME             make a new session from a template
//	concert edit NAME             edit a session in $EDITOR, checked on save
//	concert show [NAME]           list sessions, or show one's description
//	concert cp|mv|rm|restore      manage sessions
//	concert import|export         move sessions in and out
//	concert log [NAME]            read the session log
//	concert docs NAME             the devices and functions of a session
//	concert --version             print the version
//
// Flags of start:
//
//	--filename FILE    the session file to run instead of NAME
//	--init FILE        commands to run after the session loaded
//	--non-interactive  run the session and --init, then exit with their status
//	--logto, --logfile, --loglevel  where the session log goes
//
// Keys at the prompt: ctrl-c cancels the command you wait for (a moving
// motor stops), ctrl-k cancels every task and stops every device (twice
// within a second also stops the interpreter, ending emergency stops that
// never returned), ctrl-d on an empty line exits. With stdin not a terminal, commands are read as
// plain lines.
//
// Environment:
//
//	CONCERT_SESSIONS_DIR  where sessions are stored (default
//	                      $XDG_DATA_HOME/concert/sessions)
//	XDG_STATE_HOME        the prompt's history lives in concert/history there
//	NO_COLOR              no colours
//
// Exit status: 0 on success, 1 when a command or the session failed, 2 for
// a usage error, 130 when cancelled by ctrl-c, 128 + the signal's number
// after SIGTERM, SIGHUP or SIGQUIT, 143 when the supervising process died.
package main

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/keys"
	"github.com/concert-go/concert/sessions"
)

// version is set by the Makefile from git describe.
var version = "dev"

func main() {
	bundledSessions = sessions.FS
	e := defaultEnv()
	code := execute(context.Background(), newRootCmd(e), os.Args[1:], e.Err)
	if code == exitOK {
		code = sessionStatus
	}
	keys.Ended()
	os.Exit(code)
}

// newRootCmd is the concert command with every subcommand.
func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "concert",
		Short: "An interactive control shell for laboratory devices",
		Long: `concert is an interactive control shell for laboratory devices. You type
Go at its prompt; device operations run as concurrent tasks that you await
or leave in the background. ctrl-c cancels what you wait for, ctrl-k stops
everything. Sessions are Go files that set up devices and functions.

Start with: concert start tutorial`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(e.Out)
	root.SetErr(e.Err)
	root.AddCommand(newStartCmd(e))
	root.AddCommand(sessionCommands(e)...)
	return root
}

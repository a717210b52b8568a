package main

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/keys"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/repl"
	"github.com/concert-go/concert/internal/store"
)

// sessionStatus is the exit status of the session that start ran: 1 when
// a command of a non-interactive run, the session file or the init file
// failed. Errors of start itself go through execute as usual.
var sessionStatus int

type startOptions struct {
	*env
	name           string
	filename       string
	init           string
	nonInteractive bool
	dataDir        string
	log            *logFlags
}

func newStartCmd(e *env) *cobra.Command {
	o := &startOptions{env: e}
	cmd := &cobra.Command{
		Use:   "start NAME | --filename FILE",
		Short: "Run a session, then the prompt",
		Long: `Run session NAME (from the sessions directory, else the bundled ones),
then open the prompt. --filename runs a file instead. --init runs a file of
commands after the session. With --non-interactive, or with stdin not a
terminal, no line editor opens: commands are read as plain lines, and the
exit status is 1 if one failed.`,
		Args:              args(0, 1, "NAME"),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.name = args[0]
			}
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.filename, "filename", "", "run the session in `FILE` instead of a stored one")
	f.StringVar(&o.init, "init", "", "run the commands in `FILE` after the session loaded")
	f.BoolVar(&o.nonInteractive, "non-interactive", false, "run the session and --init, then exit with their status")
	f.StringVar(&o.dataDir, "datadir", "", "write the runs of scans and acquisitions to `DIR` (default: the data directory, concert/data/NAME)")
	o.log = addLogFlags(cmd)
	return cmd
}

func (o *startOptions) run(ctx context.Context) error {
	if tty, ok := o.In.(*os.File); ok && !o.nonInteractive {
		// A parent process that puts the terminal back however the shell
		// dies (package keys); returns in the shell itself.
		keys.Supervise(tty)
	}
	if (o.name == "") == (o.filename == "") {
		return usageErrorf("give a session NAME or --filename FILE, not both or neither")
	}
	st, err := o.store()
	if err != nil {
		return err
	}
	name, src, path := o.name, []byte(nil), ""
	if o.filename != "" {
		src, err = store.ReadFile(o.filename)
		if err != nil {
			return err
		}
		path = o.filename
		name = strings.TrimSuffix(filepath.Base(o.filename), filepath.Ext(o.filename))
	} else {
		src, path, err = st.Load(o.name)
		if err != nil {
			return err
		}
	}
	var lock *store.Lock
	var note string
	if o.filename != "" {
		lock, note, err = st.LockFile(path, src)
	} else {
		lock, note, err = st.Lock(name, src)
	}
	if err != nil {
		return err
	}
	defer lock.Release()
	if note != "" {
		o.note("%s", note)
	}
	onError := logError(o.Err)
	l, err := o.log.open(st, name, o.Err, onError)
	if err != nil {
		return err
	}
	defer l.Close()
	// The shell's own logger, not slog.Default, which the session may
	// replace (package logs).
	defer logs.Set(l.Logger, l.Flush, onError)()
	// yaegi prints notes with the standard log package; they belong in
	// the log, not on the terminal.
	log.SetFlags(0)
	log.SetOutput(logs.Std{})
	logs.L().Info("session start", "path", path)
	// A terminating signal ends the process from inside repl.Run: the
	// session's end is logged there too, the log closed and the lock
	// released before the process exits.
	exit := func(code int) {
		logs.L().Info("session end", "status", code)
		l.Close()
		lock.Release()
		keys.Ended()
		os.Exit(code)
	}

	sessionStatus = repl.Run(ctx, repl.Config{
		Name:           name,
		Source:         src,
		Filename:       path,
		Init:           o.init,
		NonInteractive: o.nonInteractive,
		Stdin:          o.In,
		Stdout:         o.Out,
		Stderr:         o.Err,
		HistoryFile:    historyFile(name),
		Loader:         st.Load,
		Exit:           exit,
		DataDir:        o.dataDir,
	})
	logs.L().Info("session end", "status", sessionStatus)
	return nil
}

// historyFile is where the prompt keeps the history of session name: in
// the XDG state directory, so it survives across runs.
func historyFile(name string) string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "concert", "history", name)
}

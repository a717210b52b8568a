package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

type editOptions struct {
	*env
	name string
}

func newEditCmd(e *env) *cobra.Command {
	o := &editOptions{env: e}
	return &cobra.Command{
		Use:   "edit NAME",
		Short: "Open a session in your editor",
		Long: `Open session NAME in $EDITOR (vi if unset). A missing session is made from
the template of concert init first; a bundled session is copied to your
sessions, where your copy then takes its place.

When the editor exits, the session is checked: if it no longer parses,
concert says where (file:line:column) and exits with status 1. The file
keeps what you saved either way.`,
		Example:           `  EDITOR=nano concert edit scan`,
		Args:              args(1, 1, "NAME"),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			return o.run()
		},
	}
}

// sessionParseError says that a session does not parse after editing.
type sessionParseError struct {
	name string
	err  error
}

func (e *sessionParseError) Error() string {
	return fmt.Sprintf("session %s does not parse; fix it with concert edit %s:\n%v", e.name, e.name, e.err)
}

func (e *sessionParseError) Unwrap() error { return e.err }

func (o *editOptions) run() error {
	st, err := o.store()
	if err != nil {
		return err
	}
	path, err := st.Path(o.name)
	if err != nil {
		return err
	}
	exists, err := st.Exists(o.name)
	if err != nil {
		return err
	}
	var fresh []byte // the session as made here, if it was
	made := ""       // a note on how
	if !exists {
		src, from, err := st.Load(o.name)
		switch err.(type) {
		case nil:
			made = fmt.Sprintf("Session %s is bundled (%s); you edited your own copy at %s", o.name, from, path)
		case *store.NotFoundError:
			if src, err = sessionTemplate(o.name, nil); err != nil {
				return err
			}
			made = fmt.Sprintf("New session %s at %s", o.name, path)
		default:
			return err
		}
		if err := st.Write(o.name, src, false); err != nil {
			return err
		}
		fresh = src
	}
	editor := o.Getenv("EDITOR")
	if editor == "" {
		editor = "vi"
	}
	// Through the shell, as git does, so that EDITOR may carry arguments
	// ("code --wait").
	cmd := exec.Command("sh", "-c", editor+` "$@"`, editor, path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.In, o.Out, o.Err
	if err := cmd.Run(); err != nil {
		if now, _ := os.ReadFile(path); fresh != nil && bytes.Equal(now, fresh) {
			// Nothing was edited: take back the session made for it.
			os.Remove(path)
			return fmt.Errorf("editor %q failed: %v; no session made", editor, err)
		}
		return fmt.Errorf("editor %q failed: %v; the session is at %s", editor, err, path)
	}
	if made != "" {
		o.note("%s", made)
	}
	src, err := store.ReadFile(path)
	if err != nil {
		return err
	}
	if err := o.Check(path, src); err != nil {
		return &sessionParseError{name: o.name, err: err}
	}
	return nil
}

package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

type rmOptions struct {
	*env
	names []string
}

func newRmCmd(e *env) *cobra.Command {
	o := &rmOptions{env: e}
	return &cobra.Command{
		Use:   "rm NAME...",
		Short: "Remove sessions, keeping a backup",
		Long: `Remove your sessions NAME... to the trash, from where concert restore NAME
brings each back. Every name is checked first: if one is invalid or
missing, nothing is removed and the status is non-zero.`,
		Args:              args(1, -1, "NAME..."),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.names = args
			return o.run()
		},
	}
}

func (o *rmOptions) run() error {
	st, err := o.store()
	if err != nil {
		return err
	}
	for _, name := range o.names {
		if err := userSession(st, name); err != nil {
			if len(o.names) > 1 {
				return fmt.Errorf("%w; nothing removed", err)
			}
			return err
		}
	}
	for _, name := range o.names {
		if _, err := st.Remove(name); err != nil {
			return err
		}
		o.note("Removed %s; bring it back with: concert restore %s", name, name)
	}
	return nil
}

// userSession checks that name is one of the user's sessions.
func userSession(st *store.Store, name string) error {
	ok, err := st.Exists(name)
	if err != nil || ok {
		return err
	}
	if _, _, err := st.Load(name); err != nil {
		return err
	}
	return &store.BundledError{Name: name}
}

type restoreOptions struct {
	*env
	names []string
}

func newRestoreCmd(e *env) *cobra.Command {
	o := &restoreOptions{env: e}
	return &cobra.Command{
		Use:   "restore [NAME...]",
		Short: "Bring back removed sessions",
		Long: `Bring back the sessions NAME... that concert rm removed, each as it was when
last removed. It never replaces an existing session. Without NAME, list the
sessions that can be restored.`,
		Args: args(0, -1, "[NAME...]"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			st, err := e.store()
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			names, _ := st.Trashed()
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.names = args
			return o.run()
		},
	}
}

func (o *restoreOptions) run() error {
	st, err := o.store()
	if err != nil {
		return err
	}
	if len(o.names) == 0 {
		names, err := st.Trashed()
		if err != nil {
			return err
		}
		if len(names) == 0 {
			o.note("No removed sessions to restore")
			return nil
		}
		fmt.Fprintln(o.Out, strings.Join(names, "\n"))
		return nil
	}
	for _, name := range o.names {
		err := st.Restore(name)
		if errors.As(err, new(*store.ExistsError)) {
			return fmt.Errorf("%w; rename it first (concert mv %s %s-new), then restore", err, name, name)
		}
		if err != nil {
			return err
		}
		o.note("Restored %s", name)
	}
	return nil
}

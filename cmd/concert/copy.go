package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

type copyOptions struct {
	*env
	src, dst string
	move     bool
}

func newCpCmd(e *env) *cobra.Command {
	o := &copyOptions{env: e}
	return &cobra.Command{
		Use:   "cp SRC DST",
		Short: "Copy a session",
		Long: `Copy session SRC, yours or a bundled one, to a new session DST.
It never replaces an existing session.`,
		Example:           `  concert cp tutorial mytut`,
		Args:              args(2, 2, "SRC DST"),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.src, o.dst = args[0], args[1]
			return o.run()
		},
	}
}

func newMvCmd(e *env) *cobra.Command {
	o := &copyOptions{env: e, move: true}
	return &cobra.Command{
		Use:               "mv SRC DST",
		Short:             "Rename a session",
		Long:              `Rename your session SRC to DST. It never replaces an existing session.`,
		Args:              args(2, 2, "SRC DST"),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.src, o.dst = args[0], args[1]
			return o.run()
		},
	}
}

func (o *copyOptions) run() error {
	st, err := o.store()
	if err != nil {
		return err
	}
	done := "Copied"
	if o.move {
		err, done = st.Move(o.src, o.dst), "Renamed"
	} else {
		err = st.Copy(o.src, o.dst)
	}
	if errors.As(err, new(*store.ExistsError)) {
		return fmt.Errorf("%w; remove it first (concert rm %s) or choose another name", err, o.dst)
	}
	if err != nil {
		return err
	}
	o.note("%s %s to %s", done, o.src, o.dst)
	return nil
}

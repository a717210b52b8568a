package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

type showOptions struct {
	*env
	name string
}

func newShowCmd(e *env) *cobra.Command {
	o := &showOptions{env: e}
	return &cobra.Command{
		Use:   "show [NAME]",
		Short: "List sessions, or show one session's description",
		Long: `Without NAME, list the sessions with the first sentence of their
descriptions; bundled sessions are marked. With NAME, print where the
session lives and its whole description.`,
		Args:              args(0, 1, "[NAME]"),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.name = args[0]
			}
			return o.run()
		},
	}
}

func (o *showOptions) run() error {
	st, err := o.store()
	if err != nil {
		return err
	}
	if o.name != "" {
		src, path, err := st.Load(o.name)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Out, "%s (%s)\n", o.name, path)
		if d := store.Description(src); d != "" {
			fmt.Fprintf(o.Out, "\n%s\n", d)
		}
		return nil
	}
	list, err := st.List()
	if err != nil {
		return err
	}
	if len(list) == 0 {
		o.note("No sessions yet; make one with: concert init NAME")
		return nil
	}
	w := tabwriter.NewWriter(o.Out, 0, 4, 2, ' ', 0)
	for _, s := range list {
		summary := s.Summary
		if s.Bundled {
			summary += " (bundled)"
		}
		fmt.Fprintf(w, "%s\t%s\n", s.Name, summary)
	}
	return w.Flush()
}

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"
	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/prelude"
	"github.com/concert-go/concert/internal/store"
)

type docsOptions struct {
	*env
	name   string
	output string
}

func newDocsCmd(e *env) *cobra.Command {
	o := &docsOptions{env: e}
	cmd := &cobra.Command{
		Use:   "docs NAME",
		Short: "Document a session: description, devices, functions",
		Long: `Print the documentation of session NAME, read from its source without
running it: its description, the imports, the devices it makes (top-level
variables set by a constructor call such as motors.NewLinear(...)) and the
functions it declares, each with the comment above it. With -o FILE, write
it as Markdown to FILE instead. No external tools are needed.

The device packages: ` + andList(familyNames()) + `.`,
		Example: `  concert docs tutorial
  concert docs tomo -o tomo.md`,
		Args:              args(1, 1, "NAME"),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			return o.run()
		},
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write Markdown to `FILE`")
	return cmd
}

func (o *docsOptions) run() error {
	st, err := o.store()
	if err != nil {
		return err
	}
	src, path, err := st.Load(o.name)
	if err != nil {
		return err
	}
	outline := store.ParseOutline(src)
	if o.output == "" {
		writeTerminalDocs(o.Out, o.name, path, outline)
		return nil
	}
	var b strings.Builder
	writeMarkdownDocs(&b, o.name, outline)
	if err := store.WriteFile(o.output, []byte(b.String()), true); err != nil {
		return err
	}
	o.note("Wrote the documentation of %s to %s", o.name, o.output)
	return nil
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// writeTerminalDocs renders the docs for reading in a terminal: headings
// bold when w is a terminal (package color decides), text indented.
func writeTerminalDocs(w io.Writer, name, path string, o store.Outline) {
	head := color.New(color.Bold).SprintFunc()
	code := color.New(color.FgCyan).SprintFunc()
	fmt.Fprintf(w, "%s (%s)\n", head(name), path)
	if o.Description != "" {
		fmt.Fprintf(w, "\n%s\n", indent(o.Description, "  "))
	}
	if len(o.Imports) > 0 {
		fmt.Fprintf(w, "\n%s\n  %s\n", head("Imports"), strings.Join(o.Imports, ", "))
	}
	section := func(title string, items []store.Item, none string) {
		fmt.Fprintf(w, "\n%s\n", head(title))
		if len(items) == 0 {
			fmt.Fprintf(w, "  %s\n", none)
		}
		for _, it := range items {
			fmt.Fprintf(w, "  %s\n", code(it.Code))
			if it.Doc != "" {
				fmt.Fprintf(w, "%s\n", indent(it.Doc, "      "))
			}
		}
	}
	section("Devices", prefixed(o.Devices), "(none made at top level)")
	section("Functions", o.Funcs, "(none)")
}

// prefixed shows a device as its assignment: motor := motors.NewLinear(...).
func prefixed(items []store.Item) []store.Item {
	out := make([]store.Item, len(items))
	for i, it := range items {
		it.Code = it.Name + " := " + it.Code
		out[i] = it
	}
	return out
}

func writeMarkdownDocs(w io.Writer, name string, o store.Outline) {
	fmt.Fprintf(w, "# Session %s\n", name)
	if o.Description != "" {
		fmt.Fprintf(w, "\n%s\n", o.Description)
	}
	if len(o.Imports) > 0 {
		fmt.Fprintf(w, "\n## Imports\n\n")
		for _, imp := range o.Imports {
			fmt.Fprintf(w, "- `%s`\n", imp)
		}
	}
	fmt.Fprintf(w, "\n## Devices\n\n")
	if len(o.Devices) == 0 {
		fmt.Fprintf(w, "None made at top level.\n")
	}
	for _, d := range o.Devices {
		fmt.Fprintf(w, "- `%s` = `%s`", d.Name, d.Code)
		if d.Doc != "" {
			fmt.Fprintf(w, ": %s", strings.ReplaceAll(d.Doc, "\n", " "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n## Functions\n")
	if len(o.Funcs) == 0 {
		fmt.Fprintf(w, "\nNone.\n")
	}
	for _, f := range o.Funcs {
		fmt.Fprintf(w, "\n### %s\n\n```go\n%s\n```\n", f.Name, f.Code)
		if f.Doc != "" {
			fmt.Fprintf(w, "\n%s\n", f.Doc)
		}
	}
}

// familyNames are the device packages of the prelude.
func familyNames() []string {
	var names []string
	for _, p := range prelude.Families() {
		names = append(names, p.Name)
	}
	return names
}

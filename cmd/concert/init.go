package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/prelude"
	"github.com/concert-go/concert/internal/repl"
	"github.com/concert-go/concert/internal/store"
)

type initOptions struct {
	*env
	name    string
	force   bool
	imports string
}

func newInitCmd(e *env) *cobra.Command {
	o := &initOptions{env: e}
	cmd := &cobra.Command{
		Use:   "init NAME",
		Short: "Make a new session from a template",
		Long: `Make a new session NAME from a template: a description comment, a note on
what the prelude imports already, and example device lines to start from.
Open it with concert edit NAME, run it with concert start NAME.

It never replaces an existing session unless --force is given.`,
		Example: `  concert init scan
  concert init tomo --imports os,encoding/json`,
		Args: args(1, 1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			return o.run()
		},
	}
	cmd.Flags().BoolVarP(&o.force, "force", "f", false, "replace an existing session of that name")
	cmd.Flags().StringVar(&o.imports, "imports", "", "packages to import besides the prelude, comma-separated")
	return cmd
}

func (o *initOptions) run() error {
	if err := store.ValidName(o.name); err != nil {
		return err
	}
	var imports []string
	if o.imports != "" {
		imports = strings.Split(o.imports, ",")
	}
	src, err := sessionTemplate(o.name, imports)
	if err != nil {
		return err
	}
	st, err := o.store()
	if err != nil {
		return err
	}
	replacing, err := st.Exists(o.name)
	if err != nil {
		return err
	}
	_, was, _ := st.Load(o.name)
	hidesBundled := !replacing && strings.HasPrefix(was, store.BundledPrefix)
	if err := st.Write(o.name, src, o.force); err != nil {
		if errors.As(err, new(*store.ExistsError)) {
			return fmt.Errorf("%w; --force replaces it", err)
		}
		return err
	}
	p, _ := st.Path(o.name)
	o.note("Created session %s at %s; edit it with: concert edit %s", o.name, p, o.name)
	if replacing {
		o.noteReplaced(o.name)
	}
	if hidesBundled {
		o.note("It hides the bundled session %s; concert rm %s brings that back", o.name, o.name)
	}
	return nil
}

// sessionTemplateText is what concert init writes. Its code must run in the
// shell as it is: TestTemplateRuns runs it.
var sessionTemplateText = template.Must(template.New("session").Parse(`// {{.Name}}: say here what this session is for. The first sentence shows in
// concert show, the whole comment in concert show {{.Name}} and concert docs.
//
{{.Prelude}}//
// Put the line "// concert:multi-instance" in this comment to allow the
// session to run more than once at a time.
{{if .Imports}}
import (
{{- range .Imports}}
	{{.}}
{{- end}}
)
{{end}}
{{.Devices}}`))

// templateDevices are the example device lines of a new session: the dummy
// devices of the bundled tutorial, made the same way (TestTemplateRuns).
const templateDevices = `// Devices: dummies to try things with; replace them with your own.
motor := motors.NewLinear("motor")
shutter := shutters.New("shutter")
camera := cameras.New("camera")

// Try at the prompt: await motor.SetPosition(2 * q.MM), dstate(), help().
`

func sessionTemplate(name string, imports []string) ([]byte, error) {
	var quoted []string
	for _, imp := range imports {
		imp = strings.TrimSpace(imp)
		if imp == "" || strings.ContainsAny(imp, " \t\"'`\\") {
			return nil, usageErrorf("--imports: %q is not an import path such as encoding/json", imp)
		}
		if !repl.Importable(imp) {
			return nil, usageErrorf("--imports: the shell has no package %q: it has the standard library and concert's own packages only", imp)
		}
		quoted = append(quoted, strconv.Quote(imp))
	}
	var b bytes.Buffer
	err := sessionTemplateText.Execute(&b, map[string]any{"Name": name, "Imports": quoted, "Devices": templateDevices, "Prelude": preludeComment()})
	return b.Bytes(), err
}

// preludeComment is the template's paragraph on the prelude, from package
// prelude's list, wrapped as a comment.
func preludeComment() string {
	var std, devs []string
	for _, p := range prelude.Packages {
		switch {
		case p.Name == "q":
		case prelude.Standard(p.Path):
			std = append(std, p.Name)
		default:
			devs = append(devs, p.Name)
		}
	}
	text := "The prelude is imported already: q (units such as q.MM, q.Deg, q.S); " +
		"the packages " + andList(devs) + "; start, background, gather, await, sleep, " +
		"exclusive, load, tasks(), dstate(), ddoc(), pdoc(), help() and the task " +
		"type Task; and the packages " + andList(std) + "."
	var b strings.Builder
	line := "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 76 {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String()
}

// andList joins names as in a sentence: "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

package repl

import (
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/elk-language/go-prompt"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/prelude"
)

// Python and IPython habits get a hint in Go's terms (issue 15 item 14):
// help(x), x?, exit and quit, motor.position, q.mm.

// ipythonHelp matches IPython's x? and x??.
var ipythonHelp = regexp.MustCompile(`^\s*([\pL_][\pL\pN_.]*)\s*\?\??\s*$`)

// explainIPython turns the parse error of x? into the Go way to ask.
func explainIPython(text string, err error) error {
	m := ipythonHelp.FindStringSubmatch(text)
	if m == nil {
		return err
	}
	return &Error{Msg: fmt.Sprintf("%s? is IPython's: in Go write help(%s)", m[1], m[1])}
}

// explainExit answers Python's exit and quit, which Go does not have.
func explainExit(e *Error) {
	if e.Msg == "undefined: exit" || e.Msg == "undefined: quit" {
		e.Msg = strings.TrimPrefix(e.Msg, "undefined: ") + " is Python's: to leave the shell, press ctrl-d on an empty line"
	}
}

// fold is a name as Python and Go spellings of it agree: get_position
// and GetPosition, mm and MM.
func fold(name string) string { return strings.ToLower(strings.ReplaceAll(name, "_", "")) }

// privateSelector explains x.name with a lowercase name on a package or
// on a value of a compiled type, which Go never allows: Python's
// motor.position, q.mm, motor.home(). It names what to write instead;
// "" when x is neither.
func (s *Session) privateSelector(sel *ast.SelectorExpr) string {
	id, ok := sel.X.(*ast.Ident)
	name := sel.Sel.Name
	if !ok || token.IsExported(name) || name == "_" {
		return ""
	}
	if path, ok := s.packagePath(id.Name); ok {
		var found []string
		for _, syms := range s.in.Symbols(path) {
			for sym := range syms {
				if token.IsExported(sym) && fold(sym) == fold(name) {
					found = append(found, id.Name+"."+sym)
				}
			}
		}
		slices.Sort(found)
		if len(found) == 0 {
			return fmt.Sprintf("%s has no %s (Go's names are case-sensitive; type %s. and Tab to see its names)", id.Name, name, id.Name)
		}
		return fmt.Sprintf("%s has no %s (Go's names are case-sensitive): write %s", id.Name, name, strings.Join(found, " or "))
	}
	v, ok := s.global(id.Name)
	for ok && v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !ok || !v.IsValid() || !compiledType(v.Type()) {
		return "" // the session's own types may have lowercase names
	}
	var found []string
	for _, m := range s.membersOf(v) {
		f := fold(m.Text)
		if f != fold(name) && f != "get"+fold(name) && f != "set"+fold(name) {
			continue
		}
		use := id.Name + "." + m.Text
		if strings.HasPrefix(m.Description, "()") {
			use += "()"
		} else if strings.HasPrefix(m.Description, "(") {
			use += "(x)"
		}
		found = append(found, use)
	}
	if len(found) == 0 {
		return fmt.Sprintf("%s has no %s (lowercase names are private in Go; type %s. and Tab to see what it has)", id.Name, name, id.Name)
	}
	return fmt.Sprintf("%s has no %s (Go's names are case-sensitive, lowercase ones private): use %s", id.Name, name, orList(found))
}

// compiledType reports a named type of a compiled package, whose
// lowercase fields and methods no interpreted code can reach; the
// session's own types have no name that reflect shows.
func compiledType(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name() != "" && t.PkgPath() != ""
}

// packagePath is the import path of a package name in scope.
func (s *Session) packagePath(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.names[name] {
		return "", false // a variable of the session hides the package
	}
	for path, n := range s.imported {
		if n == name {
			return path, true
		}
	}
	return "", false
}

func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// help is help() with the overview; help(x) comes as helpNamed.
func (s *Session) help(xs ...any) {
	if len(xs) == 0 {
		fmt.Fprint(s.out, helpText)
		return
	}
	for _, x := range xs {
		s.helpNamed("", x)
	}
}

// helpNamed is help(x) with x as written (src): what a device, a
// function, a package or any other value is and what it offers.
func (s *Session) helpNamed(src string, x any) {
	w := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
	defer w.Flush()
	if path, ok := s.packagePath(src); ok && x == nil {
		s.helpPackage(w, src, path)
		return
	}
	v := reflect.ValueOf(x)
	if src == "" {
		src = "it"
	}
	switch {
	case !v.IsValid():
		fmt.Fprintf(w, "%s is nil\n", src)
	case v.Kind() == reflect.Func:
		s.helpFunc(w, src, v)
	case devices.Of(x) != nil:
		b := devices.Of(x)
		fmt.Fprintf(w, "%s: %s %q (a device; await what its operations return)\n", src, b.Kind(), b.Name())
		helpMembers(w, s.membersOf(v))
		helpParams(w, b.Name())
	default:
		fmt.Fprintf(w, "%s: %s\n", src, v.Type())
		helpMembers(w, s.membersOf(v))
	}
}

// helpFunc prints a function's signature and, for a function of the
// prelude or the session, its doc.
func (s *Session) helpFunc(w io.Writer, src string, v reflect.Value) {
	if _, ok := s.preludeFuncs()[src]; ok && !strings.HasPrefix(src, "_") {
		if line, ok := scanHelp[src]; ok {
			fmt.Fprintln(w, line)
			return
		}
		fmt.Fprintf(w, "%s: %s\n", src, v.Type())
		for _, line := range strings.Split(helpText, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), src+"(") {
				fmt.Fprintln(w, "  "+strings.TrimSpace(line))
			}
		}
		return
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.funcs, func(f funcDoc) bool { return f.Name == src })
	var f funcDoc
	if i >= 0 {
		f = s.funcs[i]
	}
	s.mu.Unlock()
	if i < 0 {
		fmt.Fprintf(w, "%s: %s\n", src, v.Type())
		return
	}
	fmt.Fprintln(w, f.Signature)
	for _, line := range strings.Split(f.Doc, "\n") {
		if line != "" {
			fmt.Fprintln(w, "  "+line)
		}
	}
}

// helpPackage prints a package's doc line, if the prelude has one, and its
// exported names.
func (s *Session) helpPackage(w io.Writer, name, path string) {
	fmt.Fprintf(w, "%s: the package %q\n", name, path)
	for _, p := range prelude.Packages {
		if p.Path == path && p.Doc != "" {
			fmt.Fprintln(w, "  "+p.Doc)
		}
	}
	var names []string
	for _, syms := range s.in.Symbols(path) {
		for sym := range syms {
			if token.IsExported(sym) {
				names = append(names, sym)
			}
		}
	}
	slices.Sort(names)
	line := " "
	for _, n := range names {
		if len(line)+len(n) > 76 {
			fmt.Fprintln(w, line)
			line = " "
		}
		line += " " + n
	}
	if line != " " {
		fmt.Fprintln(w, line)
	}
}

func helpMembers(w io.Writer, list []prompt.Suggest) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintln(w, "  methods and fields:")
	for _, m := range list {
		fmt.Fprintf(w, "    %s\t%s\n", m.Text, m.Description)
	}
}

// helpParams prints the rows of ddoc() for the device called name.
func helpParams(w io.Writer, name string) {
	t := devices.DocTable()
	var rows [][]string
	dev := ""
	for _, r := range t.Rows {
		if r[0] != "" {
			dev = r[0]
		}
		if dev == name && r[2] != "" {
			rows = append(rows, r[2:])
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "  parameters (x.Param(\"name\"), or the Get/Set methods):")
	for _, r := range rows {
		fmt.Fprintf(w, "    %s\n", strings.Join(r, "\t"))
	}
}

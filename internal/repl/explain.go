package repl

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// anyUse matches yaegi's errors for using an any as if it were the value
// inside it.
var anyUse = regexp.MustCompile(`^(?:undefined (?:method|field|selector): (\w+)|invalid operation: operator (\S+) not defined on (?:any|interface \{\}).*)$`)

// explainAny adds to an error about an any used as the value inside it
// (what await gives inside a function or loop, gather's results) how to
// convert it: r[1].(q.Length), with the real type when the expression can
// be looked at without running anything but a variable's read.
func (s *Session) explainAny(p *prepared, e *Error) {
	m := anyUse.FindStringSubmatch(e.Msg)
	if m == nil || e.Line == 0 {
		return
	}
	x, pure := operandAt(p, e.Line, e.Col, m[1] != "")
	if x == "" {
		return
	}
	if m[1] != "" && s.explainConcrete(e, x, m[1], pure) {
		return
	}
	typ := "T"
	if !pure {
		// Evaluating it could move a motor: no type then.
	} else if v, err := s.evalText(x, ""); err == nil && v.IsValid() {
		for v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		if t, ok := typeExpr(v.Type()); ok && v.Kind() != reflect.Interface {
			typ = t
		} else if m[1] != "" {
			return // a real value without that method, not an any
		}
	}
	conv := fmt.Sprintf("%s.(%s)", x, typ)
	if typ == "T" {
		conv += " with T the type it holds"
	}
	e.Msg += fmt.Sprintf(" (%s is an any, as what await gives inside a function or loop and gather's results are: convert it, %s)", x, conv)
}

// nonInterface matches yaegi's refusal of x.(any) for an x whose static
// type is not an interface, and gives that type.
var nonInterface = regexp.MustCompile(`non-interface type (.+) on left`)

// explainConcrete adds to an undefined method, field or selector name on
// an operand x whose static type is concrete (a device, an int) that this
// type has no such name, instead of the any hint, and reports whether it
// did. The type comes from compiling x.(any) in a function that is never
// called, so nothing runs; a pure x that holds methods gets the pointer
// to help(x).
func (s *Session) explainConcrete(e *Error, x, name string, pure bool) bool {
	_, err := s.evalText("func() { _ = ("+x+").(interface{}) }", "")
	if err == nil {
		return false
	}
	m := nonInterface.FindStringSubmatch(err.Error())
	if m == nil {
		return false // an any, or x cannot be looked at from the prompt
	}
	what := "field or method"
	switch {
	case strings.HasPrefix(e.Msg, "undefined method"):
		what = "method"
	case strings.HasPrefix(e.Msg, "undefined field"):
		what = "field"
	}
	e.Msg += fmt.Sprintf(" (%s has no %s %s", m[1], what, name)
	if pure {
		if v, err := s.evalText(x, ""); err == nil && v.IsValid() && v.NumMethod() > 0 {
			e.Msg += fmt.Sprintf("; help(%s) lists its methods", x)
		}
	}
	e.Msg += ")"
	return true
}

// operandAt finds, in an item's source, the expression an error at line,
// col is about: the X of a selector X.Name there (sel), or the operand of
// a binary operation there that is not a literal.
func operandAt(p *prepared, line, col int, sel bool) (x string, pure bool) {
	src := []byte(p.src)
	for _, off := range awaitOffsets(p.src) {
		copy(src[off:], "<-   ") // as prepare parses it
	}
	text := fmt.Sprintf("package p;func _(){/*line :%d:%d*/%s\n}", p.line, p.col, src)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, 0)
	if err != nil {
		return "", false
	}
	at := func(n ast.Node) bool {
		pos := fset.Position(n.Pos())
		return pos.Line == line && pos.Column == col
	}
	show := func(n ast.Node) string {
		return text[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset]
	}
	var found ast.Expr
	ast.Inspect(f, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if sel && (at(n) || at(n.Sel)) {
				found = n.X
			}
		case *ast.BinaryExpr:
			if !sel && (at(n) || at(n.X)) {
				found = n.X
				if _, lit := n.X.(*ast.BasicLit); lit {
					found = n.Y
				}
			}
		}
		return true
	})
	if found == nil {
		return "", false
	}
	return show(found), readOnly(found)
}

// readOnly reports an expression that only reads variables: names,
// literals, indexes and fields of them.
func readOnly(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return readOnly(e.X)
	case *ast.SelectorExpr:
		return readOnly(e.X)
	case *ast.IndexExpr:
		return readOnly(e.X) && readOnly(e.Index)
	}
	return false
}

// void says why a call cannot be used as a value when what it calls has
// no results: a function of the prelude, the session or a package, or a
// method of a variable of the session; "" otherwise. fun is the called
// function as written.
func (s *Session) void(call *ast.CallExpr, fun string) string {
	if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "tasks" && id.Obj == nil {
		return "tasks() prints the running tasks and returns nothing: taskList() returns them as a []*Task"
	}
	if s.returnsNothing(call.Fun) {
		return fmt.Sprintf("%s() returns nothing: it has no value to use", fun)
	}
	return ""
}

// returnsNothing reports a function or method without results, where the
// shell can tell without running anything.
func (s *Session) returnsNothing(fun ast.Expr) bool {
	switch fun := ast.Unparen(fun).(type) {
	case *ast.FuncLit:
		return fun.Type.Results == nil
	case *ast.Ident:
		if fun.Obj != nil {
			return false // declared in the input itself
		}
		if fn, ok := s.preludeFuncs()[fun.Name]; ok {
			return noResults(fn)
		}
		s.mu.Lock()
		i := slices.IndexFunc(s.funcs, func(f funcDoc) bool { return f.Name == fun.Name })
		sig := ""
		if i >= 0 {
			sig = s.funcs[i].Signature
		}
		s.mu.Unlock()
		if sig != "" {
			return voidSignature(sig[strings.Index(sig, fun.Name)+len(fun.Name):])
		}
		v, ok := s.global(fun.Name)
		return ok && noResults(v)
	case *ast.SelectorExpr:
		x, ok := fun.X.(*ast.Ident)
		if !ok || x.Obj != nil {
			return false
		}
		if path, ok := s.packagePath(x.Name); ok {
			for _, syms := range s.in.Symbols(path) {
				if fn, ok := syms[fun.Sel.Name]; ok {
					return noResults(fn)
				}
			}
			return false
		}
		v, ok := s.global(x.Name)
		for ok && v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		if !ok || !v.IsValid() {
			return false
		}
		if m := v.MethodByName(fun.Sel.Name); m.IsValid() {
			return noResults(m)
		}
		if st := s.sessionTypeOf(v.Type()); st != nil {
			s.decls.mu.Lock()
			defer s.decls.mu.Unlock()
			for _, m := range st.methods {
				if m.name == fun.Sel.Name {
					return voidSignature(m.sig)
				}
			}
		}
	}
	return false
}

// noResults reports a function value without results.
func noResults(fn reflect.Value) bool {
	for fn.IsValid() && fn.Kind() == reflect.Interface && !fn.IsNil() {
		fn = fn.Elem()
	}
	return fn.IsValid() && fn.Kind() == reflect.Func && fn.Type().NumOut() == 0
}

// voidSignature reports a signature as written, "(x int)" or "() error",
// without results.
func voidSignature(sig string) bool {
	e, err := parser.ParseExpr("func" + strings.TrimSpace(sig))
	ft, ok := e.(*ast.FuncType)
	return err == nil && ok && ft.Results == nil
}

// preludeFuncs are the prelude's functions by name.
func (s *Session) preludeFuncs() map[string]reflect.Value {
	return s.prelude()[preludePath+"/prelude"]
}

// explainCtx adds to "undefined: ctx" at the prompt the one way to pass
// arguments to a function that takes a ctx: tomo(ctx, 5) is
// await background(tomo)(5).
func explainCtx(p *prepared, e *Error) {
	if e.Msg != "undefined: ctx" {
		return
	}
	src := []byte(p.src)
	for _, off := range awaitOffsets(p.src) {
		copy(src[off:], "<-   ")
	}
	text := "package p;func _(){" + string(src) + "\n}"
	f, err := parser.ParseFile(token.NewFileSet(), "", text, 0)
	if err != nil {
		return
	}
	hint := "await background(f)(args...)"
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		if id, ok := call.Args[0].(*ast.Ident); !ok || id.Name != "ctx" {
			return true
		}
		show := func(n ast.Node) string { return text[n.Pos()-1 : n.End()-1] }
		var args []string
		for _, a := range call.Args[1:] {
			args = append(args, show(a))
		}
		hint = fmt.Sprintf("await background(%s)(%s)", show(call.Fun), strings.Join(args, ", "))
		return false
	})
	e.Msg += " (the prompt has no ctx: a task gets its own, so start the function with its other arguments: " + hint + ")"
}

package repl

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
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

// void says why a call of name cannot be used as a value when name is a
// function of the prelude or the session without results; "" otherwise.
func (s *Session) void(name string) string {
	if name == "tasks" {
		return "tasks() prints the running tasks and returns nothing: taskList() returns them as a []*Task"
	}
	fn, ok := s.preludeFuncs()[name]
	if !ok {
		if v, found := s.global(name); found {
			fn, ok = v, true
		}
	}
	for ok && fn.Kind() == reflect.Interface && !fn.IsNil() {
		fn = fn.Elem()
	}
	if !ok || fn.Kind() != reflect.Func || fn.Type().NumOut() != 0 {
		return ""
	}
	return fmt.Sprintf("%s() returns nothing: it has no value to use", name)
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

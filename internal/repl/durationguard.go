package repl

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"time"

	"github.com/concert-go/concert/internal/devices/q"
)

// Two duration types meet in a session: q.Duration (seconds, a float) and
// time.Duration (nanoseconds, an integer). Go refuses to mix them, and the
// error says how to convert (explainGap). A conversion between them is
// accepted by Go and wrong by a factor of 10⁹: time.Duration(2 * q.S) is
// 2 ns. yaegi also takes var d q.Duration = 3 * time.Second, 3·10⁹ s.
// These are refused before anything runs (issue 15 item 13).

type durationKind int

const (
	notDuration durationKind = iota
	qDuration                // q.Duration: seconds
	stdDuration              // time.Duration: nanoseconds
)

var (
	qDurationType   = reflect.TypeFor[q.Duration]()
	stdDurationType = reflect.TypeFor[time.Duration]()
)

// timeUnits are package time's duration constants.
var timeUnits = map[string]bool{"Nanosecond": true, "Microsecond": true, "Millisecond": true, "Second": true, "Minute": true, "Hour": true}

// timeSelector gives the name selected from package time by e.
func timeSelector(e ast.Expr) (string, bool) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok || id.Name != "time" || id.Obj != nil {
		return "", false
	}
	return sel.Sel.Name, true
}

// kindOfType is the duration kind of values of type t.
func kindOfType(t reflect.Type) durationKind {
	switch t {
	case qDurationType:
		return qDuration
	case stdDurationType:
		return stdDuration
	}
	return notDuration
}

// durationOf says which duration e is, where that shows without running
// anything: units, conversions, variables of the session, methods of its
// devices.
func (s *Session) durationOf(e ast.Expr) durationKind {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return s.durationOf(e.X)
	case *ast.UnaryExpr:
		return s.durationOf(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO:
			if k := s.durationOf(e.X); k != notDuration {
				return k
			}
			return s.durationOf(e.Y)
		}
	case *ast.SelectorExpr:
		if name, ok := timeSelector(e); ok && timeUnits[name] {
			return stdDuration
		}
		if typ, ok := unitConst(e); ok && typ == "Duration" {
			return qDuration
		}
	case *ast.Ident:
		if e.Obj != nil {
			return notDuration
		}
		s.mu.Lock()
		known := s.names[e.Name]
		s.mu.Unlock()
		if v, ok := s.global(e.Name); known && ok && v.IsValid() {
			for v.Kind() == reflect.Interface && !v.IsNil() {
				v = v.Elem()
			}
			if v.IsValid() {
				return kindOfType(v.Type())
			}
		}
	case *ast.CallExpr:
		return s.durationOfCall(e)
	}
	return notDuration
}

func (s *Session) durationOfCall(call *ast.CallExpr) durationKind {
	if name, ok := qSelector(call.Fun); ok && (name == "Duration" || name == "FromStd") {
		return qDuration
	}
	if name, ok := timeSelector(call.Fun); ok && name == "Duration" {
		return stdDuration
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return notDuration
	}
	if sel.Sel.Name == "Std" && s.durationOf(sel.X) == qDuration {
		return stdDuration
	}
	if params := s.methodResults(sel.X, sel.Sel.Name); len(params) == 1 {
		return kindOfType(params[0])
	}
	return notDuration
}

// methodResults gives the result types of method on a variable of the
// session, nil if unknown.
func (s *Session) methodResults(recv ast.Expr, method string) []reflect.Type {
	id, ok := recv.(*ast.Ident)
	if !ok || id.Obj != nil {
		return nil
	}
	v, ok := s.global(id.Name)
	for ok && v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !ok || !v.IsValid() {
		return nil
	}
	m := v.MethodByName(method)
	if !m.IsValid() {
		return nil
	}
	out := make([]reflect.Type, m.Type().NumOut())
	for i := range out {
		out[i] = m.Type().Out(i)
	}
	return out
}

// checkDurations refuses a conversion between the two duration types and
// a duration of one type given where the other is declared; it returns
// the node and the reason, or "".
func (s *Session) checkDurations(n ast.Node, text func(ast.Node) string) (at token.Pos, msg string) {
	switch n := n.(type) {
	case *ast.CallExpr:
		if len(n.Args) != 1 {
			return 0, ""
		}
		arg := n.Args[0]
		if name, ok := timeSelector(n.Fun); ok && name == "Duration" && s.durationOf(arg) == qDuration {
			return n.Pos(), fmt.Sprintf("%s of a q.Duration counts nanoseconds, not seconds: write %s", text(n), std(arg, text))
		}
		if name, ok := qSelector(n.Fun); ok && name == "Duration" && s.durationOf(arg) == stdDuration {
			return n.Pos(), fmt.Sprintf("%s of a time.Duration counts nanoseconds as seconds: write q.FromStd(%s)", text(n), text(arg))
		}
	case *ast.ValueSpec:
		if n.Type == nil {
			return 0, ""
		}
		for _, v := range n.Values {
			if msg := s.mixedDuration(n.Type, v, text); msg != "" {
				return v.Pos(), msg
			}
		}
	}
	return 0, ""
}

// mixedDuration explains a value v of one duration type where the type typ
// is the other.
func (s *Session) mixedDuration(typ, v ast.Expr, text func(ast.Node) string) string {
	want := notDuration
	if name, ok := qSelector(typ); ok && name == "Duration" {
		want = qDuration
	} else if name, ok := timeSelector(typ); ok && name == "Duration" {
		want = stdDuration
	}
	switch got := s.durationOf(v); {
	case want == qDuration && got == stdDuration:
		return fmt.Sprintf("%s is a time.Duration, not a q.Duration: write q.FromStd(%s)", text(v), text(v))
	case want == stdDuration && got == qDuration:
		return fmt.Sprintf("%s is a q.Duration, not a time.Duration: write %s", text(v), std(v, text))
	}
	return ""
}

// std is the conversion of a q.Duration expression to a time.Duration.
func std(e ast.Expr, text func(ast.Node) string) string {
	switch e.(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.ParenExpr:
		return text(e) + ".Std()"
	}
	return "(" + text(e) + ").Std()"
}

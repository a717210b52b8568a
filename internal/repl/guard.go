package repl

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/repl/symbols"
)

// checkCall rejects a call that passes a bare number where a quantity is
// expected, such as motor.SetPosition(5): Go converts the 5 silently to
// 5 m, and a motor must never move 5 m because someone forgot the unit. The
// parameters come from reflection over the compiled method the receiver
// has at this moment.
func (s *Session) checkCall(call *ast.CallExpr, src string) string {
	if id, ok := call.Fun.(*ast.Ident); ok {
		return s.checkPreludeCall(call, id, src)
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	var bare []int
	for i, a := range call.Args {
		if _, ok := bareNumber(a); ok {
			bare = append(bare, i)
		}
	}
	if len(bare) == 0 {
		return ""
	}
	params := s.methodParams(sel.X, sel.Sel.Name)
	for _, i := range bare {
		lit, _ := bareNumber(call.Args[i])
		if params != nil {
			if i >= len(params) {
				continue
			}
			dim, ok := q.DimOf(params[i])
			if !ok && i == 0 && params[i].Kind() == reflect.Interface {
				dim, ok = s.paramDim(sel.X, sel.Sel.Name)
			}
			if ok {
				return unitlessArg(src, lit, dim)
			}
			if params[i] == quantityType {
				return unitlessQuantity(src, lit)
			}
			continue
		}
		// The receiver is not a variable of the session holding a
		// compiled value (a parameter of a function, an expression, a
		// device the session declared): any device method of that name
		// with a quantity there, or one the session declared, is enough
		// to refuse.
		dims := deviceMethodDims()[sel.Sel.Name][i]
		for _, d := range s.sessionMethodDims(sel.Sel.Name, i) {
			if !slices.Contains(dims, d) {
				dims = append(slices.Clip(dims), d)
			}
		}
		if takesQuantity(sel.Sel.Name, i) {
			return unitlessQuantity(src, lit)
		}
		if len(dims) > 0 {
			hints := make([]string, len(dims))
			for j, d := range dims {
				hints[j] = d.Hint(lit)
			}
			return fmt.Sprintf("%s: the number %s has no unit; write %s", src, lit, strings.Join(hints, " or "))
		}
	}
	return ""
}

// quantityType is q.Quantity, the interface a method takes where any
// unit will do, such as a parameter's SetLimits.
var quantityType = reflect.TypeFor[q.Quantity]()

// takesQuantity reports whether a parameter's method of that name takes a
// q.Quantity at argument i: yaegi turns a bare number there into a panic
// ("method not found: Base") instead of an error.
func takesQuantity(method string, i int) bool {
	m, ok := reflect.TypeFor[*devices.Parameter]().MethodByName(method)
	return ok && i+1 < m.Type.NumIn() && m.Type.In(i+1) == quantityType
}

// unitlessQuantity explains a bare number passed where a quantity of any
// unit is taken.
func unitlessQuantity(src, lit string) string {
	return fmt.Sprintf("%s: the number %s has no unit; write it with the parameter's unit, such as %s * q.MM", src, lit, lit)
}

// unitlessArg explains a bare number passed where a quantity of dimension
// dim is expected.
func unitlessArg(src, lit string, dim q.Dim) string {
	return fmt.Sprintf("%s: the number %s has no unit (it would mean %s %s); write %s",
		src, lit, lit, dim.Base(), dim.Hint(lit))
}

// durationFuncs are the prelude functions that take their durations as
// any (a q.Duration or a time.Duration): a bare number there would be
// nanoseconds, as in Go, where a user means seconds (Python's sleep(5)).
var durationFuncs = map[string]bool{"sleep": true, "waitUntil": true, "watchdog": true}

// checkPreludeCall is checkCall for a function of the prelude, such as
// count(det, 5): a bare number where the function takes a quantity (the
// count time, a q.Duration) is refused like one passed to a device's
// method. A name the session declared itself is not the prelude's.
func (s *Session) checkPreludeCall(call *ast.CallExpr, id *ast.Ident, src string) string {
	if id.Obj != nil {
		return ""
	}
	s.mu.Lock()
	shadowed := s.names[id.Name]
	s.mu.Unlock()
	ft, ok := preludeFuncTypes()[id.Name]
	if shadowed || !ok {
		return ""
	}
	for i, a := range call.Args {
		lit, ok := bareNumber(a)
		if !ok {
			continue
		}
		var pt reflect.Type
		switch {
		case ft.IsVariadic() && i >= ft.NumIn()-1:
			pt = ft.In(ft.NumIn() - 1).Elem()
		case i < ft.NumIn():
			pt = ft.In(i)
		default:
			continue
		}
		if dim, ok := q.DimOf(pt); ok {
			return unitlessArg(src, lit, dim)
		}
		if durationFuncs[id.Name] && pt.Kind() == reflect.Interface {
			return fmt.Sprintf("%s: the number %s has no unit (it would mean %s ns); write %s * q.S or %s * time.Second", src, lit, lit, lit, lit)
		}
	}
	return ""
}

// preludeFuncTypes gives the types of the prelude's functions by name;
// the types do not depend on the session.
var preludeFuncTypes = sync.OnceValue(func() map[string]reflect.Type {
	types := map[string]reflect.Type{}
	for _, names := range (*Session)(nil).prelude() {
		for name, v := range names {
			if v.Kind() == reflect.Func {
				types[name] = v.Type()
			}
		}
	}
	return types
})

// deviceMethodDims indexes, by method name and argument position, the
// dimensions that the methods of the types in the session's symbol tables
// (devices, parameters) take there.
var deviceMethodDims = sync.OnceValue(func() map[string]map[int][]q.Dim {
	index := map[string]map[int][]q.Dim{}
	for _, pkg := range symbols.Symbols {
		for _, v := range pkg {
			t := v.Type()
			if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct || v.Kind() != reflect.Pointer || !v.IsNil() {
				continue // only types are exported as typed nil pointers
			}
			for m := range t.NumMethod() {
				method := t.Method(m)
				for i := 1; i < method.Type.NumIn(); i++ {
					dim, ok := q.DimOf(method.Type.In(i))
					if !ok {
						continue
					}
					if index[method.Name] == nil {
						index[method.Name] = map[int][]q.Dim{}
					}
					if !slices.Contains(index[method.Name][i-1], dim) {
						index[method.Name][i-1] = append(index[method.Name][i-1], dim)
					}
				}
			}
		}
	}
	for _, byArg := range index {
		for _, dims := range byArg {
			slices.Sort(dims)
		}
	}
	return index
})

// bareNumber matches a numeric literal, possibly signed or in parentheses.
func bareNumber(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Value, e.Kind == token.INT || e.Kind == token.FLOAT
	case *ast.ParenExpr:
		return bareNumber(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD {
			lit, ok := bareNumber(e.X)
			return e.Op.String() + lit, ok
		}
	}
	return "", false
}

// methodParams gives the parameter types of recv.method when recv is a
// variable of the session holding a compiled value, such as a device.
func (s *Session) methodParams(recv ast.Expr, method string) []reflect.Type {
	id, ok := recv.(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := s.global(id.Name)
	if !ok || !v.IsValid() {
		return nil
	}
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	m := v.MethodByName(method)
	if !m.IsValid() {
		return nil
	}
	ft := m.Type()
	params := make([]reflect.Type, ft.NumIn())
	for i := range params {
		params[i] = ft.In(i)
	}
	return params
}

// awaitType gives the type of what await x gives, when x is an operation
// of a variable of the session, recv.Op(...), and the session knows it:
// learned from an earlier x := await of the same operation at the prompt,
// or, for recv.GetX(), the unit of the parameter x. The key names the
// operation by the receiver's type, for learning.
func (s *Session) awaitType(x ast.Expr) (typ, key string) {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return "", ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", ""
	}
	v, ok := s.global(id.Name)
	for ok && v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !ok || !v.IsValid() || !v.CanInterface() {
		return "", ""
	}
	key = v.Type().String() + "." + sel.Sel.Name
	s.mu.Lock()
	typ = s.learned[key]
	s.mu.Unlock()
	if typ != "" {
		return typ, key
	}
	name, isGet := strings.CutPrefix(sel.Sel.Name, "Get")
	d, isDev := v.Interface().(interface{ Params() []*devices.Parameter })
	if !isGet || !isDev {
		return "", key
	}
	for _, p := range d.Params() {
		if camel(p.Name()) != name || p.Unit() == nil {
			continue
		}
		if typ, ok := typeExpr(reflect.TypeOf(p.Unit())); ok {
			return typ, key
		}
	}
	return "", key
}

// camel is a parameter's name as its methods spell it: motion_velocity,
// MotionVelocity.
func camel(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

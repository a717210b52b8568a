package repl

import (
	"context"
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
	"github.com/concert-go/concert/internal/tasks"
)

// The unit guard's pass over a whole item, beside checkCall (guard.go),
// which sees one call at a time. It does three things the interpreter
// would otherwise get wrong without a word (issue 11):
//
//   - A constant of a unit, such as 10 * q.MM, stored in or returned as a
//     q.Quantity becomes nil in yaegi, and a nil limit used to mean none.
//     The pass writes every such constant as a conversion,
//     q.Length(10 * q.MM), which yaegi keeps.
//   - q.Length(n) of a number n means n metres: refused unless a unit
//     multiplies it, q.Length(n) * q.MM.
//   - It indexes the methods and struct types the session declares, so
//     that a bare number passed to a session device's SetGap(v q.Length)
//     is refused like one passed to a built-in device, and completion
//     knows the methods of a session type (yaegi gives compiled code no
//     method of an interpreted type).

// unitWrap is a constant of a unit to write as q.Type(...).
type unitWrap struct {
	pos, end token.Pos
	typ      string // "Length"
}

// declIndex is what the session declared that reflection cannot see.
type declIndex struct {
	mu sync.Mutex
	// methods: method name -> argument index -> the dimensions that
	// methods of that name declared in the session take there.
	methods map[string]map[int][]q.Dim
	// types: struct type name -> its declaration, for completion.
	types map[string]*sessionType
}

// sessionType is a struct type declared in the session.
type sessionType struct {
	fields  []string      // as yaegi names them in reflection: Base, Xgap
	methods []methodEntry // declared on T or *T
}

type methodEntry struct{ name, sig string }

// quantityNames maps the names of package q's quantity types to their
// dimensions, "Length" to q.DimLength, and the names of its units to their
// type's name, "MM" to "Length".
var quantityNames = sync.OnceValues(func() (types map[string]q.Dim, units map[string]string) {
	types, units = map[string]q.Dim{}, map[string]string{}
	for path, syms := range symbols.Symbols {
		if !strings.HasSuffix(path, "/devices/q/q") {
			continue
		}
		for name, v := range syms {
			t := v.Type()
			if v.Kind() == reflect.Pointer && v.IsNil() {
				if d, ok := q.DimOf(t.Elem()); ok {
					types[name] = d
				}
			} else if _, ok := q.DimOf(t); ok {
				units[name] = t.Name()
			}
		}
	}
	return types, units
})

// qSelector gives the name selected from package q by e, if e is q.Name.
func qSelector(e ast.Expr) (string, bool) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok || id.Name != "q" {
		return "", false
	}
	return sel.Sel.Name, true
}

// unitConst reports whether e is a constant made of numbers and units of
// one quantity type, and which: "Length" for 10 * q.MM, "" for a plain
// number.
func unitConst(e ast.Expr) (typ string, ok bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		return "", e.Kind == token.INT || e.Kind == token.FLOAT
	case *ast.ParenExpr:
		return unitConst(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.ADD || e.Op == token.SUB {
			return unitConst(e.X)
		}
	case *ast.SelectorExpr:
		if name, isQ := qSelector(e); isQ {
			_, units := quantityNames()
			typ, ok = units[name]
			return typ, ok
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO:
			a, okA := unitConst(e.X)
			b, okB := unitConst(e.Y)
			switch {
			case !okA || !okB:
				return "", false
			case a == "" || a == b:
				return b, true
			case b == "":
				return a, true
			}
		}
	}
	return "", false
}

// conversion gives the quantity type a call converts to, if it is
// q.Length(x) and the like.
func conversion(call *ast.CallExpr) (q.Dim, bool) {
	name, ok := qSelector(call.Fun)
	if !ok || len(call.Args) != 1 {
		return 0, false
	}
	types, _ := quantityNames()
	d, ok := types[name]
	return d, ok
}

// checkUnits is the pass; text gives the source of a node. It returns the
// constants to wrap, and the first refused expression with the reason.
func (s *Session) checkUnits(f *ast.File, text func(ast.Node) string) (wraps []unitWrap, at token.Pos, msg string) {
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.GenDecl:
			if n.Tok == token.CONST {
				return false // a conversion is no constant to yaegi
			}
			if n.Tok == token.TYPE {
				s.indexTypes(n)
			}
		case *ast.FuncDecl:
			if n.Recv != nil {
				s.indexMethod(n, text)
			}
		case *ast.CallExpr, *ast.ValueSpec:
			if pos, why := s.checkDurations(n, text); why != "" && msg == "" {
				at, msg = pos, why
			}
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			if d, ok := conversion(n); ok {
				if msg == "" && !s.convertsWithUnit(n, d, stack) {
					at, msg = n.Pos(), unitlessMessage(d, n, text)
				}
				if _, isConst := unitConst(n.Args[0]); isConst {
					return false // converted already
				}
			}
		case ast.Expr:
			if typ, ok := unitConst(n); ok && typ != "" {
				wraps = append(wraps, unitWrap{n.Pos(), n.End(), typ})
				return false
			}
		}
		stack = append(stack, n)
		return true
	})
	return wraps, at, msg
}

// convertsWithUnit reports whether a conversion q.T(x) says its unit: x
// has one (q.Length(10 * q.MM)), is zero, is a value in base units
// (q.Length(d.Base())), is a quantity variable of the session, or the
// conversion is a factor of something other than a plain number
// (q.Length(n) * q.MM, step * q.Length(n)) or a divisor ((hi - lo) /
// q.Length(n)), where it counts. stack holds the conversion's ancestors,
// innermost last.
func (s *Session) convertsWithUnit(call *ast.CallExpr, d q.Dim, stack []ast.Node) bool {
	if d == q.DimRatio {
		return true // q.Ratio(0.5) is 0.5: no unit is missing
	}
	arg := ast.Unparen(call.Args[0])
	if t, ok := unitConst(arg); ok && t != "" {
		return true
	}
	if lit, ok := arg.(*ast.BasicLit); ok && strings.Trim(lit.Value, "0.") == "" {
		return true
	}
	if c, ok := arg.(*ast.CallExpr); ok {
		if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Base" && len(c.Args) == 0 {
			return true
		}
	}
	if id, ok := arg.(*ast.Ident); ok {
		if v, ok := s.in.Globals()[id.Name]; ok && v.IsValid() {
			for v.Kind() == reflect.Interface && !v.IsNil() {
				v = v.Elem()
			}
			if _, isQ := q.DimOf(v.Type()); isQ {
				return true
			}
		}
	}
	var child ast.Node = call
	for i := len(stack) - 1; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.ParenExpr:
			child = p
			continue
		case *ast.BinaryExpr:
			// n * unit gives the unit; (hi - lo) / q.Length(n) divides
			// by a count, as Go makes you write it; step * q.Length(n)
			// multiplies by one. A plain number on the other side
			// gives no unit.
			other := p.X
			if other == child {
				other = p.Y
			}
			switch {
			case p.Op == token.QUO && p.Y == child:
				return true
			case p.Op != token.MUL:
				return false
			}
			typ, isConst := unitConst(other)
			return !isConst || typ != ""
		}
		return false
	}
	return false
}

// unitlessMessage explains a refused q.Length(n).
func unitlessMessage(d q.Dim, call *ast.CallExpr, text func(ast.Node) string) string {
	src, arg := text(call), text(call.Args[0])
	if lit, ok := bareNumber(call.Args[0]); ok {
		return fmt.Sprintf("%s has no unit (it means %s %s); write %s", src, lit, d.Base(), d.Hint(lit))
	}
	return fmt.Sprintf("%s has no unit: %s counts in %s; write %s * %s", src, arg, d.Base(), src, d.Unit().Const)
}

// indexTypes records the struct types a declaration declares.
func (s *Session) indexTypes(gd *ast.GenDecl) {
	for _, spec := range gd.Specs {
		ts, ok := spec.(*ast.TypeSpec)
		if !ok {
			continue
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		var fields []string
		for _, f := range st.Fields.List {
			names := f.Names
			if len(names) == 0 { // embedded: the type's name
				t := f.Type
				if star, ok := t.(*ast.StarExpr); ok {
					t = star.X
				}
				switch t := t.(type) {
				case *ast.Ident:
					names = []*ast.Ident{t}
				case *ast.SelectorExpr:
					names = []*ast.Ident{t.Sel}
				}
			}
			for _, n := range names {
				if token.IsExported(n.Name) {
					fields = append(fields, n.Name)
				} else {
					fields = append(fields, "X"+n.Name)
				}
			}
		}
		s.decls.mu.Lock()
		if s.decls.types == nil {
			s.decls.types = map[string]*sessionType{}
		}
		old := s.decls.types[ts.Name.Name]
		st2 := &sessionType{fields: fields}
		if old != nil {
			st2.methods = old.methods
		}
		s.decls.types[ts.Name.Name] = st2
		s.decls.mu.Unlock()
	}
}

// indexMethod records a method's quantity arguments, for checkCall, and
// its receiver type, for completion.
func (s *Session) indexMethod(fd *ast.FuncDecl, text func(ast.Node) string) {
	types, _ := quantityNames()
	dims := map[int][]q.Dim{}
	i := 0
	for _, field := range fd.Type.Params.List {
		n := max(len(field.Names), 1)
		if name, ok := qSelector(field.Type); ok {
			if d, ok := types[name]; ok {
				for j := range n {
					dims[i+j] = []q.Dim{d}
				}
			}
		}
		i += n
	}
	recv := fd.Recv.List[0].Type
	if star, ok := recv.(*ast.StarExpr); ok {
		recv = star.X
	}
	sig := strings.TrimPrefix(text(fd.Type), "func")
	if i := strings.Index(sig, fd.Name.Name+"("); i >= 0 {
		sig = sig[i+len(fd.Name.Name):] // after the receiver and the name
	}
	s.decls.mu.Lock()
	defer s.decls.mu.Unlock()
	if s.decls.methods == nil {
		s.decls.methods = map[string]map[int][]q.Dim{}
	}
	if s.decls.types == nil {
		s.decls.types = map[string]*sessionType{}
	}
	name := fd.Name.Name
	for i, ds := range dims {
		if s.decls.methods[name] == nil {
			s.decls.methods[name] = map[int][]q.Dim{}
		}
		if !slices.Contains(s.decls.methods[name][i], ds[0]) {
			s.decls.methods[name][i] = append(s.decls.methods[name][i], ds[0])
		}
	}
	if id, ok := recv.(*ast.Ident); ok {
		t := s.decls.types[id.Name]
		if t == nil {
			t = &sessionType{}
			s.decls.types[id.Name] = t
		}
		t.methods = slices.DeleteFunc(t.methods, func(m methodEntry) bool { return m.name == name })
		t.methods = append(t.methods, methodEntry{name, sig})
	}
}

// sessionMethodDims gives the dimensions that methods called method,
// declared in the session, take at argument i.
func (s *Session) sessionMethodDims(method string, i int) []q.Dim {
	s.decls.mu.Lock()
	defer s.decls.mu.Unlock()
	return slices.Clone(s.decls.methods[method][i])
}

// sessionTypeOf finds the session's struct type whose fields match those
// of t, a struct type yaegi made (or a pointer to one), since yaegi's
// reflection types carry no name.
func (s *Session) sessionTypeOf(t reflect.Type) *sessionType {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.Name() != "" {
		return nil
	}
	fields := make([]string, t.NumField())
	for i := range fields {
		fields[i] = t.Field(i).Name
	}
	s.decls.mu.Lock()
	defer s.decls.mu.Unlock()
	var found *sessionType
	for _, st := range s.decls.types {
		if slices.Equal(st.fields, fields) {
			if found != nil {
				return nil // two types alike: cannot tell
			}
			found = st
		}
	}
	return found
}

// tellNotes prints what the device registry has to say about what the
// command ctx belongs to did, such as a device that replaced another of
// the same name.
func (s *Session) tellNotes(ctx context.Context) {
	for _, n := range devices.TakeNotes(tasks.FromContext(ctx)) {
		fmt.Fprintln(s.out, "note: "+n)
	}
}

// paramDim gives the dimension of the parameter that recv.method sets,
// when recv is a variable of the session holding a device whose SetX or
// Move takes any value (a motor over a driver, motors.Motor) and the
// parameter has a unit: such a method has no quantity type for
// reflection to find.
func (s *Session) paramDim(recv ast.Expr, method string) (q.Dim, bool) {
	id, ok := recv.(*ast.Ident)
	if !ok {
		return 0, false
	}
	v, ok := s.in.Globals()[id.Name]
	if !ok || !v.IsValid() || !v.CanInterface() {
		return 0, false
	}
	b := devices.Of(v.Interface())
	if b == nil {
		return 0, false
	}
	camel, isSet := strings.CutPrefix(method, "Set")
	if method == "Move" {
		camel, isSet = "Position", true
	}
	if !isSet {
		return 0, false
	}
	for _, p := range b.Params() {
		if devices.Camel(p.Name()) == camel && p.Unit() != nil {
			return p.Unit().Dim(), true
		}
	}
	return 0, false
}

package repl

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"path"
	"reflect"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/stdlib"

	"github.com/concert-go/concert/internal/repl/symbols"
)

// chanPauser rewrites the channel operations of session functions that
// may block so that they give up the gate's read share while they block
// (issue 17): a task blocked in <-ctx.Done() held its share, and every
// command then waited patience for it. The operands are evaluated into
// fresh locals while the share is held (they may read a global variable),
// _pz_ (gate.pauseShare) gives it up, the operation blocks, and _rs_
// (gate.resumeShare) takes the share back before any other interpreted
// code runs; whatever the operation stores while paused goes into a
// local of the function, never the global frame. A pause that never
// sees its _rs_ (a send on a closed channel panics; yaegi stops a
// blocked goroutine) is ended by the gate itself (see gate.guards).
//
// Forms that pause, as statements of a function: <-c; v := <-c and
// v, ok := <-c; v = <-c, x.f[i] = <-c and x += <-c (through a local);
// c <- v for a v that is a local, a constant or of a type of its own (a
// call, a composite literal); select without default, its cases of those
// forms; for v := range c where c is known to be a channel (made or
// declared as one in the item, a global of the session holding one, a
// channel field of a global (ticker.C), a package function or a compiled
// global's method returning one: time.Tick(d)); and a statement (an
// expression, assignment, return, if or switch) whose first receive comes
// before any call it makes: f(<-c), x = append(x, <-c), return <-c * 2,
// nil, if v, ok := <-c; ok, switch <-c. Not: a receive after a call or
// && / || of its statement (f(g(), <-c)), the second receive of one, a
// send of an untyped expression of named constants, and code outside
// functions, which runs on the evaluation's own goroutine with no share.
type chanPauser struct {
	temps   int
	offset  func(token.Pos) int
	at      func(token.Pos) string // a position directive
	add     func(off, end int, text string)
	apply   func(from, to int) string // the rewritten text; set after the walk
	isAwait func(ast.Node) (*ast.UnaryExpr, bool)
	// chanExpr reports, for the session, a global variable or a package
	// function's call that is a channel; global, a global variable or
	// constant of the session, and whether it is an untyped constant.
	chanExpr func(ast.Expr) bool
	global   func(name string) (known, untyped bool)
	gens     []func() string
	funcs    [][2]token.Pos // the functions around the walk, outermost first
}

// pauseShare is _pz_ and resumeShare _rs_, around a channel operation
// (see gate.pauseShare).
func (s *Session) pauseShare()  { s.gate.pauseShare() }
func (s *Session) resumeShare() { s.gate.resumeShare() }

// Edit texts that are made once the rewrite is known (apply expands them).
const (
	genMark     = "\x00g" // + index in gens: generated text
	operandMark = "\x00o" // + a temporary: an operand evaluated before
)

// expand gives an edit's text; hidden reports an operand's edit when
// the text of exactly that operand is asked for, to evaluate it before.
func (c *chanPauser) expand(text string) string {
	switch {
	case strings.HasPrefix(text, genMark):
		i, _ := strconv.Atoi(text[len(genMark):])
		return c.gens[i]()
	case strings.HasPrefix(text, operandMark):
		return text[len(operandMark):]
	}
	return text
}

func (c *chanPauser) hidden(text string, off, end, from, to int) bool {
	return off == from && end == to && strings.HasPrefix(text, operandMark)
}

func (c *chanPauser) enter(fn ast.Node) { c.funcs = append(c.funcs, [2]token.Pos{fn.Pos(), fn.End()}) }
func (c *chanPauser) exit()             { c.funcs = c.funcs[:len(c.funcs)-1] }

// gen replaces from..to by what f makes when the text is written.
func (c *chanPauser) gen(from, to token.Pos, f func() string) {
	c.gens = append(c.gens, f)
	c.add(c.offset(from), c.offset(to), genMark+strconv.Itoa(len(c.gens)-1))
}

func (c *chanPauser) src(n ast.Node) string { return c.apply(c.offset(n.Pos()), c.offset(n.End())) }

// span is the rewritten text from..to.
func (c *chanPauser) span(from, to token.Pos) string { return c.apply(c.offset(from), c.offset(to)) }

func (c *chanPauser) temp(kind string) string {
	c.temps++
	return fmt.Sprintf("_g%s%d", kind, c.temps)
}

// recv is e as a receive that is no await.
func (c *chanPauser) recv(e ast.Expr) *ast.UnaryExpr {
	u, ok := e.(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return nil
	}
	if _, aw := c.isAwait(u); aw {
		return nil
	}
	return u
}

// hasAwait reports an await in n: its rewrite ends where n ends.
func (c *chanPauser) hasAwait(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if _, aw := c.isAwait(m); aw {
			found = true
		}
		return !found
	})
	return found
}

// local reports a variable of a function around the walk: it lives in
// the function's frame, which no evaluation touches.
func (c *chanPauser) local(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok || id.Obj == nil || id.Obj.Kind != ast.Var {
		return id != nil && id.Name == "_"
	}
	d, ok := id.Obj.Decl.(ast.Node)
	return ok && len(c.funcs) > 0 && c.funcs[0][0] <= d.Pos() && d.Pos() < c.funcs[0][1]
}

// constant reports a constant, which reads no frame where it is used:
// a literal, or a constant declared in the item or the session.
func (c *chanPauser) constant(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		return e.Op != token.AND && e.Op != token.ARROW && c.constant(e.X)
	case *ast.BinaryExpr:
		return c.constant(e.X) && c.constant(e.Y)
	case *ast.Ident:
		if e.Obj != nil {
			return e.Obj.Kind == ast.Con
		}
		if e.Name == "nil" || e.Name == "true" || e.Name == "false" {
			return true
		}
		_, untyped := c.globalKind(e.Name)
		return untyped
	}
	return false
}

func (c *chanPauser) globalKind(name string) (known, untyped bool) {
	if c.global == nil {
		return false, false
	}
	return c.global(name)
}

// typed reports an expression of a type of its own, which a temporary
// keeps: not an untyped constant (ch <- 1 into a chan float64).
func (c *chanPauser) typed(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if e.Obj != nil {
			return e.Obj.Kind == ast.Var
		}
		known, untyped := c.globalKind(e.Name)
		return known && !untyped
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		return !ok || id.Obj != nil || (id.Name != "real" && id.Name != "imag" && id.Name != "complex")
	case *ast.CompositeLit, *ast.IndexExpr, *ast.SliceExpr, *ast.StarExpr, *ast.TypeAssertExpr, *ast.FuncLit:
		return true
	case *ast.UnaryExpr:
		return e.Op == token.AND || e.Op == token.ARROW || c.typed(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.SHL || e.Op == token.SHR {
			return c.typed(e.X) // 1 << n takes its type from where it is used
		}
		return c.typed(e.X) || c.typed(e.Y)
	case *ast.SelectorExpr:
		return c.typed(e.X) // a field or method of a variable, not a package's constant
	}
	return false
}

// sendable reports a value a send may evaluate before its pause (typed)
// or where it is (a local, a constant).
func (c *chanPauser) sendable(e ast.Expr) bool {
	return c.local(e) || c.constant(e) || c.typed(e)
}

// operand evaluates e, the channel or value of an operation, before the
// pause: decl declares a temporary, use is what the operation reads. A
// local or a constant is read where it is: nothing else changes it.
func (c *chanPauser) operand(e ast.Expr) (decl, use func() string) {
	if c.local(e) || c.constant(e) {
		return func() string { return "" }, func() string { return c.at(e.Pos()) + c.src(e) }
	}
	name := c.temp("o")
	return func() string { return name + ":=" + c.at(e.Pos()) + c.src(e) + ";" },
		func() string { return c.at(e.Pos()) + name }
}

// list rewrites the statements of a block of a function.
func (c *chanPauser) list(stmts []ast.Stmt) {
	for _, s := range stmts {
		if c.hasAwait(s) && !isSelect(s) {
			continue
		}
		switch s := s.(type) {
		case *ast.LabeledStmt:
			if sel, ok := s.Stmt.(*ast.SelectStmt); ok {
				c.selectStmt(sel, s.Pos())
			}
		case *ast.ExprStmt:
			if u := c.recv(s.X); u != nil {
				decl, use := c.operand(u.X)
				c.gen(s.Pos(), s.End(), func() string {
					return "{" + decl() + "_pz_();" + c.at(u.Pos()) + "<-" + use() + ";_rs_()}" + c.at(s.End())
				})
			} else {
				c.hoist(s, false, s.X)
			}
		case *ast.AssignStmt:
			if !c.assign(s) {
				c.hoist(s, s.Tok == token.DEFINE, s)
			}
		case *ast.IfStmt:
			c.hoist(s, false, s.Init, s.Cond)
		case *ast.SwitchStmt:
			c.hoist(s, false, s.Init, s.Tag)
		case *ast.SendStmt:
			if c.sendable(s.Value) {
				ch, chUse := c.operand(s.Chan)
				v, vUse := c.operand(s.Value)
				c.gen(s.Pos(), s.End(), func() string {
					return "{" + ch() + v() + "_pz_();" + chUse() + "<-" + vUse() + ";_rs_()}" + c.at(s.End())
				})
			}
		case *ast.ReturnStmt:
			parts := make([]ast.Node, len(s.Results))
			for i, r := range s.Results {
				parts[i] = r
			}
			c.hoist(s, false, parts...)
		case *ast.SelectStmt:
			c.selectStmt(s, s.Pos())
		}
	}
}

func isSelect(s ast.Stmt) bool {
	if l, ok := s.(*ast.LabeledStmt); ok {
		s = l.Stmt
	}
	_, ok := s.(*ast.SelectStmt)
	return ok
}

// hoist rewrites a statement whose parts (in the order Go evaluates
// them) receive before they call anything: f(<-c), x := g(<-c), return
// <-c, nil, if v, ok := <-c; ok {...}. The receive goes into a local
// before the statement, pausing; in Go, reading variables has no order
// against a receive, and nothing else comes before it. define keeps the
// statement's variables in its scope (no braces around).
func (c *chanPauser) hoist(s ast.Stmt, define bool, parts ...ast.Node) {
	var u *ast.UnaryExpr
	commaOK := false
	for _, p := range parts {
		found, stop := c.firstRecv(p)
		if as, ok := p.(*ast.AssignStmt); ok && found != nil && len(as.Lhs) == 2 && len(as.Rhs) == 1 && as.Rhs[0] == found {
			commaOK = true
		}
		if u = found; stop {
			break
		}
	}
	if u == nil {
		return
	}
	decl, use := c.operand(u.X)
	v := c.temp("v")
	if commaOK {
		v += "," + c.temp("k")
	}
	open, closing := "{", "}"
	if define {
		open, closing = "", ""
	}
	c.gen(s.Pos(), s.End(), func() string {
		return open + decl() + "_pz_();" + v + ":=<-" + use() + ";_rs_();" + c.at(s.Pos()) +
			c.span(s.Pos(), u.Pos()) + v + c.at(u.End()) + c.span(u.End(), s.End()) + closing + c.at(s.End())
	})
}

// firstRecv finds the receive that n performs first, if it calls nothing
// before it, receives nothing else and is not after && or ||; stop says
// the search is over (found, or something else comes first).
func (c *chanPauser) firstRecv(n ast.Node) (u *ast.UnaryExpr, stop bool) {
	walk := func(ns ...ast.Node) (*ast.UnaryExpr, bool) {
		for _, m := range ns {
			if u, stop := c.firstRecv(m); stop {
				return u, true
			}
		}
		return nil, false
	}
	switch n := n.(type) {
	case *ast.UnaryExpr:
		if n.Op != token.ARROW {
			return c.firstRecv(n.X)
		}
		if _, aw := c.isAwait(n); aw {
			return nil, true
		}
		return n, true
	case *ast.CallExpr:
		if u, stop := walk(n.Fun); stop {
			return u, true
		}
		for _, a := range n.Args {
			if u, stop := c.firstRecv(a); stop {
				return u, true
			}
		}
		return nil, true // the call itself
	case *ast.BinaryExpr:
		if u, stop := c.firstRecv(n.X); stop {
			return u, true
		}
		if n.Op == token.LAND || n.Op == token.LOR {
			return nil, true // what follows runs only sometimes
		}
		return c.firstRecv(n.Y)
	case *ast.ParenExpr:
		return c.firstRecv(n.X)
	case *ast.SelectorExpr:
		return c.firstRecv(n.X)
	case *ast.StarExpr:
		return c.firstRecv(n.X)
	case *ast.TypeAssertExpr:
		return c.firstRecv(n.X)
	case *ast.IndexExpr:
		return walk(n.X, n.Index)
	case *ast.SliceExpr:
		return walk(n.X, n.Low, n.High, n.Max)
	case *ast.KeyValueExpr:
		return walk(n.Key, n.Value)
	case *ast.CompositeLit:
		for _, e := range n.Elts {
			if u, stop := c.firstRecv(e); stop {
				return u, true
			}
		}
	case *ast.ExprStmt:
		return c.firstRecv(n.X)
	case *ast.AssignStmt:
		for _, e := range append(append([]ast.Expr{}, n.Lhs...), n.Rhs...) {
			if u, stop := c.firstRecv(e); stop {
				return u, true
			}
		}
	case nil, *ast.Ident, *ast.BasicLit, *ast.FuncLit:
	default:
		return nil, true // a statement or expression not looked into
	}
	return nil, false
}

// assign rewrites v := <-c, v, ok = <-c, x.f = <-c, x += <-c; it reports
// whether the statement was one of those.
func (c *chanPauser) assign(s *ast.AssignStmt) bool {
	if len(s.Rhs) != 1 || len(s.Lhs) > 2 {
		return false
	}
	u := c.recv(s.Rhs[0])
	if u == nil {
		return false
	}
	decl, use := c.operand(u.X)
	if c.direct(s) {
		// Stored while paused, into locals.
		c.gen(s.Pos(), s.End(), func() string {
			return decl() + "_pz_();" + c.at(s.Pos()) + c.span(s.Pos(), u.Pos()) + "<-" + use() + ";_rs_()" + c.at(s.End())
		})
		return true
	}
	vals := c.temp("v")
	if len(s.Lhs) == 2 {
		vals += "," + c.temp("k")
	}
	c.gen(s.Pos(), s.End(), func() string {
		return "{" + decl() + "_pz_();" + vals + ":=<-" + use() + ";_rs_();" +
			c.at(s.Pos()) + c.span(s.Pos(), s.TokPos) + s.Tok.String() + vals + "}" + c.at(s.End())
	})
	return true
}

// direct reports an assignment of a receive that may store while paused:
// every variable it sets is a local.
func (c *chanPauser) direct(s *ast.AssignStmt) bool {
	if s.Tok == token.DEFINE {
		return true
	}
	if s.Tok != token.ASSIGN {
		return false
	}
	for _, l := range s.Lhs {
		if !c.local(l) {
			return false
		}
	}
	return true
}

// selectStmt rewrites a select without default: its operands are
// evaluated into locals, in the order Go evaluates them, before the
// pause; every case takes the share back first; a case that assigns
// what it received to other than locals does so after that.
func (c *chanPauser) selectStmt(s *ast.SelectStmt, start token.Pos) {
	if hasDefault(s) {
		c.selectAssigns(s)
		return
	}
	type clause struct {
		cc    *ast.CommClause
		after func() string // the assignment after the share is back
	}
	var decls []func() string
	var clauses []clause
	for _, st := range s.Body.List {
		cc := st.(*ast.CommClause)
		if cc.Comm == nil || c.hasAwait(cc.Comm) {
			return // a default: the select does not block
		}
		cl := clause{cc: cc}
		switch comm := cc.Comm.(type) {
		case *ast.SendStmt:
			if !c.sendable(comm.Value) {
				return
			}
			decls = append(decls, c.selectOperand(comm.Chan), c.selectOperand(comm.Value))
		case *ast.ExprStmt:
			u := c.recv(comm.X)
			if u == nil {
				return
			}
			decls = append(decls, c.selectOperand(u.X))
		case *ast.AssignStmt:
			u := c.recv(comm.Rhs[0])
			if u == nil {
				return
			}
			decls = append(decls, c.selectOperand(u.X))
			// yaegi v0.16.1 gets case x = <-c wrong, x a variable
			// declared before: the value is lost (a local) or wrong (a
			// global), so only := receives into the case itself.
			if comm.Tok != token.DEFINE {
				vals := c.temp("v")
				if len(comm.Lhs) == 2 {
					vals += "," + c.temp("k")
				}
				c.add(c.offset(comm.Pos()), c.offset(u.Pos()), vals+":="+c.at(u.Pos()))
				cl.after = func() string {
					return c.at(comm.Pos()) + c.span(comm.Pos(), comm.TokPos) + comm.Tok.String() + vals + ";"
				}
			}
		}
		clauses = append(clauses, cl)
	}
	c.gen(start, start, func() string {
		var b strings.Builder
		b.WriteString("{")
		for _, d := range decls {
			b.WriteString(d())
		}
		b.WriteString("_pz_();" + c.at(start))
		return b.String()
	})
	for _, cl := range clauses {
		after := cl.after
		colon := cl.cc.Colon + 1
		c.gen(colon, colon, func() string {
			text := "_rs_();"
			if after != nil {
				text += after()
			}
			return text + c.at(colon)
		})
	}
	c.add(c.offset(s.End()), c.offset(s.End()), "}")
}

// hasDefault reports a select with a default case: it does not block.
func hasDefault(s *ast.SelectStmt) bool {
	for _, st := range s.Body.List {
		if st.(*ast.CommClause).Comm == nil {
			return true
		}
	}
	return false
}

// selectAssigns rewrites the cases of a select that does not block which
// assign what they receive to variables declared before (case x = <-c):
// yaegi v0.16.1 panics there (reflect.Select: invalid Dir). The case
// receives into temporaries, and its body starts by assigning them.
func (c *chanPauser) selectAssigns(s *ast.SelectStmt) {
	for _, st := range s.Body.List {
		cc := st.(*ast.CommClause)
		comm, ok := cc.Comm.(*ast.AssignStmt)
		if !ok || comm.Tok == token.DEFINE || c.hasAwait(comm) {
			continue
		}
		u := c.recv(comm.Rhs[0])
		if u == nil {
			continue
		}
		vals := c.temp("v")
		if len(comm.Lhs) == 2 {
			vals += "," + c.temp("k")
		}
		c.add(c.offset(comm.Pos()), c.offset(u.Pos()), vals+":="+c.at(u.Pos()))
		colon := cc.Colon + 1
		c.gen(colon, colon, func() string {
			return c.at(comm.Pos()) + c.span(comm.Pos(), comm.TokPos) + comm.Tok.String() + vals + ";" + c.at(colon)
		})
	}
}

// selectOperand evaluates a select's operand before the select, unless
// it is a local or a constant, and puts the temporary in its place.
func (c *chanPauser) selectOperand(e ast.Expr) func() string {
	if c.local(e) || c.constant(e) {
		return func() string { return "" }
	}
	name := c.temp("o")
	c.add(c.offset(e.Pos()), c.offset(e.End()), operandMark+name)
	return func() string { return name + ":=" + c.at(e.Pos()) + c.src(e) + ";" }
}

// rangeChan rewrites for v := range c over a channel as a loop of
// receives that pause; it reports whether it did. copies is
// copyLoopVars, for a v that a closure in the body captures.
func (c *chanPauser) rangeChan(n *ast.RangeStmt, copies func(loop ast.Stmt, body *ast.BlockStmt, text string)) bool {
	if n.Value != nil || !c.isChan(n.X, 0) || c.hasAwait(n.X) {
		return false
	}
	ch, v, ok := c.temp("o"), c.temp("v"), c.temp("k")
	key, _ := n.Key.(*ast.Ident)
	bind := ""
	switch {
	case n.Key == nil || (key != nil && key.Name == "_"):
		v = "_"
	case n.Tok == token.DEFINE:
		bind = key.Name + ":=" + v + ";"
		if loopCopies([]ast.Expr{key}, n.Body) != "" {
			copies(n, n.Body, bind)
			bind = ""
		}
	}
	c.gen(n.For, n.Body.Lbrace+1, func() string {
		assign := bind
		if n.Tok == token.ASSIGN && v != "_" {
			assign = c.src(n.Key) + "=" + v + ";"
		}
		return "for " + ch + ":=" + c.at(n.X.Pos()) + c.src(n.X) + ";;{_pz_();" + v + "," + ok + ":=<-" + ch +
			";_rs_();if !" + ok + "{break};" + assign + c.at(n.Body.Lbrace+1)
	})
	return true
}

// isChan reports an expression known to be a channel before it runs.
func (c *chanPauser) isChan(e ast.Expr, depth int) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Name == "make" && id.Obj == nil && len(e.Args) > 0 {
			_, ok := e.Args[0].(*ast.ChanType)
			return ok
		}
	case *ast.Ident:
		if e.Obj != nil {
			return e.Obj.Kind == ast.Var && depth < 4 && c.declaredChan(e, depth)
		}
	}
	return c.chanExpr != nil && c.chanExpr(e)
}

// declaredChan reports a variable of the item declared as a channel.
func (c *chanPauser) declaredChan(id *ast.Ident, depth int) bool {
	isChanType := func(t ast.Expr) bool { _, ok := t.(*ast.ChanType); return ok }
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		return isChanType(d.Type)
	case *ast.ValueSpec:
		if d.Type != nil {
			return isChanType(d.Type)
		}
		for i, n := range d.Names {
			if n.Name == id.Name && len(d.Values) == len(d.Names) {
				return c.isChan(d.Values[i], depth+1)
			}
		}
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if l, ok := l.(*ast.Ident); ok && l.Name == id.Name && len(d.Rhs) == len(d.Lhs) {
				return c.isChan(d.Rhs[i], depth+1)
			}
		}
	}
	return false
}

// chanExpr reports a global of the session that holds a channel, a
// channel field of one (ticker.C), or a call that returns a channel: of a
// package's function (time.Tick, time.After) or of a global's method.
func (s *Session) chanExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		v, ok := s.global(e.Name)
		return ok && v.IsValid() && v.Kind() == reflect.Chan
	case *ast.SelectorExpr:
		t, ok := s.globalType(e.X)
		for ok && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if !ok || t.Kind() != reflect.Struct {
			return false
		}
		f, ok := t.FieldByName(e.Sel.Name)
		return ok && f.IsExported() && f.Type.Kind() == reflect.Chan
	case *ast.CallExpr:
		sel, ok := e.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		var f reflect.Type
		if t, ok := s.globalType(sel.X); ok {
			m, ok := t.MethodByName(sel.Sel.Name)
			if !ok {
				return false
			}
			f = m.Type
		} else if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Obj == nil {
			path, ok := s.packagePath(pkg.Name)
			if !ok {
				return false
			}
			v, ok := symbol(path, sel.Sel.Name)
			if !ok || v.Kind() != reflect.Func {
				return false
			}
			f = v.Type()
		}
		return f != nil && f.NumOut() == 1 && f.Out(0).Kind() == reflect.Chan
	}
	return false
}

// globalType is the type of a global variable of the session named by e,
// as what it holds says: a compiled value's own type.
func (s *Session) globalType(e ast.Expr) (reflect.Type, bool) {
	id, ok := e.(*ast.Ident)
	if !ok || id.Obj != nil {
		return nil, false
	}
	v, ok := s.global(id.Name)
	for ok && v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !ok || !v.IsValid() || v.Kind() == reflect.Interface {
		return nil, false
	}
	return v.Type(), true
}

// globalKind reports a global variable or constant of the session, and
// whether it is an untyped constant (yaegi keeps its constant.Value).
func (s *Session) globalKind(name string) (known, untyped bool) {
	v, ok := s.global(name)
	if !ok || !v.IsValid() {
		return false, false
	}
	if v.CanInterface() {
		_, untyped = v.Interface().(constant.Value)
	}
	return true, untyped
}

// symbol is a package's exported name as the interpreter has it.
func symbol(importPath, name string) (reflect.Value, bool) {
	key := importPath + "/" + path.Base(importPath)
	if v, ok := stdlib.Symbols[key][name]; ok {
		return v, true
	}
	v, ok := symbols.Symbols[key][name]
	return v, ok
}

package repl

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// Names of the prelude's hidden helpers that the rewrite calls. They are
// five characters long, like `await`, so a column after an await keeps
// its number in error messages.
const (
	awaitTop  = "_aw_(" // await at the top level: the command's context
	awaitFunc = "_awc(" // await inside a function: its ctx
	showFunc  = "_show_("
	allFunc   = "_all_("  // a slice as []any, for gather(ts...)
	callFunc  = "_call_(" // _show_ for a call: a non-nil error it returns fails the command
	lastFunc  = "_last_()"
	helpFunc  = "_hlp" // help(x): help with x as written
	// startFunc is start(f) with f's name: see Session.startNamed.
	startFunc = "_strt"
	// holdFunc is what StopInterpreter runs; see Session.holdStop. It ends
	// in a constant: its value is then no read of the global frame, which
	// yaegi does after the program ran, on a goroutine nobody can wait for.
	holdFunc = "_hold_(); 0"
	// releaseFunc and acquireFunc mark where a command's own code runs;
	// see Session.evalRun.
	releaseFunc = "_rel_();"
	// funcPrologue begins every function the session declares; see
	// Session.enterFunc. Where an evaluation or the gate's share already
	// guards the goroutine, as for every task started from a session, it
	// is one call; each node it has is also a value yaegi allocates on
	// every call of the function from compiled code.
	funcPrologue = "if _fe_(){defer func(){if _fx_(){_fl_(recover())}}()};"
	acquireFunc  = ";_acq_()"
)

// kind is what the evaluator does with a prepared item.
type kind int

const (
	kindDecl        kind = iota // evaluate, print nothing
	kindStmt                    // evaluate, print nothing
	kindExpr                    // evaluate and print the value
	kindLoad                    // load("name"): done by the shell, not yaegi
	kindAwaitAssign             // x := await t: evaluate, then bind x typed
)

// prepared is one item rewritten for yaegi.
type prepared struct {
	kind  kind
	text  string // Go for yaegi, starting with a /*line*/ directive
	plain string // kindExpr: the same without printing, for void calls
	load  string // kindLoad: the session name
	lhs   string // kindAwaitAssign: the variable
	// awaitKey is kindAwaitAssign's operation (Session.awaitType), to
	// learn the type of its result by.
	awaitKey string
	define   bool     // kindAwaitAssign: := rather than =
	rhs      []string // an assignment's right-hand sides, to explain yaegi's errors
	names    []string
	funcs    []funcDoc
	types    []typeDecl // the types an item declares, to refuse a changed one
	// varSplit is var x T = v as var x T; x = v, for yaegi's "variable
	// definition loop" on the first with an interface T of the session.
	varSplit []string
	pkgs     []string          // names used as pkg.Name that may be unimported packages
	pkgAt    map[string][2]int // where each of pkgs is first used: line, col
	src      string            // the item as written, to explain errors by
	line     int               // where src starts
	col      int
	imports  []importSpec
}

// importSpec is one package an import declaration names: its name in the
// session, its path and its text with a position directive.
type importSpec struct {
	name, path, text string
}

// typeDecl is one declared type with its source, as written.
type typeDecl struct {
	name, text string
	line, col  int
}

// funcDoc is a function declared in the session, for pdoc().
type funcDoc struct {
	Name, Signature, Doc string
}

// Error is an error in the user's code, at a place in a file or input.
type Error struct {
	File      string // "" for a command typed at the prompt
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	if e.File == "" {
		return fmt.Sprintf("line %d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// guard checks one call before evaluation; see Session.checkCall.
type guard func(call *ast.CallExpr, src string) string

// hooks are what prepare asks the session; nil for a check without one.
type hooks struct {
	check guard
	// units is the unit guard's pass over the whole item: constants of a
	// unit to wrap, and a refusal (Session.checkUnits).
	units func(f *ast.File, text func(ast.Node) string) ([]unitWrap, token.Pos, string)
	// awaitType gives the type of what awaiting x gives, where the
	// session knows it, and a key to learn it by (Session.awaitType).
	awaitType func(x ast.Expr) (typ, key string)
	// void says why a call has no value to use, if what it calls has no
	// results (Session.void); fun is the called function as written.
	void func(call *ast.CallExpr, fun string) string
	// private says what to write instead of x.name with a lowercase name
	// on a package or a compiled value (Session.privateSelector).
	private func(sel *ast.SelectorExpr) string
	// pkg reports a package name in scope, for help(q).
	pkg func(name string) bool
	// shadowed reports a name the session declared itself, over the
	// prelude's (Session.names).
	shadowed func(name string) bool
	// chanExpr reports a global or a package function's call that is a
	// channel (Session.chanExpr); global a global variable or constant,
	// and whether it is an untyped constant (Session.globalKind).
	chanExpr func(ast.Expr) bool
	global   func(name string) (known, untyped bool)
}

// prepare parses one item, rewrites its awaits and checks it. file and
// line0/col0 place the item for error messages.
func prepare(it item, file string, h *hooks) (*prepared, error) {
	if h == nil {
		h = &hooks{}
	}
	awaits := awaitOffsets(it.text)
	holder := []byte(it.text)
	for _, off := range awaits {
		// <- is a unary operator of the same precedence; the parser
		// then finds the awaited expression for us.
		copy(holder[off:], "<-   ")
	}
	// yaegi keys imports by file name, so its code keeps the file name
	// empty; the parse here names the file for its messages.
	directive := fmt.Sprintf("/*line :%d:%d*/", it.line, it.col)
	named := fmt.Sprintf("/*line %s:%d:%d*/", lineFile(file), it.line, it.col)
	var head, tail string
	if it.decl {
		head = "package p;"
	} else {
		head, tail = "package p;func _(){", "\n}"
	}
	src := head + named + string(holder) + tail
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, lineFile(file), src, parser.ParseComments)
	if err != nil {
		return nil, parseError(err, file)
	}
	base := len(head) + len(named)
	offset := func(p token.Pos) int { return fset.File(p).Offset(p) - base }
	position := func(p token.Pos) *Error {
		pos := fset.Position(p)
		return &Error{File: file, Line: pos.Line, Col: pos.Column}
	}

	isAwait := func(n ast.Node) (*ast.UnaryExpr, bool) {
		u, ok := n.(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			return nil, false
		}
		_, found := slices.BinarySearch(awaits, offset(u.Pos()))
		return u, found
	}

	p := &prepared{src: it.text, line: it.line, col: it.col, pkgAt: map[string][2]int{}}
	type edit struct {
		off, end int
		text     string
	}
	var edits []edit
	var firstErr error
	fail := func(pos token.Pos, msg string) {
		if firstErr == nil {
			e := position(pos)
			e.Msg = msg
			firstErr = e
		}
	}
	// funcs holds, for each enclosing function, whether it has a ctx
	// parameter.
	var funcs []bool
	// directiveAt restores the positions of the user's text after an
	// inserted one.
	directiveAt := func(p token.Pos) string {
		at := fset.Position(p)
		return fmt.Sprintf("/*line :%d:%d*/", at.Line, at.Column)
	}
	// copyLoopVars puts copies, see loopCopies, at the start of a loop's
	// body. A loop outside any function also goes into a func literal run
	// at once: yaegi keeps the variables of top-level blocks in one
	// global frame, where i := i would be the loop's own i. The braces
	// around it matter, see funcLitCall.
	labelled := map[ast.Stmt]token.Pos{} // loops with a label: where it starts
	var wrapped [][2]token.Pos           // loops put into a func literal
	inWrapped := func(p token.Pos) bool {
		return slices.ContainsFunc(wrapped, func(w [2]token.Pos) bool { return w[0] <= p && p < w[1] })
	}
	copyLoopVars := func(loop ast.Stmt, body *ast.BlockStmt, copies string) {
		if len(funcs) == 0 && !inWrapped(loop.Pos()) {
			wrapped = append(wrapped, [2]token.Pos{loop.Pos(), loop.End()})
			start := loop.Pos()
			if l, ok := labelled[loop]; ok {
				start = l
			}
			off := offset(start)
			edits = append(edits, edit{off, off, "{func() {" + directiveAt(start)})
			end := offset(loop.End())
			edits = append(edits, edit{end, end, "}()}"})
		}
		off := offset(body.Lbrace) + 1
		if jumps(body) {
			edits = append(edits, edit{off, off, copies + directiveAt(body.Lbrace+1)})
			return
		}
		// A func literal called per iteration gives the copies a frame of
		// their own: yaegi makes a closure handed to compiled code (start)
		// read its variables from the enclosing frame when it runs, where
		// one slot serves every iteration.
		edits = append(edits, edit{off, off, "func() {" + copies + directiveAt(body.Lbrace+1)})
		end := offset(body.Rbrace)
		edits = append(edits, edit{end, end, "}();" + directiveAt(body.Rbrace)})
	}
	// statements are the calls made as statements; every other call is
	// used as a value, and one of a function without results is refused:
	// yaegi ends len(tasks()) in an internal nil-pointer panic.
	statements := map[*ast.CallExpr]bool{}
	checkValue := func(call *ast.CallExpr) {
		if statements[call] || h.void == nil {
			return
		}
		if msg := h.void(call, string(holder[offset(call.Fun.Pos()):offset(call.Fun.End())])); msg != "" {
			fail(call.Pos(), msg)
		}
	}
	// prologue starts every function of the session with the guard that
	// keeps it from ending the process (see Session.enterFunc).
	// It also names each unnamed parameter "_": yaegi v0.16.1 gives an
	// unnamed parameter no slot in the function's frame when compiled code
	// or a func value calls it, so the function's first local, the
	// prologue's bool, received the argument ("reflect.Set: value of type
	// int is not assignable to type bool" for f(func(int) int { ... })).
	prologue := func(ft *ast.FuncType, body *ast.BlockStmt) {
		for _, p := range ft.Params.List {
			if len(p.Names) == 0 {
				off := offset(p.Type.Pos())
				edits = append(edits, edit{off, off, "_ " + directiveAt(p.Type.Pos())})
			}
		}
		off := offset(body.Lbrace) + 1
		edits = append(edits, edit{off, off, funcPrologue + directiveAt(body.Lbrace+1)})
	}
	typed := map[*ast.UnaryExpr]string{} // awaits whose result type is known
	// pauser makes blocking channel operations in functions give up the
	// gate's share (see chanPauser).
	pauser := &chanPauser{offset: offset, at: directiveAt, isAwait: isAwait, chanExpr: h.chanExpr, global: h.global,
		add: func(off, end int, text string) { edits = append(edits, edit{off, end, text}) }}
	// whole reports the statement that is the whole item.
	whole := func(n ast.Stmt) bool {
		if it.decl {
			return false
		}
		list := f.Decls[0].(*ast.FuncDecl).Body.List
		return len(list) == 1 && list[0] == n
	}
	var visit func(n ast.Node) bool
	// topLevel holds the statements of a command, not nested in any.
	topLevel := map[ast.Node]bool{}
	if !it.decl {
		for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
			topLevel[st] = true
		}
	}
	visit = func(n ast.Node) bool {
		// A block of a command's statement that declares several names from
		// one value (v, err := t.Result()) goes into a function literal:
		// yaegi v0.16.1 says such a name is undefined in a block outside a
		// function.
		if topLevel[n] && len(funcs) == 0 && !inWrapped(n.Pos()) && tupleDefine(n) {
			wrapped = append(wrapped, [2]token.Pos{n.Pos(), n.End()})
			off := offset(n.Pos())
			edits = append(edits, edit{off, off, "{func() {" + directiveAt(n.Pos())})
			end := offset(n.End())
			edits = append(edits, edit{end, end, "}()}"})
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			prologue(n.Type, n.Body)
			funcs = append(funcs, hasCtx(n.Type))
			pauser.enter(n)
			ast.Inspect(n.Body, visit)
			pauser.exit()
			funcs = funcs[:len(funcs)-1]
			return false
		case *ast.FuncDecl:
			if n.Name.Name == "_" && !it.decl {
				return true // the wrapper of a statement
			}
			if n.Body == nil {
				return false
			}
			prologue(n.Type, n.Body)
			funcs = append(funcs, hasCtx(n.Type))
			pauser.enter(n)
			ast.Inspect(n.Body, visit)
			pauser.exit()
			funcs = funcs[:len(funcs)-1]
			return false
		case *ast.BlockStmt:
			if len(funcs) > 0 {
				pauser.list(n.List)
			}
		case *ast.CaseClause:
			if len(funcs) > 0 {
				pauser.list(n.Body)
			}
		case *ast.CommClause:
			if len(funcs) > 0 {
				pauser.list(n.Body)
			}
		case *ast.LabeledStmt:
			labelled[n.Stmt] = n.Pos()
		case *ast.TypeSwitchStmt:
			// yaegi panics (index out of range) on switch v := x.(type)
			// outside a function; inside one it works.
			if _, binds := n.Assign.(*ast.AssignStmt); binds && len(funcs) == 0 && !inWrapped(n.Pos()) && !leaves(n.Body) {
				wrapped = append(wrapped, [2]token.Pos{n.Pos(), n.End()})
				off := offset(n.Pos())
				edits = append(edits, edit{off, off, "{func() {" + directiveAt(n.Pos())})
				end := offset(n.End())
				edits = append(edits, edit{end, end, "}()}"})
			}
		case *ast.ForStmt:
			if init, ok := n.Init.(*ast.AssignStmt); ok && init.Tok == token.DEFINE {
				if copies := loopCopies(init.Lhs, n.Body); copies != "" {
					copyLoopVars(n, n.Body, copies)
					break
				}
			}
			if init, ok := n.Init.(*ast.AssignStmt); (ok && redeclares(init.Lhs, n.Body)) || capturesOwn(n.Body) {
				copyLoopVars(n, n.Body, "")
			}
		case *ast.RangeStmt:
			if len(funcs) > 0 && pauser.rangeChan(n, copyLoopVars) {
				break
			}
			if n.Tok == token.DEFINE {
				if copies := loopCopies([]ast.Expr{n.Key, n.Value}, n.Body); copies != "" {
					copyLoopVars(n, n.Body, copies)
					break
				}
			}
			if redeclares([]ast.Expr{n.Key, n.Value}, n.Body) || capturesOwn(n.Body) {
				copyLoopVars(n, n.Body, "")
			}
		case *ast.AssignStmt:
			if u, ok := isAwait(n.Rhs[0]); ok && len(n.Lhs) == 1 && len(n.Rhs) == 1 && h.awaitType != nil && !whole(n) {
				// Only a top-level x := await t is bound by its value's
				// type (kindAwaitAssign); elsewhere the type must be known
				// before the code runs.
				if typ, _ := h.awaitType(u.X); typ != "" {
					typed[u] = typ
				}
			}
			for _, l := range n.Lhs {
				if call, ok := ast.Unparen(l).(*ast.CallExpr); ok {
					fail(l.Pos(), cannotAssign(call, n, func(e ast.Node) string {
						return string(holder[offset(e.Pos()):offset(e.End())])
					}))
				}
			}
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
				statements[call] = true
			}
		case *ast.GoStmt:
			statements[n.Call] = true
			fail(n.Pos(), "a go statement cannot run in the shell: use start(f) to run f as a task")
		case *ast.DeferStmt:
			statements[n.Call] = true
			if len(funcs) == 0 {
				// yaegi keeps a top-level defer in its root frame and runs
				// it again at the end of every later evaluation: a
				// `defer shutter.Close()` would close the shutter after
				// each command.
				fail(n.Pos(), "defer at the top level has no function to end (it would run after every later command): put it inside a function")
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && id.Obj == nil && !slices.Contains(p.pkgs, id.Name) {
				p.pkgs = append(p.pkgs, id.Name)
				at := fset.Position(id.Pos())
				p.pkgAt[id.Name] = [2]int{at.Line, at.Column}
			}
			if id, ok := n.X.(*ast.Ident); ok && id.Obj == nil && h.private != nil {
				if msg := h.private(n); msg != "" {
					fail(n.Pos(), msg)
				}
			}
		case *ast.CallExpr:
			checkValue(n)
			// start(corofunc) names its task corofunc: a function the
			// interpreter made has no name of its own to show in tasks().
			// A start or background the session declared itself is left
			// alone.
			if fn, ok := n.Fun.(*ast.Ident); ok && (fn.Name == "start" || fn.Name == "background") && len(n.Args) == 1 &&
				!n.Ellipsis.IsValid() && fn.Obj == nil && (h.shadowed == nil || !h.shadowed(fn.Name)) {
				name, isIdent := "", false
				if arg, ok := n.Args[0].(*ast.Ident); ok {
					name, isIdent = arg.Name, true
				}
				end := offset(n.Rparen)
				switch {
				case fn.Name == "start":
					// Not variadic: yaegi calls it through reflect, which
					// builds a slice for a variadic argument on every call,
					// in a loop of start(f) too.
					edits = append(edits, edit{offset(fn.Pos()), offset(fn.End()), startFunc}, edit{end, end, fmt.Sprintf(", %q", name)})
				case isIdent:
					edits = append(edits, edit{end, end, fmt.Sprintf(", %q", name)})
				}
			}
			// help(x) gets x as written too: the name of a function or
			// package, which its value does not have.
			if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "help" && fn.Obj == nil && len(n.Args) == 1 && !n.Ellipsis.IsValid() {
				arg := n.Args[0]
				edits = append(edits, edit{offset(fn.Pos()), offset(fn.End()), helpFunc})
				x := string(holder[offset(arg.Pos()):offset(arg.End())])
				edits = append(edits, edit{offset(arg.Pos()), offset(arg.Pos()), strconv.Quote(x) + ", " + directiveAt(arg.Pos())})
				if id, ok := arg.(*ast.Ident); ok && id.Obj == nil && h.pkg != nil && h.pkg(id.Name) {
					edits = append(edits, edit{offset(arg.Pos()), offset(arg.End()), "nil"})
				}
			}
			// make([]T, n) of more than the machine's memory ends the
			// process (fatal error: out of memory, not a panic): the size
			// is checked first.
			if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "make" && len(n.Args) >= 2 {
				typ := string(holder[offset(n.Args[0].Pos()):offset(n.Args[0].End())])
				for _, a := range n.Args[1:] {
					edits = append(edits, edit{offset(a.Pos()), offset(a.Pos()), "_mk_((" + typ + ")(nil), "},
						edit{offset(a.End()), offset(a.End()), ")"})
				}
			}
			// gather(ts...) with ts a []*Task: yaegi passes a slice to a
			// compiled ...any only if it is a []any.
			if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "gather" && n.Ellipsis.IsValid() {
				last := n.Args[len(n.Args)-1]
				edits = append(edits, edit{offset(last.Pos()), offset(last.Pos()), allFunc},
					edit{offset(last.End()), offset(last.End()), ")"})
			}
			if h.check != nil {
				if msg := h.check(n, string(holder[offset(n.Pos()):offset(n.End())])); msg != "" {
					fail(n.Pos(), msg)
				}
			}
		}
		if u, ok := isAwait(n); ok {
			off := offset(u.Pos())
			switch {
			case len(funcs) == 0:
				edits = append(edits, edit{off, off + 5, awaitTop})
			case slices.Contains(funcs, true):
				// ctx is in scope, the function's own or an enclosing one's.
				edits = append(edits, edit{off, off + 5, awaitFunc + "ctx,"})
			default:
				fail(u.Pos(), "await inside a function needs its context: declare the function as func(ctx context.Context) ...")
			}
			closing := ")"
			if typ, ok := typed[u]; ok {
				closing += ".(" + typ + ")"
			}
			edits = append(edits, edit{offset(u.End()), offset(u.End()), closing})
		}
		return true
	}
	ast.Inspect(f, visit)
	if h.units != nil {
		wraps, at, msg := h.units(f, func(n ast.Node) string { return string(holder[offset(n.Pos()):offset(n.End())]) })
		if msg != "" {
			fail(at, msg)
		}
		for _, w := range wraps {
			edits = append(edits, edit{offset(w.pos), offset(w.pos), "q." + w.typ + "(" + directiveAt(w.pos)},
				edit{offset(w.end), offset(w.end), ")" + directiveAt(w.end)})
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}

	slices.SortStableFunc(edits, func(a, b edit) int { return cmp.Compare(a.off, b.off) })
	text := it.text
	apply := func(from, to int) string {
		var b strings.Builder
		at := from
		for _, e := range edits {
			// An edit inside one that replaced its text is part of the
			// replacement's (see chanPauser).
			if e.off < from || e.end > to || e.off < at || pauser.hidden(e.text, e.off, e.end, from, to) {
				continue
			}
			b.WriteString(text[at:e.off])
			b.WriteString(pauser.expand(e.text))
			at = e.end
		}
		b.WriteString(text[at:to])
		return b.String()
	}
	pauser.apply = apply
	p.text = directive + apply(0, len(text))
	p.kind = kindStmt
	if it.decl {
		p.kind = kindDecl
		for _, d := range f.Decls {
			p.names = append(p.names, declNames(d)...)
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					at := fset.Position(ts.Pos())
					text := string(holder[offset(ts.Pos()):offset(ts.End())])
					p.types = append(p.types, typeDecl{ts.Name.Name, text, at.Line, at.Column})
				}
			}
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
				for _, spec := range gd.Specs {
					is := spec.(*ast.ImportSpec)
					path, _ := strconv.Unquote(is.Path.Value)
					name := path[strings.LastIndex(path, "/")+1:]
					if is.Name != nil {
						name = is.Name.Name
					}
					p.imports = append(p.imports, importSpec{name, path,
						directiveAt(is.Pos()) + string(holder[offset(is.Pos()):offset(is.End())])})
				}
			}
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				sig := string(holder[offset(fd.Pos()):offset(fd.Type.End())])
				doc := it.doc
				if fd.Doc != nil {
					doc = strings.TrimSpace(fd.Doc.Text())
				}
				p.funcs = append(p.funcs, funcDoc{Name: fd.Name.Name, Signature: sig, Doc: doc})
			}
		}
		return p, nil
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return p, nil
	}
	switch st := body[0].(type) {
	case *ast.ExprStmt:
		if name, ok := loadCall(st.X); ok {
			p.kind, p.load = kindLoad, name
			return p, nil
		}
		if printsItself(st.X) {
			return p, nil
		}
		expr := apply(offset(st.X.Pos()), offset(st.X.End()))
		p.kind = kindExpr
		p.plain = p.text
		if funcLitCall(st.X) {
			p.plain = "{" + p.text + "}"
		}
		show := showFunc
		if _, ok := ast.Unparen(st.X).(*ast.CallExpr); ok {
			show = callFunc
		}
		p.text = directive + show + directive + expr + ")"
	case *ast.AssignStmt:
		for _, r := range st.Rhs {
			at := fset.Position(r.Pos())
			p.rhs = append(p.rhs, fmt.Sprintf("/*line :%d:%d*/", at.Line, at.Column)+apply(offset(r.Pos()), offset(r.End())))
		}
		if st.Tok == token.DEFINE {
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					p.names = append(p.names, id.Name)
				}
			}
		}
		if _, aw := isAwait(st.Rhs[0]); aw && len(st.Lhs) > 1 && len(st.Rhs) == 1 {
			e := position(st.Pos())
			e.Msg = "await gives one value: write results := await gather(...), then use results[0], results[1], ..."
			return nil, e
		}
		if len(st.Lhs) != 1 || len(st.Rhs) != 1 || (st.Tok != token.DEFINE && st.Tok != token.ASSIGN) {
			break
		}
		id, ok := st.Lhs[0].(*ast.Ident)
		if _, aw := isAwait(st.Rhs[0]); !ok || !aw || id.Name == "_" {
			break
		}
		p.kind = kindAwaitAssign
		p.lhs, p.define = id.Name, st.Tok == token.DEFINE
		if u, _ := isAwait(st.Rhs[0]); h.awaitType != nil {
			_, p.awaitKey = h.awaitType(u.X)
		}
		at := fset.Position(st.Rhs[0].Pos())
		p.text = fmt.Sprintf("/*line :%d:%d*/", at.Line, at.Column) +
			apply(offset(st.Rhs[0].Pos()), offset(st.Rhs[0].End()))
	case *ast.DeclStmt:
		p.names = append(p.names, declNames(st.Decl)...)
		gd := st.Decl.(*ast.GenDecl)
		if vs, ok := gd.Specs[0].(*ast.ValueSpec); ok && gd.Tok == token.VAR && len(gd.Specs) == 1 &&
			vs.Type != nil && len(vs.Names) == 1 && len(vs.Values) == 1 {
			names := apply(offset(vs.Names[0].Pos()), offset(vs.Names[len(vs.Names)-1].End()))
			p.varSplit = []string{
				fmt.Sprintf("%svar %s %s", directive, names, apply(offset(vs.Type.Pos()), offset(vs.Type.End()))),
				fmt.Sprintf("%s%s = %s", directiveAt(vs.Values[0].Pos()), names,
					apply(offset(vs.Values[0].Pos()), offset(vs.Values[len(vs.Values)-1].End()))),
			}
		}
	}
	return p, nil
}

// cannotAssign explains why a call's result cannot be assigned to, and
// what sets the value: yaegi accepted motor.Position() = 3 * q.MM and did
// nothing (v0.16.1), where Go refuses it.
func cannotAssign(call *ast.CallExpr, as *ast.AssignStmt, text func(ast.Node) string) string {
	msg := fmt.Sprintf("cannot assign to %s (the value a call returns)", text(call))
	value := "v"
	if len(as.Rhs) == len(as.Lhs) && as.Tok == token.ASSIGN {
		value = text(as.Rhs[slices.IndexFunc(as.Lhs, func(e ast.Expr) bool { return ast.Unparen(e) == call })])
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return msg
	}
	recv := text(sel.X)
	switch {
	case sel.Sel.Name == "Param" && len(call.Args) == 1:
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			return fmt.Sprintf("%s: write await %s.Set(%s)", msg, text(call), value)
		}
	case len(call.Args) == 0:
		return fmt.Sprintf("%s: write await %s.Set%s(%s)", msg, recv, sel.Sel.Name, value)
	}
	return msg
}

// awaitOffsets finds the await keywords of src: the identifier await
// followed by something that can start an operand. Strings and comments
// are single tokens, so an await inside them is never seen.
func awaitOffsets(src string) []int {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, 0)
	var offs []int
	pending := -1
	for {
		pos, tok, lit := s.Scan()
		if pending >= 0 {
			switch tok {
			case token.IDENT, token.INT, token.FLOAT, token.IMAG, token.CHAR, token.STRING,
				token.LPAREN, token.LBRACK, token.MUL, token.AND, token.ARROW, token.FUNC,
				token.SUB, token.ADD, token.NOT, token.XOR, token.STRUCT, token.MAP, token.CHAN:
				offs = append(offs, pending)
			}
			pending = -1
		}
		if tok == token.EOF {
			return offs
		}
		if tok == token.IDENT && lit == "await" {
			pending = file.Offset(pos)
		}
	}
}

// jumps reports whether body leaves an iteration other than at its end
// (break, continue, goto, return, outside the function literals in it),
// which a func literal around the body would break.
func jumps(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt, *ast.ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}

// leaves reports whether a switch body jumps out of the switch (continue,
// goto, a labelled break), which a func literal around it would break.
func leaves(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			found = n.Tok != token.BREAK || n.Label != nil
		}
		return !found
	})
	return found
}

// funcLitCall reports a call of a function literal, func() {...}(). yaegi
// runs such a call again at the end of every later evaluation when it
// stands alone at the top level (v0.16.1, like a top-level defer); inside
// a block it runs once.
func funcLitCall(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	_, ok = ast.Unparen(call.Fun).(*ast.FuncLit)
	return ok
}

// loopCopies gives each iteration its own copy of the loop variables that
// a closure in the body captures or whose address it takes ("i := i;"),
// as Go 1.22 does; yaegi shares one variable across iterations, so tasks
// started in a loop would all see its last value. A variable the body
// assigns keeps yaegi's semantics: a copy would cut the assignment off from
// the loop's condition.
func loopCopies(vars []ast.Expr, body *ast.BlockStmt) string {
	var b strings.Builder
	for _, v := range vars {
		id, ok := v.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		captured, assigned := false, false
		var inFunc int
		var walk func(n ast.Node) bool
		walk = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				inFunc++
				ast.Inspect(n.Body, walk)
				inFunc--
				return false
			case *ast.Ident:
				if n.Name == id.Name && inFunc > 0 {
					captured = true
				}
			case *ast.UnaryExpr:
				if x, ok := n.X.(*ast.Ident); ok && n.Op == token.AND && x.Name == id.Name {
					captured = true
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if x, ok := l.(*ast.Ident); ok && x.Name == id.Name {
						assigned = true
					}
				}
			case *ast.IncDecStmt:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == id.Name {
					assigned = true
				}
			}
			return true
		}
		ast.Inspect(body, walk)
		if captured && !assigned {
			fmt.Fprintf(&b, "%s := %s;", id.Name, id.Name)
		}
	}
	return b.String()
}

// tupleDefine reports a compound statement (if, for, switch, a block)
// with v, err := f() in it, outside any function literal.
func tupleDefine(st ast.Node) bool {
	switch st.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.BlockStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
	default:
		return false
	}
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			found = found || n.Tok == token.DEFINE && len(n.Lhs) > 1 && len(n.Rhs) == 1
		}
		return !found
	})
	return found
}

// redeclares reports a loop body that declares a variable of the loop's
// own name (the i := i of Go before 1.22). Outside a function yaegi keeps
// both in the one slot of the global frame: for i := 0; i < 3; i++ { i :=
// i } never ended, and for _, v := range xs { v := v } saw zeros. In a
// function literal (see copyLoopVars) each has its own.
func redeclares(vars []ast.Expr, body *ast.BlockStmt) bool {
	names := map[string]bool{}
	for _, v := range vars {
		if id, ok := v.(*ast.Ident); ok && id.Name != "_" {
			names[id.Name] = true
		}
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && names[id.Name] {
						found = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				found = found || names[id.Name]
			}
		}
		return !found
	})
	return found
}

// capturesOwn reports a loop body that declares a variable a closure in
// it captures (w := v * 10; start(func() ... w ...)): each iteration must
// have its own, as in Go, and a closure handed to compiled code reads
// yaegi's one slot for it when it runs, the last iteration's value, unless
// the body is a function literal called per iteration (see copyLoopVars).
// Names are compared, not resolved: a body wrapped needlessly only costs a
// call per iteration. A body that defers a call is left as it was: in a
// function literal, the call would run at the end of the iteration.
func capturesOwn(body *ast.BlockStmt) bool {
	declared := map[string]bool{}
	var lits []*ast.FuncLit
	defers := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			lits = append(lits, n)
			return false
		case *ast.DeferStmt:
			defers = true
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						declared[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		}
		return true
	})
	if defers {
		return false
	}
	for _, lit := range lits {
		found := false
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && declared[id.Name] {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// hasCtx reports whether a function has a parameter named ctx.
func hasCtx(ft *ast.FuncType) bool {
	if ft.Params == nil {
		return false
	}
	for _, f := range ft.Params.List {
		for _, n := range f.Names {
			if n.Name == "ctx" {
				return true
			}
		}
	}
	return false
}

func declNames(d ast.Decl) []string {
	var names []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			names = append(names, d.Name.Name)
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				names = append(names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
				}
			case *ast.ImportSpec:
				path, _ := strconv.Unquote(s.Path.Value)
				name := path[strings.LastIndex(path, "/")+1:]
				if s.Name != nil {
					name = s.Name.Name
				}
				names = append(names, name)
			}
		}
	}
	return names
}

// loadCall matches load("name") with a literal name.
func loadCall(e ast.Expr) (string, bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return "", false
	}
	if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "load" {
		return "", false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	name, err := strconv.Unquote(lit.Value)
	return name, err == nil
}

// printsItself reports calls whose results are not worth printing:
// fmt.Println returns a byte count nobody asked for.
func printsItself(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	switch fun := call.Fun.(type) {
	case *ast.Ident:
		return fun.Name == "println" || fun.Name == "print"
	case *ast.SelectorExpr:
		pkg, ok := fun.X.(*ast.Ident)
		return ok && pkg.Name == "fmt" && (strings.HasPrefix(fun.Sel.Name, "Print") || strings.HasPrefix(fun.Sel.Name, "Fprint"))
	}
	return false
}

// lineFile is the file name for /*line*/ directives: one without colons.
func lineFile(file string) string {
	if file == "" {
		return "input"
	}
	return strings.ReplaceAll(file, ":", "_")
}

// parseError turns the parser's first error into an *Error.
func parseError(err error, file string) error {
	if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
		e := list[0]
		return &Error{File: file, Line: e.Pos.Line, Col: e.Pos.Column, Msg: e.Msg}
	}
	return err
}

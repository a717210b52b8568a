package store

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// Outline is what `concert docs` tells about a session, read from its source
// without running it.
type Outline struct {
	Description string
	Imports     []string
	Devices     []Item // top-level variables made by a constructor call
	Funcs       []Item // top-level function declarations
}

// Item is one device or function of a session.
type Item struct {
	Name string
	Code string // the constructor call, or the function's signature
	Doc  string // the comment lines right above it, or at its line's end
	Line int
}

// chunk is one top-level statement or declaration of a session body.
type chunk struct {
	start, end int // byte offsets in the body
	line, col  int
	decl       bool
}

// chunks cuts a session body at its top-level semicolons, written or
// implied by a line end. Unbalanced brackets make one long chunk that does
// not parse, which the outline then leaves out.
func chunks(body []byte) []chunk {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(body))
	var s scanner.Scanner
	s.Init(file, body, nil, 0)
	var (
		out   []chunk
		cur   = chunk{start: -1}
		depth int
		first token.Token
		nToks int
	)
	for {
		pos, tok, _ := s.Scan()
		off := file.Offset(pos)
		if tok == token.EOF || (tok == token.SEMICOLON && depth == 0) {
			if cur.start >= 0 {
				cur.end = off
				out = append(out, cur)
			}
			if tok == token.EOF {
				return out
			}
			cur, nToks = chunk{start: -1}, 0
			continue
		}
		if cur.start < 0 {
			p := file.Position(pos)
			cur = chunk{start: off, line: p.Line, col: p.Column}
		}
		switch nToks {
		case 0:
			first = tok
			cur.decl = tok == token.IMPORT || tok == token.TYPE || tok == token.CONST
		case 1:
			// func NAME is a declaration; after func( parseChunk tries
			// both a method and a function literal.
			cur.decl = cur.decl || first == token.FUNC && tok == token.IDENT
		}
		nToks++
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth = max(depth-1, 0)
		}
	}
}

// blankAwait replaces the await keywords of a body with spaces, so that the
// Go parser can read the rest with unchanged positions.
func blankAwait(body []byte) []byte {
	out := bytes.Clone(body)
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(body))
	var s scanner.Scanner
	s.Init(file, body, nil, 0)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.IDENT && lit == "await" {
			off := file.Offset(pos)
			copy(out[off:], "     ")
		}
	}
}

// parsed is one chunk as the Go parser read it.
type parsed struct {
	c     chunk
	decls []ast.Decl
	stmts []ast.Stmt
	fset  *token.FileSet
}

const (
	declPrefix = "package p;"
	stmtPrefix = "package p;func _(){"
)

// parseChunk parses one chunk on its own, or reports that it does not
// parse.
func parseChunk(body []byte, c chunk) (parsed, bool) {
	if p, ok := parseAs(body, c); ok {
		return p, true
	}
	if !c.decl && bytes.HasPrefix(body[c.start:c.end], []byte("func")) {
		// func (r T) M() {...}, a method, rather than a literal called.
		c.decl = true
		return parseAs(body, c)
	}
	return parsed{}, false
}

func parseAs(body []byte, c chunk) (parsed, bool) {
	prefix := stmtPrefix
	if c.decl {
		prefix = declPrefix
	}
	// The chunk starts on line 2 of the wrapped source; see line.
	src := prefix + "\n" + string(body[c.start:c.end])
	if !c.decl {
		src += "\n}"
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return parsed{}, false
	}
	p := parsed{c: c, fset: fset}
	if c.decl {
		p.decls = f.Decls
	} else if len(f.Decls) == 1 {
		if fd, ok := f.Decls[0].(*ast.FuncDecl); ok && fd.Body != nil {
			p.stmts = fd.Body.List
		}
	}
	return p, true
}

// line maps a position of the wrapped source to its line in the file.
func (p parsed) line(pos token.Pos) int {
	return p.c.line + p.fset.Position(pos).Line - 2
}

// ParseOutline reads a session's description, imports, devices and
// functions. Parts that do not parse are left out; repl.Check says why.
func ParseOutline(src []byte) Outline {
	o := Outline{Description: Description(src)}
	body, _ := Body(src)
	body = blankAwait(body)
	cs := chunks(body)
	for _, c := range cs {
		p, ok := parseChunk(body, c)
		if !ok {
			continue
		}
		for _, d := range p.decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if is, ok := s.(*ast.ImportSpec); ok {
						path, _ := strconv.Unquote(is.Path.Value)
						o.Imports = append(o.Imports, path)
					}
				}
			case *ast.FuncDecl:
				sig := *d
				sig.Body, sig.Doc = nil, nil
				o.Funcs = append(o.Funcs, Item{
					Name: d.Name.Name,
					Code: p.node(&sig),
					Doc:  commentAround(body, p.c.line),
					Line: p.c.line,
				})
			}
		}
		for _, s := range p.stmts {
			o.Devices = append(o.Devices, p.devices(s, body)...)
		}
	}
	for i := range o.Devices {
		// A first line right under the description: that comment is the
		// session's, said once.
		if strings.TrimSpace(o.Devices[i].Doc) == o.Description {
			o.Devices[i].Doc = ""
		}
	}
	return o
}

// devices recognises the devices a statement makes: one, or one for each
// constructor of `lower, upper := motors.NewLinear("l"), motors.NewLinear("u")`.
func (p parsed) devices(s ast.Stmt, body []byte) []Item {
	if a, ok := s.(*ast.AssignStmt); ok && a.Tok == token.DEFINE && len(a.Rhs) > 1 && len(a.Lhs) == len(a.Rhs) {
		var items []Item
		for i := range a.Rhs {
			one := &ast.AssignStmt{Lhs: a.Lhs[i : i+1], TokPos: a.TokPos, Tok: a.Tok, Rhs: a.Rhs[i : i+1]}
			if it, ok := p.device(one, body); ok {
				items = append(items, it)
			}
		}
		return items
	}
	if it, ok := p.device(s, body); ok {
		return []Item{it}
	}
	return nil
}

func (p parsed) node(n any) string {
	var b strings.Builder
	printer.Fprint(&b, p.fset, n)
	return b.String()
}

// device recognises `name := pkg.NewX(...)` or `name := NewX(...)` (or
// var name = ...).
func (p parsed) device(s ast.Stmt, body []byte) (Item, bool) {
	var name *ast.Ident
	var val ast.Expr
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok != token.DEFINE || len(s.Lhs) < 1 || len(s.Rhs) != 1 {
			return Item{}, false
		}
		name, _ = s.Lhs[0].(*ast.Ident)
		val = s.Rhs[0]
	case *ast.DeclStmt:
		g, ok := s.Decl.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR || len(g.Specs) != 1 {
			return Item{}, false
		}
		vs := g.Specs[0].(*ast.ValueSpec)
		if len(vs.Names) < 1 || len(vs.Values) != 1 {
			return Item{}, false
		}
		name, val = vs.Names[0], vs.Values[0]
	}
	call, ok := val.(*ast.CallExpr)
	if name == nil || !ok {
		return Item{}, false
	}
	var fn string
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		fn = f.Sel.Name
	case *ast.Ident:
		fn = f.Name // a constructor the session declares: slit := NewSlit(...)
	}
	if !strings.HasPrefix(fn, "New") {
		return Item{}, false
	}
	line := p.line(s.Pos())
	return Item{Name: name.Name, Code: p.node(call), Doc: commentAround(body, line), Line: line}, true
}

// commentAround returns the // lines right above line, or else the //
// comment at the end of line, of a body.
func commentAround(body []byte, line int) string {
	lines := strings.Split(string(body), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	var doc []string
	for i := line - 2; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(t, "//") || isDirective(t) {
			break
		}
		doc = append([]string{strings.TrimPrefix(strings.TrimPrefix(t, "//"), " ")}, doc...)
	}
	if len(doc) > 0 {
		return strings.Join(doc, "\n")
	}
	// A trailing comment: the last // outside a string on the line. Good
	// enough for device lines, whose strings hold names, not slashes.
	if i := strings.LastIndex(lines[line-1], "//"); i >= 0 && strings.Count(lines[line-1][:i], `"`)%2 == 0 {
		return strings.TrimSpace(lines[line-1][i+2:])
	}
	return ""
}

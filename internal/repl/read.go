package repl

import (
	"go/scanner"
	"go/token"
	"regexp"
	"strings"
)

// NeedsMore reports whether src is an unfinished input that continues on
// the next line: an open brace, paren or bracket, an unterminated raw
// string or comment, or a line that ends in an operator. It reads Go tokens
// rather than yaegi's error messages, which differ between versions.
func NeedsMore(src string) bool {
	if strings.TrimSpace(src) == "" {
		return false
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	more := false
	s.Init(file, []byte(src), func(_ token.Position, msg string) {
		if msg == "raw string literal not terminated" || msg == "comment not terminated" {
			more = true
		}
	}, 0)
	depth := 0
	last := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // an inserted semicolon says nothing about the line's end
		}
		last = tok
	}
	if more || depth > 0 {
		return true
	}
	return continues(last)
}

// continues reports whether a line ending in tok cannot end a statement.
func continues(tok token.Token) bool {
	switch tok {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM,
		token.AND, token.OR, token.XOR, token.SHL, token.SHR, token.AND_NOT,
		token.LAND, token.LOR, token.ARROW,
		token.EQL, token.LSS, token.GTR, token.NEQ, token.LEQ, token.GEQ,
		token.ASSIGN, token.DEFINE, token.COMMA, token.PERIOD, token.COLON,
		token.ADD_ASSIGN, token.SUB_ASSIGN, token.MUL_ASSIGN, token.QUO_ASSIGN,
		token.REM_ASSIGN, token.AND_ASSIGN, token.OR_ASSIGN, token.XOR_ASSIGN,
		token.SHL_ASSIGN, token.SHR_ASSIGN, token.AND_NOT_ASSIGN:
		return true
	}
	return false
}

// item is one top-level declaration or statement of an input, with the
// comment lines right above it (a function's doc comment).
type item struct {
	text      string
	line, col int // of the first token, 1-based, in the input
	decl      bool
	doc       string
}

// splitItems cuts src at its top-level semicolons (written or implied by a
// line end), because one yaegi Eval takes either declarations or
// statements, not both. It does not check syntax: the parser does that per
// item, with the item's own position.
func splitItems(src string) []item {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, scanner.ScanComments)

	var (
		items   []item
		depth   int
		start   = -1
		first   token.Token
		second  token.Token
		nToks   int
		doc     []string
		docLine int // line of the last comment in doc
		pending string
		header  bool // between for/if/switch and the { of its block
	)
	flush := func(end int) {
		if start < 0 {
			return
		}
		text := strings.TrimRight(src[start:end], " \t\r\n;")
		pos := fset.Position(file.Pos(start))
		it := item{text: text, line: pos.Line, col: pos.Column, doc: pending}
		it.decl = isDecl(first, second, text)
		items = append(items, it)
		start, nToks, pending = -1, 0, ""
	}
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			flush(len(src))
			break
		}
		off := file.Offset(pos)
		line := file.Line(pos)
		if tok == token.COMMENT {
			if start < 0 && strings.HasPrefix(lit, "//") {
				if len(doc) > 0 && line != docLine+1 {
					doc = nil
				}
				doc = append(doc, strings.TrimPrefix(strings.TrimPrefix(lit, "//"), " "))
				docLine = line
			}
			continue
		}
		if tok == token.SEMICOLON && depth == 0 {
			// The semicolons written in a for, if or switch header
			// (for i := 0; i < n; i++ {) belong to the statement.
			if header && lit == ";" {
				continue
			}
			header = false
			flush(off)
			continue
		}
		if depth == 0 {
			switch tok {
			case token.FOR, token.IF, token.SWITCH:
				header = true
			case token.LBRACE:
				header = false
			}
		}
		if start < 0 {
			start = off
			if len(doc) > 0 && docLine == line-1 {
				pending = strings.Join(doc, "\n")
			}
			doc = nil
		}
		switch nToks {
		case 0:
			first = tok
		case 1:
			second = tok
		}
		nToks++
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
	}
	return items
}

// isDecl tells a declaration from a statement by its first tokens. A func
// followed by a name or a receiver is a declaration; a func literal is an
// expression. var stays a statement, so `var a []int; a[0]` can mix.
func isDecl(first, second token.Token, text string) bool {
	switch first {
	case token.IMPORT, token.TYPE, token.CONST:
		return true
	case token.FUNC:
		if second == token.IDENT {
			return true
		}
		if second == token.LPAREN {
			// func (r T) M() is a method; func() {...}() is a call.
			i := strings.Index(text, ")")
			return methodName.MatchString(text[i+1:])
		}
	}
	return false
}

var methodName = regexp.MustCompile(`^\s*[\pL_][\pL\pN_]*\s*\(`)

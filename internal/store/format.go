package store

import (
	"bytes"
	"go/scanner"
	"go/token"
	"strings"
)

// MultiInstanceDirective is the line by which a session declares that
// several instances of it may run at once (Concert's MULTIINSTANCE). A
// comment rather than a variable, so that it is read without running the
// session.
const MultiInstanceDirective = "// concert:multi-instance"

// Description returns the session's description: the first block of //
// comment lines at the top of the file, without the comment markers, skipping
// a leading //go:build line and directive lines such as
// MultiInstanceDirective. Lines are joined with newlines; a file that starts
// with code has no description.
func Description(src []byte) string {
	var out []string
	for _, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case isBuildLine(t) || isDirective(t):
			continue
		case strings.HasPrefix(t, "//"):
			t = strings.TrimPrefix(t, "//")
			t = strings.TrimPrefix(t, " ")
			out = append(out, strings.TrimRight(t, " \t\r"))
			continue
		case t == "" && len(out) == 0:
			continue
		}
		break
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// Summary returns the first sentence or line of the description, for lists.
func Summary(src []byte) string {
	d := Description(src)
	if i := strings.Index(d, "\n\n"); i >= 0 {
		d = d[:i]
	}
	d = strings.Join(strings.Fields(d), " ")
	if i := strings.Index(d, ". "); i >= 0 {
		d = d[:i+1]
	}
	return d
}

// MultiInstance reports whether the session declares, with a line
// MultiInstanceDirective, that several instances of it may run at once.
func MultiInstance(src []byte) bool {
	for _, line := range strings.Split(string(src), "\n") {
		if isDirective(strings.TrimSpace(line)) && strings.HasSuffix(strings.TrimSpace(line), "multi-instance") {
			return true
		}
	}
	return false
}

func isBuildLine(t string) bool {
	return strings.HasPrefix(t, "//go:build") || strings.HasPrefix(t, "// +build")
}

// isDirective reports a concert directive, written "// concert:x" or
// "//concert:x".
func isDirective(t string) bool {
	return strings.HasPrefix(t, "// concert:") || strings.HasPrefix(t, "//concert:")
}

// Body returns the session's code as the shell runs it: src with a leading
// //go:build line and the package clause replaced by spaces. Bundled
// sessions carry both so that the go tool skips them (a .go file with
// top-level statements would break `go vet ./...`). Nothing is removed, so
// line and column numbers in the body are those of the file. line is the
// first line after the blanked header, or 1 when there was none.
func Body(src []byte) (body []byte, line int) {
	body = bytes.Clone(src)
	line = 1
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, scanner.ScanComments)
	blank := func(from, to token.Pos) {
		for i := file.Offset(from); i < file.Offset(to) && i < len(body); i++ {
			if body[i] != '\n' {
				body[i] = ' '
			}
		}
		line = file.Line(to) + 1
	}
	for {
		pos, tok, lit := s.Scan()
		switch tok {
		case token.COMMENT:
			if isBuildLine(lit) {
				blank(pos, pos+token.Pos(len(lit)))
			}
			continue
		case token.PACKAGE:
			npos, ntok, nlit := s.Scan()
			if ntok != token.IDENT {
				return body, line
			}
			end := npos + token.Pos(len(nlit))
			if spos, stok, slit := s.Scan(); stok == token.SEMICOLON && slit == ";" {
				end = spos + 1
			}
			blank(pos, end)
		}
		return body, line
	}
}

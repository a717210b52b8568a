package repl

import (
	"path"

	"github.com/traefik/yaegi/stdlib"

	"github.com/concert-go/concert/internal/repl/symbols"
)

// Importable reports whether a session can import the package at
// importPath: the standard library and concert's own packages are all
// the interpreter has.
func Importable(importPath string) bool {
	key := importPath + "/" + path.Base(importPath)
	_, std := stdlib.Symbols[key]
	_, own := symbols.Symbols[key]
	return std || own
}

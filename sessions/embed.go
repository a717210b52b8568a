// Package sessions holds the sessions bundled with concert, embedded in
// the binary: `concert start tutorial` runs tutorial.go from here when the
// user has no session of that name.
//
// Each session is a Go file that starts with `//go:build ignore` (so the go
// tool skips its top-level statements), then its description comment, then
// `package sessions`; the shell blanks the header and runs the rest.
package sessions

import "embed"

// FS holds the bundled sessions as NAME.go at its root.
//
//go:embed tutorial.go tomo.go
var FS embed.FS

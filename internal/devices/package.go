package devices

// Package describes one package of the shell's prelude, the packages every
// session has imported: a device family (motors, shutters, ...) or another
// package of the prelude (the units, a protocol's devices, scans). Each
// such package exports one Package value, and the one list of them in
// package prelude is where prelude imports, completion, help(), concert
// init and docs, the contract tests and the yaegi symbol tables come from.
type Package struct {
	Path string // import path: "github.com/concert-go/concert/internal/devices/motors"
	Name string // the name sessions use: "motors"
	Doc  string // one line for help(): what it has, with an example
	// Dummies makes one of each dummy device of a family, names starting
	// with prefix, for the tests every device must pass; nil for a
	// package without dummies.
	Dummies func(prefix string) []Device
}

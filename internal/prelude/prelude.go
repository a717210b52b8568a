// Package prelude is the one list of the packages every session has
// imported: the standard packages sessions use most, the units, and every
// device family. Prelude imports and completion (package repl), help(),
// concert init's template and concert docs (cmd/concert), the tests every
// dummy device must pass (package devices) and the yaegi symbol tables
// (make generate) all derive from Packages.
//
// Adding a family is one new package, which exports its devices.Package,
// plus one line in Packages.
package prelude

import (
	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/counters"
	"github.com/concert-go/concert/internal/devices/modbus"
	"github.com/concert-go/concert/internal/devices/monochromators"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/photodiodes"
	"github.com/concert-go/concert/internal/devices/scpi"
	"github.com/concert-go/concert/internal/devices/selections"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/devices/signals"
	"github.com/concert-go/concert/internal/devices/slits"
	"github.com/concert-go/concert/internal/devices/storagerings"
	"github.com/concert-go/concert/internal/devices/xraytubes"
	"github.com/concert-go/concert/internal/epics"
)

// Packages are the packages of the prelude, in the order help() shows
// them.
var Packages = []devices.Package{
	{Path: "context", Name: "context"},
	{Path: "fmt", Name: "fmt"},
	{Path: "math", Name: "math"},
	{Path: "strings", Name: "strings"},
	{Path: "time", Name: "time"},
	{Path: "github.com/concert-go/concert/internal/devices/q", Name: "q", Doc: "units: 2 * q.MM is a q.Length (q.MM, q.Deg, q.S, q.KeV, ...)"},
	{Path: "github.com/concert-go/concert/internal/devices", Name: "devices", Doc: "devices.New, Control, ParamSpec: a device written in the session"},
	motors.Package,
	shutters.Package,
	cameras.Package,
	monochromators.Package,
	photodiodes.Package,
	storagerings.Package,
	xraytubes.Package,
	selections.Package,
	counters.Package,
	signals.Package,
	slits.Package,
	scpi.Package,
	modbus.Package,
	epics.Package,
	{Path: "github.com/concert-go/concert/internal/scans", Name: "scans", Doc: "scans and acquisitions (ascan, dscan, mesh, focus, count, acquire, ... in scope): scans.Mean, scans.Result"},
}

// Symbols are the import paths whose yaegi symbol tables the shell
// carries: every package of the prelude outside the standard library,
// and the packages their APIs speak of.
func Symbols() []string {
	paths := []string{"github.com/concert-go/concert/internal/tasks"}
	for _, p := range Packages {
		if Standard(p.Path) {
			continue
		}
		paths = append(paths, p.Path)
	}
	return paths
}

// Standard reports whether path is a standard library package, whose
// symbols the interpreter has already.
func Standard(path string) bool {
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			return false
		}
		if path[i] == '/' {
			return true
		}
	}
	return true
}

// Families are the packages with dummy devices.
func Families() []devices.Package {
	var out []devices.Package
	for _, p := range Packages {
		if p.Dummies != nil {
			out = append(out, p)
		}
	}
	return out
}

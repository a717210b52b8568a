package monochromators

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/monochromators",
	Name: "monochromators",
	Doc:  `monochromators.New("mono"): energy, wavelength; NewDevice("m", driver, options)`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{New(prefix + "mono")}
	},
}

package storagerings

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/storagerings",
	Name: "storagerings",
	Doc:  `storagerings.New("ring"): current, energy, lifetime; NewDevice("r", driver, options)`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{New(prefix + "ring")}
	},
}

package xraytubes

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/xraytubes",
	Name: "xraytubes",
	Doc:  `xraytubes.New("tube"): On, Off, voltage, current; NewDevice("t", driver, options)`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{New(prefix + "tube")}
	},
}

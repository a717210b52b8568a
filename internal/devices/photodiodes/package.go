package photodiodes

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/photodiodes",
	Name: "photodiodes",
	Doc:  `photodiodes.New("diode"): intensity, Simulate; NewDevice("d", driver, options)`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{New(prefix + "diode")}
	},
}

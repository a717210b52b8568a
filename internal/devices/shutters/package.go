package shutters

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/shutters",
	Name: "shutters",
	Doc:  `shutters.New("s"): Open, Close; NewDevice(name, driver, options): a shutter of any Driver`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{New(prefix + "shutter")}
	},
}

package selections

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/selections",
	Name: "selections",
	Doc:  `selections.NewDummy("filter", "none", "Al 1 mm"): one of named positions`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{NewDummy(prefix+"filter", "none", "Al 1 mm", "Cu 0.5 mm")}
	},
}

package counters

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/counters",
	Name: "counters",
	Doc:  `counters.NewDummy("det"): Count for count_time, counts`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{NewDummy(prefix + "counter")}
	},
}

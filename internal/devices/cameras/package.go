package cameras

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/cameras",
	Name: "cameras",
	Doc:  `cameras.New("c"): Grab, StartRecording, StopRecording; NewDevice("c", driver, options)`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{New(prefix + "camera")}
	},
}

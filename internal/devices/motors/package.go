package motors

import "github.com/concert-go/concert/internal/devices"

// Package registers the family with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/motors",
	Name: "motors",
	Doc:  `motors.NewLinear("m"), NewRotation, NewContinuousLinear, NewContinuousRotation; New("m", driver, options)`,
	Dummies: func(prefix string) []devices.Device {
		return []devices.Device{NewLinear(prefix + "linear"), NewRotation(prefix + "rotation"), NewContinuousLinear(prefix + "clinear"), NewContinuousRotation(prefix + "crotation")}
	},
}

package slits

import "github.com/concert-go/concert/internal/devices"

// Package registers slits with the shell's prelude (see package prelude).
// Its pseudo-motors are motors of package motors over blades the session
// makes, so it has no dummies of its own.
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/slits",
	Name: "slits",
	Doc:  `slits.New("s1hg", lower, upper, slits.Gap), slits.Offset: pseudo-motors moving two blade motors at once`,
}

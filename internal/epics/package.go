package epics

import "github.com/concert-go/concert/internal/devices"

// Package registers the package with the shell's prelude (see package
// prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/epics",
	Name: "epics",
	Doc:  `epics.Motor("sample_x", "SIM:M1"), Device("psu", epics.PV("voltage", "SIM:V")), Shutter, Watch(pv, fmt.Println): EPICS Channel Access`,
}

package scpi

import "github.com/concert-go/concert/internal/devices"

// Package registers scpi with the shell's prelude (see package prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/scpi",
	Name: "scpi",
	Doc:  `scpi.New("psu", "tcp://host:5025", scpi.Param("voltage", q.V, "VOLT?", "VOLT %v")): an instrument speaking SCPI over TCP or serial`,
}

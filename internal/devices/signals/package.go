package signals

import "github.com/concert-go/concert/internal/devices"

// Package registers the IO family with the shell's prelude (see package
// prelude). Its devices' channels are the user's, so it has no dummies of
// its own for the tests every family's dummy passes; signaltest is its
// contract.
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/signals",
	Name: "signals",
	Doc:  `signals.New("box", signals.DigitalIn("door"), signals.AnalogOut("hv", q.KV)): digital and analog IO; Interlock for watchdog; NewDevice for any Driver`,
}

package modbus

import "github.com/concert-go/concert/internal/devices"

// Package registers modbus with the shell's prelude (see package prelude).
var Package = devices.Package{
	Path: "github.com/concert-go/concert/internal/devices/modbus",
	Name: "modbus",
	Doc:  `modbus.NewMotor("m", "tcp://plc:502", axis), NewIO (Interlock on its channels), Client: devices on a Modbus TCP/RTU PLC`,
}

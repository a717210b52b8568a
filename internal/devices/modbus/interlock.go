package modbus

import (
	"context"

	"github.com/concert-go/concert/internal/logs"
)

// Interlock returns a check for watchdog that is true, tripped, while the
// bit at addr is on (an open door, a vacuum fault). Invert the bit for an
// input that is on while all is well. It fails safe: a read that fails
// (the PLC is off, the cable pulled) counts as tripped, and the failure is
// logged.
//
//	wd := watchdog(modbus.Interlock("tcp://plc:502", modbus.DiscreteInput(20)), 100*time.Millisecond)
func Interlock(addr string, bit Bit, opts ...Option) func() bool {
	c, err := client(addr, opts)
	if err != nil {
		panic(err)
	}
	return func() bool {
		// The client's time limit (transport.Timeout) bounds the read.
		on, err := bit.read(context.Background(), c)
		if err != nil {
			logs.L().Warn("interlock unreadable: counts as tripped", "addr", addr, "bit", bit.String(), "err", err)
			return true
		}
		return on
	}
}

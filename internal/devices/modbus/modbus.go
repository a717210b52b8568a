// Package modbus has devices on Modbus PLCs and controllers, over TCP or
// RTU: a positioner (a motor whose controller takes a target register and
// reports a readback register and a moving bit) and digital and analog IO
// (whose Interlock, the IO family's, feeds the watchdog). A device is described by where
// its values live in the PLC's tables; the protocol, time limits,
// reconnection and cancellation are package transport's.
package modbus

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/concert-go/concert/internal/transport"
)

// Register is where a value lives in registers and how it scales; see
// transport.Register.
type Register = transport.Register

// The register tables and types, so a session writes modbus.Holding,
// modbus.Int32.
const (
	Holding = transport.Holding
	Input   = transport.Input

	Uint16  = transport.Uint16
	Int16   = transport.Int16
	Uint32  = transport.Uint32
	Int32   = transport.Int32
	Float32 = transport.Float32

	HighWordFirst = transport.HighWordFirst
	LowWordFirst  = transport.LowWordFirst
)

// Option configures the client of a PLC (see Client): Timeout, UnitID, Baud.
type Option = transport.Option

// Timeout sets how long one request may take; default 2 s.
func Timeout(d time.Duration) Option { return transport.Timeout(d) }

// UnitID sets the Modbus unit (slave) id; default 1.
func UnitID(id uint8) Option { return transport.UnitID(id) }

// Baud sets the speed of an RTU line; default 19200, or the address's ?baud=.
func Baud(n int) Option { return transport.Baud(n) }

// Bit is a single bit: a coil (read-write) or a discrete input (read-only).
type Bit struct {
	Coil bool // a coil, else a discrete input
	Addr uint16
	// Invert reads (and writes) the bit the other way round: an
	// active-low input.
	Invert bool
}

// Coil is the coil at addr.
func Coil(addr uint16) Bit { return Bit{Coil: true, Addr: addr} }

// DiscreteInput is the discrete input at addr.
func DiscreteInput(addr uint16) Bit { return Bit{Addr: addr} }

func (b Bit) String() string {
	s := fmt.Sprintf("discrete input %d", b.Addr)
	if b.Coil {
		s = fmt.Sprintf("coil %d", b.Addr)
	}
	if b.Invert {
		s += " (inverted)"
	}
	return s
}

// read reads the bit.
func (b Bit) read(ctx context.Context, c *transport.Modbus) (bool, error) {
	var v []bool
	var err error
	if b.Coil {
		v, err = c.ReadCoils(ctx, b.Addr, 1)
	} else {
		v, err = c.ReadDiscreteInputs(ctx, b.Addr, 1)
	}
	if err != nil {
		return false, err
	}
	return v[0] != b.Invert, nil
}

// write sets a coil.
func (b Bit) write(ctx context.Context, c *transport.Modbus, on bool) error {
	if !b.Coil {
		return fmt.Errorf("%v is read-only", b)
	}
	return c.WriteCoil(ctx, b.Addr, on != b.Invert)
}

// clients holds one client per address: devices on the same PLC share
// it, which a serial line (RTU) needs, since only one request may be on
// the line at a time.
var clients = struct {
	sync.Mutex
	m map[string]*transport.Modbus
}{m: map[string]*transport.Modbus{}}

// Forget closes and forgets the shared client of addr: the next device on
// addr opens a new one. For tests, whose servers come and go.
func Forget(addr string) {
	clients.Lock()
	defer clients.Unlock()
	if c := clients.m[addr]; c != nil {
		c.Close()
		delete(clients.m, addr)
	}
}

// Client returns the client of the PLC at addr that the devices on addr
// share, made with opts the first time: for raw access to its coils and
// registers next to the devices, on the same line.
func Client(addr string, opts ...Option) (*transport.Modbus, error) {
	return client(addr, opts)
}

func client(addr string, opts []transport.Option) (*transport.Modbus, error) {
	clients.Lock()
	defer clients.Unlock()
	if c := clients.m[addr]; c != nil {
		return c, nil
	}
	c, err := transport.NewModbus(addr, opts...)
	if err != nil {
		return nil, err
	}
	clients.m[addr] = c
	return c, nil
}

package modbus

import (
	"context"
	"fmt"

	"github.com/concert-go/concert/internal/devices/signals"
	"github.com/concert-go/concert/internal/transport"
)

// IO is digital and analog inputs and outputs of a PLC: a device of the IO
// family (signals.Device) over a Signals driver, one parameter per
// channel. A digital channel is a bool (a coil or a discrete input), an
// analog one a quantity (a register scaled to a unit). Inputs are
// read-only; outputs can be set and read back, and take their safe values
// at an emergency stop; Interlock turns a digital channel into a check
// for watchdog.
type IO struct {
	*signals.Device
	addr string
}

// Channel is one channel of an IO device on a PLC: a signals.Channel and
// where it lives. Make one with DigitalIn, DigitalOut, AnalogIn or
// AnalogOut.
type Channel struct {
	signals.Channel
	bit *Bit
	reg Register
}

// DigitalIn is an input read from a bit (a discrete input, or a coil).
func DigitalIn(name string, bit Bit) Channel {
	return Channel{Channel: signals.DigitalIn(name).Doc(bit.String()), bit: &bit}
}

// DigitalOut is an output on a coil.
func DigitalOut(name string, coil Bit) Channel {
	return Channel{Channel: signals.DigitalOut(name).Doc(coil.String()), bit: &coil}
}

// AnalogIn is an input read from a register (input or holding), scaled to
// a value in unit.
func AnalogIn(name string, unit any, reg Register) Channel {
	return Channel{Channel: signals.AnalogIn(name, unit).Doc(reg.String()), reg: reg}
}

// AnalogOut is an output on a holding register, its value in unit.
func AnalogOut(name string, unit any, reg Register) Channel {
	return Channel{Channel: signals.AnalogOut(name, unit).Doc(reg.String()), reg: reg}
}

// Limits gives an analog channel's own limits, in its dimension.
func (c Channel) Limits(lower, upper any) Channel {
	c.Channel = c.Channel.Limits(lower, upper)
	return c
}

// Safe gives the value an emergency stop writes to an output.
func (c Channel) Safe(v any) Channel {
	c.Channel = c.Channel.Safe(v)
	return c
}

// Doc sets the line ddoc() shows; the bit or register if not set.
func (c Channel) Doc(text string) Channel {
	c.Channel = c.Channel.Doc(text)
	return c
}

// Signals is a signals.Driver for channels of a PLC: it reads and writes
// their bits and registers.
type Signals struct {
	c        *transport.Modbus
	channels map[string]Channel
	list     []signals.Channel
}

var _ signals.Driver = (*Signals)(nil)

// NewSignals checks the channels and returns the driver of them on the
// PLC at addr (tcp://host:port or rtu:///dev/ttyX?baud=N); opts go to the
// PLC's client the first time it is made (see Client). Use it with
// signals.NewDevice and its Channels, or use NewIO.
func NewSignals(addr string, channels []Channel, opts ...Option) (*Signals, error) {
	c, err := client(addr, opts)
	if err != nil {
		return nil, err
	}
	s := &Signals{c: c, channels: map[string]Channel{}}
	for _, ch := range channels {
		if err := ch.check(); err != nil {
			return nil, err
		}
		s.channels[ch.Name()] = ch
		s.list = append(s.list, ch.Channel)
	}
	return s, nil
}

// check refuses an output that cannot be written; signals.NewDevice
// checks the rest.
func (ch Channel) check() error {
	switch {
	case !ch.Output():
	case !ch.Analog() && (ch.bit == nil || !ch.bit.Coil):
		return fmt.Errorf("channel %s: %v cannot be written; a digital output needs a coil", ch.Name(), ch.bit)
	case ch.Analog() && ch.reg.Table != Holding:
		return fmt.Errorf("channel %s: %v cannot be written; an analog output needs a holding register", ch.Name(), ch.reg)
	}
	return nil
}

// Channels are the channels for signals.NewDevice.
func (s *Signals) Channels() []signals.Channel { return append([]signals.Channel(nil), s.list...) }

// Addr is the PLC's address.
func (s *Signals) Addr() string { return s.c.Addr() }

// NewIO makes an IO device with the channels given on the PLC at addr:
// signals.NewDevice over NewSignals. A mistake in a channel or the
// address panics with an error saying what to write, as scpi.New does.
func NewIO(name, addr string, channels ...Channel) *IO {
	s, err := NewSignals(addr, channels)
	if err != nil {
		panic(fmt.Errorf("%s: %w", name, err))
	}
	return &IO{signals.NewDevice(name, s, signals.Options{Kind: "Modbus IO"}, s.Channels()...), addr}
}

// Addr is the PLC's address.
func (io *IO) Addr() string { return io.addr }

// channel is the named channel; the base asks only for the ones it was
// given.
func (s *Signals) channel(name string) (Channel, error) {
	ch, ok := s.channels[name]
	if !ok {
		return ch, fmt.Errorf("no channel %q on %s", name, s.c.Addr())
	}
	return ch, nil
}

// ReadDigital reads the channel's bit.
func (s *Signals) ReadDigital(ctx context.Context, name string) (bool, error) {
	ch, err := s.channel(name)
	if err != nil {
		return false, err
	}
	return ch.bit.read(ctx, s.c)
}

// WriteDigital writes the channel's coil.
func (s *Signals) WriteDigital(ctx context.Context, name string, on bool) error {
	ch, err := s.channel(name)
	if err != nil {
		return err
	}
	return ch.bit.write(ctx, s.c, on)
}

// ReadAnalog reads the channel's register, scaled to its unit.
func (s *Signals) ReadAnalog(ctx context.Context, name string) (float64, error) {
	ch, err := s.channel(name)
	if err != nil {
		return 0, err
	}
	return s.c.Read(ctx, ch.reg)
}

// WriteAnalog writes the channel's holding register, scaled from its
// unit.
func (s *Signals) WriteAnalog(ctx context.Context, name string, v float64) error {
	ch, err := s.channel(name)
	if err != nil {
		return err
	}
	return s.c.Write(ctx, ch.reg, v)
}

package modbus

import (
	"context"
	"fmt"
	"strings"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/transport"
)

// IO is digital and analog inputs and outputs of a PLC, one parameter per
// channel: a digital channel is a bool (a coil or a discrete input), an
// analog one a quantity (a register scaled to a unit). Inputs are
// read-only; outputs can be set and read back.
type IO struct {
	*devices.Base
	ctl  *devices.Control
	addr string
}

// Channel is one channel of an IO device; make one with DigitalIn,
// DigitalOut, AnalogIn or AnalogOut.
type Channel struct {
	name   string
	bit    *Bit
	reg    Register
	unit   any
	output bool
	lo, hi any
	doc    string
}

// DigitalIn is an input read from a bit (a discrete input, or a coil).
func DigitalIn(name string, bit Bit) Channel { return Channel{name: name, bit: &bit} }

// DigitalOut is an output on a coil.
func DigitalOut(name string, coil Bit) Channel {
	return Channel{name: name, bit: &coil, output: true}
}

// AnalogIn is an input read from a register (input or holding), scaled to
// a value in unit.
func AnalogIn(name string, unit any, reg Register) Channel {
	return Channel{name: name, reg: reg, unit: unit}
}

// AnalogOut is an output on a holding register, its value in unit.
func AnalogOut(name string, unit any, reg Register) Channel {
	return Channel{name: name, reg: reg, unit: unit, output: true}
}

// Limits gives an analog channel's own limits, in its dimension.
func (c Channel) Limits(lower, upper any) Channel {
	c.lo, c.hi = lower, upper
	return c
}

// Doc sets the line ddoc() shows.
func (c Channel) Doc(text string) Channel {
	c.doc = text
	return c
}

// NewIO makes an IO device with the channels given on the PLC at addr;
// options go to the PLC's client the first time it is made (see Client).
// A mistake in a channel panics with an error saying what to write, as
// scpi.New does.
func NewIO(name, addr string, channels ...Channel) *IO {
	c, err := client(addr, nil)
	if err != nil {
		panic(fmt.Errorf("%s: %w", name, err))
	}
	base, ctl := devices.New(devices.Config{Name: name, Kind: "Modbus IO"})
	io := &IO{Base: base, ctl: ctl, addr: addr}
	seen := map[string]bool{}
	for _, ch := range channels {
		spec, err := ch.spec(c)
		if err == nil && seen[ch.name] {
			err = fmt.Errorf("channel %s declared twice", ch.name)
		}
		if err != nil {
			panic(fmt.Errorf("%s: %w", name, err))
		}
		seen[ch.name] = true
		ctl.Add(spec)
	}
	return io
}

// Addr is the PLC's address.
func (io *IO) Addr() string { return io.addr }

// spec checks the channel and makes its parameter.
func (ch Channel) spec(c *transport.Modbus) (devices.ParamSpec, error) {
	if ch.name == "" || strings.ContainsAny(ch.name, " .") {
		return devices.ParamSpec{}, fmt.Errorf("channel name %q: write a name like \"door\" or \"beam_current\"", ch.name)
	}
	s := devices.ParamSpec{Name: ch.name, Doc: ch.doc}
	if ch.bit != nil {
		return ch.digital(c, s)
	}
	unit, ok := ch.unit.(q.Quantity)
	if !ok || unit.Base() == 0 {
		return s, fmt.Errorf("channel %s: %v is not a unit; write one of package q, such as q.V or q.K", ch.name, ch.unit)
	}
	if ch.output && ch.reg.Table != Holding {
		return s, fmt.Errorf("channel %s: %v cannot be written; an analog output needs a holding register", ch.name, ch.reg)
	}
	for _, l := range []any{ch.lo, ch.hi} {
		if x, ok := l.(q.Quantity); l != nil && x != q.NoLimit && (!ok || x.Dim() != unit.Dim()) {
			return s, fmt.Errorf("channel %s: limit %v is not a %s like its unit", ch.name, l, unit.Dim())
		}
	}
	if s.Doc == "" {
		s.Doc = ch.reg.String()
	}
	s.Unit = unit
	if ch.lo != nil || ch.hi != nil {
		lo, hi := ch.lo, ch.hi
		if lo == nil {
			lo = q.NoLimit
		}
		if hi == nil {
			hi = q.NoLimit
		}
		lq, hq := lo.(q.Quantity), hi.(q.Quantity)
		s.Limits = func() (q.Quantity, q.Quantity) { return lq, hq }
	}
	reg := ch.reg
	s.Get = func(ctx context.Context) (any, error) {
		v, err := c.Read(ctx, reg)
		if err != nil {
			return nil, err
		}
		return q.New(unit.Dim(), v*unit.Base()), nil
	}
	if ch.output {
		s.Set = func(ctx context.Context, v any) error {
			return c.Write(ctx, reg, v.(q.Quantity).Base()/unit.Base())
		}
	}
	return s, nil
}

func (ch Channel) digital(c *transport.Modbus, s devices.ParamSpec) (devices.ParamSpec, error) {
	bit := *ch.bit
	if ch.lo != nil || ch.hi != nil {
		return s, fmt.Errorf("channel %s: limits need an analog channel", ch.name)
	}
	if ch.output && !bit.Coil {
		return s, fmt.Errorf("channel %s: %v cannot be written; a digital output needs a coil", ch.name, bit)
	}
	if s.Doc == "" {
		s.Doc = bit.String()
	}
	s.Zero = false
	s.Get = func(ctx context.Context) (any, error) { return bit.read(ctx, c) }
	if ch.output {
		s.Set = func(ctx context.Context, v any) error { return bit.write(ctx, c, v.(bool)) }
	}
	return s, nil
}

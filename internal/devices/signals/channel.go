package signals

import (
	"fmt"
	"strings"

	"github.com/concert-go/concert/internal/devices/q"
)

// Channel is one input or output of an IO device; make one with
// DigitalIn, DigitalOut, AnalogIn or AnalogOut, and refine it with
// Limits, Safe and Doc. Each channel is a parameter of the device: a
// digital one a bool, an analog one a quantity in its unit.
type Channel struct {
	name   string
	analog bool
	output bool
	unit   any // an analog channel's unit, checked by NewDevice
	lo, hi any // an analog channel's own limits; nil for none
	safe   any // what an emergency stop writes to an output; nil for nothing
	doc    string
}

// DigitalIn is a digital input, such as a door switch.
func DigitalIn(name string) Channel { return Channel{name: name} }

// DigitalOut is a digital output, such as a lamp or a valve; it reads
// back what it is set to.
func DigitalOut(name string) Channel { return Channel{name: name, output: true} }

// AnalogIn is an analog input whose values are in unit, such as q.V or
// q.K.
func AnalogIn(name string, unit any) Channel { return Channel{name: name, analog: true, unit: unit} }

// AnalogOut is an analog output whose values are in unit; it reads back
// what it is set to.
func AnalogOut(name string, unit any) Channel {
	return Channel{name: name, analog: true, unit: unit, output: true}
}

// Limits gives an analog channel's own limits, quantities of its unit's
// dimension (q.NoLimit for an open side): a set outside them is refused
// before the driver is touched.
func (c Channel) Limits(lower, upper any) Channel {
	c.lo, c.hi = lower, upper
	return c
}

// Safe gives the value an emergency stop writes to an output, after
// cancelling the device's sets: false to switch a high voltage off, 0 V
// for a setpoint. An output without one keeps its value.
func (c Channel) Safe(v any) Channel {
	c.safe = v
	return c
}

// Doc sets the line ddoc() shows.
func (c Channel) Doc(text string) Channel {
	c.doc = text
	return c
}

// Name is the channel's name, the name of its parameter.
func (c Channel) Name() string { return c.name }

// Analog reports whether the channel is analog, else digital.
func (c Channel) Analog() bool { return c.analog }

// Output reports whether the channel is an output, else an input.
func (c Channel) Output() bool { return c.output }

// Unit is an analog channel's unit; nil for a digital one.
func (c Channel) Unit() q.Quantity {
	u, _ := c.unit.(q.Quantity)
	return u
}

// what says what the channel is: "analog output".
func (c Channel) what() string {
	w := "digital "
	if c.analog {
		w = "analog "
	}
	if c.output {
		return w + "output"
	}
	return w + "input"
}

// check refuses a channel that cannot work, saying what to write.
func (c Channel) check() error {
	if c.name == "" || strings.ContainsAny(c.name, " .") {
		return fmt.Errorf("channel name %q: write a name like \"door\" or \"beam_current\"", c.name)
	}
	if c.safe != nil && !c.output {
		return fmt.Errorf("channel %s: only an output has a safe value", c.name)
	}
	if !c.analog {
		if c.lo != nil || c.hi != nil {
			return fmt.Errorf("channel %s: limits need an analog channel", c.name)
		}
		if _, ok := c.safe.(bool); c.safe != nil && !ok {
			return fmt.Errorf("channel %s: safe value %v is no bool; write true or false", c.name, c.safe)
		}
		return nil
	}
	unit, ok := c.unit.(q.Quantity)
	if !ok || unit.Base() == 0 {
		return fmt.Errorf("channel %s: %v is not a unit; write one of package q, such as q.V or q.K", c.name, c.unit)
	}
	for _, l := range []any{c.lo, c.hi, c.safe} {
		if x, ok := l.(q.Quantity); l != nil && x != q.NoLimit && (!ok || x.Dim() != unit.Dim()) {
			return fmt.Errorf("channel %s: %v is not a %s like its unit", c.name, l, unit.Dim())
		}
		if x, _ := l.(q.Quantity); l != nil && x != q.NoLimit && !q.Finite(x) {
			return fmt.Errorf("channel %s: %v is not a finite %s; write a number, or q.NoLimit for an open side", c.name, l, unit.Dim())
		}
	}
	return c.checkRange()
}

// checkRange refuses limits the wrong way round and a safe value outside
// them, which an emergency stop would write regardless.
func (c Channel) checkRange() error {
	lo, hi := c.bounds()
	if lo != q.NoLimit && hi != q.NoLimit && lo.Base() > hi.Base() {
		return fmt.Errorf("channel %s: lower limit %v > upper limit %v; write Limits(lower, upper)", c.name, lo, hi)
	}
	safe, ok := c.safe.(q.Quantity)
	if !ok {
		return nil
	}
	if (lo != q.NoLimit && safe.Base() < lo.Base()) || (hi != q.NoLimit && safe.Base() > hi.Base()) {
		return fmt.Errorf("channel %s: safe value %v is outside its limits %v .. %v; an emergency stop writes it", c.name, safe, lo, hi)
	}
	return nil
}

// limits are the channel's own limits for its parameter; nil for none.
func (c Channel) limits() func() (q.Quantity, q.Quantity) {
	if c.lo == nil && c.hi == nil {
		return nil
	}
	return c.bounds
}

// bounds are the channel's own limits, q.NoLimit on an open side.
func (c Channel) bounds() (q.Quantity, q.Quantity) {
	lo, hi := q.NoLimit, q.NoLimit
	if c.lo != nil {
		lo = c.lo.(q.Quantity)
	}
	if c.hi != nil {
		hi = c.hi.(q.Quantity)
	}
	return lo, hi
}

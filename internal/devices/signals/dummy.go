package signals

import (
	"context"
	"fmt"
	"sync"

	"github.com/concert-go/concert/internal/devices/q"
)

// Dummy is a driver that simulates an IO box: an output reads back what
// was last written, an input what Simulate last set (false and 0 until
// then). It is one Driver among others: the base does the rest.
type Dummy struct {
	mu      sync.Mutex
	digital map[string]bool
	analog  map[string]float64
}

var _ Driver = (*Dummy)(nil)

// NewDummy makes a dummy driver with every channel off and at 0.
func NewDummy() *Dummy { return &Dummy{digital: map[string]bool{}, analog: map[string]float64{}} }

// ReadDigital reads what the channel was last set or simulated to.
func (d *Dummy) ReadDigital(_ context.Context, ch string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.digital[ch], nil
}

// WriteDigital sets the channel.
func (d *Dummy) WriteDigital(_ context.Context, ch string, on bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.digital[ch] = on
	return nil
}

// ReadAnalog reads what the channel was last set or simulated to.
func (d *Dummy) ReadAnalog(_ context.Context, ch string) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.analog[ch], nil
}

// WriteAnalog sets the channel.
func (d *Dummy) WriteAnalog(_ context.Context, ch string, v float64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.analog[ch] = v
	return nil
}

// Simulated is a dummy IO device: a Device over a Dummy driver, whose
// inputs the session sets with Simulate.
type Simulated struct {
	*Device
	dummy *Dummy
}

// New makes a dummy IO device called name with the channels given:
//
//	box := signals.New("box", signals.DigitalIn("door_open"),
//		signals.DigitalOut("lamp").Safe(false),
//		signals.AnalogOut("hv", q.KV).Limits(0*q.KV, 30*q.KV).Safe(0*q.KV))
func New(name string, channels ...Channel) *Simulated {
	d := NewDummy()
	return &Simulated{NewDevice(name, d, Options{Kind: "dummy IO"}, channels...), d}
}

// Simulate makes an input read v from now on: a bool for a digital
// channel, a quantity for an analog one (box.Simulate("door_open", true),
// box.Simulate("temperature", 300*q.K)). It panics with an error on a
// channel the device does not have or a value of the wrong kind.
func (s *Simulated) Simulate(channel string, v any) {
	for _, ch := range s.channels {
		if ch.name != channel {
			continue
		}
		if b, ok := v.(bool); ok && !ch.analog {
			s.dummy.WriteDigital(context.Background(), channel, b)
			return
		}
		unit := ch.Unit()
		if x, ok := v.(q.Quantity); ok && ch.analog && x.Dim() == unit.Dim() {
			if !q.Finite(x) {
				panic(fmt.Errorf("%s.Simulate(%q, %v): %v is not a finite %s", s.Name(), channel, v, v, unit.Dim()))
			}
			s.dummy.WriteAnalog(context.Background(), channel, x.Base()/unit.Base())
			return
		}
		want := "true or false"
		if ch.analog {
			want = fmt.Sprintf("a %s", unit.Dim())
		}
		panic(fmt.Errorf("%s.Simulate(%q, %v): %s is %s; want %s", s.Name(), channel, v, channel, article(ch.what()), want))
	}
	panic(fmt.Errorf("%s.Simulate: no channel %q (the channels are %s)", s.Name(), channel, s.names()))
}

// article puts "a" or "an" before what.
func article(what string) string {
	if what[0] == 'a' {
		return "an " + what
	}
	return "a " + what
}

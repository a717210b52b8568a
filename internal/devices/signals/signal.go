// Package signals is the IO family, Concert's IO and signals: digital
// and analog inputs and outputs of a PLC, a DAQ card or an IO box. The
// base, Device, makes each channel a parameter (a bool, or a quantity in
// the channel's unit with its limits), refuses bad sets before the driver
// is touched, writes the outputs' safe values at an emergency stop, and
// turns a digital input into an interlock for watchdog; the small Driver
// only reads and writes channels by name. The dummy (dummy.go) keeps what
// was written and reads what the session simulates. New makes a dummy IO
// device; NewDevice makes one of any driver.
package signals

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/logs"
)

// Driver is all an IO driver implements: reading and writing its
// channels, named as the Channels given to NewDevice. Analog numbers are
// in the channel's unit (2.5 for q.V is 2.5 V). The base calls a write
// only for an output, after every check; it calls the methods from the
// tasks of the user's operations, several at once, so a driver guards its
// own state. A driver returns an error, never a NaN; it may panic, which
// the base turns into a failed task naming the device and channel. When
// ctx ends, a method returns context.Cause(ctx).
type Driver interface {
	// ReadDigital reads a digital input, or what a digital output is set
	// to.
	ReadDigital(ctx context.Context, channel string) (bool, error)
	// WriteDigital sets a digital output.
	WriteDigital(ctx context.Context, channel string, on bool) error
	// ReadAnalog reads an analog input, or what an analog output is set
	// to.
	ReadAnalog(ctx context.Context, channel string) (float64, error)
	// WriteAnalog sets an analog output.
	WriteAnalog(ctx context.Context, channel string, v float64) error
}

// Options describes an IO device to NewDevice besides its driver and
// channels.
type Options struct {
	// Kind says what the device is, for tables; "IO" if empty.
	Kind string
}

// interlockWithin bounds an interlock's read: one that takes longer
// counts as tripped.
const interlockWithin = time.Second

// Device is the base of every IO device: one parameter per channel over
// a Driver. It has no motion and stays in standby. Make one with
// NewDevice. All methods are safe for concurrent use.
type Device struct {
	*devices.Base
	drv      Driver
	channels []Channel

	// writeMu orders the outputs' writes against an emergency stop's
	// safe values: a write under way when the stop comes ends before
	// the safe value is written, and none starts after.
	writeMu sync.Mutex
}

var _ devices.Lockable = (*Device)(nil)

// NewDevice makes an IO device called name over driver d with the
// channels given. A mistake in a channel panics with an error saying what
// to write (the shell prints it as one line); a nil driver panics too.
func NewDevice(name string, d Driver, o Options, channels ...Channel) *Device {
	if d == nil {
		panic(fmt.Sprintf("signals.NewDevice(%q): the driver is nil", name))
	}
	if o.Kind == "" {
		o.Kind = "IO"
	}
	dev := &Device{drv: d}
	seen := map[string]bool{}
	for _, ch := range channels {
		err := ch.check()
		if err == nil && seen[ch.name] {
			err = fmt.Errorf("channel %s declared twice", ch.name)
		}
		if err != nil {
			panic(fmt.Errorf("%s: %w", name, err))
		}
		seen[ch.name] = true
		dev.channels = append(dev.channels, ch)
	}
	var ctl *devices.Control
	cfg := devices.Config{Name: name, Kind: o.Kind}
	for _, ch := range dev.channels {
		if ch.safe != nil {
			cfg.EmergencyStop = dev.writeSafe
			break
		}
	}
	dev.Base, ctl = devices.New(cfg)
	for _, ch := range dev.channels {
		ctl.Add(dev.spec(ch))
	}
	return dev
}

// Channels are the device's channels in the order they were given.
func (dev *Device) Channels() []Channel { return append([]Channel(nil), dev.channels...) }

// spec makes the parameter of a channel.
func (dev *Device) spec(ch Channel) devices.ParamSpec {
	s := devices.ParamSpec{Name: ch.name, Doc: ch.doc}
	if s.Doc == "" {
		s.Doc = ch.what()
	}
	name := ch.name
	if !ch.analog {
		s.Zero = false
		s.Get = func(ctx context.Context) (any, error) {
			return call(func() (bool, error) { return dev.drv.ReadDigital(ctx, name) })
		}
		if ch.output {
			s.Set = func(ctx context.Context, v any) error {
				return dev.write(ctx, func() error { return dev.drv.WriteDigital(ctx, name, v.(bool)) })
			}
		}
		return s
	}
	unit := ch.unit.(q.Quantity)
	s.Unit, s.Limits = unit, ch.limits()
	s.Get = func(ctx context.Context) (any, error) {
		x, err := call(func() (float64, error) { return dev.drv.ReadAnalog(ctx, name) })
		if err == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
			err = fmt.Errorf("the driver read %v; check the driver", x)
		}
		return q.New(unit.Dim(), x*unit.Base()), err
	}
	if ch.output {
		s.Set = func(ctx context.Context, v any) error {
			x := v.(q.Quantity).Base() / unit.Base()
			return dev.write(ctx, func() error { return dev.drv.WriteAnalog(ctx, name, x) })
		}
	}
	return s
}

// write runs a driver's write under writeMu, unless ctx ended (an
// emergency stop cancelled the set) while it waited.
func (dev *Device) write(ctx context.Context, w func() error) error {
	dev.writeMu.Lock()
	defer dev.writeMu.Unlock()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	_, err := call(func() (struct{}, error) { return struct{}{}, w() })
	return err
}

// writeSafe is the device's emergency stop, after its sets were
// cancelled: every output with a safe value gets it.
func (dev *Device) writeSafe(ctx context.Context) error {
	dev.writeMu.Lock()
	defer dev.writeMu.Unlock()
	var errs []error
	for _, ch := range dev.channels {
		if ch.safe == nil {
			continue
		}
		_, err := call(func() (struct{}, error) {
			if !ch.analog {
				return struct{}{}, dev.drv.WriteDigital(ctx, ch.name, ch.safe.(bool))
			}
			unit := ch.unit.(q.Quantity)
			return struct{}{}, dev.drv.WriteAnalog(ctx, ch.name, ch.safe.(q.Quantity).Base()/unit.Base())
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s to %v: %w", ch.name, ch.safe, err))
		}
	}
	return errors.Join(errs...)
}

// Interlock returns a check for watchdog that is true, tripped, while the
// digital channel reads tripped: Interlock("door_open", true) trips when
// the door opens, Interlock("vacuum_ok", false) when the vacuum is lost.
// It fails safe: a read that fails, panics or takes over a second counts
// as tripped, and is logged. The read bypasses locks and exclusive
// access, which must not delay a safety check. It panics with an error if
// the device has no such digital channel.
//
//	wd := watchdog(plc.Interlock("door_open", true), 100*time.Millisecond)
func (dev *Device) Interlock(channel string, tripped bool) func() bool {
	var ch *Channel
	for i := range dev.channels {
		if dev.channels[i].name == channel {
			ch = &dev.channels[i]
		}
	}
	if ch == nil || ch.analog {
		panic(fmt.Errorf("%s: an interlock needs a digital channel; %q is none (the channels are %s)", dev.Name(), channel, dev.names()))
	}
	p := dev.Param(channel)
	var (
		mu      sync.Mutex
		pending chan reading // the read under way, if any
	)
	return func() bool {
		// One read at a time, on a goroutine of its own: a driver that
		// hangs, ignoring ctx, must neither hang the watchdog nor pile up
		// a goroutine per check.
		mu.Lock()
		if pending == nil {
			pending = make(chan reading, 1)
			go read(p, pending)
		}
		ch := pending
		mu.Unlock()
		timer := time.NewTimer(interlockWithin)
		defer timer.Stop()
		var r reading
		select {
		case r = <-ch:
			mu.Lock()
			pending = nil
			mu.Unlock()
			if r.took > interlockWithin {
				r.err = fmt.Errorf("the reading took %v", r.took.Round(time.Millisecond))
			}
		case <-timer.C:
			r.err = fmt.Errorf("no reading within %v", interlockWithin)
		}
		if r.err != nil {
			logs.L().Warn("interlock unreadable: counts as tripped", "device", dev.Name(), "channel", channel, "err", r.err.Error())
			return true
		}
		return r.v.(bool) == tripped
	}
}

// reading is one read of an interlock's channel.
type reading struct {
	v    any
	err  error
	took time.Duration
}

// read reads p within interlockWithin and sends the reading to ch.
func read(p *devices.Parameter, ch chan<- reading) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), interlockWithin)
	defer cancel()
	// The read runs on a goroutine of its own: a panic the driver guard
	// does not see (a session's parameter code) would end the process,
	// where the interlock must only count as tripped.
	defer func() {
		if v := recover(); v != nil {
			ch <- reading{err: fmt.Errorf("panic: %v", v), took: time.Since(start)}
		}
	}()
	v, err := p.Read(ctx)
	ch <- reading{v, err, time.Since(start)}
}

func (dev *Device) names() string {
	s := ""
	for i, ch := range dev.channels {
		if i > 0 {
			s += ", "
		}
		s += ch.name + " (" + ch.what() + ")"
	}
	return s
}

// call runs a driver method, turning a panic into an error: a driver,
// maybe written in a session, must not take the shell down.
func call[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("driver panicked: %v", p)
		}
	}()
	return f()
}

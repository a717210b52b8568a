// Package signaltest is the IO contract: the behaviour every IO driver
// must give its users, run as subtests against any driver. The dummy runs
// it in package signals; a real driver runs it against its server:
//
//	func TestContract(t *testing.T) {
//		signaltest.Run(t, signaltest.Setup{
//			New: func(t *testing.T) (signals.Driver, signals.Options, []signals.Channel) {
//				return newDriver(t), signals.Options{}, channels
//			},
//			Show: func(t *testing.T, d signals.Driver, input string, v any) { ... },
//		})
//	}
package signaltest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/signals"
	"github.com/concert-go/concert/internal/tasks"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver, its options and its channels, once per
	// subtest: at least one digital input, digital output, analog input
	// and analog output, the outputs off and at 0. The suite uses the
	// first channel of each kind, and gives those two outputs the safe
	// values false and 0. Stop what it starts with t.Cleanup.
	New func(t *testing.T) (signals.Driver, signals.Options, []signals.Channel)
	// Show makes the hardware show v at an input: a bool for a digital
	// one, a number in its unit for an analog one (for the dummy, its
	// Simulate; for a PLC, the output wired to that input). The suite
	// waits until the input reads it.
	Show func(t *testing.T, d signals.Driver, input string, v any)
	// Value is an analog value other than 0, in the channels' units,
	// that both analog channels can take within Tolerance; 2.5 if 0.
	Value float64
	// Tolerance is how far from what was written an analog channel may
	// read, in its unit; 0 means 1e-9 of Value.
	Tolerance float64
}

var ctx = context.Background()

var serial atomic.Int64

// box is the IO device under test, its channels and its driver.
type box struct {
	*signals.Device
	drv                  *recorder
	din, dout, ain, aout string
	inUnit, outUnit      q.Quantity
	value, tolerance     float64
	show                 func(input string, v any)
	outSafe              float64
}

// recorder counts the writes asked of the driver and can make reads and
// writes fail.
type recorder struct {
	signals.Driver
	writes  atomic.Int64
	mu      sync.Mutex
	fail    error         // reads and writes return it
	panicky string        // reads and writes panic with it
	nan     bool          // ReadAnalog reads NaN
	gate    chan struct{} // a write waits for it to close or its ctx to end, then writes
	entered chan struct{} // closed when a write waits at the gate
}

// fault is what the recorder does instead of calling the driver, if
// anything.
func (r *recorder) fault() error {
	r.mu.Lock()
	fail, p := r.fail, r.panicky
	r.mu.Unlock()
	if p != "" {
		panic(p)
	}
	return fail
}

// wait holds a write at the gate, if there is one.
func (r *recorder) wait(ctx context.Context) {
	r.mu.Lock()
	gate, entered := r.gate, r.entered
	r.gate = nil
	r.mu.Unlock()
	if gate == nil {
		return
	}
	close(entered)
	select {
	case <-gate:
	case <-ctx.Done():
	}
}

func (r *recorder) ReadDigital(ctx context.Context, ch string) (bool, error) {
	if err := r.fault(); err != nil {
		return false, err
	}
	return r.Driver.ReadDigital(ctx, ch)
}

func (r *recorder) ReadAnalog(ctx context.Context, ch string) (float64, error) {
	if err := r.fault(); err != nil {
		return 0, err
	}
	r.mu.Lock()
	nan := r.nan
	r.mu.Unlock()
	if nan {
		return math.NaN(), nil
	}
	return r.Driver.ReadAnalog(ctx, ch)
}

func (r *recorder) WriteDigital(ctx context.Context, ch string, on bool) error {
	r.writes.Add(1)
	if err := r.fault(); err != nil {
		return err
	}
	r.wait(ctx)
	// Written even when ctx ended at the gate: a write already on the
	// wire lands, and the base must order the emergency stop after it.
	return r.Driver.WriteDigital(context.WithoutCancel(ctx), ch, on)
}

func (r *recorder) WriteAnalog(ctx context.Context, ch string, v float64) error {
	r.writes.Add(1)
	if err := r.fault(); err != nil {
		return err
	}
	r.wait(ctx)
	return r.Driver.WriteAnalog(context.WithoutCancel(ctx), ch, v)
}

func (s Setup) box(t *testing.T) *box {
	t.Helper()
	d, o, chans := s.New(t)
	b := &box{value: s.Value, tolerance: s.Tolerance}
	if b.value == 0 {
		b.value = 2.5
	}
	if b.tolerance == 0 {
		b.tolerance = 1e-9 * math.Abs(b.value)
	}
	for i, ch := range chans {
		switch {
		case !ch.Analog() && !ch.Output() && b.din == "":
			b.din = ch.Name()
		case !ch.Analog() && ch.Output() && b.dout == "":
			b.dout = ch.Name()
			chans[i] = ch.Safe(false)
		case ch.Analog() && !ch.Output() && b.ain == "":
			b.ain, b.inUnit = ch.Name(), ch.Unit()
		case ch.Analog() && ch.Output() && b.aout == "":
			b.aout, b.outUnit = ch.Name(), ch.Unit()
			chans[i] = ch.Safe(q.New(ch.Unit().Dim(), 0))
		}
	}
	if b.din == "" || b.dout == "" || b.ain == "" || b.aout == "" {
		t.Fatalf("Setup.New gave channels %v; want a digital and an analog input and output", chans)
	}
	b.drv = &recorder{Driver: d}
	b.Device = signals.NewDevice(fmt.Sprintf("contract_io%d", serial.Add(1)), b.drv, o, chans...)
	b.show = func(input string, v any) { s.Show(t, d, input, v) }
	return b
}

// Run runs the IO contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"digital output reads back", digitalOut},
		{"analog output reads back in its unit", analogOut},
		{"inputs read what the hardware shows", inputs},
		{"an input refuses a set before the driver", inputReadOnly},
		{"limits refuse before the driver", limitsRefuse},
		{"bad unit refuses before the driver", unitRefuses},
		{"write locks refuse before the driver", lockRefuses},
		{"exclusive access waits", exclusiveWaits},
		{"driver error fails naming device and channel", driverError},
		{"driver panic fails naming device and channel", driverPanic},
		{"NaN from the driver fails naming the channel", driverNaN},
		{"emergency stop writes the safe values", emergencySafe},
		{"emergency stop has the last word over a set", emergencyLastWord},
		{"interlock trips on its input and fails safe", interlock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

func (b *box) analog(unit q.Quantity, x float64) q.Quantity { return q.New(unit.Dim(), x*unit.Base()) }

// get reads a channel through the base.
func (b *box) get(t *testing.T, ch string) any {
	t.Helper()
	v, err := devtest.Within(t, "get "+ch, b.Param(ch).Get())
	if err != nil {
		t.Fatalf("%s: %v", ch, err)
	}
	return v
}

func (b *box) set(t *testing.T, ch string, v any) {
	t.Helper()
	if _, err := devtest.Within(t, "set "+ch, b.Param(ch).Set(v)); err != nil {
		t.Fatalf("set %s to %v: %v", ch, v, err)
	}
}

// near reports whether an analog reading is x in unit, within tolerance.
func (b *box) near(v any, unit q.Quantity, x float64) bool {
	got, ok := v.(q.Quantity)
	return ok && got.Dim() == unit.Dim() && math.Abs(got.Base()/unit.Base()-x) <= b.tolerance
}

func wantStandby(t *testing.T, b *box, when string) {
	t.Helper()
	if st := b.State(); st != devices.Standby {
		t.Errorf("state %s = %s; want standby", when, st)
	}
}

func digitalOut(t *testing.T, s Setup) {
	b := s.box(t)
	for _, on := range []bool{true, false, true} {
		b.set(t, b.dout, on)
		if got := b.get(t, b.dout); got != on {
			t.Errorf("%s after a set to %v reads %v", b.dout, on, got)
		}
	}
	wantStandby(t, b, "after the sets")
}

func analogOut(t *testing.T, s Setup) {
	b := s.box(t)
	b.set(t, b.aout, b.analog(b.outUnit, b.value))
	if got := b.get(t, b.aout); !b.near(got, b.outUnit, b.value) {
		t.Errorf("%s after a set to %v reads %v", b.aout, b.analog(b.outUnit, b.value), got)
	}
}

// reads waits until the input reads what want accepts.
func (b *box) reads(t *testing.T, ch string, what string, want func(any) bool) {
	t.Helper()
	devtest.Eventually(t, ch+" reading "+what, func() bool { return want(b.get(t, ch)) })
}

func inputs(t *testing.T, s Setup) {
	b := s.box(t)
	for _, on := range []bool{true, false} {
		b.show(b.din, on)
		b.reads(t, b.din, fmt.Sprint(on), func(v any) bool { return v == on })
	}
	b.show(b.ain, b.value)
	b.reads(t, b.ain, b.analog(b.inUnit, b.value).String(), func(v any) bool { return b.near(v, b.inUnit, b.value) })
}

// untouched checks that a refused set did not reach the driver.
func untouched(t *testing.T, b *box, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v; want one beginning %q", err, want)
	}
	if n := b.drv.writes.Load(); n != 0 {
		t.Errorf("the driver was asked to write %d times; want 0", n)
	}
}

func inputReadOnly(t *testing.T, s Setup) {
	b := s.box(t)
	_, err := devtest.Within(t, "set", b.Param(b.din).Set(true))
	untouched(t, b, err, b.Name()+"."+b.din+": read-only")
	_, err = devtest.Within(t, "set", b.Param(b.ain).Set(b.analog(b.inUnit, 1)))
	untouched(t, b, err, b.Name()+"."+b.ain+": read-only")
}

func limitsRefuse(t *testing.T, s Setup) {
	b := s.box(t)
	lo, hi := b.analog(b.outUnit, -math.Abs(b.value)/2), b.analog(b.outUnit, math.Abs(b.value)/2)
	if err := b.Param(b.aout).SetLimits(lo, hi); err != nil {
		t.Fatal(err)
	}
	_, err := devtest.Within(t, "set", b.Param(b.aout).Set(b.analog(b.outUnit, b.value)))
	var le *devices.LimitError
	if !errors.As(err, &le) {
		t.Errorf("set beyond the limit: error = %v; want a LimitError", err)
	}
	untouched(t, b, err, b.Name()+"."+b.aout+": ")
}

func unitRefuses(t *testing.T, s Setup) {
	b := s.box(t)
	_, err := devtest.Within(t, "set", b.Param(b.aout).Set(b.value))
	untouched(t, b, err, b.Name()+"."+b.aout+": ")
	_, err = devtest.Within(t, "set", b.Param(b.aout).Set(2*q.S))
	untouched(t, b, err, b.Name()+"."+b.aout+": 2 s is not a ")
	_, err = devtest.Within(t, "set", b.Param(b.dout).Set(1))
	untouched(t, b, err, b.Name()+"."+b.dout+": ")
}

func lockRefuses(t *testing.T, s Setup) {
	b := s.box(t)
	b.Lock(false)
	_, err := devtest.Within(t, "set", b.Param(b.dout).Set(true))
	untouched(t, b, err, b.Name()+": locked")
	if err := b.Unlock(); err != nil {
		t.Fatal(err)
	}
	b.Param(b.aout).Lock(false)
	_, err = devtest.Within(t, "set", b.Param(b.aout).Set(b.analog(b.outUnit, b.value)))
	untouched(t, b, err, b.Name()+"."+b.aout+": locked")
	b.set(t, b.dout, true) // the other channel is not locked
}

func exclusiveWaits(t *testing.T, s Setup) {
	b := s.box(t)
	devtest.ExclusiveWaits(t, b, "a set", func() *tasks.Task { return b.Param(b.dout).Set(true) }, b.drv.writes.Load)
}

func (r *recorder) set(fail error, panicky string, nan bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail, r.panicky, r.nan = fail, panicky, nan
}

// failsWith checks that a get and a set of a digital and an analog
// channel fail with want after the channel's name.
func failsWith(t *testing.T, b *box, want string) {
	t.Helper()
	for _, c := range []struct {
		ch   string
		task *tasks.Task
	}{
		{b.din, b.Param(b.din).Get()},
		{b.ain, b.Param(b.ain).Get()},
		{b.dout, b.Param(b.dout).Set(true)},
		{b.aout, b.Param(b.aout).Set(b.analog(b.outUnit, b.value))},
	} {
		_, err := devtest.Within(t, c.ch, c.task)
		if w := b.Name() + "." + c.ch + ": " + want; err == nil || err.Error() != w {
			t.Errorf("%s: error = %v; want %q", c.ch, err, w)
		}
	}
	wantStandby(t, b, "after the failures")
}

func driverError(t *testing.T, s Setup) {
	b := s.box(t)
	b.drv.set(errors.New("no such card"), "", false)
	failsWith(t, b, "no such card")
}

func driverPanic(t *testing.T, s Setup) {
	b := s.box(t)
	b.drv.set(nil, "index out of range", false)
	failsWith(t, b, "driver panicked: index out of range")
}

func driverNaN(t *testing.T, s Setup) {
	b := s.box(t)
	b.drv.set(nil, "", true)
	_, err := devtest.Within(t, "get", b.Param(b.ain).Get())
	if want := b.Name() + "." + b.ain + ": the driver read NaN; check the driver"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
}

func emergencySafe(t *testing.T, s Setup) {
	b := s.box(t)
	b.set(t, b.dout, true)
	b.set(t, b.aout, b.analog(b.outUnit, b.value))
	if err := b.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if got := b.get(t, b.dout); got != false {
		t.Errorf("%s after the emergency stop = %v; want its safe value false", b.dout, got)
	}
	if got := b.get(t, b.aout); !b.near(got, b.outUnit, 0) {
		t.Errorf("%s after the emergency stop = %v; want its safe value 0", b.aout, got)
	}
	wantStandby(t, b, "after the emergency stop")
	b.set(t, b.dout, true) // nothing stays blocked
}

func emergencyLastWord(t *testing.T, s Setup) {
	b := s.box(t)
	gate, entered := make(chan struct{}), make(chan struct{})
	b.drv.mu.Lock()
	b.drv.gate, b.drv.entered = gate, entered
	b.drv.mu.Unlock()
	defer close(gate)
	set := b.Param(b.dout).Set(true)
	select {
	case <-entered:
	case <-time.After(devtest.Deadline):
		t.Fatal("the set never reached the driver")
	}
	if err := b.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if _, err := devtest.Within(t, "stopped set", set); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("set after the emergency stop: error = %v; want emergency stop", err)
	}
	if got := b.get(t, b.dout); got != false {
		t.Errorf("%s = %v after an emergency stop during its set; want the safe value false, written last", b.dout, got)
	}
}

func interlock(t *testing.T, s Setup) {
	b := s.box(t)
	onOn, onOff := b.Interlock(b.din, true), b.Interlock(b.din, false)
	for _, on := range []bool{false, true} {
		b.show(b.din, on)
		b.reads(t, b.din, fmt.Sprint(on), func(v any) bool { return v == on })
		if onOn() != on || onOff() != !on {
			t.Errorf("input %v: Interlock(%q, true) = %v, Interlock(%q, false) = %v", on, b.din, onOn(), b.din, onOff())
		}
	}
	b.drv.set(errors.New("cable pulled"), "", false)
	if !onOn() || !onOff() {
		t.Errorf("an unreadable input does not trip both interlocks")
	}
	b.drv.set(nil, "boom", false)
	if !onOn() || !onOff() {
		t.Errorf("a panicking driver does not trip both interlocks")
	}
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "an interlock needs a digital channel") {
			t.Errorf("Interlock on an analog channel: panic %v", v)
		}
	}()
	b.Interlock(b.ain, true)
}

// Package shutters is the shutter family: the contract Shutter, the base
// Device that owns everything a user sees of a shutter, the small Driver
// interface a shutter driver implements, and a dummy driver whose Open
// and Close take time (dummy.go). New makes a dummy shutter; NewDevice makes
// a shutter of any driver. An emergency stop closes a shutter.
package shutters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// Shutter opens and closes.
type Shutter interface {
	devices.Device
	Open() *tasks.Task
	Close() *tasks.Task
}

// Driver is all a shutter driver implements: the primitives that talk to
// the hardware. Everything the user sees (the states closed, opening,
// open, closing and error, which operation starts from which state, write
// locks, exclusive access, cancellation and emergency stop, logging) is
// the base's; a driver never checks a state, and it may be written in a
// session.
//
// The base calls the methods from the task of the operation the user
// started; several may run at once (an emergency close during an Open),
// so a driver guards its own state. A driver may panic, which the base
// turns into a failed task naming the device.
type Driver interface {
	// IsOpen reads whether the shutter is open (true) or closed (false);
	// an error when it cannot tell (between the two, a fault, no reply).
	IsOpen(ctx context.Context) (bool, error)
	// Open opens the shutter and returns once it is open (nil), when
	// opening failed (an error), or, when ctx ends first (ctrl-c, an
	// emergency stop), once the shutter is closed again or never left
	// closed: then it returns context.Cause(ctx). It must not return
	// before the shutter stands, and must not open it afterwards.
	Open(ctx context.Context) error
	// Close closes the shutter and returns as Open does; cancelled, it
	// leaves the shutter open. With the shutter closed it does nothing.
	Close(ctx context.Context) error
}

// EmergencyCloser is a driver with a close faster or harder than Close (a
// spring release, a beam-dump interlock). The base calls it at an
// emergency stop, after cancelling the shutter's operations, instead of
// Close. It returns once the shutter is closed.
type EmergencyCloser interface {
	EmergencyClose(ctx context.Context) error
}

// Options describes a shutter to NewDevice besides its driver.
type Options struct {
	// Kind says what the shutter is, for tables; "shutter" if empty.
	Kind string
	// EmergencyCloser is the driver's optional interface. The base also
	// finds it on the driver itself; a driver written in a session must
	// name it here, because the interpreter hands the base only its
	// Driver methods.
	EmergencyCloser EmergencyCloser
}

// readWithin bounds the state reads the base makes on its own: the first
// one in NewDevice and the one after a failed or cancelled operation.
const readWithin = 2 * time.Second

// Device is the base of every shutter: Open, Close, the states closed,
// opening, open, closing and error, what cancel and emergency stop do,
// all over a Driver. Make one with NewDevice. All methods are safe for
// concurrent use.
//
// A cancelled Open leaves the shutter closed, a cancelled Close leaves it
// open; an emergency stop cancels both and closes the shutter, and its
// closed state has the last word. When the base cannot tell where the
// shutter stands (the driver failed to read it), the state is error and
// both Open and Close may try again.
type Device struct {
	*devices.Base
	ctl    *devices.Control
	drv    Driver
	eclose EmergencyCloser
}

var (
	_ Shutter          = (*Device)(nil)
	_ devices.Lockable = (*Device)(nil)
)

// NewDevice makes a shutter called name over driver d, in the state the
// driver reads (error if it cannot, within 2 s). It panics if d is nil: a
// programming error, not a runtime condition.
func NewDevice(name string, d Driver, o Options) *Device {
	if d == nil {
		panic(fmt.Sprintf("shutters.NewDevice(%q): the driver is nil", name))
	}
	s := &Device{drv: d, eclose: o.EmergencyCloser}
	if s.eclose == nil {
		s.eclose, _ = d.(EmergencyCloser)
	}
	kind := o.Kind
	if kind == "" {
		kind = "shutter"
	}
	ctx, cancel := context.WithTimeout(context.Background(), readWithin)
	defer cancel()
	state, err := s.read(ctx)
	if err != nil {
		logs.L().Warn("shutter state unreadable", "device", name, "err", err.Error())
	}
	s.Base, s.ctl = devices.New(devices.Config{Name: name, Kind: kind, State: state, EmergencyStop: s.emergencyClose})
	return s
}

// Open opens the shutter; it fails with a StateError unless the shutter is
// closed (or in error). Cancelled, the shutter stays closed.
func (s *Device) Open() *tasks.Task {
	return s.move("Open", devices.Closed, devices.Opening, devices.Open, s.drv.Open)
}

// Close closes the shutter; it fails with a StateError unless the shutter
// is open (or in error). Cancelled, the shutter stays open.
func (s *Device) Close() *tasks.Task {
	return s.move("Close", devices.Open, devices.Closing, devices.Closed, s.drv.Close)
}

func (s *Device) move(name string, from, via, to devices.State, drive func(context.Context) error) *tasks.Task {
	op := devices.Op{Name: name, From: []devices.State{from}, Via: via, Motion: true}
	if st := s.State(); st == devices.Error || st == devices.Unknown {
		// Where the shutter stands is not known: let the user try.
		op.From = append(op.From, devices.Error, devices.Unknown)
	}
	return s.ctl.Run(op, func(ctx context.Context) (any, error) {
		err := call(func() error { return drive(ctx) })
		if err == nil && ctx.Err() == nil {
			s.ctl.SetState(to)
			return nil, nil
		}
		// Failed or cancelled: the shutter is where the driver says.
		// After an emergency stop, which closed it, SetState does nothing.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readWithin)
		defer cancel()
		state, rerr := s.read(rctx)
		s.ctl.SetState(state)
		switch {
		case ctx.Err() != nil:
			return nil, context.Cause(ctx)
		case rerr != nil && !errors.Is(err, devices.ErrUnreachable):
			err = fmt.Errorf("%w; and the state is unreadable: %v", err, rerr)
		}
		return nil, &devices.DeviceError{Device: s.Name(), Err: fmt.Errorf("%s: %w", name, err)}
	})
}

// read is the state the driver reads: open, closed, or error if it fails.
func (s *Device) read(ctx context.Context) (devices.State, error) {
	var open bool
	err := call(func() (err error) {
		open, err = s.drv.IsOpen(ctx)
		return err
	})
	switch {
	case err != nil:
		return devices.Error, err
	case open:
		return devices.Open, nil
	}
	return devices.Closed, nil
}

// emergencyClose is the device's stop-at-once, called after its operations
// were cancelled: it closes the shutter by the driver's EmergencyClose,
// else its Close.
func (s *Device) emergencyClose(ctx context.Context) error {
	err := call(func() error {
		if s.eclose != nil {
			return s.eclose.EmergencyClose(ctx)
		}
		return s.drv.Close(ctx)
	})
	if err != nil {
		s.ctl.SetState(devices.Error)
		return err
	}
	s.ctl.SetState(devices.Closed)
	return nil
}

// call runs a driver method, turning a panic into an error: a driver,
// maybe written in a session, must not take the shell down.
func call(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("driver panicked: %v", p)
		}
	}()
	return f()
}

package epics

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/epics/ca"
)

// ShutterPVs names the PVs of a shutter: a pair of command PVs and the
// status that says where it stands.
type ShutterPVs struct {
	Open   string // writing 1 opens
	Close  string // writing 1 closes
	Status string // where it stands: see OpenState and ClosedState
	// OpenState and ClosedState are what Status reads when the shutter
	// is open or closed (an enum's state name, or a number), compared
	// without case; when empty, "open" or 1, and "closed" or 0. Anything
	// else (moving, a fault) is neither.
	OpenState, ClosedState string
}

// ShutterDriver is a shutters.Driver over a shutter's PVs.
type ShutterDriver struct {
	open, close, status *ca.Channel
	openState, closed   string
}

var _ shutters.Driver = (*ShutterDriver)(nil)

// Shutter is a shutter on a pair of command PVs and a status PV: Open
// writes 1 to pvs.Open and returns once the status reads open, Close
// likewise; cancelling either goes back, and ctrl-k closes it.
//
//	sh := epics.Shutter("fe_shutter", epics.ShutterPVs{Open: "FE:SH:OPEN", Close: "FE:SH:CLOSE", Status: "FE:SH:STATUS"})
func Shutter(name string, pvs ShutterPVs) *shutters.Device {
	d, err := NewShutterDriver(context.Background(), name, pvs)
	if err != nil {
		panic(err)
	}
	return shutters.NewDevice(name, d, shutters.Options{Kind: "EPICS shutter"})
}

// NewShutterDriver connects to the PVs; name is the device's, for errors.
func NewShutterDriver(ctx context.Context, name string, pvs ShutterPVs) (*ShutterDriver, error) {
	for what, pv := range map[string]string{"Open": pvs.Open, "Close": pvs.Close, "Status": pvs.Status} {
		if pv == "" {
			return nil, configError(name, "the %s PV is missing", what)
		}
	}
	c, err := Client()
	if err != nil {
		return nil, &ConfigError{name, err}
	}
	chans, err := connect(ctx, c, pvs.Open, pvs.Close, pvs.Status)
	if err != nil {
		return nil, &ConfigError{name, err}
	}
	return &ShutterDriver{open: chans[0], close: chans[1], status: chans[2],
		openState: pvs.OpenState, closed: pvs.ClosedState}, nil
}

// IsOpen reads the status; an error when it is neither open nor closed.
func (d *ShutterDriver) IsOpen(ctx context.Context) (bool, error) {
	v, err := d.status.GetAs(ctx, ca.DBR(ca.Plain, ca.String), 1)
	if err != nil {
		return false, mark(err)
	}
	s := v.Strings()[0]
	if open, ok := d.where(s); ok {
		return open, nil
	}
	return false, fmt.Errorf("%s reads %q: neither open nor closed", d.status.Name(), s)
}

// Open writes 1 to the open PV and waits until the status reads open.
// Cancelled, it closes the shutter again.
func (d *ShutterDriver) Open(ctx context.Context) error {
	return d.drive(ctx, true)
}

// Close writes 1 to the close PV and waits until the status reads
// closed. Cancelled, it opens the shutter again.
func (d *ShutterDriver) Close(ctx context.Context) error {
	return d.drive(ctx, false)
}

func (d *ShutterDriver) drive(ctx context.Context, open bool) error {
	err := d.command(ctx, open)
	if ctx.Err() != nil {
		// Back where it was, whatever the cancel interrupted, then say
		// why the operation ended.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopWithin)
		defer cancel()
		if berr := d.command(bctx, !open); berr != nil {
			return berr
		}
		return context.Cause(ctx)
	}
	return err
}

// command writes the command PV and waits for the status to agree.
func (d *ShutterDriver) command(ctx context.Context, open bool) error {
	cmd := d.close
	if open {
		cmd = d.open
	}
	if err := cmd.PutWait(ctx, 1); err != nil {
		return mark(err)
	}
	return mark(d.until(ctx, open))
}

// until waits for the status to read open (or closed). It subscribes
// after the command's write completed, so the first update is the status
// as the IOC has it after that write.
func (d *ShutterDriver) until(ctx context.Context, open bool) error {
	sub, err := d.status.Subscribe(ca.DBR(ca.Plain, ca.String), ca.MaskValue|ca.MaskAlarm)
	if err != nil {
		return err
	}
	defer sub.Close()
	for {
		v, err := sub.Next(ctx)
		if err != nil {
			return err
		}
		if o, ok := d.where(v.Strings()[0]); ok && o == open {
			return nil
		}
	}
}

// where tells open (true) or closed (false) from the status text; ok is
// false for anything else.
func (d *ShutterDriver) where(s string) (open, ok bool) {
	s = strings.TrimSpace(s)
	is := func(state, name string, n float64) bool {
		if state != "" {
			return strings.EqualFold(s, state)
		}
		x, err := strconv.ParseFloat(s, 64)
		return strings.EqualFold(s, name) || (err == nil && x == n)
	}
	switch {
	case is(d.openState, "open", 1):
		return true, true
	case is(d.closed, "closed", 0):
		return false, true
	}
	return false, false
}

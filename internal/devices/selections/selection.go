// Package selections is the family of devices that stand at one of a few
// named positions: an attenuator box, a filter wheel, a lens changer. The
// base, Selection, owns the parameter selection, which refuses any name
// that is not a position and lists the ones there are, before the driver
// is touched; the Driver only reads and moves. The dummy (dummy.go) takes
// MoveTime per change.
package selections

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/concert-go/concert/internal/devices"
)

//go:generate go run ../internal/paramgen -type Selection selection:string

// Driver is what a selection driver implements.
type Driver interface {
	// Selected reads the name of the position the device stands at.
	Selected(ctx context.Context) (string, error)
	// Select moves to the named position, one of those New was given,
	// and returns once there, when it failed, or when ctx ended: then it
	// stops where it is safe and returns context.Cause(ctx).
	Select(ctx context.Context, name string) error
}

// Selection is the base of every selection device. Make one with New.
type Selection struct {
	*devices.Base
	drv       Driver
	positions []string
	selection *devices.Parameter
}

// New makes a selection device called name over driver d, with the named
// positions it may stand at.
func New(name string, d Driver, positions ...string) *Selection {
	if d == nil || len(positions) == 0 {
		panic(fmt.Sprintf("selections.New(%q): want a driver and at least one position", name))
	}
	s := &Selection{drv: d, positions: slices.Clone(positions)}
	var ctl *devices.Control
	// An emergency stop cancels a change, whose driver stops where it is
	// safe; the device is then in standby.
	s.Base, ctl = devices.New(devices.Config{Name: name, Kind: "selection",
		EmergencyStop: func(context.Context) error { ctl.SetState(devices.Standby); return nil }})
	s.selection = ctl.Add(devices.ParamSpec{
		Name: "selection", Doc: "the named position: one of " + strings.Join(quoted(positions), ", "), Zero: "",
		Get: func(ctx context.Context) (any, error) { return call(func() (string, error) { return d.Selected(ctx) }) },
		Set: func(ctx context.Context, v any) error {
			defer ctl.SetState(devices.Standby)
			_, err := call(func() (string, error) { return "", d.Select(ctx, v.(string)) })
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return err
		},
		Check: func(v any) error {
			if !slices.Contains(s.positions, v.(string)) {
				return fmt.Errorf("%q is no position; the positions are %s", v, strings.Join(quoted(s.positions), ", "))
			}
			return nil
		},
		From: []devices.State{devices.Standby}, Via: devices.Moving, Motion: true,
	})
	return s
}

// Positions are the names the device may stand at.
func (s *Selection) Positions() []string { return slices.Clone(s.positions) }

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%q", n)
	}
	return out
}

// call runs a driver method, turning a panic into an error.
func call[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("driver panicked: %v", p)
		}
	}()
	return f()
}

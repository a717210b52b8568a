// Package shutters has the shutter contract and a dummy shutter whose
// Open and Close take time. Emergency stop closes it at once.
package shutters

import (
	"context"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/tasks"
)

// Shutter opens and closes.
type Shutter interface {
	devices.Device
	Open() *tasks.Task
	Close() *tasks.Task
}

// Dummy is a dummy shutter. It starts closed; Open and Close take
// MoveTime.
type Dummy struct {
	*devices.Base
	ctl *devices.Control
}

var (
	_ Shutter          = (*Dummy)(nil)
	_ devices.Lockable = (*Dummy)(nil)
)

// MoveTime is how long the dummy takes to open or close.
const MoveTime = 20 * time.Millisecond

// New makes a dummy shutter called name.
func New(name string) *Dummy {
	s := &Dummy{}
	s.Base, s.ctl = devices.New(devices.Config{Name: name, Kind: "shutter", State: devices.Closed,
		EmergencyStop: func(context.Context) error {
			s.ctl.SetState(devices.Closed)
			return nil
		}})
	return s
}

// Open opens the shutter; it fails with a StateError unless the shutter is
// closed. Cancelled, the shutter stays closed.
func (s *Dummy) Open() *tasks.Task {
	return s.move("Open", devices.Closed, devices.Opening, devices.Open)
}

// Close closes the shutter; it fails with a StateError unless the shutter
// is open. Cancelled, the shutter stays open.
func (s *Dummy) Close() *tasks.Task {
	return s.move("Close", devices.Open, devices.Closing, devices.Closed)
}

func (s *Dummy) move(name string, from, via, to devices.State) *tasks.Task {
	return s.ctl.Run(devices.Op{Name: name, From: []devices.State{from}, Via: via, Motion: true},
		func(ctx context.Context) (any, error) {
			select {
			case <-time.After(MoveTime):
				s.ctl.SetState(to)
				return nil, nil
			case <-ctx.Done():
				// A plain cancel leaves it as it was; after an emergency
				// stop, which closed it, SetState does nothing.
				s.ctl.SetState(from)
				return nil, context.Cause(ctx)
			}
		})
}

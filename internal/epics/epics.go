// Package epics makes EPICS process variables devices of the shell: a
// motor on the fields of a motor record (Motor), a device whose
// parameters are PVs (Device), a shutter on command and status PVs
// (Shutter), camonitor at the prompt (Watch), over
// Channel Access (the client in package ca). Every device of a session shares one client,
// configured from the environment the C tools read (EPICS_CA_ADDR_LIST,
// EPICS_CA_AUTO_ADDR_LIST, EPICS_CA_SERVER_PORT; see ca.ConfigFromEnv).
//
// A constructor connects to every PV it needs, within the client's search
// timeout, and panics with an error naming the device and the PV when it
// cannot (the shell prints it as one line), like scpi.New. An error that
// says the IOC is out of reach (disconnected, not found) marks the
// device's operation as unreachable: the motor goes to state error until
// a motion succeeds again.
package epics

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/epics/ca"
)

var shared struct {
	sync.Mutex
	c *ca.Client
}

// Client is the client every EPICS device of the process uses, made from
// the environment at first use.
func Client() (*ca.Client, error) {
	shared.Lock()
	defer shared.Unlock()
	if shared.c != nil {
		return shared.c, nil
	}
	cfg, err := ca.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	c, err := ca.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	shared.c = c
	return c, nil
}

// Use makes c the client of the devices made from now on (a test's, or
// one with its own configuration); it does not close the one before.
func Use(c *ca.Client) {
	shared.Lock()
	shared.c = c
	shared.Unlock()
}

// connect connects to every name at once and waits for all.
func connect(ctx context.Context, c *ca.Client, names ...string) ([]*ca.Channel, error) {
	chans := make([]*ca.Channel, len(names))
	for i, n := range names {
		chans[i] = c.Channel(n)
	}
	var errs []error
	for _, ch := range chans {
		if err := ch.Wait(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		for _, ch := range chans {
			ch.Close()
		}
		return nil, errors.Join(errs...)
	}
	return chans, nil
}

// mark marks an error that says the IOC is out of reach, so that the
// device goes to state error.
func mark(err error) error {
	if errors.Is(err, ca.ErrDisconnected) || errors.Is(err, ca.ErrNotFound) {
		return devices.Unreachable(err)
	}
	return err
}

// ConfigError is a device that cannot be made: a PV not found, a unit
// that is no unit.
type ConfigError struct {
	Device string
	Err    error
}

func (e *ConfigError) Error() string { return e.Device + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configError(name string, format string, args ...any) *ConfigError {
	return &ConfigError{Device: name, Err: fmt.Errorf(format, args...)}
}

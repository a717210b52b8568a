// Package scpi is a SCPI-style instrument made from configuration alone:
// an address, and parameters bound to a query and a set command, with a
// unit and limits. A power supply, a gauge controller or a lock-in
// amplifier that speaks one command per line becomes a device of the shell
// without a line of driver code:
//
//	psu := scpi.New("psu", "tcp://192.168.1.20:5025",
//		scpi.Param("voltage", q.V, "VOLT?", "VOLT %v").Limits(0*q.V, 30*q.V),
//		scpi.Flag("output", "OUTP?", "OUTP %v"))
//	await psu.Param("voltage").Set(12 * q.V)
//
// After every set and raw Write the instrument's error queue (SYST:ERR?)
// is read, and an error there fails the task with the instrument's own
// message. A failed exchange puts the device in state error until the
// next one succeeds. The line protocol, its timeouts, reconnection and
// cancellation are package transport's.
package scpi

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
	"github.com/concert-go/concert/internal/transport"
)

// Instrument is a device that speaks SCPI (or any one-line protocol) over
// TCP or a serial line. Its parameters are those given to New, plus idn,
// the answer to *IDN?.
type Instrument struct {
	*devices.Base
	ctl  *devices.Control
	line *transport.Line
	cfg  config
}

// Option configures an instrument: a parameter (Param, Flag, Text) or a
// setting (Timeout, Terminator, ErrorQuery).
type Option interface{ apply(*config) }

type config struct {
	params   []ParamDef
	errQuery string
	opts     []transport.Option
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// Timeout sets how long one exchange may take; default 2 s.
func Timeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.opts = append(c.opts, transport.Timeout(d)) })
}

// Terminator sets what ends commands and replies; default "\n".
func Terminator(s string) Option {
	return optionFunc(func(c *config) { c.opts = append(c.opts, transport.Terminator(s)) })
}

// ErrorQuery sets the query that reads the instrument's error queue after
// every set and Write; default "SYST:ERR?", "" for none. Its reply must
// begin with a number, 0 meaning no error.
func ErrorQuery(cmd string) Option {
	return optionFunc(func(c *config) { c.errQuery = cmd })
}

// ConfigError is a mistake in an instrument's configuration, found by New.
type ConfigError struct {
	Device string
	Err    error
}

func (e *ConfigError) Error() string { return e.Device + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// New makes the instrument; it connects on first use, so New works while
// the instrument is off. A mistake in the configuration (a bad address, a
// unit that is no unit, a parameter declared twice) panics with a
// *ConfigError that says what to write instead, as dev.Param does for an
// unknown name; the shell prints it as one line.
func New(name, addr string, opts ...Option) *Instrument {
	cfg := config{errQuery: "SYST:ERR?"}
	for _, o := range opts {
		if o == nil {
			panic(&ConfigError{name, errors.New("an option is nil")})
		}
		o.apply(&cfg)
	}
	line, err := transport.NewLine(addr, cfg.opts...)
	if err != nil {
		panic(&ConfigError{name, err})
	}
	base, ctl := devices.New(devices.Config{Name: name, Kind: "SCPI instrument"})
	in := &Instrument{Base: base, ctl: ctl, line: line, cfg: cfg}
	ctl.Add(devices.ParamSpec{Name: "idn", Doc: "the identity, *IDN?", Zero: "",
		Get: func(ctx context.Context) (any, error) { return in.exchange(ctx, "*IDN?", true) }})
	seen := map[string]bool{"idn": true}
	for _, p := range cfg.params {
		if err := p.check(); err != nil {
			panic(&ConfigError{name, err})
		}
		if seen[p.name] {
			panic(&ConfigError{name, fmt.Errorf("parameter %s declared twice", p.name)})
		}
		seen[p.name] = true
		ctl.Add(in.spec(p))
	}
	return in
}

// Addr is the instrument's address.
func (in *Instrument) Addr() string { return in.line.Addr() }

// Query sends cmd and gives the reply line as the task's result (a
// string).
func (in *Instrument) Query(cmd string) *tasks.Task {
	return in.ctl.Run(devices.Op{Name: "Query"}, func(ctx context.Context) (any, error) {
		s, err := in.exchange(ctx, cmd, true)
		if err != nil {
			return nil, &devices.DeviceError{Device: in.Name(), Err: err}
		}
		return s, nil
	})
}

// Write sends cmd, then reads the error queue; an instrument error fails
// the task.
func (in *Instrument) Write(cmd string) *tasks.Task {
	return in.ctl.Run(devices.Op{Name: "Write"}, func(ctx context.Context) (any, error) {
		if err := in.write(ctx, cmd); err != nil {
			return nil, &devices.DeviceError{Device: in.Name(), Err: err}
		}
		return nil, nil
	})
}

// Close closes the connection; the next operation opens it again.
func (in *Instrument) Close() error { return in.line.Close() }

// exchange talks to the instrument and keeps the state: error after a
// failed exchange, standby after a good one.
func (in *Instrument) exchange(ctx context.Context, cmd string, reply bool) (string, error) {
	var s string
	var err error
	if reply {
		s, err = in.line.Query(ctx, cmd)
	} else {
		err = in.line.Write(ctx, cmd)
	}
	switch {
	case err == nil:
		if in.State() == devices.Error {
			in.ctl.SetState(devices.Standby)
		}
	case ctx.Err() == nil:
		in.ctl.SetState(devices.Error)
	}
	return s, err
}

// write sends cmd and reads the error queue.
func (in *Instrument) write(ctx context.Context, cmd string) error {
	if _, err := in.exchange(ctx, cmd, false); err != nil {
		return err
	}
	return in.checkErrors(ctx, cmd)
}

// checkErrors reads the error queue until it says 0 (at most 10 entries).
func (in *Instrument) checkErrors(ctx context.Context, after string) error {
	if in.cfg.errQuery == "" {
		return nil
	}
	var msgs []string
	for range 10 {
		s, err := in.exchange(ctx, in.cfg.errQuery, true)
		if err != nil {
			return err
		}
		code, _, _ := strings.Cut(s, ",")
		n, perr := strconv.Atoi(strings.TrimSpace(code))
		if perr != nil {
			return fmt.Errorf("reply %q to %s is no error code", s, in.cfg.errQuery)
		}
		if n == 0 {
			break
		}
		msgs = append(msgs, s)
	}
	if len(msgs) == 0 {
		return nil
	}
	return &InstrumentError{Command: after, Errors: msgs}
}

// InstrumentError is what the instrument's error queue said after a
// command.
type InstrumentError struct {
	Command string   // the command that was sent
	Errors  []string // the queue's entries, e.g. `-222,"Data out of range"`
}

func (e *InstrumentError) Error() string {
	return fmt.Sprintf("the instrument refused %q: %s", e.Command, strings.Join(e.Errors, "; "))
}

// unitOf checks that u is a unit of package q.
func unitOf(u any) (q.Quantity, error) {
	x, ok := u.(q.Quantity)
	if !ok || x.Base() == 0 {
		return nil, fmt.Errorf("%v is not a unit; write one of package q, such as q.V or q.MA", u)
	}
	return x, nil
}

// quantity makes a value of unit's type worth n units.
func quantity(unit q.Quantity, n float64) any {
	v := reflect.New(reflect.TypeOf(unit)).Elem()
	v.SetFloat(n * unit.Base())
	return v.Interface()
}

package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/simonvetter/modbus"
)

// Modbus is a Modbus TCP or RTU client: coils, discrete inputs, holding
// and input registers, and typed values (Register) over them. One request
// runs at a time. simonvetter/modbus, which speaks the protocol, takes no
// context, so each request runs on a goroutine of its own: a cancel returns
// at once and leaves that connection to be closed when the request ends
// (by its reply or its time limit). Over TCP the next request opens a new
// connection at once; on a serial line (RTU) it waits for the abandoned
// request to end, since the line carries one request at a time.
type Modbus struct {
	addr string
	ep   endpoint
	cfg  config

	sem    chan struct{}        // one request at a time; a channel so waiting honours ctx
	client *modbus.ModbusClient // nil when closed; only touched holding sem
	// busy, on RTU, is closed when an abandoned request has ended; nil
	// when none is pending.
	busy chan struct{}
}

// NewModbus checks addr (tcp://host:port or rtu:///dev/ttyX?baud=N) and
// returns a client; it connects on the first request.
func NewModbus(addr string, opts ...Option) (*Modbus, error) {
	ep, baud, err := parseAddr(addr, "tcp", "rtu")
	if err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	if baud != 0 {
		cfg.baud = baud
	}
	if cfg.baud == 0 {
		cfg.baud = 19200
	}
	return &Modbus{addr: addr, ep: ep, cfg: cfg, sem: make(chan struct{}, 1)}, nil
}

// Addr is the address as given to NewModbus.
func (m *Modbus) Addr() string { return m.addr }

// Close closes the connection; a later request opens it again.
func (m *Modbus) Close() error {
	m.sem <- struct{}{}
	defer func() { <-m.sem }()
	if m.client != nil {
		m.client.Close()
		m.client = nil
	}
	return nil
}

// ReadCoils reads n coils from addr.
func (m *Modbus) ReadCoils(ctx context.Context, addr, n uint16) ([]bool, error) {
	v, err := m.do(ctx, fmt.Sprintf("read %d coils at %d", n, addr), func(c *modbus.ModbusClient) (any, error) {
		return c.ReadCoils(addr, n)
	})
	bits, _ := v.([]bool)
	return bits, err
}

// ReadDiscreteInputs reads n discrete inputs from addr.
func (m *Modbus) ReadDiscreteInputs(ctx context.Context, addr, n uint16) ([]bool, error) {
	v, err := m.do(ctx, fmt.Sprintf("read %d discrete inputs at %d", n, addr), func(c *modbus.ModbusClient) (any, error) {
		return c.ReadDiscreteInputs(addr, n)
	})
	bits, _ := v.([]bool)
	return bits, err
}

// WriteCoil sets one coil.
func (m *Modbus) WriteCoil(ctx context.Context, addr uint16, on bool) error {
	_, err := m.do(ctx, fmt.Sprintf("write coil %d = %v", addr, on), func(c *modbus.ModbusClient) (any, error) {
		return nil, c.WriteCoil(addr, on)
	})
	return err
}

// Table is a register table.
type Table uint8

const (
	Holding Table = iota // read-write registers (function codes 3, 6, 16)
	Input                // read-only registers (function code 4)
)

func (t Table) String() string {
	if t == Input {
		return "input"
	}
	return "holding"
}

// ReadRegisters reads n raw 16-bit registers from a table.
func (m *Modbus) ReadRegisters(ctx context.Context, t Table, addr, n uint16) ([]uint16, error) {
	kind := modbus.HOLDING_REGISTER
	if t == Input {
		kind = modbus.INPUT_REGISTER
	}
	v, err := m.do(ctx, fmt.Sprintf("read %d %s registers at %d", n, t, addr), func(c *modbus.ModbusClient) (any, error) {
		return c.ReadRegisters(addr, n, kind)
	})
	words, _ := v.([]uint16)
	return words, err
}

// WriteRegisters writes raw 16-bit holding registers from addr on (one
// register with function code 6, more with 16).
func (m *Modbus) WriteRegisters(ctx context.Context, addr uint16, v ...uint16) error {
	_, err := m.do(ctx, fmt.Sprintf("write %d holding registers at %d", len(v), addr), func(c *modbus.ModbusClient) (any, error) {
		if len(v) == 1 {
			return nil, c.WriteRegister(addr, v[0])
		}
		return nil, c.WriteRegisters(addr, v)
	})
	return err
}

// request is one Modbus request; its result travels back with it, never
// through a variable the caller shares (a cancelled caller is gone).
type request func(*modbus.ModbusClient) (any, error)

// do runs one request, connecting first if needed.
func (m *Modbus) do(ctx context.Context, op string, f request) (any, error) {
	select {
	case m.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, m.fail(ctx, op, ctx.Err())
	}
	held := true
	defer func() {
		if held {
			<-m.sem
		}
	}()
	if err := m.waitAbandoned(ctx); err != nil {
		return nil, m.fail(ctx, op, err)
	}
	start := time.Now()
	for attempt := 0; ; attempt++ {
		reused := m.client != nil
		v, err := m.run(ctx, f)
		if err == nil {
			m.cfg.debug(m.addr, "modbus", "op", op, "took", time.Since(start))
			return v, nil
		}
		if ctx.Err() == nil && reused && attempt == 0 && peerGone(err) {
			m.cfg.debug(m.addr, "connection found dead; reconnecting", "err", err)
			continue
		}
		e := m.fail(ctx, op, err)
		m.cfg.debug(m.addr, "modbus failed", "op", op, "err", e, "took", time.Since(start))
		return nil, e
	}
}

// run connects if needed and runs f, on a goroutine of its own when ctx
// can be cancelled so that a cancel returns at once. The connection is
// kept after a success or a Modbus exception, closed after anything else;
// a cancelled request closes it when it ends.
func (m *Modbus) run(ctx context.Context, f request) (any, error) {
	c := m.client
	m.client = nil // this request owns it now
	type result struct {
		c   *modbus.ModbusClient
		v   any
		err error
	}
	work := func() (r result) {
		r.c = c
		if r.c == nil {
			if r.c, r.err = m.open(); r.err != nil {
				return r
			}
		}
		r.v, r.err = f(r.c)
		return r
	}
	if ctx.Done() == nil {
		r := work()
		m.keep(r.c, r.err)
		return r.v, r.err
	}
	done := make(chan result, 1)
	go func() { done <- work() }()
	select {
	case r := <-done:
		m.keep(r.c, r.err)
		return r.v, r.err
	case <-ctx.Done():
		ended := make(chan struct{})
		if m.ep.scheme == "rtu" {
			m.busy = ended
		}
		go func() {
			if r := <-done; r.c != nil {
				r.c.Close()
			}
			close(ended)
		}()
		return nil, ctx.Err()
	}
}

func (m *Modbus) keep(c *modbus.ModbusClient, err error) {
	if c == nil {
		return
	}
	if err == nil || isException(err) {
		m.client = c
		return
	}
	c.Close()
}

// waitAbandoned waits, on RTU, for a cancelled request still on the line.
func (m *Modbus) waitAbandoned(ctx context.Context) error {
	if m.busy == nil {
		return nil
	}
	select {
	case <-m.busy:
		m.busy = nil
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// open connects; it only reads the configuration, so it may run on the
// request's goroutine.
func (m *Modbus) open() (*modbus.ModbusClient, error) {
	url := "tcp://" + m.ep.host
	if m.ep.scheme == "rtu" {
		url = "rtu://" + m.ep.path
	}
	c, err := modbus.NewClient(&modbus.ClientConfiguration{
		URL:     url,
		Speed:   uint(m.cfg.baud),
		Timeout: m.cfg.timeout,
		// The library logs retries and protocol oddities; keep them at
		// debug with ours, never on the terminal.
		Logger: slog.NewLogLogger(m.cfg.log().Handler(), slog.LevelDebug),
	})
	if err != nil {
		return nil, err
	}
	if err := c.SetUnitId(m.cfg.unitID); err != nil {
		return nil, err
	}
	if err := c.Open(); err != nil {
		return nil, err
	}
	m.cfg.debug(m.addr, "modbus connected")
	return c, nil
}

func (m *Modbus) fail(ctx context.Context, op string, err error) error {
	var kind error
	var hint string
	switch {
	case isException(err):
		kind, hint = err, exceptionHint(err)
	case errors.Is(err, modbus.ErrRequestTimedOut):
		kind, hint = classify(ctx, timeoutError{m.cfg.timeout}, m.cfg.timeout)
	case errors.Is(err, modbus.ErrProtocolError), errors.Is(err, modbus.ErrBadCRC),
		errors.Is(err, modbus.ErrBadUnitId), errors.Is(err, modbus.ErrShortFrame):
		kind, _ = classify(ctx, replyError{"bad reply: " + err.Error()}, m.cfg.timeout)
		hint = "check the baud rate, parity and unit id"
	default:
		kind, hint = classify(ctx, err, m.cfg.timeout)
	}
	return &Error{Addr: m.addr, Op: op, Err: kind, Hint: hint}
}

// isException reports a Modbus exception: the server answered, refusing.
// The connection is fine.
func isException(err error) bool {
	for _, e := range []error{modbus.ErrIllegalFunction, modbus.ErrIllegalDataAddress,
		modbus.ErrIllegalDataValue, modbus.ErrServerDeviceFailure, modbus.ErrAcknowledge,
		modbus.ErrServerDeviceBusy, modbus.ErrMemoryParityError, modbus.ErrGWPathUnavailable,
		modbus.ErrGWTargetFailedToRespond} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func exceptionHint(err error) string {
	switch {
	case errors.Is(err, modbus.ErrIllegalDataAddress):
		return "the device has no such address; check the register map"
	case errors.Is(err, modbus.ErrIllegalFunction):
		return "the device does not support this request on this table"
	case errors.Is(err, modbus.ErrGWTargetFailedToRespond):
		return "the gateway got no answer; check the unit id"
	}
	return ""
}

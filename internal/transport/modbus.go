package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.bug.st/serial"
)

// Modbus is a Modbus TCP or RTU client: coils, discrete inputs, holding
// and input registers, and typed values (Register) over them. One request
// runs at a time. The framing is this package's own (modbus_frame.go), on
// the same connections as the line protocol: a cancel interrupts the
// pending read at once (a deadline in the past over TCP, closing the port
// on a serial line), and the connection is closed, as after any failure
// other than a Modbus exception; the next request connects again.
type Modbus struct {
	addr string
	ep   endpoint
	cfg  config

	sem  chan struct{} // one request at a time; a channel so waiting honours ctx
	conn conn          // nil when closed; only touched holding sem
	txn  uint16        // the last MBAP transaction id (TCP)
	// quiet, on RTU, is when the line last fell silent: the next request
	// waits the inter-frame gap (t3.5) from there.
	quiet time.Time
	buf   []byte // the request frame, reused; only touched holding sem
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
	m.drop()
	return nil
}

// ReadCoils reads n coils from addr.
func (m *Modbus) ReadCoils(ctx context.Context, addr, n uint16) ([]bool, error) {
	data, err := m.do(ctx, request{fc: fcReadCoils, addr: addr, n: n})
	if err != nil {
		return nil, err
	}
	return unpackBits(data, n), nil
}

// ReadDiscreteInputs reads n discrete inputs from addr.
func (m *Modbus) ReadDiscreteInputs(ctx context.Context, addr, n uint16) ([]bool, error) {
	data, err := m.do(ctx, request{fc: fcReadDiscreteInputs, addr: addr, n: n})
	if err != nil {
		return nil, err
	}
	return unpackBits(data, n), nil
}

// WriteCoil sets one coil.
func (m *Modbus) WriteCoil(ctx context.Context, addr uint16, on bool) error {
	_, err := m.do(ctx, request{fc: fcWriteCoil, addr: addr, n: 1, on: on})
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
	fc := byte(fcReadHolding)
	if t == Input {
		fc = fcReadInput
	}
	data, err := m.do(ctx, request{fc: fc, addr: addr, n: n})
	if err != nil {
		return nil, err
	}
	words := make([]uint16, n)
	for i := range words {
		words[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
	}
	return words, nil
}

// WriteRegisters writes raw 16-bit holding registers from addr on (one
// register with function code 6, more with 16).
func (m *Modbus) WriteRegisters(ctx context.Context, addr uint16, v ...uint16) error {
	fc := byte(fcWriteRegisters)
	if len(v) == 1 {
		fc = fcWriteRegister
	}
	_, err := m.do(ctx, request{fc: fc, addr: addr, n: uint16(len(v)), words: v})
	return err
}

// do runs one request, connecting first if needed, and returns the reply's
// data (what follows the function code, checked against the request).
func (m *Modbus) do(ctx context.Context, req request) ([]byte, error) {
	if err := req.check(); err != nil {
		return nil, &Error{Addr: m.addr, Op: req.String(), Err: err}
	}
	select {
	case m.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, m.fail(ctx, req, ctx.Err())
	}
	defer func() { <-m.sem }()
	start := time.Now()
	for attempt := 0; ; attempt++ {
		reused := m.conn != nil
		data, err := m.once(ctx, req)
		if err == nil {
			if l := m.cfg.debugLogger(); l != nil {
				l.Debug("modbus", "addr", m.addr, "op", req.String(), "took", time.Since(start))
			}
			return data, nil
		}
		if !isException(err) {
			m.drop()
		}
		if ctx.Err() == nil && reused && attempt == 0 && peerGone(err) {
			m.cfg.debug(m.addr, "connection found dead; reconnecting", "err", err)
			continue
		}
		e := m.fail(ctx, req, err)
		m.cfg.debug(m.addr, "modbus failed", "op", req.String(), "err", e, "took", time.Since(start))
		return nil, e
	}
}

// once runs one request on the current connection, connecting first if
// there is none.
func (m *Modbus) once(ctx context.Context, req request) ([]byte, error) {
	deadline := time.Now().Add(m.cfg.timeout)
	rtu := m.ep.scheme == "rtu"
	if m.conn == nil {
		mode := &serial.Mode{BaudRate: m.cfg.baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.TwoStopBits}
		c, err := dial(ctx, m.ep, mode, deadline, &m.cfg, m.addr)
		if err != nil {
			return nil, err
		}
		m.conn = c
	}
	c := m.conn
	disarm := c.arm(ctx, deadline)
	defer disarm()
	c.discardInput()
	if rtu {
		// The spec's silent interval between frames.
		if wait := time.Until(m.quiet.Add(interFrameGap(m.cfg.baud))); wait > 0 {
			time.Sleep(wait)
		}
		m.buf = req.rtuFrame(m.buf[:0], m.cfg.unitID)
	} else {
		m.txn++
		m.buf = req.tcpFrame(m.buf[:0], m.txn, m.cfg.unitID)
	}
	if err := c.write(m.buf); err != nil {
		return nil, err
	}
	var pdu []byte
	var err error
	if rtu {
		pdu, err = readRTU(c.reader(), m.cfg.unitID)
		m.quiet = time.Now()
	} else {
		pdu, err = readTCP(c.reader(), m.txn, m.cfg.unitID)
	}
	if err != nil {
		return nil, err
	}
	return req.parse(pdu)
}

func (m *Modbus) drop() {
	if m.conn != nil {
		m.conn.Close()
		m.conn = nil
	}
}

func (m *Modbus) fail(ctx context.Context, req request, err error) error {
	var kind error
	var hint string
	switch {
	case isException(err):
		kind, hint = err, exceptionHint(err)
	case errors.Is(err, ErrReply):
		kind, _ = classify(ctx, err, m.cfg.timeout)
		hint = "check the baud rate, parity and unit id"
	default:
		kind, hint = classify(ctx, err, m.cfg.timeout)
	}
	return &Error{Addr: m.addr, Op: req.String(), Err: kind, Hint: hint}
}

// Exception is a Modbus exception: the device answered, refusing the
// request (the code's meaning is in the Modbus application protocol
// specification, section 7). The connection is fine.
type Exception uint8

var exceptionNames = map[Exception]string{
	1:  "illegal function",
	2:  "illegal data address",
	3:  "illegal data value",
	4:  "server device failure",
	5:  "request acknowledged",
	6:  "server device busy",
	8:  "memory parity error",
	10: "gateway path unavailable",
	11: "gateway target device failed to respond",
}

func (e Exception) Error() string {
	if s, ok := exceptionNames[e]; ok {
		return s
	}
	return fmt.Sprintf("exception %d", uint8(e))
}

func isException(err error) bool {
	var e Exception
	return errors.As(err, &e)
}

func exceptionHint(err error) string {
	var e Exception
	errors.As(err, &e)
	switch e {
	case 2:
		return "the device has no such address; check the register map"
	case 1:
		return "the device does not support this request on this table"
	case 11:
		return "the gateway got no answer; check the unit id"
	}
	return ""
}

// debugLogger is the logger when debug logging is on, else nil: callers
// build a record's arguments only when it will be written.
func (c *config) debugLogger() *slog.Logger {
	l := c.log()
	if !l.Enabled(context.Background(), slog.LevelDebug) {
		return nil
	}
	return l
}

package transport

import (
	"bufio"
	"context"
	"errors"
	"net"
	"time"

	"go.bug.st/serial"
)

// conn is a connection, TCP or serial, with a bufio reader and the
// deadline and cancel mechanics of its kind; both the line protocol and
// Modbus run their exchanges on it.
type conn interface {
	write(p []byte) error
	reader() *bufio.Reader
	// arm applies the exchange's deadline and makes ctx's cancel abort a
	// blocked read or write; the returned func disarms it.
	arm(ctx context.Context, deadline time.Time) (disarm func() bool)
	discardInput()
	Close() error
}

// dial opens ep: a TCP connection by deadline, or the serial port in mode.
func dial(ctx context.Context, ep endpoint, mode *serial.Mode, deadline time.Time, cfg *config, addr string) (conn, error) {
	if ep.scheme != "tcp" {
		p, err := serial.Open(ep.path, mode)
		if err != nil {
			return nil, serialErr(err)
		}
		cfg.debug(addr, "serial port open", "baud", mode.BaudRate)
		return &serialConn{port: p, r: bufio.NewReader(serialReader{p: p})}, nil
	}
	d := net.Dialer{Deadline: deadline}
	c, err := d.DialContext(ctx, "tcp", ep.host)
	if err != nil {
		return nil, err
	}
	cfg.debug(addr, "connected")
	return &tcpConn{c: c, r: bufio.NewReader(c)}, nil
}

// serialErr maps go.bug.st/serial's errors onto ours.
func serialErr(err error) error {
	var pe *serial.PortError
	if errors.As(err, &pe) {
		switch pe.Code() {
		case serial.PortNotFound:
			return ErrNoPort
		case serial.PortClosed:
			return ErrDropped
		}
	}
	return err
}

// aLongTimeAgo is a deadline in the past: setting it wakes a blocked read.
var aLongTimeAgo = time.Unix(1, 0)

type tcpConn struct {
	c net.Conn
	r *bufio.Reader
}

func (t *tcpConn) write(p []byte) error  { _, err := t.c.Write(p); return err }
func (t *tcpConn) reader() *bufio.Reader { return t.r }
func (t *tcpConn) Close() error          { return t.c.Close() }
func (t *tcpConn) discardInput()         { t.r.Discard(t.r.Buffered()) }
func (t *tcpConn) arm(ctx context.Context, deadline time.Time) func() bool {
	t.c.SetDeadline(deadline)
	return context.AfterFunc(ctx, func() { t.c.SetDeadline(aLongTimeAgo) })
}

// serialConn is a serial port. go.bug.st/serial has read timeouts but no
// deadlines; serialReader turns the exchange's deadline into them, and a
// cancel closes the port (its pending read returns at once).
type serialConn struct {
	port serial.Port
	r    *bufio.Reader
}

type serialReader struct {
	p        serial.Port
	deadline *time.Time
}

func (s *serialConn) write(p []byte) error  { _, err := s.port.Write(p); return serialErr(err) }
func (s *serialConn) reader() *bufio.Reader { return s.r }
func (s *serialConn) Close() error          { return s.port.Close() }

// discardInput drops what arrived unasked (a late reply to a query that
// timed out), so it is not read as the next reply.
func (s *serialConn) discardInput() {
	s.r.Discard(s.r.Buffered())
	s.port.ResetInputBuffer()
}

func (s *serialConn) arm(ctx context.Context, deadline time.Time) func() bool {
	s.r.Reset(serialReader{p: s.port, deadline: &deadline})
	return context.AfterFunc(ctx, func() { s.port.Close() })
}

func (r serialReader) Read(p []byte) (int, error) {
	for {
		if r.deadline == nil || !time.Now().Before(*r.deadline) {
			return 0, timeoutError{}
		}
		r.p.SetReadTimeout(time.Until(*r.deadline))
		n, err := r.p.Read(p)
		if n > 0 || err != nil {
			return n, serialErr(err)
		}
	}
}

package transport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"go.bug.st/serial"
)

// Line speaks a line protocol: each command is a line ended by the
// terminator, and a query reads back one line. One exchange runs at a time
// (a query's write and read are never split by another caller's); the
// others wait, and a cancelled context ends the wait. The zero value is not
// usable; see NewLine.
type Line struct {
	addr string
	ep   endpoint
	cfg  config

	sem  chan struct{} // held for one exchange; a channel so waiting honours ctx
	conn lineConn      // nil when closed; only touched holding sem
}

// lineConn is a connection with a bufio reader and the deadline/cancel
// mechanics of its kind.
type lineConn interface {
	write(p []byte) error
	reader() *bufio.Reader
	// arm applies the exchange's deadline and makes ctx's cancel abort a
	// blocked read or write; the returned func disarms it.
	arm(ctx context.Context, deadline time.Time) (disarm func() bool)
	discardInput()
	Close() error
}

// NewLine checks addr (tcp://host:port or serial:///dev/ttyX?baud=N) and
// returns a client; it connects on the first exchange.
func NewLine(addr string, opts ...Option) (*Line, error) {
	ep, baud, err := parseAddr(addr, "tcp", "serial")
	if err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	if cfg.terminator == "" {
		return nil, fmt.Errorf("address %q: the terminator is empty; a line protocol needs one (e.g. \"\\n\")", addr)
	}
	if baud != 0 {
		cfg.baud = baud
	}
	if cfg.baud == 0 {
		cfg.baud = 9600
	}
	return &Line{addr: addr, ep: ep, cfg: cfg, sem: make(chan struct{}, 1)}, nil
}

// Addr is the address as given to NewLine.
func (l *Line) Addr() string { return l.addr }

// Query writes cmd and returns the reply line without its terminator and
// without surrounding white space.
func (l *Line) Query(ctx context.Context, cmd string) (string, error) {
	return l.exchange(ctx, cmd, true)
}

// Write writes cmd and reads nothing back.
func (l *Line) Write(ctx context.Context, cmd string) error {
	_, err := l.exchange(ctx, cmd, false)
	return err
}

// Close closes the connection; a later exchange opens it again.
func (l *Line) Close() error {
	l.sem <- struct{}{}
	defer func() { <-l.sem }()
	l.drop()
	return nil
}

func (l *Line) exchange(ctx context.Context, cmd string, reply bool) (string, error) {
	op := "write " + strconv.Quote(cmd)
	if reply {
		op = "query " + strconv.Quote(cmd)
	}
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return "", l.fail(ctx, op, ctx.Err())
	}
	defer func() { <-l.sem }()
	start := time.Now()
	for attempt := 0; ; attempt++ {
		reused := l.conn != nil
		ans, got, err := l.once(ctx, cmd, reply)
		if err == nil {
			l.cfg.debug(l.addr, "exchange", "cmd", cmd, "reply", ans, "took", time.Since(start))
			return ans, nil
		}
		l.drop()
		if reused && attempt == 0 && got == 0 && peerGone(err) && ctx.Err() == nil {
			l.cfg.debug(l.addr, "connection found dead; reconnecting", "err", err)
			continue
		}
		e := l.fail(ctx, op, err)
		l.cfg.debug(l.addr, "exchange failed", "cmd", cmd, "err", e, "took", time.Since(start))
		return "", e
	}
}

// once runs one exchange on the current connection, connecting first if
// there is none; got is how many reply bytes arrived.
func (l *Line) once(ctx context.Context, cmd string, reply bool) (ans string, got int, err error) {
	deadline := time.Now().Add(l.cfg.timeout)
	if l.conn == nil {
		if l.conn, err = l.dial(ctx, deadline); err != nil {
			return "", 0, err
		}
	}
	c := l.conn
	disarm := c.arm(ctx, deadline)
	defer disarm()
	c.discardInput()
	if err := c.write([]byte(cmd + l.cfg.terminator)); err != nil {
		return "", 0, err
	}
	if !reply {
		return "", 0, nil
	}
	return readLine(c.reader(), l.cfg.terminator, l.cfg.timeout)
}

// readLine reads up to and including term.
func readLine(r *bufio.Reader, term string, limit time.Duration) (string, int, error) {
	last := term[len(term)-1]
	var buf []byte
	for {
		chunk, err := r.ReadSlice(last)
		buf = append(buf, chunk...)
		if err == nil && bytes.HasSuffix(buf, []byte(term)) {
			s := strings.TrimSuffix(string(buf[:len(buf)-len(term)]), "\r")
			return strings.TrimSpace(s), len(buf), nil
		}
		if err == nil || errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if len(buf) > 0 {
			why := "then the connection closed"
			if t, _ := classify(context.Background(), err, limit); errors.Is(t, ErrTimeout) {
				why = fmt.Sprintf("no terminator %q within %v", term, limit)
			}
			return "", len(buf), replyError{fmt.Sprintf("incomplete reply %q (%s)", buf, why)}
		}
		return "", 0, err
	}
}

func (l *Line) dial(ctx context.Context, deadline time.Time) (lineConn, error) {
	if l.ep.scheme == "serial" {
		p, err := serial.Open(l.ep.path, &serial.Mode{BaudRate: l.cfg.baud})
		if err != nil {
			return nil, serialErr(err)
		}
		l.cfg.debug(l.addr, "serial port open", "baud", l.cfg.baud)
		return &serialConn{port: p, r: bufio.NewReader(serialReader{p: p})}, nil
	}
	d := net.Dialer{Deadline: deadline}
	c, err := d.DialContext(ctx, "tcp", l.ep.host)
	if err != nil {
		return nil, err
	}
	l.cfg.debug(l.addr, "connected")
	return &tcpConn{c: c, r: bufio.NewReader(c)}, nil
}

func (l *Line) drop() {
	if l.conn != nil {
		l.conn.Close()
		l.conn = nil
	}
}

func (l *Line) fail(ctx context.Context, op string, err error) error {
	kind, hint := classify(ctx, err, l.cfg.timeout)
	return &Error{Addr: l.addr, Op: op, Err: kind, Hint: hint}
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

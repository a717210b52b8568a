package transport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
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
	conn conn          // nil when closed; only touched holding sem
	out  []byte        // the command line being sent, reused; only touched holding sem
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
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return "", l.fail(ctx, cmd, reply, ctx.Err())
	}
	defer func() { <-l.sem }()
	start := time.Now()
	for attempt := 0; ; attempt++ {
		reused := l.conn != nil
		ans, got, err := l.once(ctx, cmd, reply)
		if err == nil {
			if log := l.cfg.debugLogger(); log != nil {
				log.Debug("exchange", "addr", l.addr, "cmd", cmd, "reply", ans, "took", time.Since(start))
			}
			return ans, nil
		}
		l.drop()
		if reused && attempt == 0 && got == 0 && peerGone(err) && ctx.Err() == nil {
			l.cfg.debug(l.addr, "connection found dead; reconnecting", "err", err)
			continue
		}
		e := l.fail(ctx, cmd, reply, err)
		l.cfg.debug(l.addr, "exchange failed", "cmd", cmd, "err", e, "took", time.Since(start))
		return "", e
	}
}

// once runs one exchange on the current connection, connecting first if
// there is none; got is how many reply bytes arrived.
func (l *Line) once(ctx context.Context, cmd string, reply bool) (ans string, got int, err error) {
	deadline := time.Now().Add(l.cfg.timeout)
	if l.conn == nil {
		if l.conn, err = dial(ctx, l.ep, &serial.Mode{BaudRate: l.cfg.baud}, deadline, &l.cfg, l.addr); err != nil {
			return "", 0, err
		}
	}
	c := l.conn
	disarm := c.arm(ctx, deadline)
	defer disarm()
	c.discardInput()
	l.out = append(append(l.out[:0], cmd...), l.cfg.terminator...)
	if err := c.write(l.out); err != nil {
		return "", 0, err
	}
	if !reply {
		return "", 0, nil
	}
	return readLine(c.reader(), l.cfg.terminator, l.cfg.timeout)
}

// trimReply drops the terminator, a "\r" before it, and surrounding white
// space.
func trimReply(line []byte, term string) string {
	return string(bytes.TrimSpace(bytes.TrimSuffix(line[:len(line)-len(term)], []byte("\r"))))
}

// readLine reads up to and including term.
func readLine(r *bufio.Reader, term string, limit time.Duration) (string, int, error) {
	last := term[len(term)-1]
	line, err := r.ReadSlice(last)
	if err == nil && bytes.HasSuffix(line, []byte(term)) {
		return trimReply(line, term), len(line), nil // the whole reply at once, as usual
	}
	if len(line) == 0 && err != nil && !errors.Is(err, bufio.ErrBufferFull) {
		return "", 0, err
	}
	return readLineRest(r, term, limit, append([]byte(nil), line...))
}

// readLineRest reads the rest of a reply that came in pieces.
func readLineRest(r *bufio.Reader, term string, limit time.Duration, buf []byte) (string, int, error) {
	last := term[len(term)-1]
	for {
		if bytes.HasSuffix(buf, []byte(term)) {
			return trimReply(buf, term), len(buf), nil
		}
		chunk, err := r.ReadSlice(last)
		buf = append(buf, chunk...)
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

func (l *Line) drop() {
	if l.conn != nil {
		l.conn.Close()
		l.conn = nil
	}
}

func (l *Line) fail(ctx context.Context, cmd string, reply bool, err error) error {
	op := "write " + strconv.Quote(cmd)
	if reply {
		op = "query " + strconv.Quote(cmd)
	}
	kind, hint := classify(ctx, err, l.cfg.timeout)
	return &Error{Addr: l.addr, Op: op, Err: kind, Hint: hint}
}

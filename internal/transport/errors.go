package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"
)

// The kinds of failure, for errors.Is.
var (
	// ErrTimeout: no complete reply within the time limit.
	ErrTimeout = errors.New("no reply in time")
	// ErrRefused: nothing listens at the address.
	ErrRefused = errors.New("connection refused")
	// ErrNoPort: the serial port does not exist.
	ErrNoPort = errors.New("no such serial port")
	// ErrDropped: the peer closed the connection or the line went away.
	ErrDropped = errors.New("connection lost")
	// ErrReply: the reply is not what the protocol allows (garbage, short,
	// a bad checksum).
	ErrReply = errors.New("bad reply")
)

// Unreachable reports whether err says that the peer could not be
// reached or did not answer as the protocol wants: refused, no port,
// connection lost, no reply in time, a bad reply. A Modbus exception or
// an instrument's own error is an answer, not this.
func Unreachable(err error) bool {
	for _, k := range []error{ErrRefused, ErrNoPort, ErrDropped, ErrTimeout, ErrReply} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// Error is a failed exchange: where, what, and why.
type Error struct {
	Addr string // the address as given, e.g. tcp://127.0.0.1:5025
	Op   string // the exchange, e.g. `query "VOLT?"`
	Err  error  // one of the kinds above, a context error, or a Modbus exception
	// Hint says what to do about it, when something can be said.
	Hint string
}

func (e *Error) Error() string {
	s := e.Addr + ": " + e.Op + ": " + e.Err.Error()
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// timeoutError keeps the time limit for the message.
type timeoutError struct{ limit time.Duration }

func (e timeoutError) Error() string { return fmt.Sprintf("no reply within %v", e.limit) }
func (e timeoutError) Is(target error) bool {
	return target == ErrTimeout
}

// replyError is a reply the protocol does not allow.
type replyError struct{ what string }

func (e replyError) Error() string        { return e.what }
func (e replyError) Is(target error) bool { return target == ErrReply }

// classify turns a low-level error into one of the kinds above, with a hint
// for the user. ctx decides whether a failure was in fact a cancel.
func classify(ctx context.Context, err error, limit time.Duration) (error, string) {
	if cerr := context.Cause(ctx); cerr != nil && ctx.Err() != nil {
		return cerr, ""
	}
	var ne net.Error
	switch {
	case errors.Is(err, ErrTimeout):
		return timeoutError{limit}, hintFor(err)
	case errors.Is(err, ErrReply), errors.Is(err, ErrNoPort),
		errors.Is(err, ErrRefused), errors.Is(err, ErrDropped):
		return err, hintFor(err)
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return timeoutError{limit}, "is the instrument slow or busy? raise the limit with Timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused, "is the instrument on, and listening at this port?"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed), errors.Is(err, os.ErrClosed),
		errors.Is(err, syscall.EIO):
		return ErrDropped, "the instrument closed the connection; the next operation reconnects"
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOENT):
		return ErrNoPort, "check the device path and that the adapter is plugged in"
	}
	return err, ""
}

func hintFor(err error) string {
	switch {
	case errors.Is(err, ErrTimeout):
		return "is the instrument slow or busy? raise the limit with Timeout"
	case errors.Is(err, ErrReply):
		return "check the terminator and baud rate"
	case errors.Is(err, ErrNoPort):
		return "check the device path and that the adapter is plugged in"
	}
	return ""
}

// peerGone reports whether err means the connection died while idle, so
// that one retry on a fresh connection is safe.
func peerGone(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

package ca

import (
	"errors"
	"fmt"
)

// Status is a CA status code (ECA_... in the C library): a message number
// and a severity. A server sends one with each reply to a get, put with
// callback and monitor update, and with each CA_PROTO_ERROR message. A
// Status that is not Normal is an error; errors.Is compares message
// numbers, so a code from the wire matches the constant below.
type Status uint32

// The status codes a current server or this client produce. The numbers
// are the protocol's (msgno<<3 | severity).
const (
	StatusNormal        Status = 0<<3 | 1
	StatusAllocMem      Status = 6<<3 | 0
	StatusTooLarge      Status = 9<<3 | 0
	StatusTimeout       Status = 10<<3 | 0
	StatusBadType       Status = 14<<3 | 2
	StatusInternal      Status = 17<<3 | 6
	StatusGetFail       Status = 19<<3 | 0
	StatusPutFail       Status = 20<<3 | 0
	StatusBadCount      Status = 22<<3 | 0
	StatusBadStr        Status = 23<<3 | 2
	StatusDisconn       Status = 24<<3 | 0
	StatusEvDisallow    Status = 26<<3 | 2
	StatusBadMonID      Status = 30<<3 | 2
	StatusBadMask       Status = 41<<3 | 2
	StatusPutCBInProg   Status = 45<<3 | 2
	StatusNoRdAccess    Status = 46<<3 | 0
	StatusNoWtAccess    Status = 47<<3 | 0
	StatusNoSearchAddr  Status = 49<<3 | 0
	StatusNoConvert     Status = 50<<3 | 0
	StatusBadChID       Status = 51<<3 | 2
	StatusUnavailInServ Status = 54<<3 | 0
	StatusChanDestroy   Status = 55<<3 | 0
	StatusBadPriority   Status = 56<<3 | 2
	StatusConnSeqTmo    Status = 59<<3 | 0
	StatusUnrespTmo     Status = 60<<3 | 0
)

// statusText says, per message number, what happened in words a user of
// the shell can act on. Numbers the protocol marks defunct keep a short
// generic text.
var statusText = map[uint32]string{
	0:  "normal successful completion",
	6:  "the server could not allocate memory for the request",
	9:  "the value is larger than the server's EPICS_CA_MAX_ARRAY_BYTES allows",
	10: "timed out",
	14: "the server does not support that data type",
	17: "internal error in the server",
	19: "the server could not read the value (the record refused it)",
	20: "the server could not write the value (the record refused it: wrong type, out of range or not a valid state)",
	22: "bad element count for this PV",
	23: "bad string",
	24: "the channel is disconnected from its server",
	26: "the server disallows monitors on this PV",
	30: "unknown monitor",
	41: "bad monitor event mask",
	45: "a put with callback is already in progress on this channel",
	46: "no read access (the IOC's access security forbids reading this PV)",
	47: "no write access (the IOC's access security makes this PV read-only)",
	49: "no address to search: EPICS_CA_ADDR_LIST is empty and EPICS_CA_AUTO_ADDR_LIST is NO",
	50: "the value cannot be converted to the PV's type",
	51: "bad channel",
	54: "the server does not support this operation",
	55: "the channel was cleared",
	56: "bad priority",
	59: "the server did not answer while the channel connected",
	60: "the server stopped answering (no reply to echo)",
}

func (s Status) msgNo() uint32 { return uint32(s) >> 3 & 0x1fff }

// OK reports whether s is a success code.
func (s Status) OK() bool { return s&1 == 1 }

func (s Status) Error() string {
	if t, ok := statusText[s.msgNo()]; ok {
		return t
	}
	return fmt.Sprintf("CA status %d (message %d)", uint32(s), s.msgNo())
}

// Is makes errors.Is match codes by message number: the severity bits of
// a code from the wire need not be the ones above.
func (s Status) Is(target error) bool {
	t, ok := target.(Status)
	return ok && t.msgNo() == s.msgNo()
}

// Errors that are not CA status codes.
var (
	// ErrNotFound: no server answered the search for the PV name within
	// the search timeout.
	ErrNotFound = errors.New("not found")
	// ErrDisconnected: the channel has no server now (the IOC stopped, the
	// network went, or the server deleted the PV); it searches again and
	// reconnects on its own.
	ErrDisconnected = errors.New("disconnected")
	// ErrClosed: the channel or client was closed by its owner.
	ErrClosed = errors.New("closed")
)

// Error is what every operation of this package returns on failure: it
// names the PV and the operation. Err is a Status, ErrNotFound,
// ErrDisconnected, ErrClosed or a context's error; Detail adds what the
// server or client knew (a server's message, the address searched).
type Error struct {
	PV     string
	Op     string // connect, get, put, put-callback, monitor
	Err    error
	Detail string
}

func (e *Error) Error() string {
	s := "PV " + e.PV + ": " + e.Op + ": " + e.Err.Error()
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

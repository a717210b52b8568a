package ca

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Protocol constants of Channel Access 4.13 (the "Channel Access Protocol
// Specification"). The client speaks minor version 13: zero element counts
// in requests ask the server for the current number of elements.
const (
	minorVersion = 13

	cmdVersion       = 0
	cmdEventAdd      = 1
	cmdEventCancel   = 2
	cmdWrite         = 4
	cmdSearch        = 6
	cmdEventsOff     = 8
	cmdEventsOn      = 9
	cmdError         = 11
	cmdClearChannel  = 12
	cmdBeacon        = 13
	cmdNotFound      = 14
	cmdReadNotify    = 15
	cmdCreateChan    = 18
	cmdWriteNotify   = 19
	cmdClientName    = 20
	cmdHostName      = 21
	cmdAccessRights  = 22
	cmdEcho          = 23
	cmdCreateChFail  = 26
	cmdServerDisconn = 27

	// searchDoReply asks a server to answer a search even when it does
	// not have the name (sent over TCP only; UDP searches use dontReply).
	searchDontReply = 5

	accessRead  = 1 << 0
	accessWrite = 1 << 1

	headerSize    = 16
	extHeaderSize = 24
	// maxUDPSend is what the C library puts in one search datagram.
	maxUDPSend = 1024
	// DefaultServerPort is CA's server port when EPICS_CA_SERVER_PORT is
	// not set.
	DefaultServerPort = 5064
)

// header is one CA message header. Payload sizes and counts of 0xffff or
// more travel in the extended form (protocol 4.9 and later).
type header struct {
	cmd   uint16
	size  uint32 // payload bytes that follow the header
	dtype uint16
	count uint32
	p1    uint32
	p2    uint32
}

// padded rounds n up to the 8 bytes CA aligns payloads to.
func padded(n int) int { return (n + 7) &^ 7 }

// appendMsg appends the header h followed by payload, zero-padded to 8
// bytes; h.size is set from the payload.
func appendMsg(b []byte, h header, payload []byte) []byte {
	n := padded(len(payload))
	h.size = uint32(n)
	if n >= 0xffff || h.count >= 0xffff {
		b = binary.BigEndian.AppendUint16(b, h.cmd)
		b = binary.BigEndian.AppendUint16(b, 0xffff)
		b = binary.BigEndian.AppendUint16(b, h.dtype)
		b = binary.BigEndian.AppendUint16(b, 0)
		b = binary.BigEndian.AppendUint32(b, h.p1)
		b = binary.BigEndian.AppendUint32(b, h.p2)
		b = binary.BigEndian.AppendUint32(b, h.size)
		b = binary.BigEndian.AppendUint32(b, h.count)
	} else {
		b = binary.BigEndian.AppendUint16(b, h.cmd)
		b = binary.BigEndian.AppendUint16(b, uint16(h.size))
		b = binary.BigEndian.AppendUint16(b, h.dtype)
		b = binary.BigEndian.AppendUint16(b, uint16(h.count))
		b = binary.BigEndian.AppendUint32(b, h.p1)
		b = binary.BigEndian.AppendUint32(b, h.p2)
	}
	b = append(b, payload...)
	for i := len(payload); i < n; i++ {
		b = append(b, 0)
	}
	return b
}

// parseHeader decodes a header at the start of b and says how many bytes
// it took; 0 means b is too short.
func parseHeader(b []byte) (header, int) {
	if len(b) < headerSize {
		return header{}, 0
	}
	h := header{
		cmd:   binary.BigEndian.Uint16(b[0:]),
		size:  uint32(binary.BigEndian.Uint16(b[2:])),
		dtype: binary.BigEndian.Uint16(b[4:]),
		count: uint32(binary.BigEndian.Uint16(b[6:])),
		p1:    binary.BigEndian.Uint32(b[8:]),
		p2:    binary.BigEndian.Uint32(b[12:]),
	}
	if h.size != 0xffff {
		return h, headerSize
	}
	if len(b) < extHeaderSize {
		return header{}, 0
	}
	h.size = binary.BigEndian.Uint32(b[16:])
	h.count = binary.BigEndian.Uint32(b[20:])
	return h, extHeaderSize
}

// readHeader reads one header from a stream.
func readHeader(r io.Reader, buf []byte) (header, error) {
	if _, err := io.ReadFull(r, buf[:headerSize]); err != nil {
		return header{}, err
	}
	if buf[2] == 0xff && buf[3] == 0xff {
		if _, err := io.ReadFull(r, buf[headerSize:extHeaderSize]); err != nil {
			return header{}, err
		}
	}
	h, _ := parseHeader(buf)
	return h, nil
}

// cstring returns the NUL-terminated string at the start of b.
func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// namePayload is a NUL-terminated name (a PV, user or host name).
func namePayload(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

func (h header) String() string {
	return fmt.Sprintf("cmd=%d size=%d type=%d count=%d p1=%d p2=%d", h.cmd, h.size, h.dtype, h.count, h.p1, h.p2)
}

package transport

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// The Modbus framing, after the Modbus application protocol specification
// v1.1b3 (the PDUs), Modbus messaging on TCP/IP v1.0b (the MBAP header) and
// Modbus over serial line v1.02 (RTU: unit, PDU, CRC-16; the inter-frame
// gap). Only what the client methods use: function codes 1-6 and 16.

const (
	fcReadCoils          = 1
	fcReadDiscreteInputs = 2
	fcReadHolding        = 3
	fcReadInput          = 4
	fcWriteCoil          = 5
	fcWriteRegister      = 6
	fcWriteRegisters     = 16
)

// request is one Modbus request as the client methods describe it; the
// frame and the description in messages are made from it.
type request struct {
	fc    byte
	addr  uint16
	n     uint16   // coils, inputs or registers
	on    bool     // WriteCoil's value
	words []uint16 // WriteRegisters' values
}

// String describes the request for errors and the debug log; it is built
// only when one of them needs it.
func (r request) String() string {
	a, n := strconv.Itoa(int(r.addr)), strconv.Itoa(int(r.n))
	switch r.fc {
	case fcReadCoils:
		return "read " + n + " coils at " + a
	case fcReadDiscreteInputs:
		return "read " + n + " discrete inputs at " + a
	case fcReadHolding:
		return "read " + n + " holding registers at " + a
	case fcReadInput:
		return "read " + n + " input registers at " + a
	case fcWriteCoil:
		return "write coil " + a + " = " + strconv.FormatBool(r.on)
	}
	return "write " + n + " holding registers at " + a
}

// check refuses what the protocol cannot carry in one request.
func (r request) check() error {
	limit := uint16(125) // registers in one read (spec 6.3, 6.4)
	switch r.fc {
	case fcReadCoils, fcReadDiscreteInputs:
		limit = 2000
	case fcWriteRegisters:
		limit = 123
	case fcWriteCoil, fcWriteRegister:
		return nil
	}
	if r.n == 0 || r.n > limit {
		return fmt.Errorf("one request carries 1 to %d of these, not %d; split it", limit, r.n)
	}
	return nil
}

// pdu appends the request's PDU: function code and data.
func (r request) pdu(b []byte) []byte {
	b = append(b, r.fc)
	b = binary.BigEndian.AppendUint16(b, r.addr)
	b = binary.BigEndian.AppendUint16(b, r.second())
	if r.fc == fcWriteRegisters {
		b = append(b, byte(2*r.n))
		for _, w := range r.words {
			b = binary.BigEndian.AppendUint16(b, w)
		}
	}
	return b
}

// second is the word after the address: the count, or the value written
// by function codes 5 and 6. A write's reply echoes address and second.
func (r request) second() uint16 {
	switch r.fc {
	case fcWriteCoil:
		if r.on {
			return 0xff00
		}
		return 0
	case fcWriteRegister:
		return r.words[0]
	}
	return r.n
}

// tcpFrame appends the MBAP header (transaction, protocol 0, length, unit)
// and the PDU.
func (r request) tcpFrame(b []byte, txn uint16, unit uint8) []byte {
	b = binary.BigEndian.AppendUint16(b, txn)
	b = append(b, 0, 0, 0, 0, unit) // protocol id; length, set below
	b = r.pdu(b)
	binary.BigEndian.PutUint16(b[4:], uint16(len(b)-6))
	return b
}

// rtuFrame appends unit, PDU and CRC (low byte first).
func (r request) rtuFrame(b []byte, unit uint8) []byte {
	b = r.pdu(append(b, unit))
	return binary.LittleEndian.AppendUint16(b, crc16(b))
}

// parse checks a reply PDU against the request and returns its data: the
// bytes of a read, nothing for a write. An exception reply is an Exception.
func (r request) parse(pdu []byte) ([]byte, error) {
	switch {
	case len(pdu) == 2 && pdu[0] == r.fc|0x80:
		return nil, Exception(pdu[1])
	case len(pdu) < 2 || pdu[0] != r.fc:
		return nil, errProtocol
	}
	data := pdu[1:]
	switch r.fc {
	case fcReadCoils, fcReadDiscreteInputs, fcReadHolding, fcReadInput:
		want := 2 * int(r.n)
		if r.fc <= fcReadDiscreteInputs {
			want = (int(r.n) + 7) / 8
		}
		if int(data[0]) != want || len(data) != 1+want {
			return nil, errProtocol
		}
		return data[1:], nil
	}
	if len(data) != 4 || binary.BigEndian.Uint16(data) != r.addr || binary.BigEndian.Uint16(data[2:]) != r.second() {
		return nil, errProtocol
	}
	return nil, nil
}

var (
	errProtocol = replyError{"bad reply: protocol error"}
	errBadCRC   = replyError{"bad reply: bad crc"}
	errBadUnit  = replyError{"bad reply: bad unit id"}
)

// readTCP reads MBAP frames until the one answering transaction txn and
// returns its PDU. A frame of an earlier transaction (a late reply) is
// skipped.
func readTCP(r *bufio.Reader, txn uint16, unit uint8) ([]byte, error) {
	var frame [260]byte
	for {
		if err := readFull(r, frame[:7]); err != nil {
			return nil, err
		}
		n := int(binary.BigEndian.Uint16(frame[4:]))
		if n < 2 || n > 254 {
			return nil, errProtocol
		}
		if _, err := io.ReadFull(r, frame[7:6+n]); err != nil {
			return nil, shortFrame(err)
		}
		if binary.BigEndian.Uint16(frame[0:]) != txn || binary.BigEndian.Uint16(frame[2:]) != 0 {
			continue
		}
		pdu := frame[7 : 6+n]
		if !unitMatches(frame[6], unit, pdu[0]) {
			return nil, errBadUnit
		}
		return append([]byte(nil), pdu...), nil
	}
}

// readRTU reads one RTU frame and returns its PDU; the function code says
// how long the frame is.
func readRTU(r *bufio.Reader, unit uint8) ([]byte, error) {
	var frame [256]byte
	if err := readFull(r, frame[:3]); err != nil {
		return nil, err
	}
	var n int // bytes after the first three, CRC included
	switch fc := frame[1]; {
	case fc&0x80 != 0:
		n = 2
	case fc >= fcReadCoils && fc <= fcReadInput:
		n = int(frame[2]) + 2
	case fc == fcWriteCoil || fc == fcWriteRegister || fc == fcWriteRegisters:
		n = 5
	default:
		return nil, errProtocol
	}
	if _, err := io.ReadFull(r, frame[3:3+n]); err != nil {
		return nil, shortFrame(err)
	}
	end := 3 + n
	if crc16(frame[:end-2]) != binary.LittleEndian.Uint16(frame[end-2:]) {
		return nil, errBadCRC
	}
	if !unitMatches(frame[0], unit, frame[1]) {
		return nil, errBadUnit
	}
	return append([]byte(nil), frame[1:end-2]...), nil
}

// unitMatches: a reply comes from the unit asked, or, for an exception,
// from a gateway (unit 255).
func unitMatches(got, asked, fc byte) bool {
	return got == asked || fc&0x80 != 0 && got == 0xff
}

// readFull reads the start of a frame: nothing read is the error as it
// is (a time limit, the connection closed), part of it a short frame.
func readFull(r *bufio.Reader, b []byte) error {
	n, err := io.ReadFull(r, b)
	if err != nil && n > 0 {
		return shortFrame(err)
	}
	return err
}

// shortFrame names a reply cut off: part of a frame, then the time limit
// or the end of the connection.
func shortFrame(err error) error {
	why := "then the connection closed"
	if kind, _ := classify(context.Background(), err, 0); errors.Is(kind, ErrTimeout) {
		why = "then nothing more in time"
	}
	return replyError{"bad reply: short frame, " + why}
}

// crc16 is Modbus's CRC (polynomial 0xA001 reflected, start 0xFFFF).
func crc16(b []byte) uint16 {
	crc := uint16(0xffff)
	for _, x := range b {
		crc ^= uint16(x)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xa001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}

// interFrameGap is RTU's t3.5, the silence that separates frames: 3.5
// characters of 11 bits, and a fixed 1.75 ms above 19200 baud (Modbus over
// serial line v1.02, 2.5.1.1), as pymodbus and simonvetter/modbus use.
func interFrameGap(baud int) time.Duration {
	if baud > 19200 {
		return 1750 * time.Microsecond
	}
	return time.Duration(35*11) * time.Second / time.Duration(10*baud)
}

func unpackBits(data []byte, n uint16) []bool {
	bits := make([]bool, n)
	for i := range bits {
		bits[i] = data[i/8]&(1<<(i%8)) != 0
	}
	return bits
}

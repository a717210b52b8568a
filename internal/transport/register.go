package transport

import (
	"context"
	"fmt"
	"math"
)

// Type is how a value is stored in registers.
type Type uint8

const (
	Uint16  Type = iota // one register
	Int16               // one register, two's complement
	Uint32              // two registers
	Int32               // two registers, two's complement
	Float32             // two registers, IEEE 754
)

var typeNames = [...]string{"uint16", "int16", "uint32", "int32", "float32"}

func (t Type) String() string { return typeNames[t] }

// Words is how many 16-bit registers the type takes.
func (t Type) Words() uint16 {
	if t >= Uint32 {
		return 2
	}
	return 1
}

// WordOrder is the order of the two registers of a 32-bit value. Modbus
// fixes the byte order inside a register (big-endian) but not this.
type WordOrder uint8

const (
	HighWordFirst WordOrder = iota // the Modbus convention ("big-endian", ABCD)
	LowWordFirst                   // many PLCs ("word-swapped", CDAB)
)

// Register is a value in registers: where it is, how it is stored, and how
// the raw number scales to the value: value = raw*Scale + Offset (Scale 0
// means 1). To get a quantity, multiply the value by its unit:
// q.Length(v) * q.UM for a register counting micrometres (ReadQuantity).
type Register struct {
	Table  Table
	Addr   uint16
	Type   Type
	Order  WordOrder
	Scale  float64
	Offset float64
}

func (r Register) String() string {
	return fmt.Sprintf("%s register %d (%s)", r.Table, r.Addr, r.Type)
}

func (r Register) scale() float64 {
	if r.Scale == 0 {
		return 1
	}
	return r.Scale
}

// Decode turns raw registers into the scaled value.
func (r Register) Decode(words []uint16) float64 {
	var raw float64
	switch r.Type {
	case Uint16:
		raw = float64(words[0])
	case Int16:
		raw = float64(int16(words[0]))
	default:
		hi, lo := words[0], words[1]
		if r.Order == LowWordFirst {
			hi, lo = lo, hi
		}
		u := uint32(hi)<<16 | uint32(lo)
		switch r.Type {
		case Uint32:
			raw = float64(u)
		case Int32:
			raw = float64(int32(u))
		case Float32:
			raw = float64(math.Float32frombits(u))
		}
	}
	return raw*r.scale() + r.Offset
}

// Encode turns a value into raw registers; an integer type rounds to the
// nearest step and refuses a value it cannot hold.
func (r Register) Encode(v float64) ([]uint16, error) {
	raw := (v - r.Offset) / r.scale()
	if math.IsNaN(raw) || math.IsInf(raw, 0) {
		return nil, fmt.Errorf("%v does not fit %s", v, r)
	}
	var u uint32
	switch r.Type {
	case Float32:
		if math.Abs(raw) > math.MaxFloat32 {
			return nil, fmt.Errorf("%v does not fit %s", v, r)
		}
		u = math.Float32bits(float32(raw))
	default:
		n := math.Round(raw)
		lo, hi := r.Type.bounds()
		if n < lo || n > hi {
			return nil, fmt.Errorf("%v is outside what %s holds (raw %g .. %g)", v, r, lo, hi)
		}
		if n < 0 {
			u = uint32(int32(n))
		} else {
			u = uint32(n)
		}
	}
	if r.Type.Words() == 1 {
		return []uint16{uint16(u)}, nil
	}
	hi, lo := uint16(u>>16), uint16(u)
	if r.Order == LowWordFirst {
		hi, lo = lo, hi
	}
	return []uint16{hi, lo}, nil
}

func (t Type) bounds() (float64, float64) {
	switch t {
	case Uint16:
		return 0, math.MaxUint16
	case Int16:
		return math.MinInt16, math.MaxInt16
	case Uint32:
		return 0, math.MaxUint32
	}
	return math.MinInt32, math.MaxInt32
}

// Read reads a register's scaled value.
func (m *Modbus) Read(ctx context.Context, r Register) (float64, error) {
	words, err := m.ReadRegisters(ctx, r.Table, r.Addr, r.Type.Words())
	if err != nil {
		return 0, err
	}
	return r.Decode(words), nil
}

// Write writes a scaled value to a holding register.
func (m *Modbus) Write(ctx context.Context, r Register, v float64) error {
	if r.Table != Holding {
		return &Error{Addr: m.addr, Op: "write " + r.String(), Err: fmt.Errorf("input registers are read-only")}
	}
	words, err := r.Encode(v)
	if err != nil {
		return &Error{Addr: m.addr, Op: "write " + r.String(), Err: err}
	}
	return m.WriteRegisters(ctx, r.Addr, words...)
}

// ReadQuantity reads a register as a quantity: its value times unit, e.g.
// ReadQuantity(ctx, m, r, q.UM) for a register counting micrometres.
func ReadQuantity[T ~float64](ctx context.Context, m *Modbus, r Register, unit T) (T, error) {
	v, err := m.Read(ctx, r)
	return T(v) * unit, err
}

// WriteQuantity writes a quantity counted in unit to a holding register.
func WriteQuantity[T ~float64](ctx context.Context, m *Modbus, r Register, x, unit T) error {
	return m.Write(ctx, r, float64(x/unit))
}

package ca

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FieldType is the type of a PV's value elements (DBF/DBR_STRING ...
// DBR_DOUBLE); a channel's native type is one of these.
type FieldType uint16

// The seven field types, numbered as on the wire.
const (
	String FieldType = 0 // 40-byte NUL-terminated string
	Short  FieldType = 1 // int16 (DBR_INT is the same)
	Float  FieldType = 2 // float32
	Enum   FieldType = 3 // uint16 index into the state strings
	Char   FieldType = 4 // uint8
	Long   FieldType = 5 // int32
	Double FieldType = 6 // float64
)

var fieldNames = [...]string{"STRING", "SHORT", "FLOAT", "ENUM", "CHAR", "LONG", "DOUBLE"}

func (f FieldType) String() string {
	if int(f) < len(fieldNames) {
		return fieldNames[f]
	}
	return fmt.Sprintf("FieldType(%d)", uint16(f))
}

// size is the bytes of one element on the wire.
func (f FieldType) size() int {
	switch f {
	case String:
		return maxStringSize
	case Short, Enum:
		return 2
	case Float, Long:
		return 4
	case Char:
		return 1
	}
	return 8
}

// Class is what a request asks for besides the value: nothing (Plain),
// alarm status (Sts), alarm and timestamp (Time), alarm and display
// metadata (Gr), or that plus control limits (Ctrl).
type Class uint16

// The classes, as offsets added to a FieldType to form the DBR type.
const (
	Plain Class = 0
	Sts   Class = 7
	Time  Class = 14
	Gr    Class = 21
	Ctrl  Class = 28
)

// DBRType is a request type on the wire: a class plus a field type,
// DBR_STRING (0) to DBR_CTRL_DOUBLE (34).
type DBRType uint16

// DBR composes a request type, e.g. DBR(Time, Double) is DBR_TIME_DOUBLE.
func DBR(c Class, f FieldType) DBRType { return DBRType(c) + DBRType(f) }

// nativeFlag marks a request type whose field type is the channel's own.
const nativeFlag = 0x8000

// Native is the request type of class c in the channel's native field
// type, for GetAs and Subscribe.
func Native(c Class) DBRType { return DBRType(c) | nativeFlag }

// Field is the value's field type.
func (d DBRType) Field() FieldType { return FieldType(d % 7) }

// Class is the request's class.
func (d DBRType) Class() Class { return Class(d - d%7) }

func (d DBRType) valid() bool { return d <= 34 }

func (d DBRType) String() string {
	c := map[Class]string{Plain: "", Sts: "STS_", Time: "TIME_", Gr: "GR_", Ctrl: "CTRL_"}[d.Class()]
	return "DBR_" + c + d.Field().String()
}

const (
	maxStringSize = 40
	maxUnitsSize  = 8
	maxEnumStates = 16
	maxEnumString = 26
	// epicsEpoch is 1990-01-01 UTC in Unix seconds: CA timestamps count
	// from there.
	epicsEpoch = 631152000
)

// Severity is an alarm severity.
type Severity uint16

// Alarm severities.
const (
	NoAlarm Severity = iota
	Minor
	Major
	Invalid
)

func (s Severity) String() string {
	switch s {
	case NoAlarm:
		return "NO_ALARM"
	case Minor:
		return "MINOR"
	case Major:
		return "MAJOR"
	case Invalid:
		return "INVALID"
	}
	return strconv.Itoa(int(s))
}

// Limits is a low/high pair of display, alarm, warning or control limits.
type Limits struct{ Low, High float64 }

// Value is what a get or a monitor update gives: the elements in Data,
// typed by Type, and the metadata the request's class carries (zero
// otherwise).
//
// Data is []string, []int16, []float32, []uint16 (enum), []uint8,
// []int32 or []float64. A Value is never changed after it is handed out.
type Value struct {
	Type FieldType
	Data any

	// Sts and later.
	Status   uint16 // alarm condition (epicsAlarmCondition: HIGH, LOLO, ...)
	Severity Severity
	// Time.
	Stamp time.Time
	// Gr and Ctrl.
	Units       string
	Precision   int // Float and Double only
	Display     Limits
	Alarm       Limits
	Warning     Limits
	Control     Limits   // Ctrl only
	EnumStrings []string // Enum only

	// Dropped counts the monitor updates discarded just before this one
	// because the consumer did not keep up (see Subscription).
	Dropped int
}

// Len is the number of elements.
func (v *Value) Len() int {
	switch d := v.Data.(type) {
	case []string:
		return len(d)
	case []int16:
		return len(d)
	case []float32:
		return len(d)
	case []uint16:
		return len(d)
	case []uint8:
		return len(d)
	case []int32:
		return len(d)
	case []float64:
		return len(d)
	}
	return 0
}

// Float64s gives the elements as float64; strings that are not numbers
// give NaN.
func (v *Value) Float64s() []float64 {
	out := make([]float64, 0, v.Len())
	switch d := v.Data.(type) {
	case []string:
		for _, s := range d {
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				f = math.NaN()
			}
			out = append(out, f)
		}
	case []int16:
		for _, x := range d {
			out = append(out, float64(x))
		}
	case []float32:
		for _, x := range d {
			out = append(out, float64(x))
		}
	case []uint16:
		for _, x := range d {
			out = append(out, float64(x))
		}
	case []uint8:
		for _, x := range d {
			out = append(out, float64(x))
		}
	case []int32:
		for _, x := range d {
			out = append(out, float64(x))
		}
	case []float64:
		out = append(out, d...)
	}
	return out
}

// Float64 is the first element as a float64 (NaN when there is none or it
// is not a number).
func (v *Value) Float64() float64 {
	if d, ok := v.Data.([]float64); ok && len(d) > 0 {
		return d[0]
	}
	f := v.Float64s()
	if len(f) == 0 {
		return math.NaN()
	}
	return f[0]
}

// Strings gives the elements as caget prints them: numbers in Go's
// shortest form (or with Precision digits when the request carried it),
// enum states by name when the state strings are known.
func (v *Value) Strings() []string {
	if d, ok := v.Data.([]string); ok {
		return d
	}
	if d, ok := v.Data.([]uint16); ok && v.Type == Enum {
		out := make([]string, len(d))
		for i, x := range d {
			if int(x) < len(v.EnumStrings) {
				out[i] = v.EnumStrings[x]
			} else {
				out[i] = strconv.Itoa(int(x))
			}
		}
		return out
	}
	f := v.Float64s()
	out := make([]string, len(f))
	for i, x := range f {
		if (v.Type == Float || v.Type == Double) && v.Precision > 0 {
			out[i] = strconv.FormatFloat(x, 'f', v.Precision, 64)
		} else {
			out[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
	}
	return out
}

// String is the first element as text (see Strings); a CHAR array is read
// as a NUL-terminated string, as EPICS stores long strings.
func (v *Value) String() string {
	if d, ok := v.Data.([]uint8); ok && len(d) > 1 {
		return cstring(d)
	}
	s := v.Strings()
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// valueOffset is where the first element starts in a payload of type d.
func valueOffset(d DBRType) int {
	f := d.Field()
	switch d.Class() {
	case Sts:
		return 4 + map[FieldType]int{Char: 1, Double: 4}[f]
	case Time:
		return 12 + map[FieldType]int{Short: 2, Enum: 2, Char: 3, Double: 4}[f]
	case Gr, Ctrl:
		switch f {
		case String:
			return 4
		case Enum:
			return 6 + maxEnumStates*maxEnumString
		}
		n := 4 + maxUnitsSize + limitCount(d.Class())*f.size()
		if f == Float || f == Double {
			n += 4 // precision and its pad
		}
		if f == Char {
			n++
		}
		return n
	}
	return 0
}

func limitCount(c Class) int {
	if c == Ctrl {
		return 8
	}
	return 6
}

// decodeValue reads a payload of type d holding count elements. Payloads
// shorter than count elements (a scalar string trimmed by the server) give
// what is there.
func decodeValue(d DBRType, count int, b []byte) (*Value, error) {
	f := d.Field()
	off := valueOffset(d)
	if len(b) < off {
		return nil, fmt.Errorf("%v payload of %d bytes is shorter than its %d-byte metadata", d, len(b), off)
	}
	v := &Value{Type: f}
	if d.Class() != Plain {
		v.Status = binary.BigEndian.Uint16(b[0:])
		v.Severity = Severity(binary.BigEndian.Uint16(b[2:]))
	}
	switch d.Class() {
	case Time:
		sec, ns := binary.BigEndian.Uint32(b[4:]), binary.BigEndian.Uint32(b[8:])
		if sec != 0 || ns != 0 {
			v.Stamp = time.Unix(int64(sec)+epicsEpoch, int64(ns))
		}
	case Gr, Ctrl:
		decodeMeta(v, d, b)
	}
	v.Data = decodeElements(f, count, b[off:])
	return v, nil
}

// decodeMeta fills units, precision, limits or enum strings.
func decodeMeta(v *Value, d DBRType, b []byte) {
	f := d.Field()
	switch f {
	case String:
		return
	case Enum:
		n := int(binary.BigEndian.Uint16(b[4:]))
		n = min(n, maxEnumStates)
		v.EnumStrings = make([]string, n)
		for i := range n {
			s := 6 + i*maxEnumString
			v.EnumStrings[i] = cstring(b[s : s+maxEnumString])
		}
		return
	}
	off := 4
	if f == Float || f == Double {
		v.Precision = int(int16(binary.BigEndian.Uint16(b[4:])))
		off = 8
	}
	v.Units = cstring(b[off : off+maxUnitsSize])
	off += maxUnitsSize
	lim := make([]float64, limitCount(d.Class()))
	for i := range lim {
		lim[i] = element(f, b[off+i*f.size():])
	}
	v.Display = Limits{Low: lim[1], High: lim[0]}
	v.Alarm = Limits{Low: lim[5], High: lim[2]}
	v.Warning = Limits{Low: lim[4], High: lim[3]}
	if d.Class() == Ctrl {
		v.Control = Limits{Low: lim[7], High: lim[6]}
	}
}

// element reads one numeric element as float64.
func element(f FieldType, b []byte) float64 {
	switch f {
	case Short:
		return float64(int16(binary.BigEndian.Uint16(b)))
	case Float:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
	case Enum:
		return float64(binary.BigEndian.Uint16(b))
	case Char:
		return float64(b[0])
	case Long:
		return float64(int32(binary.BigEndian.Uint32(b)))
	case Double:
		return math.Float64frombits(binary.BigEndian.Uint64(b))
	}
	return math.NaN()
}

func decodeElements(f FieldType, count int, b []byte) any {
	sz := f.size()
	if f == String && count == 1 && len(b) < sz {
		return []string{cstring(b)}
	}
	n := min(count, len(b)/sz)
	switch f {
	case String:
		out := make([]string, n)
		for i := range out {
			out[i] = cstring(b[i*sz : (i+1)*sz])
		}
		return out
	case Short:
		out := make([]int16, n)
		for i := range out {
			out[i] = int16(binary.BigEndian.Uint16(b[i*2:]))
		}
		return out
	case Float:
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.BigEndian.Uint32(b[i*4:]))
		}
		return out
	case Enum:
		out := make([]uint16, n)
		for i := range out {
			out[i] = binary.BigEndian.Uint16(b[i*2:])
		}
		return out
	case Char:
		out := make([]uint8, n)
		copy(out, b)
		return out
	case Long:
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(binary.BigEndian.Uint32(b[i*4:]))
		}
		return out
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.BigEndian.Uint64(b[i*8:]))
	}
	return out
}

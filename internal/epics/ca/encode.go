package ca

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// errCount marks a put of more elements than the PV holds.
var errCount = errors.New("count")

// encodePut converts a Go value for a put to a channel of native type f
// holding up to n elements. Numbers go in the native type, checked
// against its range (1.5 to a LONG PV is refused, not truncated); a string
// goes to a numeric PV only when it is a number, to an ENUM PV as a state
// name the server checks, to a CHAR array as its bytes. Errors say what
// did not fit, for the caller to wrap.
func encodePut(f FieldType, n int, v any) (DBRType, int, []byte, error) {
	if s, ok := v.(string); ok {
		switch {
		case f == String:
			return encodeStrings([]string{s})
		case f == Enum:
			b, err := stringElem(s)
			return DBR(Plain, String), 1, b, err
		case f == Char && n > 1:
			if len(s)+1 > n {
				return 0, 0, nil, fmt.Errorf("%w: %d characters do not fit the PV's %d", errCount, len(s), n-1)
			}
			return DBR(Plain, Char), len(s) + 1, append([]byte(s), 0), nil
		}
	}
	if ss, ok := v.([]string); ok && (f == String || f == Enum) {
		return encodeStrings(ss)
	}
	elems, err := numbers(v)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("%v; the PV is %v", err, f)
	}
	if len(elems) > n && n > 0 {
		return 0, 0, nil, fmt.Errorf("%w: %d elements do not fit the PV's %d", errCount, len(elems), n)
	}
	if f == String {
		ss := make([]string, len(elems))
		for i, x := range elems {
			ss[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		return encodeStrings(ss)
	}
	b := make([]byte, 0, len(elems)*f.size())
	for _, x := range elems {
		if b, err = appendNumber(b, f, x); err != nil {
			return 0, 0, nil, err
		}
	}
	return DBR(Plain, f), len(elems), b, nil
}

func encodeStrings(ss []string) (DBRType, int, []byte, error) {
	b := make([]byte, 0, len(ss)*maxStringSize)
	for _, s := range ss {
		e, err := stringElem(s)
		if err != nil {
			return 0, 0, nil, err
		}
		b = append(b, e...)
	}
	return DBR(Plain, String), len(ss), b, nil
}

func stringElem(s string) ([]byte, error) {
	if len(s) >= maxStringSize {
		return nil, fmt.Errorf("%q is longer than the %d characters of an EPICS string", s, maxStringSize-1)
	}
	b := make([]byte, maxStringSize)
	copy(b, s)
	return b, nil
}

// numbers reads a number, bool, numeric string or slice of them.
func numbers(v any) ([]float64, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		out := make([]float64, rv.Len())
		for i := range out {
			x, err := number(rv.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	x, err := number(rv)
	if err != nil {
		return nil, err
	}
	return []float64{x}, nil
}

func number(rv reflect.Value) (float64, error) {
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), nil
	case reflect.Bool:
		if rv.Bool() {
			return 1, nil
		}
		return 0, nil
	case reflect.String:
		x, err := strconv.ParseFloat(strings.TrimSpace(rv.String()), 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", rv.String())
		}
		return x, nil
	case reflect.Invalid:
		return 0, errors.New("nil is not a value")
	}
	return 0, fmt.Errorf("a %v is not a number", rv.Type())
}

// appendNumber appends x as one element of type f, refusing what the type
// cannot hold.
func appendNumber(b []byte, f FieldType, x float64) ([]byte, error) {
	integral := func(lo, hi float64) error {
		if x != math.Trunc(x) || x < lo || x > hi {
			return fmt.Errorf("%v is not an integer in %v..%v; the PV is %v", x, lo, hi, f)
		}
		return nil
	}
	switch f {
	case Double:
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x)), nil
	case Float:
		if !math.IsInf(x, 0) && !math.IsNaN(x) && math.Abs(x) > math.MaxFloat32 {
			return nil, fmt.Errorf("%v is out of the range of the PV's FLOAT", x)
		}
		return binary.BigEndian.AppendUint32(b, math.Float32bits(float32(x))), nil
	case Long:
		if err := integral(math.MinInt32, math.MaxInt32); err != nil {
			return nil, err
		}
		return binary.BigEndian.AppendUint32(b, uint32(int32(x))), nil
	case Short:
		if err := integral(math.MinInt16, math.MaxInt16); err != nil {
			return nil, err
		}
		return binary.BigEndian.AppendUint16(b, uint16(int16(x))), nil
	case Enum:
		if err := integral(0, math.MaxUint16); err != nil {
			return nil, err
		}
		return binary.BigEndian.AppendUint16(b, uint16(x)), nil
	case Char:
		if err := integral(0, math.MaxUint8); err != nil {
			return nil, err
		}
		return append(b, uint8(x)), nil
	}
	return nil, fmt.Errorf("cannot write to a PV of type %v", f)
}

package scans

import (
	"fmt"
	"math"
	"reflect"

	"github.com/concert-go/concert/internal/devices/q"
)

// Points is a list of positions, all of one dimension, such as
// Linspace(0*q.MM, 1*q.MM, 11) gives.
type Points []q.Quantity

// String prints the points with their unit: [0 mm 0.5 mm 1 mm].
func (p Points) String() string {
	s := "["
	for i, x := range p {
		if i > 0 {
			s += " "
		}
		s += x.String()
	}
	return s + "]"
}

// Linspace gives n points from start to stop, both included, of the
// dimension of start: Linspace(0*q.MM, 1*q.MM, 3) is [0 mm 0.5 mm 1 mm].
func Linspace(start, stop any, n int) (Points, error) {
	return linspace(start, stop, n, true)
}

func linspace(start, stop any, n int, includeLast bool) (Points, error) {
	a, b, err := pair("linspace", start, stop)
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("linspace: %d points; give at least 1", n)
	}
	d := a.Dim()
	if n == 1 {
		return Points{a}, nil
	}
	div := float64(n - 1)
	if !includeLast {
		div = float64(n)
	}
	span := b.Base() - a.Base()
	out := make(Points, n)
	for i := range out {
		// span*i/div, not i*step: 0.6 mm is 0.6 mm, not 0.6000000000000001.
		out[i] = q.New(d, a.Base()+span*float64(i)/div)
	}
	if includeLast {
		out[n-1] = q.New(d, b.Base()) // exactly stop, not start + (n-1)*step
	}
	return out, nil
}

// Arange gives the points from start towards stop in steps of step, stop
// excluded, as numpy's arange: Arange(0*q.MM, 1*q.MM, 250*q.UM) is
// [0 mm 250 µm 500 µm 750 µm].
func Arange(start, stop, step any) (Points, error) {
	a, b, err := pair("arange", start, stop)
	if err != nil {
		return nil, err
	}
	s, err := quantity("arange", "step", step, a.Dim())
	if err != nil {
		return nil, err
	}
	if s.Base() == 0 || math.IsNaN(s.Base()) {
		return nil, fmt.Errorf("arange: step %s; give a step that is not zero", s)
	}
	span := b.Base() - a.Base()
	n := int(math.Ceil(span/s.Base() - 1e-9))
	if n < 1 {
		return nil, fmt.Errorf("arange: no point from %s to %s in steps of %s; check the sign of the step", a, b, s)
	}
	if n > maxPoints {
		return nil, fmt.Errorf("arange: %d points from %s to %s in steps of %s; at most %d", n, a, b, s, maxPoints)
	}
	out := make(Points, n)
	for i := range out {
		out[i] = q.New(a.Dim(), a.Base()+float64(i)*s.Base())
	}
	return out, nil
}

// maxPoints bounds the points of one scan: a typo (1*q.NM steps over a
// metre) should fail at once, not fill the memory.
const maxPoints = 10_000_000

// pair takes start and stop as quantities of one dimension.
func pair(what string, start, stop any) (a, b q.Quantity, err error) {
	a, err = quantity(what, "start", start, -1)
	if err != nil {
		return nil, nil, err
	}
	b, err = quantity(what, "stop", stop, a.Dim())
	return a, b, err
}

// quantity takes v as a quantity of dimension want (-1: any). A number
// without a unit is refused: it would silently mean base units.
func quantity(what, name string, v any, want q.Dim) (q.Quantity, error) {
	x, ok := v.(q.Quantity)
	if !ok {
		if v != nil && isNumber(v) {
			d := want
			if d < 0 {
				d = q.DimLength
			}
			return nil, fmt.Errorf("%s: %s %v has no unit; write %s", what, name, v, d.Hint(fmt.Sprint(v)))
		}
		return nil, fmt.Errorf("%s: %s is %T, want a quantity such as 2 * q.MM", what, name, v)
	}
	if want >= 0 && x.Dim() != want {
		return nil, fmt.Errorf("%s: %s %s is a %s, want a %s (e.g. %s)", what, name, x, x.Dim(), want, want.Hint("1"))
	}
	if math.IsNaN(x.Base()) || math.IsInf(x.Base(), 0) {
		return nil, fmt.Errorf("%s: %s is %s; give a finite value", what, name, x)
	}
	return x, nil
}

func isNumber(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// asPoints takes a list of positions of any slice type: Points, []any,
// []q.Length, ...
func asPoints(what string, list any, d q.Dim) (Points, error) {
	if p, ok := list.(Points); ok {
		list = []q.Quantity(p)
	}
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice {
		return nil, fmt.Errorf("%s: the points are a %T, want a list such as linspace(0*q.MM, 1*q.MM, 11)", what, list)
	}
	out := make(Points, v.Len())
	for i := range out {
		x, err := quantity(what, fmt.Sprintf("point %d", i+1), v.Index(i).Interface(), d)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

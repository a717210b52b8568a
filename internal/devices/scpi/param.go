package scpi

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
)

// ParamDef binds a parameter to a query and a set command. Make one with
// Param, Flag or Text; it is an Option for New.
type ParamDef struct {
	name     string
	kind     kind
	unit     any
	get, set string
	lo, hi   any
	doc      string
}

type kind uint8

const (
	quantityKind kind = iota
	flagKind
	textKind
)

// Param is a parameter whose values are quantities in unit: get is the
// query that reads it ("VOLT?"; its reply is a number in unit), set the
// command that writes it, with %v where the number in unit goes ("VOLT
// %v"). An empty get makes it write-only, an empty set read-only.
func Param(name string, unit any, get, set string) ParamDef {
	return ParamDef{name: name, kind: quantityKind, unit: unit, get: get, set: set}
}

// Flag is an on/off parameter: its query answers 1 or 0 (ON or OFF), its
// set command gets 1 or 0 for %v ("OUTP %v").
func Flag(name, get, set string) ParamDef {
	return ParamDef{name: name, kind: flagKind, get: get, set: set}
}

// Text is a parameter whose value is the reply as it comes, a string; %v
// in set gets the string.
func Text(name, get, set string) ParamDef {
	return ParamDef{name: name, kind: textKind, get: get, set: set}
}

// Limits gives the instrument's own limits of a Param, in its dimension:
// Limits(0*q.V, 30*q.V). A set outside them fails before anything is sent.
func (p ParamDef) Limits(lower, upper any) ParamDef {
	p.lo, p.hi = lower, upper
	return p
}

// Doc sets the one-line description ddoc() shows.
func (p ParamDef) Doc(text string) ParamDef {
	p.doc = text
	return p
}

func (p ParamDef) apply(c *config) { c.params = append(c.params, p) }

func (p ParamDef) check() error {
	if p.name == "" || strings.ContainsAny(p.name, " .") {
		return fmt.Errorf("parameter name %q: write a name like \"voltage\" or \"current_limit\"", p.name)
	}
	if p.get == "" && p.set == "" {
		return fmt.Errorf("parameter %s has neither a query nor a set command", p.name)
	}
	if p.set != "" && !strings.Contains(p.set, "%v") {
		return fmt.Errorf("parameter %s: set command %q has no %%v for the value", p.name, p.set)
	}
	if p.kind != quantityKind {
		if p.lo != nil || p.hi != nil {
			return fmt.Errorf("parameter %s: limits need a Param with a unit", p.name)
		}
		return nil
	}
	unit, err := unitOf(p.unit)
	if err != nil {
		return fmt.Errorf("parameter %s: %w", p.name, err)
	}
	for _, l := range []any{p.lo, p.hi} {
		if l == nil || l == q.NoLimit {
			continue
		}
		if x, ok := l.(q.Quantity); !ok || x.Dim() != unit.Dim() {
			return fmt.Errorf("parameter %s: limit %v is not a %s like its unit", p.name, l, unit.Dim())
		}
	}
	return nil
}

// spec turns a definition into the device's parameter.
func (in *Instrument) spec(p ParamDef) devices.ParamSpec {
	s := devices.ParamSpec{Name: p.name, Doc: p.doc}
	if s.Doc == "" {
		s.Doc = strings.Trim(p.get+" / "+p.set, " /")
	}
	var unit q.Quantity
	switch p.kind {
	case quantityKind:
		unit, _ = unitOf(p.unit)
		s.Unit = unit
		if p.lo != nil || p.hi != nil {
			lo, hi := q.NoLimit, q.NoLimit
			if x, ok := p.lo.(q.Quantity); ok {
				lo = x
			}
			if x, ok := p.hi.(q.Quantity); ok {
				hi = x
			}
			s.Limits = func() (q.Quantity, q.Quantity) { return lo, hi }
		}
	case flagKind:
		s.Zero = false
	case textKind:
		s.Zero = ""
	}
	if p.get != "" {
		s.Get = func(ctx context.Context) (any, error) {
			r, err := in.exchange(ctx, p.get, true)
			if err != nil {
				return nil, err
			}
			return parse(p, unit, r)
		}
	}
	if p.set != "" {
		s.Set = func(ctx context.Context, v any) error {
			return in.write(ctx, fmt.Sprintf(p.set, format(unit, v)))
		}
	}
	return s
}

// parse reads a reply as the parameter's value.
func parse(p ParamDef, unit q.Quantity, r string) (any, error) {
	switch p.kind {
	case flagKind:
		switch strings.ToUpper(r) {
		case "1", "ON":
			return true, nil
		case "0", "OFF":
			return false, nil
		}
		return nil, fmt.Errorf("reply %q to %q is neither 1 nor 0", r, p.get)
	case textKind:
		return r, nil
	}
	n, err := strconv.ParseFloat(r, 64)
	if err != nil {
		return nil, fmt.Errorf("reply %q to %q is not a number", r, p.get)
	}
	return quantity(unit, n), nil
}

// format gives the value as the set command's %v: a quantity as a number
// in the parameter's unit, a flag as 1 or 0.
func format(unit q.Quantity, v any) any {
	switch x := v.(type) {
	case bool:
		if x {
			return 1
		}
		return 0
	case q.Quantity:
		n := x.Base() / unit.Base()
		if r := strconv.FormatFloat(n, 'g', 12, 64); r != "" {
			n, _ = strconv.ParseFloat(r, 64) // 12 digits: no float noise such as 12.000000000000002
		}
		return n
	}
	if reflect.TypeOf(v).Kind() == reflect.String {
		return reflect.ValueOf(v).String()
	}
	return v
}

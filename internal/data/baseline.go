package data

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
)

// Device is one device in a run's baseline: its kind, state and every
// readable parameter's value at the start of the run.
type Device struct {
	Kind   string           `json:"kind"`
	State  string           `json:"state"`
	Params map[string]Value `json:"params"`
}

// Value is a parameter's value: a number in Unit for a quantity, else the
// value itself; Text is how the shell prints it; Error says why it could
// not be read.
type Value struct {
	Value any    `json:"value,omitempty"`
	Unit  string `json:"unit,omitempty"`
	Text  string `json:"text,omitempty"`
	Error string `json:"error,omitempty"`
}

// readTimeout bounds each read of the baseline: a device that does not
// answer is recorded with an error, and the run starts anyway.
const readTimeout = 2 * time.Second

// Baseline reads every registered device's state and parameters: what
// Bluesky calls the baseline, recorded with every run.
func Baseline(ctx context.Context) map[string]Device {
	devs := devices.Devices()
	sort.Slice(devs, func(i, j int) bool { return devs[i].Name() < devs[j].Name() })
	out := make(map[string]Device, len(devs))
	for _, d := range devs {
		dev := Device{Kind: d.Kind(), State: d.State().String(), Params: map[string]Value{}}
		for _, p := range d.Params() {
			if p.Readable() {
				dev.Params[p.Name()] = read(ctx, p)
			}
		}
		out[d.Name()] = dev
	}
	return out
}

func read(ctx context.Context, p *devices.Parameter) Value {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	v, err := p.Read(ctx)
	if err != nil {
		return Value{Error: err.Error()}
	}
	if x, ok := v.(q.Quantity); ok {
		unit := p.Unit()
		if unit == nil || unit.Dim() != x.Dim() {
			unit = q.New(x.Dim(), x.Dim().Unit().Factor)
		}
		return Value{Value: InUnit(x, unit), Unit: UnitSymbol(unit), Text: q.FormatIn(x, unit)}
	}
	return Value{Value: fmt.Sprint(v), Text: fmt.Sprint(v)}
}

// InUnit is x as a number of unit: InUnit(2*q.MM, q.UM) is 2000.
func InUnit(x, unit q.Quantity) float64 {
	return cleanFloat(x.Base() / unit.Base())
}

// UnitSymbol is the symbol of a unit given as a quantity: "mm" for q.MM,
// "" for no unit or one that has no symbol of its own.
func UnitSymbol(unit q.Quantity) string {
	if unit == nil {
		return ""
	}
	for _, u := range unit.Dim().Units() {
		if u.Factor == unit.Base() {
			return u.Symbol
		}
	}
	return unit.Dim().Base()
}

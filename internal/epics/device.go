package epics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/epics/ca"
)

// PVParam binds a parameter of a Device to a PV. Make one with PV.
type PVParam struct {
	name, pv string
}

// PV makes the parameter name of a Device read and write the PV pv:
// epics.PV("pressure", "BL13:GAUGE1:P").
func PV(name, pv string) PVParam { return PVParam{name: name, pv: pv} }

// PVDevice is a device whose parameters are PVs (see Device).
type PVDevice struct {
	*devices.Base
	ctl *devices.Control
}

// Device makes a device of a list of PVs, each a parameter, from what
// the IOC says of it when it connects:
//
//   - a number whose EGU is a unit concert knows (mm, deg, V, mA, keV,
//     ...) is a quantity in that unit; other numbers are float64 (DOUBLE,
//     FLOAT) or int (LONG, SHORT, CHAR), their EGU in the doc line;
//   - limits come from DRVL/DRVH (the control limits), none when equal;
//   - an ENUM is a string that takes only its state names, a STRING a
//     string, an array a []float64 or []string;
//   - a PV the access rights make read-only is a read-only parameter.
//
// A set writes with callback: its task ends when the record has
// processed the value.
//
//	gauge := epics.Device("gauge", epics.PV("pressure", "BL13:G1:P"), epics.PV("mode", "BL13:G1:MODE"))
//	await gauge.Param("pressure").Get()
func Device(name string, params ...PVParam) *PVDevice {
	d, err := NewDevice(context.Background(), name, params...)
	if err != nil {
		panic(err)
	}
	return d
}

// NewDevice is Device returning its error, with ctx bounding the
// connection.
func NewDevice(ctx context.Context, name string, params ...PVParam) (*PVDevice, error) {
	if len(params) == 0 {
		return nil, configError(name, "no PVs: name them, epics.Device(%q, epics.PV(\"param\", \"PV:NAME\"), ...)", name)
	}
	seen := map[string]bool{}
	names := make([]string, len(params))
	for i, p := range params {
		if p.name == "" || strings.ContainsAny(p.name, " .") {
			return nil, configError(name, "parameter name %q: write a name like \"pressure\" or \"set_point\"", p.name)
		}
		if p.pv == "" {
			return nil, configError(name, "parameter %s has no PV name", p.name)
		}
		if seen[p.name] {
			return nil, configError(name, "parameter %s declared twice", p.name)
		}
		seen[p.name] = true
		names[i] = p.pv
	}
	c, err := Client()
	if err != nil {
		return nil, &ConfigError{name, err}
	}
	chans, err := connect(ctx, c, names...)
	if err != nil {
		return nil, &ConfigError{name, err}
	}
	specs := make([]devices.ParamSpec, len(params))
	for i, p := range params {
		if specs[i], err = pvSpec(ctx, p.name, chans[i]); err != nil {
			for _, ch := range chans {
				ch.Close()
			}
			return nil, &ConfigError{name, err}
		}
	}
	base, ctl := devices.New(devices.Config{Name: name, Kind: "EPICS device"})
	d := &PVDevice{Base: base, ctl: ctl}
	for _, s := range specs {
		d.track(&s)
		ctl.Add(s)
	}
	return d, nil
}

// track makes the device's state follow its IOC: error when an
// exchange finds it out of reach, standby again after one succeeds.
func (d *PVDevice) track(s *devices.ParamSpec) {
	result := func(err error) error {
		switch {
		case err == nil:
			if d.State() == devices.Error {
				d.ctl.SetState(devices.Standby)
			}
		case errors.Is(err, ca.ErrDisconnected) || errors.Is(err, ca.ErrNotFound):
			d.ctl.SetState(devices.Error)
			return devices.Unreachable(err)
		}
		return err
	}
	if get := s.Get; get != nil {
		s.Get = func(ctx context.Context) (any, error) {
			v, err := get(ctx)
			return v, result(err)
		}
	}
	if set := s.Set; set != nil {
		s.Set = func(ctx context.Context, v any) error { return result(set(ctx, v)) }
	}
}

// pvSpec makes the parameter of one connected channel from its native
// type, access rights and control metadata.
func pvSpec(ctx context.Context, name string, ch *ca.Channel) (devices.ParamSpec, error) {
	info, ok := ch.Info()
	if !ok {
		return devices.ParamSpec{}, fmt.Errorf("PV %s: disconnected", ch.Name())
	}
	s := devices.ParamSpec{Name: name}
	doc := []string{ch.Name(), info.Type.String()}
	if info.Count > 1 {
		doc[1] += fmt.Sprintf("[%d]", info.Count)
	}
	var meta *ca.Value
	if info.CanRead {
		var err error
		if meta, err = ch.GetCtrl(ctx); err != nil {
			return s, err
		}
	} else {
		meta = &ca.Value{}
	}
	conv := converter(info, meta, &s)
	if s.Unit == nil && strings.TrimSpace(meta.Units) != "" && info.Type != ca.Enum && info.Type != ca.String {
		doc = append(doc, "in "+strings.TrimSpace(meta.Units))
	}
	if info.CanRead {
		s.Get = func(ctx context.Context) (any, error) {
			v, err := ch.Get(ctx)
			if err != nil {
				return nil, err
			}
			return conv.read(v), nil
		}
	}
	if info.CanWrite {
		s.Set = func(ctx context.Context, v any) error { return ch.PutWait(ctx, conv.write(v)) }
	} else {
		doc = append(doc, "read-only")
	}
	s.Doc = strings.Join(doc, ", ")
	return s, nil
}

// conversion turns a PV's values into a parameter's and back.
type conversion struct {
	read  func(v *ca.Value) any
	write func(v any) any
}

func same(v any) any { return v }

// converter chooses the parameter's type, unit, limits and choices, and
// the conversion of its values.
func converter(info ca.Info, meta *ca.Value, s *devices.ParamSpec) conversion {
	switch {
	case info.Count > 1 && info.Type == ca.String:
		s.Zero = []string{}
		return conversion{read: func(v *ca.Value) any { return v.Strings() }, write: same}
	case info.Count > 1:
		s.Zero = []float64{}
		return conversion{read: func(v *ca.Value) any { return v.Float64s() }, write: same}
	case info.Type == ca.String:
		s.Zero = ""
		return conversion{read: func(v *ca.Value) any { return v.Strings()[0] }, write: same}
	case info.Type == ca.Enum:
		s.Zero = ""
		for _, st := range meta.EnumStrings {
			s.Choices = append(s.Choices, st)
		}
		states := meta.EnumStrings
		return conversion{read: func(v *ca.Value) any {
			i := int(v.Float64())
			if i >= 0 && i < len(states) {
				return states[i]
			}
			return strconv.Itoa(i)
		}, write: same}
	}
	lo, hi := meta.Control.Low, meta.Control.High
	limited := lo < hi
	if unit := unitOf(meta.Units); unit != nil {
		s.Unit = unit
		if limited {
			l, h := q.New(unit.Dim(), lo*unit.Base()), q.New(unit.Dim(), hi*unit.Base())
			s.Limits = func() (q.Quantity, q.Quantity) { return l, h }
		}
		return conversion{
			read:  func(v *ca.Value) any { return q.New(unit.Dim(), v.Float64()*unit.Base()) },
			write: func(v any) any { return inUnit(v.(q.Quantity), unit) },
		}
	}
	integer := info.Type == ca.Long || info.Type == ca.Short || info.Type == ca.Char
	if integer {
		s.Zero = 0
	} else {
		s.Zero = 0.0
	}
	if limited {
		s.Check = func(v any) error {
			var x float64
			switch n := v.(type) {
			case int:
				x = float64(n)
			case float64:
				x = n
			}
			if x < lo || x > hi {
				return fmt.Errorf("%v is outside the PV's limits %v to %v (DRVL/DRVH)", v, lo, hi)
			}
			return nil
		}
	}
	return conversion{read: func(v *ca.Value) any {
		if integer {
			return int(v.Float64())
		}
		return v.Float64()
	}, write: same}
}

// unitOf is the unit an EGU names, nil for none concert knows.
func unitOf(egu string) q.Quantity {
	egu = strings.TrimSpace(egu)
	if egu == "" {
		return nil
	}
	u, err := q.Parse("1 " + egu)
	if err != nil || u.Dim() == q.DimRatio {
		return nil
	}
	return u
}

// inUnit is x as a number of unit, without float noise such as
// 12.000000000000002.
func inUnit(x q.Quantity, unit q.Quantity) float64 {
	n := x.Base() / unit.Base()
	if r, err := strconv.ParseFloat(strconv.FormatFloat(n, 'g', 12, 64), 64); err == nil && !math.IsInf(r, 0) {
		return r
	}
	return n
}

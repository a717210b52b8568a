package q

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Quantity is what every type of this package implements. The shell finds
// parameters that take a Quantity by reflection and rejects bare numbers
// for them; devices use Base to compare values against limits.
type Quantity interface {
	// Dim names the dimension, such as DimLength.
	Dim() Dim
	// Base is the value in the dimension's base unit (Dim.Base).
	Base() float64
	// String prints the value for people, with a unit.
	String() string
}

// The quantity types. Each holds its value in the base unit of its
// dimension; see the package doc.
type (
	Ratio           float64 // dimensionless: fractions, percentages
	Length          float64 // base unit m
	Angle           float64 // base unit rad
	Duration        float64 // base unit s
	Frequency       float64 // base unit Hz
	Velocity        float64 // base unit m/s
	AngularVelocity float64 // base unit rad/s
	Energy          float64 // base unit eV
	Current         float64 // base unit A
	Voltage         float64 // base unit V
	Temperature     float64 // base unit K
	TemperatureRate float64 // base unit K/s
)

// Units. Prefixes follow SI; where Go needs a capital, m (milli) becomes M
// (MM, MS, MA, MV, MRad) and µ becomes U (UM, US, UA).
const (
	One     Ratio = 1
	Percent Ratio = 0.01

	M        Length = 1
	CM       Length = 1e-2
	MM       Length = 1e-3
	UM       Length = 1e-6
	NM       Length = 1e-9
	PM       Length = 1e-12
	Angstrom Length = 1e-10

	Rad  Angle = 1
	MRad Angle = 1e-3
	URad Angle = 1e-6
	Deg  Angle = math.Pi / 180

	H   Duration = 3600
	Min Duration = 60
	S   Duration = 1
	MS  Duration = 1e-3
	US  Duration = 1e-6
	NS  Duration = 1e-9

	Hz  Frequency = 1
	KHz Frequency = 1e3
	MHz Frequency = 1e6
	GHz Frequency = 1e9

	MPerS  Velocity = 1
	MMPerS Velocity = 1e-3
	UMPerS Velocity = 1e-6
	NMPerS Velocity = 1e-9

	RadPerS AngularVelocity = 1
	DegPerS AngularVelocity = math.Pi / 180

	EV  Energy = 1
	KeV Energy = 1e3
	MeV Energy = 1e6
	GeV Energy = 1e9
	J   Energy = 1 / 1.602176634e-19

	A  Current = 1
	MA Current = 1e-3
	UA Current = 1e-6
	NA Current = 1e-9
	PA Current = 1e-12

	KV Voltage = 1e3
	V  Voltage = 1
	MV Voltage = 1e-3
	UV Voltage = 1e-6

	K Temperature = 1

	KPerS   TemperatureRate = 1
	KPerMin TemperatureRate = 1.0 / 60
)

// Per divides a length by a time: (10 * q.MM).Per(2 * q.S) is 5 mm/s.
func (x Length) Per(t Duration) Velocity { return Velocity(float64(x) / float64(t)) }

// Per divides an angle by a time: (90 * q.Deg).Per(2 * q.S) is 45 deg/s.
func (x Angle) Per(t Duration) AngularVelocity {
	return AngularVelocity(float64(x) / float64(t))
}

// Times is the distance covered at velocity x during t.
func (x Velocity) Times(t Duration) Length { return Length(float64(x) * float64(t)) }

// Times is the angle covered at angular velocity x during t.
func (x AngularVelocity) Times(t Duration) Angle { return Angle(float64(x) * float64(t)) }

// Std converts to a time.Duration, rounded to the nanosecond.
func (x Duration) Std() time.Duration { return time.Duration(math.Round(float64(x) * 1e9)) }

// FromStd converts a time.Duration.
func FromStd(d time.Duration) Duration { return Duration(d.Seconds()) }

// Per divides a temperature change by a time: (10 * q.K).Per(5 * q.Min)
// is 2 K/min.
func (x Temperature) Per(t Duration) TemperatureRate {
	return TemperatureRate(float64(x) / float64(t))
}

// Times is the temperature change at rate x during t.
func (x TemperatureRate) Times(t Duration) Temperature { return Temperature(float64(x) * float64(t)) }

// Celsius gives the temperature c °C.
func Celsius(c float64) Temperature { return Temperature(c + 273.15) }

// Celsius is the temperature in °C.
func (x Temperature) Celsius() float64 { return float64(x) - 273.15 }

// hc in eV·m, for photon energy and wavelength.
const hc = 1.239841984e-6

// Wavelength of a photon of energy e.
func (x Energy) Wavelength() Length {
	if x == 0 {
		return Length(math.Inf(1))
	}
	return Length(hc / float64(x))
}

// PhotonEnergy is the energy of a photon of wavelength x.
func (x Length) PhotonEnergy() Energy {
	if x == 0 {
		return Energy(math.Inf(1))
	}
	return Energy(hc / float64(x))
}

// Dim is a physical dimension, one per quantity type.
type Dim int

// The dimensions, one per type.
const (
	DimRatio Dim = iota
	DimLength
	DimAngle
	DimDuration
	DimFrequency
	DimVelocity
	DimAngularVelocity
	DimEnergy
	DimCurrent
	DimVoltage
	DimTemperature
	DimTemperatureRate
	numDims
)

// Unit is one unit of a dimension.
type Unit struct {
	Symbol string  // as printed: "mm"
	Const  string  // as written in Go: "q.MM"
	Factor float64 // in base units
	auto   bool    // String may pick it
}

type dimInfo struct {
	name    string // "length"
	typ     string // "Length"
	hint    int    // index of the unit hints name
	units   []Unit // largest first
	aliases map[string]string
}

// u builds a Unit that String may pick; x one it only parses and converts.
func u(sym, c string, f float64) Unit { return Unit{sym, "q." + c, f, true} }
func x(sym, c string, f float64) Unit { return Unit{sym, "q." + c, f, false} }

var dims = [numDims]dimInfo{
	DimRatio: {"ratio", "Ratio", 0, []Unit{
		u("%", "Percent", 0.01), x("", "One", 1)}, nil},
	DimLength: {"length", "Length", 2, []Unit{
		u("m", "M", 1), x("cm", "CM", 1e-2), u("mm", "MM", 1e-3), u("µm", "UM", 1e-6),
		u("nm", "NM", 1e-9), x("Å", "Angstrom", 1e-10), u("pm", "PM", 1e-12)},
		map[string]string{"um": "µm", "A": "Å", "angstrom": "Å"}},
	DimAngle: {"angle", "Angle", 3, []Unit{
		x("rad", "Rad", 1), x("mrad", "MRad", 1e-3), x("µrad", "URad", 1e-6), u("deg", "Deg", math.Pi/180)},
		map[string]string{"°": "deg", "urad": "µrad"}},
	DimDuration: {"duration", "Duration", 2, []Unit{
		u("h", "H", 3600), u("min", "Min", 60), u("s", "S", 1), u("ms", "MS", 1e-3),
		u("µs", "US", 1e-6), u("ns", "NS", 1e-9)},
		map[string]string{"us": "µs"}},
	DimFrequency: {"frequency", "Frequency", 3, []Unit{
		u("GHz", "GHz", 1e9), u("MHz", "MHz", 1e6), u("kHz", "KHz", 1e3), u("Hz", "Hz", 1)}, nil},
	DimVelocity: {"velocity", "Velocity", 1, []Unit{
		u("m/s", "MPerS", 1), u("mm/s", "MMPerS", 1e-3), u("µm/s", "UMPerS", 1e-6), u("nm/s", "NMPerS", 1e-9)},
		map[string]string{"um/s": "µm/s"}},
	DimAngularVelocity: {"angular velocity", "AngularVelocity", 1, []Unit{
		x("rad/s", "RadPerS", 1), u("deg/s", "DegPerS", math.Pi/180)},
		map[string]string{"°/s": "deg/s"}},
	DimEnergy: {"energy", "Energy", 2, []Unit{
		u("GeV", "GeV", 1e9), u("MeV", "MeV", 1e6), u("keV", "KeV", 1e3), u("eV", "EV", 1),
		x("J", "J", 1/1.602176634e-19)}, nil},
	DimCurrent: {"current", "Current", 1, []Unit{
		u("A", "A", 1), u("mA", "MA", 1e-3), u("µA", "UA", 1e-6), u("nA", "NA", 1e-9), u("pA", "PA", 1e-12)},
		map[string]string{"uA": "µA"}},
	DimVoltage: {"voltage", "Voltage", 1, []Unit{
		u("kV", "KV", 1e3), u("V", "V", 1), u("mV", "MV", 1e-3), u("µV", "UV", 1e-6)},
		map[string]string{"uV": "µV"}},
	DimTemperature: {"temperature", "Temperature", 0, []Unit{u("K", "K", 1)}, nil},
	DimTemperatureRate: {"temperature rate", "TemperatureRate", 1, []Unit{
		u("K/s", "KPerS", 1), u("K/min", "KPerMin", 1.0/60)}, nil},
}

// symbols maps every unit symbol and alias to its dimension and unit.
var symbols = func() map[string]struct {
	dim  Dim
	unit Unit
} {
	m := make(map[string]struct {
		dim  Dim
		unit Unit
	})
	for d := range numDims {
		for _, un := range dims[d].units {
			if un.Symbol != "" {
				m[un.Symbol] = struct {
					dim  Dim
					unit Unit
				}{d, un}
			}
		}
		for alias, sym := range dims[d].aliases {
			m[alias] = m[sym]
		}
	}
	return m
}()

// String names the dimension: "length".
func (d Dim) String() string {
	if d < 0 || d >= numDims {
		return "Dim(" + strconv.Itoa(int(d)) + ")"
	}
	return dims[d].name
}

// Unit is the unit hints and examples use for d: mm for lengths, deg for
// angles, s for durations.
func (d Dim) Unit() Unit { return dims[d].units[dims[d].hint] }

// Units lists d's units, largest first.
func (d Dim) Units() []Unit { return append([]Unit(nil), dims[d].units...) }

// Hint says how to write number as a quantity of d, for error messages:
// DimLength.Hint("5") is "5 * q.MM".
func (d Dim) Hint(number string) string { return number + " * " + d.Unit().Const }

// Base is the symbol of d's base unit, in which Quantity.Base counts.
func (d Dim) Base() string {
	for _, un := range dims[d].units {
		if un.Factor == 1 {
			return un.Symbol
		}
	}
	return ""
}

// New returns the quantity of dimension d whose base value is v, with its
// concrete type (a Length for DimLength).
func New(d Dim, v float64) Quantity {
	switch d {
	case DimRatio:
		return Ratio(v)
	case DimLength:
		return Length(v)
	case DimAngle:
		return Angle(v)
	case DimDuration:
		return Duration(v)
	case DimFrequency:
		return Frequency(v)
	case DimVelocity:
		return Velocity(v)
	case DimAngularVelocity:
		return AngularVelocity(v)
	case DimEnergy:
		return Energy(v)
	case DimCurrent:
		return Current(v)
	case DimVoltage:
		return Voltage(v)
	case DimTemperature:
		return Temperature(v)
	case DimTemperatureRate:
		return TemperatureRate(v)
	}
	panic("q.New: unknown dimension " + d.String())
}

// clean rounds to 15 significant digits, which drops the noise of a unit
// conversion (0.002 / 1e-6 is 2000.0000000000002) and keeps the rest.
func clean(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return r
}

// round6 rounds to six significant digits, which hides float noise.
func round6(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	if r == 0 {
		return 0 // no "-0"
	}
	return r
}

func number(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	r := round6(v)
	if a := math.Abs(r); a != 0 && (a >= 1e15 || a < 1e-6) {
		return strconv.FormatFloat(r, 'g', -1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func join(num, sym string) string {
	if sym == "" {
		return num
	}
	return num + " " + sym
}

// format prints base value v of dimension d in the largest unit String may
// pick that keeps the rounded number at least 1.
func format(d Dim, v float64) string {
	units := dims[d].units
	var last Unit
	for _, un := range units {
		if !un.auto {
			continue
		}
		last = un
		if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return join(number(v), d.Unit().Symbol)
		}
		if math.Abs(round6(v/un.Factor)) >= 1 {
			return join(number(v/un.Factor), un.Symbol)
		}
	}
	return join(number(v/last.Factor), last.Symbol)
}

// FormatIn prints x in the unit given as a quantity of the same dimension
// (FormatIn(2*q.MM, q.UM) is "2000 µm"). A unit that is not one of the
// named units, or of another dimension, prints x as String does.
func FormatIn(x, unit Quantity) string {
	if x == nil {
		return "<nil>"
	}
	if unit == nil || unit.Dim() != x.Dim() {
		return x.String()
	}
	for _, un := range dims[x.Dim()].units {
		if un.Factor == unit.Base() {
			return join(number(x.Base()/un.Factor), un.Symbol)
		}
	}
	return x.String()
}

// ParseError is the error of Parse and the ParseX functions.
type ParseError struct {
	Input string
	Want  Dim // the wanted dimension, or -1 for any
	Msg   string
}

func (e *ParseError) Error() string {
	return "q: cannot parse " + strconv.Quote(e.Input) + ": " + e.Msg
}

// Parse reads a quantity written as a number and a unit symbol, such as
// "2 mm", "-1.5e3 µm", "10ms" or "90 deg"; µ may be written u. The result
// has the concrete type of the unit's dimension. A number without a unit is
// a Ratio.
func Parse(s string) (Quantity, error) {
	d, v, err := parse(s, -1)
	if err != nil {
		return nil, err
	}
	return New(d, v), nil
}

func parse(s string, want Dim) (Dim, float64, error) {
	in := strings.TrimSpace(s)
	i := 0
	for i < len(in) && strings.IndexByte("+-.0123456789eE", in[i]) >= 0 {
		// An e after the digits starts an exponent only if a digit or a
		// sign follows; otherwise it begins the unit (as in "2 eV").
		if (in[i] == 'e' || in[i] == 'E') && (i == 0 || i+1 >= len(in) || strings.IndexByte("+-0123456789", in[i+1]) < 0) {
			break
		}
		i++
	}
	num, sym := in[:i], strings.TrimSpace(in[i:])
	sym = strings.TrimPrefix(strings.TrimPrefix(sym, "*"), " ")
	sym = strings.TrimSpace(strings.TrimPrefix(sym, "q."))
	fail := func(msg string) (Dim, float64, error) {
		return 0, 0, &ParseError{Input: s, Want: want, Msg: msg}
	}
	if num == "" {
		return fail("want a number and a unit" + example(want))
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return fail(strconv.Quote(num) + " is not a number")
	}
	if sym == "" {
		if want == DimRatio || want < 0 {
			return DimRatio, v, nil
		}
		return fail("missing unit" + example(want))
	}
	e, ok := symbols[sym]
	if !ok {
		e, ok = byConst(sym)
	}
	if !ok {
		msg := "unknown unit " + strconv.Quote(sym)
		if want >= 0 {
			msg += " (" + want.String() + " units: " + unitList(want) + ")"
		}
		return fail(msg)
	}
	if want >= 0 && e.dim != want {
		return fail("that is " + article(e.dim.String()) + ", want " + article(want.String()) + example(want))
	}
	return e.dim, v * e.unit.Factor, nil
}

// byConst finds a unit by its Go name, so "2 * q.MM" parses too.
func byConst(name string) (struct {
	dim  Dim
	unit Unit
}, bool) {
	for d := range numDims {
		for _, un := range dims[d].units {
			if un.Const == "q."+name {
				return struct {
					dim  Dim
					unit Unit
				}{d, un}, true
			}
		}
	}
	return struct {
		dim  Dim
		unit Unit
	}{}, false
}

func example(d Dim) string {
	if d < 0 {
		return ` (e.g. "2 mm")`
	}
	return ` (e.g. "2 ` + d.Unit().Symbol + `")`
}

func unitList(d Dim) string {
	var names []string
	for _, un := range dims[d].units {
		if un.Symbol != "" {
			names = append(names, un.Symbol)
		}
	}
	return strings.Join(names, ", ")
}

func article(s string) string {
	if strings.IndexByte("aeiou", s[0]) >= 0 {
		return "an " + s
	}
	return "a " + s
}

var quantityType = reflect.TypeFor[Quantity]()

// DimOf reports the dimension of a quantity type, such as the type of a
// method's parameter found by reflection; ok is false for other types.
// The shell uses it to reject a bare number where t is wanted, with
// dim.Hint for the message.
func DimOf(t reflect.Type) (dim Dim, ok bool) {
	if t == nil || t.Kind() != reflect.Float64 || !t.Implements(quantityType) {
		return 0, false
	}
	return reflect.Zero(t).Interface().(Quantity).Dim(), true
}

// NoLimit is the limit that is none: SetLimits(q.NoLimit, 10 * q.MM)
// leaves the lower side open. Devices refuse a nil limit instead of taking
// it for an open one, because the shell's interpreter turns some constants
// stored in a Quantity into nil (see the package doc of devices); an open
// limit is therefore always said.
//
// NoLimit has no dimension (Dim returns -1) and its Base is NaN, so any
// comparison with it is false: used as a number by mistake it limits
// nothing, and a device refuses it as a value.
var NoLimit Quantity = noLimit{}

type noLimit struct{}

func (noLimit) Dim() Dim         { return -1 }
func (noLimit) Base() float64    { return math.NaN() }
func (noLimit) String() string   { return "no limit" }
func (noLimit) GoString() string { return "q.NoLimit" }

// Finite reports whether x is a number that is neither NaN nor infinite;
// devices refuse the others, which only a computation gone wrong (0/0,
// x/0) gives.
func Finite(x Quantity) bool {
	v := x.Base()
	return !math.IsNaN(v) && !math.IsInf(v, 0)
}

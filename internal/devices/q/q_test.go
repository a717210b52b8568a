package q_test

import (
	"flag"
	"io"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices/q"
)

func TestString(t *testing.T) {
	tests := []struct {
		in   q.Quantity
		want string
	}{
		{2 * q.MM, "2 mm"},
		{0.5 * q.MM, "500 µm"},
		{1.0049999 * q.MM, "1.005 mm"},
		{0.1 * q.MM * 3, "300 µm"},
		{999.9999 * q.UM, "1 mm"},
		{-2 * q.MM, "-2 mm"},
		{q.Length(0), "0 mm"},
		{q.Length(-0.0), "0 mm"},
		{1.5 * q.MMPerS, "1.5 mm/s"},
		{90 * q.Deg, "90 deg"},
		{q.Rad, "57.2958 deg"},
		{10 * q.MS, "10 ms"},
		{90 * q.S, "1.5 min"},
		{10 * q.H, "10 h"},
		{5 * q.KeV, "5 keV"},
		{2.5 * q.GeV, "2.5 GeV"},
		{200 * q.MA, "200 mA"},
		{40 * q.KV, "40 kV"},
		{50 * q.Hz, "50 Hz"},
		{q.Celsius(20), "293.15 K"},
		{50 * q.Percent, "50 %"},
		{10 * q.DegPerS, "10 deg/s"},
		{1e20 * q.M, "1e+20 m"},
		{q.PM / 1000, "0.001 pm"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("String(%g %s) = %q; want %q", tt.in.Base(), tt.in.Dim(), got, tt.want)
		}
	}
}

func TestIn(t *testing.T) {
	if got := (2 * q.MM).In(q.UM); math.Abs(got-2000) > 1e-9 {
		t.Errorf("(2 mm).In(q.UM) = %v; want 2000", got)
	}
	if got := (180 * q.Deg).In(q.Rad); math.Abs(got-math.Pi) > 1e-12 {
		t.Errorf("(180 deg).In(q.Rad) = %v; want pi", got)
	}
	if got := (10 * q.MM).Per(2 * q.S); got != 5*q.MMPerS {
		t.Errorf("(10 mm).Per(2 s) = %v; want 5 mm/s", got)
	}
	if got := (2 * q.MMPerS).Times(3 * q.S); math.Abs(got.In(q.MM)-6) > 1e-12 {
		t.Errorf("(2 mm/s).Times(3 s) = %v; want 6 mm", got)
	}
	if got := (10 * q.MS).Std().String(); got != "10ms" {
		t.Errorf("(10 ms).Std() = %s; want 10ms", got)
	}
	if got := (12.398419843320026 * q.KeV).Wavelength().String(); got != "100 pm" {
		t.Errorf("Wavelength(12.3984 keV) = %s; want 100 pm", got)
	}
	if got := q.FormatIn(2*q.MM, q.UM); got != "2000 µm" {
		t.Errorf("FormatIn(2 mm, q.UM) = %q; want \"2000 µm\"", got)
	}
	if got := q.FormatIn(2*q.MM, q.S); got != "2 mm" {
		t.Errorf("FormatIn(2 mm, q.S) = %q; want \"2 mm\"", got)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    q.Quantity
		wantErr string
	}{
		{"2 mm", 2 * q.MM, ""},
		{"2mm", 2 * q.MM, ""},
		{" -1.5e3 um ", -1.5e3 * q.UM, ""},
		{"1500 µm", 1.5 * q.MM, ""},
		{"2 * q.MM", 2 * q.MM, ""},
		{"90 deg", 90 * q.Deg, ""},
		{"10ms", 10 * q.MS, ""},
		{"5 keV", 5 * q.KeV, ""},
		{"2 eV", 2 * q.EV, ""},
		{"1.5 mm/s", 1.5 * q.MMPerS, ""},
		{"0.5", q.Ratio(0.5), ""},
		{"2 kg", nil, `q: cannot parse "2 kg": unknown unit "kg"`},
		{"mm", nil, `q: cannot parse "mm": want a number and a unit (e.g. "2 mm")`},
		{"1.2.3 mm", nil, `q: cannot parse "1.2.3 mm": "1.2.3" is not a number`},
	}
	for _, tt := range tests {
		got, err := q.Parse(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Parse(%q) error = %v; want %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.Dim() != tt.want.Dim() || math.Abs(got.Base()-tt.want.Base()) > 1e-12*math.Abs(tt.want.Base()) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTyped(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{"2 s", `q: cannot parse "2 s": that is a duration, want a length (e.g. "2 mm")`},
		{"2", `q: cannot parse "2": missing unit (e.g. "2 mm")`},
		{"2 kg", `q: cannot parse "2 kg": unknown unit "kg" (length units: m, cm, mm, µm, nm, Å, pm)`},
		{"3 keV", `q: cannot parse "3 keV": that is an energy, want a length (e.g. "2 mm")`},
	}
	for _, tt := range tests {
		_, err := q.ParseLength(tt.in)
		if err == nil || err.Error() != tt.wantErr {
			t.Errorf("ParseLength(%q) error = %v; want %s", tt.in, err, tt.wantErr)
		}
	}
	if got, err := q.ParseLength("3 mm"); err != nil || got != 3*q.MM {
		t.Errorf("ParseLength(3 mm) = %v, %v", got, err)
	}
}

func TestFlagAndText(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	exp := 10 * q.MS
	fs.Var(&exp, "exposure", "exposure time")
	if err := fs.Parse([]string{"-exposure", "2 s"}); err != nil || exp != 2*q.S {
		t.Errorf("flag -exposure 2 s: %v, %v", exp, err)
	}
	if err := fs.Parse([]string{"-exposure", "2 mm"}); err == nil {
		t.Errorf("flag -exposure 2 mm: no error")
	}
	var l q.Length
	if err := l.UnmarshalText([]byte("1.5 mm")); err != nil || l != 1.5*q.MM {
		t.Errorf("UnmarshalText(1.5 mm) = %v, %v", l, err)
	}
	b, _ := l.MarshalText()
	if string(b) != "1.5 mm" {
		t.Errorf("MarshalText = %q", b)
	}
}

func TestHint(t *testing.T) {
	tests := []struct {
		x    q.Quantity
		want string
	}{
		{q.MM, "5 * q.MM"},
		{q.Deg, "5 * q.Deg"},
		{q.S, "5 * q.S"},
		{q.KeV, "5 * q.KeV"},
		{q.MMPerS, "5 * q.MMPerS"},
		{q.Percent, "5 * q.Percent"},
	}
	for _, tt := range tests {
		if got := tt.x.Dim().Hint("5"); got != tt.want {
			t.Errorf("%s.Hint(5) = %q; want %q", tt.x.Dim(), got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	for d := q.DimRatio; d <= q.DimTemperatureRate; d++ {
		x := q.New(d, 2)
		if x.Dim() != d || x.Base() != 2 {
			t.Errorf("New(%s, 2) = %v (%s)", d, x, x.Dim())
		}
		if u := d.Unit(); u.Const == "" || (u.Symbol == "" && d != q.DimRatio) {
			t.Errorf("%s.Unit() = %+v", d, u)
		}
	}
}

func TestDimOf(t *testing.T) {
	setPosition := reflect.TypeOf(func(q.Length) {}).In(0)
	if d, ok := q.DimOf(setPosition); !ok || d != q.DimLength {
		t.Errorf("DimOf(q.Length) = %v, %v", d, ok)
	}
	for _, typ := range []reflect.Type{reflect.TypeOf(0.5), reflect.TypeOf(""), reflect.TypeOf(time.Second), nil} {
		if _, ok := q.DimOf(typ); ok {
			t.Errorf("DimOf(%v) = ok", typ)
		}
	}
}

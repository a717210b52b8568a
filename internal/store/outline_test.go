package store

import (
	"reflect"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"fine", "// Doc.\nimport \"os\"\nx := 1\nfunc f(ctx context.Context) error {\n\tawait motor.Home()\n\treturn nil\n}\nawait f\n", ""},
		{"bundled header", bundledSrc, ""},
		{"method", "type T struct{}\nfunc (t T) M() int { return 1 }\nfunc() { x := 1; _ = x }()\n", ""},
		{"missing paren", "x := 1\ny := f(2\nz := 3\n", "s.go:2:7: unclosed bracket"},
		{"bad statement", "x := 1\n\nx := := 2\n", "s.go:3:6: expected operand, found ':='"},
		{"bad in func", "func f() {\n\treturn +\n}\n", "s.go:3:1: expected operand, found '}'"},
		{"column on first line", "  y = )\n", "s.go:1:7: unexpected )"},
		{"unterminated string", "x := \"abc\n", "s.go:1:6: string literal not terminated"},
		{"after bundled header", "//go:build ignore\n\npackage sessions\n\nx := (\n", "s.go:5:6: unclosed bracket"},
	}
	for _, tt := range tests {
		got := ""
		if err := Check("s.go", []byte(tt.src)); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%s: Check = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseOutline(t *testing.T) {
	src := `//go:build ignore

// Tomography: rotate and grab.

package sessions

import "math"

// The rotation stage.
stage := motors.NewRotation("stage")
camera := cameras.NewDummy("camera") // 2048x2048, 16 bit
x := 3
await stage.Home()

// scan takes n projections over 180 degrees.
func scan(ctx context.Context, n int) error {
	return nil
}

func helper() {}
`
	got := ParseOutline([]byte(src))
	want := Outline{
		Description: "Tomography: rotate and grab.",
		Imports:     []string{"math"},
		Devices: []Item{
			{Name: "stage", Code: `motors.NewRotation("stage")`, Doc: "The rotation stage.", Line: 10},
			{Name: "camera", Code: `cameras.NewDummy("camera")`, Doc: "2048x2048, 16 bit", Line: 11},
		},
		Funcs: []Item{
			{Name: "scan", Code: "func scan(ctx context.Context, n int) error", Doc: "scan takes n projections over 180 degrees.", Line: 16},
			{Name: "helper", Code: "func helper()", Line: 20},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseOutline =\n%#v\nwant\n%#v", got, want)
	}
}

package store

import (
	"reflect"
	"testing"
)

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

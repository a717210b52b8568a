package store

import (
	"reflect"
	"testing"
)

// TestOutlineSessionDevice lists a device made by a constructor the
// session declares, as `concert docs` lists built-in ones.
func TestOutlineSessionDevice(t *testing.T) {
	src := `// A slit of our own.

func NewSlit(name string) *Slit { return nil }

// The entrance slit.
slit := NewSlit("slit")
n := New
`
	got := ParseOutline([]byte(src)).Devices
	want := []Item{{Name: "slit", Code: `NewSlit("slit")`, Doc: "The entrance slit.", Line: 6}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Devices = %#v\nwant %#v", got, want)
	}
}

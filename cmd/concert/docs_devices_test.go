//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// concert docs lists each device of `lower, upper := motors.NewLinear(...),
// motors.NewLinear(...)`, and says the session's description once, not
// again as the doc of a device right under it.
func TestDocsListsEveryDeviceOfOneLine(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "sessions")
	src := `// io: IO and slits.
box := signals.New("box", signals.DigitalIn("door_open"))
lower, upper := motors.NewLinear("lower"), motors.NewLinear("upper")
gap := slits.New("s1hg", lower, upper, slits.Gap)
`
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "io.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := concertIn(t, home, "", "docs", "io")
	want := `Devices
  box := signals.New("box", signals.DigitalIn("door_open"))
  lower := motors.NewLinear("lower")
  upper := motors.NewLinear("upper")
  gap := slits.New("s1hg", lower, upper, slits.Gap)
`
	if code != 0 || !strings.Contains(out, want) || strings.Count(out, "io: IO and slits.") != 1 {
		t.Errorf("concert docs io: status %d\n%s\nwant the description once and\n%s", code, out, want)
	}
}

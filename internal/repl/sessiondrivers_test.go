package repl_test

import (
	"os"
	"strings"
	"testing"
)

// TestSessionDrivers runs drivers written in a session, in the
// interpreter, under the bases of the shutter and IO families: the base
// does the states, refusals, panics and emergency stop for them, as for
// the built-in drivers.
func TestSessionDrivers(t *testing.T) {
	for _, name := range []string{"shutter_driver", "io_driver"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile("testdata/" + name + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			runScript(t, name, strings.TrimSpace(string(src))+"\n")
		})
	}
}

//go:build unix

package main

import (
	"strings"
	"testing"
)

// concert init refuses an import the shell does not have (the session
// would fail at its first start) and says when the new session hides a
// bundled one of its name.
func TestInitImportsAndBundledNames(t *testing.T) {
	home := t.TempDir()
	out, code := concertIn(t, home, "", "init", "x1", "--imports", "os,numpy")
	if want := `concert: --imports: the shell has no package "numpy": it has the standard library and concert's own packages only`; code != 2 || !strings.Contains(out, want) {
		t.Errorf("concert init x1 --imports os,numpy: status %d\n%s\nwant status 2 and %s", code, out, want)
	}
	if out, code := concertIn(t, home, "", "init", "x2", "--imports", "os,encoding/json"); code != 0 {
		t.Errorf("concert init x2 --imports os,encoding/json: status %d\n%s", code, out)
	}
	out, code = concertIn(t, home, "", "init", "tutorial")
	if want := "It hides the bundled session tutorial; concert rm tutorial brings that back"; code != 0 || !strings.Contains(out, want) {
		t.Errorf("concert init tutorial: status %d\n%s\nwant %s", code, out, want)
	}
}

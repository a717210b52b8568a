package repl_test

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// help() fits an 80-column terminal: a package's long line goes on under
// its text instead of breaking a word at the terminal's edge.
func TestHelpOverviewFitsEightyColumns(t *testing.T) {
	t.Parallel()
	got, status := concert(t, "help()\n", "start", "tutorial")
	if status != 0 {
		t.Fatalf("exit status %d:\n%s", status, got)
	}
	var pkgs bool
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "  q ") {
			pkgs = true // the package lines start here
		}
		if pkgs && utf8.RuneCountInString(line) > 80 {
			t.Errorf("help() has a package line of %d columns:\n%s", utf8.RuneCountInString(line), line)
		}
	}
	if !strings.Contains(got, "\n  slits                slits.New(\"s1hg\", lower, upper, slits.Gap), slits.Offset:\n                       pseudo-motors moving two blade motors at once\n") {
		t.Errorf("help() does not wrap the slits line under its text:\n%s", got)
	}
}

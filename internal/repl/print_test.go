package repl_test

import (
	"strings"
	"testing"
)

// A value of 100,000 items at the prompt shows its first 1,000 and says
// how many there are, as IPython does, instead of a screenful for
// seconds: `await gather(ts...)` of many tasks is a slice of results.
func TestLongValuesShowTheirStart(t *testing.T) {
	got, status := concert(t, "xs := make([]int, 100000)\nfor i := range xs { xs[i] = i }\nxs\nvar a [1001]string\na[1000] = \"last\"\na\n[]int{1, 2, 3}\n", "start", "tutorial")
	if status != 0 {
		t.Fatalf("exit status %d:\n%s", status, got)
	}
	lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%.500s", len(lines), got)
	}
	if !strings.HasPrefix(lines[0], "[0 1 2 ") || !strings.Contains(lines[0], " 998 999 ...] (100000 items, the first 1000 shown") || strings.Contains(lines[0], " 999 1000") {
		t.Errorf("the slice printed as %.80s...%s", lines[0], lines[0][max(0, len(lines[0])-120):])
	}
	if strings.Contains(lines[1], "last") || !strings.Contains(lines[1], "(1001 items, the first 1000 shown") {
		t.Errorf("the array printed as ...%s", lines[1][max(0, len(lines[1])-120):])
	}
	if lines[2] != "[1 2 3]" {
		t.Errorf("a short slice printed as %q, want [1 2 3]", lines[2])
	}
}

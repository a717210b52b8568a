package repl

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

func TestHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "concert", "history", "s")
	h := openHistory(path)
	entries := []string{"x := 1", "func f() {\n\treturn\n}", `s := "a\"b"`}
	for _, e := range entries {
		h.add(e)
		h.add(e) // a repeat is kept once
	}
	if got := openHistory(path).entries(); !slices.Equal(got, entries) {
		t.Errorf("entries after reopening = %q; want %q", got, entries)
	}
	for i := range maxHistory + 10 {
		h.add(fmt.Sprint(i))
	}
	got := openHistory(path).entries()
	if len(got) != maxHistory || got[len(got)-1] != fmt.Sprint(maxHistory+9) {
		t.Errorf("reopened a long history: %d entries ending %q; want %d ending %q", len(got), got[len(got)-1], maxHistory, fmt.Sprint(maxHistory+9))
	}
	if got := openHistory(path).entries(); len(got) != maxHistory {
		t.Errorf("the file was not cut to %d entries: %d", maxHistory, len(got))
	}
	if got := openHistory("").entries(); len(got) != 0 {
		t.Errorf("a history without a file has %q", got)
	}
}

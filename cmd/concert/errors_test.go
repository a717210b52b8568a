package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad names, missing sessions and wrong arguments: exact messages, a
// non-zero status, and nothing touched.
func TestErrors(t *testing.T) {
	e, st := testEnv(t)
	if err := st.Write("mine", []byte("// Mine.\nx := 1\n"), false); err != nil {
		t.Fatal(err)
	}
	notPath := `a session name is a plain name such as tutorial, not a path`
	tests := []struct {
		args       []string
		wantErr    string
		wantStatus int
	}{
		{[]string{"init", "../x"}, `concert: invalid session name "../x": ` + notPath + "\n", 2},
		{[]string{"init", "/etc/passwd"}, `concert: invalid session name "/etc/passwd": ` + notPath + "\n", 2},
		{[]string{"init", ""}, "concert: session name is empty: give a plain name such as tutorial\n", 2},
		{[]string{"init", "a b"}, `concert: invalid session name "a b": ' ' is not allowed; use letters, digits, '_' and '-'` + "\n", 2},
		{[]string{"init", "scan.go"}, `concert: invalid session name "scan.go": leave out the .go suffix (scan)` + "\n", 2},
		{[]string{"init", "x", "--imports", `os,a"b`}, `concert: --imports: "a\"b" is not an import path such as encoding/json` + "\nRun 'concert init --help' for usage.\n", 2},
		{[]string{"edit", "../x"}, `concert: invalid session name "../x": ` + notPath + "\n", 2},
		{[]string{"show", "nope"}, `concert: no session "nope" (concert show lists them)` + "\n", 1},
		{[]string{"show", "../../etc/passwd"}, `concert: invalid session name "../../etc/passwd": ` + notPath + "\n", 2},
		{[]string{"cp", "nope", "x"}, `concert: no session "nope" (concert show lists them)` + "\n", 1},
		{[]string{"cp", "mine", "../x"}, `concert: invalid session name "../x": ` + notPath + "\n", 2},
		{[]string{"rm", "tutorial"}, `concert: session "tutorial" is bundled with concert and cannot be changed; copy it first: concert cp tutorial my-tutorial` + "\n", 1},
		{[]string{"mv", "tutorial", "x"}, `concert: session "tutorial" is bundled with concert and cannot be changed; copy it first: concert cp tutorial my-tutorial` + "\n", 1},
		{[]string{"cp", "mine", "tutorial"}, "Copied mine to tutorial\n", 0}, // a copy of your own may hide a bundled one
		{[]string{"cp", "mine", "tutorial"}, `concert: session "tutorial" exists already (` + filepath.Join(st.Dir, "tutorial.go") + "); remove it first (concert rm tutorial) or choose another name\n", 1},
		{[]string{"mv", "nope", "x"}, `concert: no session "nope" (concert show lists them)` + "\n", 1},
		{[]string{"mv", "mine", "/etc/passwd"}, `concert: invalid session name "/etc/passwd": ` + notPath + "\n", 2},
		{[]string{"rm", "nope"}, `concert: no session "nope" (concert show lists them)` + "\n", 1},
		{[]string{"rm", "mine", "nope"}, `concert: no session "nope" (concert show lists them); nothing removed` + "\n", 1},
		{[]string{"rm", "mine", "../mine"}, `concert: invalid session name "../mine": ` + notPath + "; nothing removed\n", 2},
		{[]string{"rm", "-rf"}, "concert: unknown shorthand flag: 'r' in -rf\nRun 'concert rm --help' for usage.\n", 2},
		{[]string{"rm", "--", "-rf"}, `concert: invalid session name "-rf": it must start with a letter or a digit` + "\n", 2},
		{[]string{"rm", "tutorial"}, "Removed tutorial; bring it back with: concert restore tutorial\n", 0},
		{[]string{"cp", "mine", "tutorial"}, "Copied mine to tutorial\n", 0},
		{[]string{"restore", "tutorial"}, `concert: session "tutorial" exists already (` + filepath.Join(st.Dir, "tutorial.go") + "); rename it first (concert mv tutorial tutorial-new), then restore\n", 1},
		{[]string{"restore", "nope"}, `concert: no removed session "nope" to restore` + "\n", 1},
		{[]string{"docs", "nope"}, `concert: no session "nope" (concert show lists them)` + "\n", 1},
		{[]string{"log", "../x"}, `concert: invalid session name "../x": ` + notPath + "\n", 2},
		{[]string{"log", "-n", "-1"}, "concert: --lines -1: give a number of records, 0 for all\nRun 'concert log --help' for usage.\n", 2},
		{[]string{"rm"}, "concert: missing NAME; usage: concert rm NAME...\n", 2},
		{[]string{"cp", "mine"}, "concert: missing DST; usage: concert cp SRC DST\n", 2},
		{[]string{"init", "a", "b"}, "concert: too many arguments (b); usage: concert init NAME\n", 2},
		{[]string{"show", "--bogus"}, "concert: unknown flag: --bogus\nRun 'concert show --help' for usage.\n", 2},
		{[]string{"completion", "tcsh"}, `concert: unknown shell "tcsh"; usage: concert completion bash|zsh|fish` + "\n", 2},
		{[]string{"frobnicate"}, "concert: unknown command \"frobnicate\" for \"concert\"\nRun 'concert --help' for usage.\n", 2},
	}
	for _, tt := range tests {
		out, errOut, code := run(e, tt.args...)
		if errOut != tt.wantErr || code != tt.wantStatus {
			t.Errorf("concert %s:\nstderr %q, status %d\nwant   %q, status %d", strings.Join(tt.args, " "), errOut, code, tt.wantErr, tt.wantStatus)
		}
		if code != 0 && out != "" {
			t.Errorf("concert %s printed %q on stdout", strings.Join(tt.args, " "), out)
		}
	}
	// Nothing outside the sessions, and only the one copy inside.
	entries, _ := os.ReadDir(st.Dir)
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
	}
	if strings.Join(names, " ") != "mine.go tutorial.go" {
		t.Errorf("sessions dir holds %v; want [mine.go tutorial.go]", names)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(st.Dir), "x.go")); !os.IsNotExist(err) {
		t.Errorf("a session was written outside the sessions directory")
	}
}

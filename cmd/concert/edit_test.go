package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/concert-go/concert/internal/repl"
	"github.com/concert-go/concert/internal/store"
)

func TestEdit(t *testing.T) {
	e, st := testEnv(t)
	p := func(name string) string { return filepath.Join(st.Dir, name+".go") }
	tests := []struct {
		name, script, session string
		wantErr               string
		wantStatus            int
		wantSuffix            string
	}{
		{"new session from the template", `printf 'x := 1\n' >> "$1"`, "fresh",
			"New session fresh at " + p("fresh") + "\n", 0, "x := 1\n"},
		{"existing session", `printf 'y := 2\n' >> "$1"`, "fresh", "", 0, "x := 1\ny := 2\n"},
		{"bundled session gets a copy", `printf 'z := 3\n' >> "$1"`, "tutorial",
			"Session tutorial is bundled (bundled/tutorial.go); you edited your own copy at " + p("tutorial") + "\n", 0,
			"shutter := shutters.New(\"shutter\") // opens in 20 ms\nz := 3\n"},
		{"no longer parses", `printf 'w := := 3\n\nv := 3\n' >> "$1"`, "fresh",
			"concert: session fresh does not parse; fix it with concert edit fresh:\n" + p("fresh") + ":", 1, "v := 3\n"},
		{"editor fails", `exit 3`, "fresh",
			`concert: editor "EDITOR" failed: exit status 3; the session is at ` + p("fresh") + "\n", 1, "v := 3\n"},
	}
	for _, tt := range tests {
		setEditor(t, e, tt.script)
		editor := e.Getenv("EDITOR")
		_, errOut, code := run(e, "edit", tt.session)
		want := strings.ReplaceAll(tt.wantErr, `"EDITOR"`, `"`+editor+`"`)
		if code != tt.wantStatus || !strings.HasPrefix(errOut, want) || (code == 0 && errOut != want) {
			t.Errorf("%s: stderr %q, status %d; want %q, status %d", tt.name, errOut, code, want, tt.wantStatus)
		}
		if got := fileText(t, p(tt.session)); !strings.HasSuffix(got, tt.wantSuffix) {
			t.Errorf("%s: session ends %q; want it to end %q", tt.name, got[max(0, len(got)-80):], tt.wantSuffix)
		}
	}
	// Where it does not parse: the line and column of the open call.
	src := fileText(t, p("fresh"))
	line := strings.Count(src[:strings.Index(src, "w := := 3")], "\n") + 1
	setEditor(t, e, ":")
	_, errOut, _ := run(e, "edit", "fresh")
	if want := p("fresh") + ":" + strconv.Itoa(line) + ":6: expected operand, found ':='\n"; !strings.HasSuffix(errOut, want) {
		t.Errorf("stderr %q; want it to end %q", errOut, want)
	}
}

func TestEditVi(t *testing.T) {
	e, st := testEnv(t)
	// With EDITOR unset the editor is vi; a PATH with sh but no vi shows
	// that it is tried.
	bin := t.TempDir()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	if err := os.Symlink(sh, filepath.Join(bin, "sh")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	_, errOut, code := run(e, "edit", "x")
	if code != 1 || !strings.Contains(errOut, "vi: not found") || !strings.HasSuffix(errOut, `concert: editor "vi" failed: exit status 127; no session made`+"\n") {
		t.Errorf("stderr %q, status %d; want vi to be tried, and no session left", errOut, code)
	}
	if names := sessionFiles(t, st.Dir); names != "" {
		t.Errorf("sessions %q left after the editor failed to start", names)
	}
}

func TestInitTemplate(t *testing.T) {
	e, st := testEnv(t)
	if _, errOut, code := run(e, "init", "tomo", "--imports", "os, encoding/json"); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	src := fileText(t, filepath.Join(st.Dir, "tomo.go"))
	if !strings.Contains(src, "\nimport (\n\t\"os\"\n\t\"encoding/json\"\n)\n") {
		t.Errorf("template imports wrong:\n%s", src)
	}
	if err := repl.Check("tomo.go", []byte(src)); err != nil {
		t.Errorf("the template does not parse: %v\n%s", err, src)
	}
	if got := store.Summary([]byte(src)); got != "tomo: say here what this session is for." {
		t.Errorf("summary %q", got)
	}
	wantNote := "The session it replaced is in the trash; to get it back: concert mv tomo tomo-new && concert restore tomo\n"
	if _, errOut, code := run(e, "init", "tomo", "--force"); code != 0 || !strings.HasPrefix(errOut, "Created session tomo") || !strings.HasSuffix(errOut, wantNote) {
		t.Errorf("init --force: %q, %d", errOut, code)
	}
	if src := fileText(t, filepath.Join(st.Dir, "tomo.go")); strings.Contains(src, "import") && strings.Contains(src, "encoding/json") {
		t.Errorf("init --force kept the old session")
	}
	for _, args := range [][]string{{"mv", "tomo", "tomo-new"}, {"restore", "tomo"}} {
		if _, errOut, code := run(e, args...); code != 0 {
			t.Fatalf("%v: %q, %d", args, errOut, code)
		}
	}
	if src := fileText(t, filepath.Join(st.Dir, "tomo.go")); !strings.Contains(src, "encoding/json") {
		t.Errorf("restore after init --force did not bring back the replaced session:\n%s", src)
	}
}

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

const tomoSrc = `// Tomography: rotate the sample and grab projections.
//
// Call scan(ctx, n) for n projections.
import "math"

// The rotation stage.
stage := motors.NewRotation("stage")
camera := cameras.NewDummy("camera") // 2048x2048, 16 bit

// scan takes n projections over 180 degrees.
func scan(ctx context.Context, n int) error {
	return nil
}
`

func TestDocs(t *testing.T) {
	e, st := testEnv(t)
	if err := st.Write("tomo", []byte(tomoSrc), false); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(e, "docs", "tomo")
	want := `tomo (` + filepath.Join(st.Dir, "tomo.go") + `)

  Tomography: rotate the sample and grab projections.

  Call scan(ctx, n) for n projections.

Imports
  math

Devices
  stage := motors.NewRotation("stage")
      The rotation stage.
  camera := cameras.NewDummy("camera")
      2048x2048, 16 bit

Functions
  func scan(ctx context.Context, n int) error
      scan takes n projections over 180 degrees.
`
	if out != want || errOut != "" || code != 0 {
		t.Errorf("docs tomo:\n%s\nstderr %q, status %d\nwant\n%s", out, errOut, code, want)
	}

	md := filepath.Join(t.TempDir(), "tomo.md")
	out, errOut, code = run(e, "docs", "tomo", "-o", md)
	if out != "" || errOut != "Wrote the documentation of tomo to "+md+"\n" || code != 0 {
		t.Errorf("docs -o: stdout %q, stderr %q, status %d", out, errOut, code)
	}
	wantMD := "# Session tomo\n\nTomography: rotate the sample and grab projections.\n\nCall scan(ctx, n) for n projections.\n\n" +
		"## Imports\n\n- `math`\n\n## Devices\n\n" +
		"- `stage` = `motors.NewRotation(\"stage\")`: The rotation stage.\n" +
		"- `camera` = `cameras.NewDummy(\"camera\")`: 2048x2048, 16 bit\n\n" +
		"## Functions\n\n### scan\n\n```go\nfunc scan(ctx context.Context, n int) error\n```\n\nscan takes n projections over 180 degrees.\n"
	if got := fileText(t, md); got != wantMD {
		t.Errorf("markdown:\n%s\nwant\n%s", got, wantMD)
	}

	out, _, code = run(e, "docs", "tutorial")
	if code != 0 || !strings.HasPrefix(out, "tutorial (bundled/tutorial.go)\n\n  Tutorial: a motor") || !strings.Contains(out, "motor := motors.NewLinear(\"motor\")\n      The sample motor, 1 mm/s.\n") {
		t.Errorf("docs tutorial:\n%s", out)
	}
}

func TestCompletion(t *testing.T) {
	e, _ := testEnv(t)
	for _, sh := range []struct{ shell, marker string }{
		{"bash", "__start_concert"},
		{"zsh", "#compdef concert"},
		{"fish", "complete -c concert"},
	} {
		out, errOut, code := run(e, "completion", sh.shell)
		if code != 0 || errOut != "" || !strings.Contains(out, sh.marker) {
			t.Errorf("completion %s: status %d, stderr %q, no %q in the script", sh.shell, code, errOut, sh.marker)
		}
	}
	// Session names complete, with their summaries.
	out, _, _ := run(e, "__complete", "show", "tu")
	if !strings.HasPrefix(out, "tutorial\tTutorial: a motor, a shutter and a camera to try concert with.\n") {
		t.Errorf("completion of show tu:\n%s", out)
	}
}

// Every command has help: a short line, and a usage that names its
// arguments.
func TestHelp(t *testing.T) {
	e, _ := testEnv(t)
	for _, c := range sessionCommands(e) {
		if c.Short == "" || c.Long == "" {
			t.Errorf("%s has no help text", c.Name())
		}
		out, errOut, code := run(e, c.Name(), "--help")
		if code != 0 || errOut != "" || !strings.Contains(out, "Usage:\n  concert "+c.Use) {
			t.Errorf("concert %s --help: status %d, stderr %q:\n%s", c.Name(), code, errOut, out)
		}
	}
}

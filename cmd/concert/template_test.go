package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/concert-go/concert/internal/prelude"
	"github.com/concert-go/concert/internal/repl"
	"github.com/concert-go/concert/internal/store"
	"github.com/concert-go/concert/sessions"
)

// The template of concert init runs in the shell as it is, imports
// included, and makes its devices the way the bundled tutorial does.
func TestTemplateRuns(t *testing.T) {
	src, err := sessionTemplate("fresh", []string{"os", "encoding/json"})
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := repl.Run(context.Background(), repl.Config{
		Name:           "fresh",
		Source:         src,
		Filename:       "fresh.go",
		NonInteractive: true,
		Stdin:          strings.NewReader(""),
		Stdout:         &out,
		Stderr:         &errOut,
	})
	if code != 0 {
		t.Fatalf("the template does not run: status %d\n%s%s\n%s", code, out.String(), errOut.String(), src)
	}

	// The comment names every package of the prelude, from its one list.
	comment := strings.Join(strings.Fields(strings.ReplaceAll(string(src), "//", "")), " ")
	for _, p := range prelude.Packages {
		if !strings.Contains(comment, " "+p.Name+",") && !strings.Contains(comment, " "+p.Name+" ") &&
			!strings.Contains(comment, " "+p.Name+";") && !strings.Contains(comment, " "+p.Name+".") {
			t.Errorf("the template's comment does not name the prelude package %s:\n%s", p.Name, src)
		}
	}

	tutorial, err := sessions.FS.ReadFile("tutorial.go")
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]string{}
	for _, d := range store.ParseOutline(tutorial).Devices {
		made[d.Name] = d.Code
	}
	devices := store.ParseOutline(src).Devices
	if len(devices) == 0 {
		t.Fatal("the template makes no devices")
	}
	for _, d := range devices {
		if made[d.Name] != d.Code {
			t.Errorf("template: %s := %s; the tutorial makes it with %q", d.Name, d.Code, made[d.Name])
		}
	}
}

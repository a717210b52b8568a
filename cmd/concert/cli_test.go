package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/fatih/color"
	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/ptytest"
	"github.com/concert-go/concert/internal/repl"
	"github.com/concert-go/concert/internal/store"
)

const tutorialSrc = `//go:build ignore

// Tutorial: a motor, a shutter and a camera to try concert with.
//
// Move the motor with await motor.SetPosition(2 * q.MM).

package sessions

// The sample motor, 1 mm/s.
motor := motors.NewLinear("motor")
shutter := shutters.New("shutter") // opens in 20 ms
`

// testEnv is an env in a temporary XDG data directory, with the tutorial
// as the one bundled session, and the store it sees.
func testEnv(t *testing.T) (*env, *store.Store) {
	t.Helper()
	// The devices of an earlier in-process run are garbage; collected now,
	// they leave the registry, and this run's devices of the same names do
	// not print "replaces the earlier device" notes (a process runs one
	// session; the tests run many).
	runtime.GC()
	color.NoColor = true
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv(store.EnvSessionsDir, "")
	vars := map[string]string{}
	e := &env{
		In:      bytes.NewReader(nil),
		Out:     &ptytest.Buffer{},
		Err:     &ptytest.Buffer{},
		Bundled: fstest.MapFS{"tutorial.go": {Data: []byte(tutorialSrc)}},
		Getenv:  func(k string) string { return vars[k] },
		HTTP:    defaultEnv().HTTP,
		Check:   repl.Check,
	}
	st, err := e.store()
	if err != nil {
		t.Fatal(err)
	}
	return e, st
}

// run runs `concert args...` the way main does and returns its stdout,
// stderr and exit status.
func run(e *env, args ...string) (stdout, stderr string, code int) {
	return runContext(context.Background(), e, args...)
}

func runContext(ctx context.Context, e *env, args ...string) (stdout, stderr string, code int) {
	out, errOut := &ptytest.Buffer{}, &ptytest.Buffer{}
	e.Out, e.Err = out, errOut
	root := &cobra.Command{Use: "concert"}
	root.AddCommand(sessionCommands(e)...)
	root.SetOut(out)
	root.SetErr(errOut)
	code = execute(ctx, root, args, errOut)
	return out.String(), errOut.String(), code
}

// setEditor makes a script the editor: sh code run with the file as $1.
func setEditor(t *testing.T, e *env, script string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "editor")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	prev := e.Getenv
	e.Getenv = func(k string) string {
		if k == "EDITOR" {
			return p
		}
		return prev(k)
	}
}

func fileText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/concert-go/concert/internal/ptytest"
	"github.com/concert-go/concert/sessions"
)

// runRoot runs the whole concert command as main does, with e's streams,
// and returns stdout, stderr and the exit status.
func runRoot(e *env, args ...string) (stdout, stderr string, code int) {
	out, errOut := &ptytest.Buffer{}, &ptytest.Buffer{}
	e.Out, e.Err = out, errOut
	sessionStatus = 0
	code = execute(context.Background(), newRootCmd(e), args, errOut)
	if code == exitOK {
		code = sessionStatus
	}
	return out.String(), errOut.String(), code
}

func TestStart(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.go")
	if err := os.WriteFile(broken, []byte("// Broken.\n\nx := 1\ny := nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		args           []string
		stdin          string
		stdout, stderr string
		code           int
	}{{
		name:   "no name",
		args:   []string{"start"},
		stderr: "concert: give a session NAME or --filename FILE, not both or neither\nRun 'concert start --help' for usage.\n",
		code:   exitUsage,
	}, {
		name:   "name and file",
		args:   []string{"start", "tutorial", "--filename", broken},
		stderr: "concert: give a session NAME or --filename FILE, not both or neither\nRun 'concert start --help' for usage.\n",
		code:   exitUsage,
	}, {
		name:   "commands from stdin",
		args:   []string{"start", "tutorial"},
		stdin:  "motor.Position()\nawait shutter.Open()\nshutter.State()\n",
		stdout: "0 mm\nopen\n",
	}, {
		name: "non-interactive does not read stdin",
		args: []string{"start", "tutorial", "--non-interactive"},
		// stdin is left alone
		stdin: "fmt.Println(1)\n",
	}, {
		name:   "a failing session file",
		args:   []string{"start", "--filename", broken, "--non-interactive"},
		stderr: "Sorry, " + broken + ":4:6: undefined: nope\n",
		code:   exitError,
	}, {
		name:   "version",
		args:   []string{"--version"},
		stdout: "concert version dev\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := testEnv(t)
			e.Bundled = sessions.FS
			e.In = bytes.NewReader([]byte(tt.stdin))
			stdout, stderr, code := runRoot(e, tt.args...)
			if stdout != tt.stdout || stderr != tt.stderr || code != tt.code {
				t.Errorf("concert %v:\nstdout %q\nstderr %q\ncode %d\nwant:\nstdout %q\nstderr %q\ncode %d",
					tt.args, stdout, stderr, code, tt.stdout, tt.stderr, tt.code)
			}
		})
	}
}

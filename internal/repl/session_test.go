package repl_test

import (
	"regexp"
	"testing"

	"github.com/concert-go/concert/internal/repl"
)

func TestSessions(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		want   string
		status int
	}{{
		name:  "load runs a session once",
		args:  []string{"start", "uses_base"},
		stdin: "loads\nfromBase\n",
		want:  "1\n42\n",
	}, {
		name:  "an error while loading keeps what loaded",
		args:  []string{"start", "--filename", "testdata/sessions/broken.go"},
		stdin: "before\nafter\n",
		want: "Sorry, testdata/sessions/broken.go:5:10: undefined: nope\n" +
			"loaded\n" +
			"Sorry, undefined: after\n",
		status: 1,
	}, {
		name:   "stored session errors name its file",
		args:   []string{"start", "broken", "--non-interactive"},
		want:   "Sorry, " + "SESSIONS/broken.go:5:10: undefined: nope\n",
		status: 1,
	}, {
		name:   "an error a call returns fails the load",
		args:   []string{"start", "bad_limits", "--non-interactive"},
		want:   "Sorry, SESSIONS/bad_limits.go:4:1: m8.position: lower limit 5 mm > upper limit -5 mm\n",
		status: 1,
	}, {
		name:   "an unimported package in a struct field names the file and line",
		args:   []string{"start", "unimported", "--non-interactive"},
		want:   "Sorry, SESSIONS/unimported.go:6:2: undefined: sync (import \"sync\" first)\n",
		status: 1,
	}, {
		name: "non-interactive runs the session and exits",
		args: []string{"start", "uses_base", "--non-interactive"},
		// stdin is not read
		stdin: "fmt.Println(\"read\")\n",
		want:  "",
	}, {
		name:  "init runs after the session",
		args:  []string{"start", "uses_base", "--init", "testdata/init.go.txt"},
		stdin: "initValue\n",
		want:  "43\n",
	}, {
		name:  "the README's session",
		args:  []string{"start", "scan"},
		stdin: "await scan(3)\nm.Position()\npdoc()\ntasks()\n",
		want: "3\n2 mm\n" +
			"func baseValue() int\n    baseValue is what base gives to sessions that load it.\n" +
			"func scan(n int) *Task\n    scan moves m to n positions 1 mm apart and grabs a frame at each.\n" +
			"no tasks running\n",
	}, {
		name:   "a missing init file is an error",
		args:   []string{"start", "uses_base", "--init", "testdata/none.go", "--non-interactive"},
		want:   "Sorry, init file: open testdata/none.go: no such file or directory\n",
		status: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, status := concert(t, tt.stdin, tt.args...)
			got = sessionsDir.ReplaceAllString(got, "SESSIONS/")
			if got != tt.want || status != tt.status {
				t.Errorf("concert %v:\n%s(status %d)\nwant:\n%s(status %d)", tt.args, got, status, tt.want, tt.status)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"fine", "// Fine.\n\nx := 1\nawait motor.Home()\nfunc f() {}\n", ""},
		{"bundled header", "//go:build ignore\n\n// Doc.\npackage sessions\n\nx := 1\n", ""},
		{"syntax", "// Bad.\n\nx := (1\ny := 2\n", "s.go:3:8: expected ')', found newline"},
		{"go statement", "// Go.\n\ngo f()\n", "s.go:3:1: a go statement cannot run in the shell: use start(f) to run f as a task"},
		{"await without ctx", "f := func() {\n\tawait t\n}\n", "s.go:2:2: await inside a function needs its context: declare the function as func(ctx context.Context) ..."},
		{"two errors", "a := 1 2\ngo f()\n", "s.go:1:8: expected ';', found 2\ns.go:2:1: a go statement cannot run in the shell: use start(f) to run f as a task"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := repl.Check("s.go", []byte(tt.src))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Check:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// sessionsDir matches the temporary sessions directory in messages.
var sessionsDir = regexp.MustCompile(`/\S*/sessions/`)

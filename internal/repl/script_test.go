package repl_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/concert-go/concert/internal/ptytest"
)

func TestMain(m *testing.M) { ptytest.Main(m) }

// concert runs the real binary with stdin from a string, in a fresh XDG
// environment holding the sessions of testdata/sessions, and returns what
// it printed on stdout and stderr together, and its exit status.
func concert(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	bin := ptytest.Concert(t)
	home := t.TempDir()
	sessions := filepath.Join(home, "sessions")
	if err := os.MkdirAll(sessions, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/sessions/*.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sessions, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	race, raceDir := raceEnv(t)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(),
		"CONCERT_SESSIONS_DIR="+sessions,
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"),
		"NO_COLOR=1",
		race,
	)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	checkRaces(t, raceDir)
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

// TestScripts runs each testdata/*.go through `concert start tutorial`
// with the script as stdin and compares the output with the script's
// trailing // Output: comment. The exit status must be 1 exactly when the
// output holds a Sorry or Cancelled line.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".go"), func(t *testing.T) {
			t.Parallel()
			runScript(t, file, string(src))
		})
	}
}

// TestREADME runs every Go example of the README that shows its output
// (a block with a // Output: section) the way TestScripts runs a script.
// Go programs and Example functions, which are not typed at the prompt,
// are left to the go tool.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skipf("no README: %v", err)
	}
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	for i, b := range blocks {
		if !strings.Contains(b[1], "\n// Output:\n") || strings.HasPrefix(b[1], "package ") || strings.Contains(b[1], "func Example") {
			continue
		}
		t.Run(fmt.Sprintf("example%d", i+1), func(t *testing.T) {
			t.Parallel()
			runScript(t, fmt.Sprintf("README.md example %d", i+1), b[1])
		})
	}
}

var taskID = regexp.MustCompile(`task \d+`)

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// runScript runs src through `concert start tutorial` as stdin and
// compares the output with src's trailing // Output: comment. The exit
// status must be 1 exactly when the output holds a Sorry or Cancelled line.
func runScript(t *testing.T, name, src string) {
	t.Helper()
	runScriptIn(t, "tutorial", name, src)
}

// runScriptIn is runScript in the session given.
func runScriptIn(t *testing.T, session, name, src string) {
	t.Helper()
	input, want, ok := strings.Cut(src, "\n// Output:\n")
	if !ok {
		t.Fatalf("%s has no // Output: section", name)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(want, "\n"), "\n") {
		lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(l, "//"), " "))
	}
	want = strings.Join(lines, "\n")
	got, status := concert(t, input, "start", session)
	got = strings.TrimRight(got, "\n")
	// Task numbers count every task of the process, the session's and the
	// devices' own; they are compared as numbers, not values.
	if taskID.ReplaceAllString(got, "task N") != taskID.ReplaceAllString(want, "task N") {
		t.Errorf("output of %s:\n%s\nwant:\n%s", name, got, want)
	}
	failed := strings.Contains(want, "Sorry, ") || strings.Contains(want, "Cancelled")
	if (status != 0) != failed {
		t.Errorf("exit status %d, want non-zero: %v", status, failed)
	}
}

// raceEnv sends the race reports of a binary built with -race to files
// that checkRaces reads, instead of into the output the test compares.
func raceEnv(t *testing.T) (env, dir string) {
	dir = filepath.Join(t.TempDir(), "race")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return "GORACE=log_path=" + dir + "/report exitcode=0", dir
}

// checkRaces fails the test on every data race the binary reported,
// yaegi's own included: the shell keeps the interpreter's global frame
// safe from background tasks (see the gate in package repl).
func checkRaces(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "report*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, report := range strings.Split(string(b), "==================") {
			if !strings.Contains(report, "DATA RACE") {
				continue
			}
			t.Errorf("data race:\n%s", report)
		}
	}
}

// help(x) says what a device, a package or a value offers.
func TestHelpOn(t *testing.T) {
	t.Parallel()
	got, status := concert(t, "help(motor)\nhelp(q)\nhelp(motor.Param(\"position\"))\n", "start", "tutorial")
	if status != 0 {
		t.Errorf("exit status %d:\n%s", status, got)
	}
	for _, want := range []string{
		`motor: linear motor "motor" \(a device; await what its operations return\)`,
		`\n +SetPosition +\(q\.Length\) \*tasks\.Task\n`,
		`\n +position +mm +rw +where the motor is; a set moves it there\n`,
		`q: the package "github.com/concert-go/concert/internal/devices/q"`,
		` MM `,
		`motor\.Param\("position"\): \*devices\.Parameter\n`,
		`\n +Limits +\(\) \(q\.Quantity, q\.Quantity\)\n`,
	} {
		if !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("help output lacks %s:\n%s", want, got)
		}
	}
}

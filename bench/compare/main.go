// Command compare runs concert's workloads side by side with the same
// workloads in Python asyncio and prints one Markdown table: workload, Go
// median, Python median, ratio, peak memory of each. Runs alternate between
// the two sides so that a noisy neighbour hurts both alike; only the ratio
// measured in one run means much on a shared machine.
//
// Usage (from the repository root; `make bench` does this):
//
//	go run ./bench/compare [-quick] [-runs N] [-only SUBSTRING]
//
// -quick runs the smallest size of each workload once: the smoke test.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// side is one way to run a workload: a command whose last line of output is
// {"seconds": ...} (the time the workload itself took), or, with wall set,
// a command timed from start to exit.
type side struct {
	argv []string
	env  []string // added to the environment
	wall bool
	// drive, if set, runs the command in a pseudo-terminal and times
	// what it does there; the program is ended after.
	drive func(*terminal) (time.Duration, error)
}

type workload struct {
	name      string
	n         int
	goSide    side
	pySide    side
	reference reference
	concert   *side // Python Concert measured in the same run, if given
	heavy     bool  // big sizes: fewer runs
}

// reference is Concert 0.34.0dev's figure on Python 3.11, measured on the
// same kind of machine by the project's owners.
type reference struct {
	seconds float64
	note    string
}

func (r reference) String(goSeconds float64) string {
	if r.seconds == 0 {
		return r.note
	}
	s := fmt.Sprintf("%s (%.0fx)", seconds(r.seconds), r.seconds/goSeconds)
	if r.note != "" {
		s += ", " + r.note
	}
	return s
}

type sample struct {
	seconds float64
	peakKB  int64
}

func main() {
	quick := flag.Bool("quick", false, "smallest size of each workload, one run each (smoke test)")
	runs := flag.Int("runs", 5, "runs of each side per workload (big sizes use fewer)")
	only := flag.String("only", "", "run only workloads whose name contains this")
	flag.Parse()
	if err := run(os.Stdout, *quick, *runs, *only); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func run(out io.Writer, quick bool, runs int, only string) error {
	dir, err := os.MkdirTemp("", "concert-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	goBin := filepath.Join(dir, "workload")
	if err := build(root, goBin, "./bench/workload"); err != nil {
		return err
	}
	concert := filepath.Join(dir, "concert")
	if err := build(root, concert, "./cmd/concert"); err != nil {
		return err
	}
	python, err := pythonExecutable()
	if err != nil {
		return err
	}
	list := workloads(root, goBin, python, quick)
	shell, err := shellWorkloads(dir, concert, python, root, quick)
	if err != nil {
		return err
	}
	list = append(list, shell...)
	if only != "" {
		list = slices.DeleteFunc(list, func(w workload) bool { return !strings.Contains(w.name, only) })
	}
	if quick {
		runs = 1
	}
	fmt.Fprintf(out, "Each side run %d times, taking turns; medians; peak = largest resident set seen.\n\n", runs)
	rows := [][]string{{"workload", "N", "Go median", "Python asyncio median", "Python / Go", "Go peak", "Python peak", "Concert (Concert / Go)"}}
	for _, w := range list {
		r := runs
		if w.heavy && !quick {
			r = max(1, runs/2)
		}
		samples, err := measureInTurns(w, r)
		if err != nil {
			return err
		}
		goS, pyS := samples[0], samples[1]
		gm, pm := median(goS), median(pyS)
		c := w.reference.String(gm)
		if w.concert != nil {
			cm := median(samples[2])
			c = fmt.Sprintf("%s (%.1fx), measured, peak %s", seconds(cm), cm/gm, megabytes(samples[2]))
		}
		rows = append(rows, []string{w.name, fmt.Sprint(w.n), seconds(gm), seconds(pm), fmt.Sprintf("%.1fx", pm/gm), megabytes(goS), megabytes(pyS), c})
	}
	return markdownTable(out, rows)
}

// measureInTurns runs each side of w runs times: Go, Python and, if
// given, Concert. Which side goes first rotates from run to run, so that
// none always runs on the caches and clock another left behind.
func measureInTurns(w workload, runs int) ([3][]sample, error) {
	sides := []*side{&w.goSide, &w.pySide}
	names := []string{"Go", "Python", "Concert"}
	if w.concert != nil {
		sides = append(sides, w.concert)
	}
	var samples [3][]sample
	for i := range runs {
		for j := range sides {
			k := (i + j) % len(sides)
			s, err := measure(*sides[k])
			if err != nil {
				return samples, fmt.Errorf("%s (%s): %w", w.name, names[k], err)
			}
			samples[k] = append(samples[k], s)
		}
	}
	return samples, nil
}

// markdownTable prints rows as a Markdown table, the first row as header,
// padded so that it also reads well in a terminal.
func markdownTable(out io.Writer, rows [][]string) error {
	width := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			width[i] = max(width[i], len(cell))
		}
	}
	line := func(cells []string) string {
		var b strings.Builder
		for i, c := range cells {
			fmt.Fprintf(&b, "| %-*s ", width[i], c)
		}
		return b.String() + "|\n"
	}
	var b strings.Builder
	b.WriteString(line(rows[0]))
	sep := make([]string, len(width))
	for i, w := range width {
		sep[i] = strings.Repeat("-", w)
	}
	b.WriteString(line(sep))
	for _, row := range rows[1:] {
		b.WriteString(line(row))
	}
	_, err := io.WriteString(out, b.String())
	return err

}

func workloads(root, goBin, python string, quick bool) []workload {
	script := filepath.Join(root, "bench", "workload.py")
	pair := func(name string, n int, ref reference, heavy bool) workload {
		arg := fmt.Sprint(n)
		return workload{
			name: name, n: n, reference: ref, heavy: heavy,
			goSide: side{argv: []string{goBin, name, arg}},
			pySide: side{argv: []string{python, script, name, arg}},
		}
	}
	sizes := []int{1_000, 10_000, 100_000}
	if quick {
		sizes = sizes[:1]
	}
	refs := map[string]map[int]reference{
		"start-await":  {10_000: {0.31, ""}, 100_000: {3.9, "+217 MB"}},
		"gather-sleep": {100_000: {7.4, "+285 MB"}},
	}
	var list []workload
	for _, name := range []string{"start-await", "gather-sleep", "cancel-all"} {
		for _, n := range sizes {
			list = append(list, pair(name, n, refs[name][n], n == 100_000))
		}
	}
	list = append(list,
		// Concert's figure is for stops of 0.5 s, 30 ms over the stop
		// itself; ours are stops of 10 ms, so compare what is over 10 ms.
		pair("emergency-stop", 1_000, reference{0, "0.53 s with 0.5 s stops"}, false),
		// 1,000 x (get 37 us + set 225 us), Concert's best figures.
		pair("param-get-set", 1_000, reference{0.262, "best case"}, false),
	)
	return list
}

// pythonExecutable is the real python3 binary, not a wrapper such as a
// pyenv shim, whose own start-up would be counted against Python.
func pythonExecutable() (string, error) {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return "", errors.New("python3 not found: the Python side of the benchmarks needs it")
	}
	return strings.TrimSpace(string(out)), nil
}

// moduleRoot finds the repository from wherever the runner or its test
// starts.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return "", fmt.Errorf("cannot find the concert module: run from the repository (%v)", err)
	}
	return filepath.Dir(string(bytes.TrimSpace(out))), nil
}

func build(root, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

// measure runs one side once and reads its time and its peak resident set
// from the kernel's accounting of the child.
func measure(s side) (sample, error) {
	if s.drive != nil {
		return measureTerminal(s)
	}
	cmd := exec.Command(s.argv[0], s.argv[1:]...)
	cmd.Env = append(os.Environ(), s.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v\n%s", strings.Join(s.argv, " "), err, tail(stderr.String()))
	}
	var peak int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak = ru.Maxrss // kilobytes on Linux
	}
	if s.wall {
		return sample{elapsed.Seconds(), peak}, nil
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var res struct{ Seconds float64 }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil || res.Seconds <= 0 {
		return sample{}, fmt.Errorf("%s: want {\"seconds\": ...} as the last line, got %q", strings.Join(s.argv, " "), tail(stdout.String()))
	}
	return sample{res.Seconds, peak}, nil
}

func median(s []sample) float64 {
	v := make([]float64, len(s))
	for i, x := range s {
		v[i] = x.seconds
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func megabytes(s []sample) string {
	var peak int64
	for _, x := range s {
		peak = max(peak, x.peakKB)
	}
	return fmt.Sprintf("%.0f MB", float64(peak)/1024)
}

func seconds(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.2f s", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.1f ms", s*1e3)
	default:
		return fmt.Sprintf("%.0f us", s*1e6)
	}
}

func tail(s string) string {
	if len(s) > 500 {
		return "..." + s[len(s)-500:]
	}
	return s
}

// measureTerminal starts the command in a pseudo-terminal, as a user
// would, lets s.drive time what it does there, then ends the process.
func measureTerminal(s side) (sample, error) {
	t, err := startTerminal(s.argv, s.env)
	if err != nil {
		return sample{}, err
	}
	d, err := s.drive(t)
	peak := t.stop()
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w", strings.Join(s.argv, " "), err)
	}
	return sample{d.Seconds(), peak}, nil
}

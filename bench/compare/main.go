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

	"github.com/creack/pty"
)

// side is one way to run a workload: a command whose last line of output is
// {"seconds": ...} (the time the workload itself took), or, with wall set,
// a command timed from start to exit.
type side struct {
	argv   []string
	env    []string // added to the environment
	wall   bool
	prompt string // if set: run in a pseudo-terminal, timed until this text shows
}

type workload struct {
	name      string
	n         int
	goSide    side
	pySide    side
	reference reference
	heavy     bool // big sizes: fewer runs
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
	shell, err := shellWorkloads(dir, concert, python, root)
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
	fmt.Fprintf(out, "Each side run %d times, alternating; medians; peak = largest resident set seen.\n\n", runs)
	rows := [][]string{{"workload", "N", "Go median", "Python asyncio median", "Python / Go", "Go peak", "Python peak", "Concert (reference, Concert / Go)"}}
	for _, w := range list {
		r := runs
		if w.heavy && !quick {
			r = max(1, runs/2)
		}
		var goS, pyS []sample
		for i := range r {
			// Alternate which side goes first, so that neither always
			// runs on the caches and clock the other left behind.
			for _, goSide := range [][]bool{{true, false}, {false, true}}[i%2] {
				if goSide {
					g, err := measure(w.goSide)
					if err != nil {
						return fmt.Errorf("%s (Go): %w", w.name, err)
					}
					goS = append(goS, g)
					continue
				}
				p, err := measure(w.pySide)
				if err != nil {
					return fmt.Errorf("%s (Python): %w", w.name, err)
				}
				pyS = append(pyS, p)
			}
		}
		gm, pm := median(goS), median(pyS)
		rows = append(rows, []string{w.name, fmt.Sprint(w.n), seconds(gm), seconds(pm), fmt.Sprintf("%.1fx", pm/gm), megabytes(goS), megabytes(pyS), w.reference.String(gm)})
	}
	return markdownTable(out, rows)
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
	if s.prompt != "" {
		return measurePrompt(s)
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

// loopSession is workload 6: the gets of param-get-set written as a loop in
// a session and run through the shell, which prints its own time.
const loopSession = `// Benchmark: %[1]d parameter gets as a loop in a session.
m := motors.NewLinear("m")

func loop(ctx context.Context) (float64, error) {
	start := time.Now()
	for i := 0; i < %[1]d; i++ {
		await m.GetPosition()
	}
	return time.Since(start).Seconds(), nil
}

secs := await start(loop)
fmt.Printf("{\"seconds\": %%g}\n", secs)
`

// shellWorkloads run through the concert binary, in a data directory of
// their own so that the user's history, log and locks are not touched.
func shellWorkloads(dir, concert, python, root string) ([]workload, error) {
	const n = 1_000
	session := filepath.Join(dir, "loop.go")
	if err := os.WriteFile(session, fmt.Appendf(nil, loopSession, n), 0o644); err != nil {
		return nil, err
	}
	env := []string{"XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_STATE_HOME=" + filepath.Join(dir, "state"), "NO_COLOR=1"}
	return []workload{
		{
			name: "session-get-loop", n: n,
			goSide:    side{argv: []string{concert, "start", "--filename", session, "--non-interactive"}, env: env},
			pySide:    side{argv: []string{python, filepath.Join(root, "bench", "workload.py"), "session-get-loop", fmt.Sprint(n)}},
			reference: reference{0.037, "1,000 x get 37-53 us"},
		},
		{
			name: "start-to-prompt", n: 1,
			goSide:    side{argv: []string{concert, "start", "tutorial"}, env: env, prompt: "tutorial > "},
			pySide:    side{argv: []string{python, "-c", "import asyncio"}, wall: true},
			reference: reference{1.0, "1.0-1.6 s"},
		},
	}, nil
}

// measurePrompt starts the command in a pseudo-terminal, as a user would,
// and times it until the prompt shows; then it ends the process.
func measurePrompt(s side) (sample, error) {
	cmd := exec.Command(s.argv[0], s.argv[1:]...)
	cmd.Env = append(os.Environ(), s.env...)
	start := time.Now()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		return sample{}, err
	}
	defer tty.Close()
	found := make(chan time.Duration, 1)
	var seen bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			seen.Write(buf[:n])
			if bytes.Contains(seen.Bytes(), []byte(s.prompt)) {
				found <- time.Since(start)
				io.Copy(io.Discard, tty)
				return
			}
			if err != nil {
				close(found)
				return
			}
		}
	}()
	var elapsed time.Duration
	var ok bool
	select {
	case elapsed, ok = <-found:
	case <-time.After(30 * time.Second):
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !ok {
		return sample{}, fmt.Errorf("%s: no %q within 30 s", strings.Join(s.argv, " "), s.prompt)
	}
	var peak int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak = ru.Maxrss
	}
	return sample{elapsed.Seconds(), peak}, nil
}

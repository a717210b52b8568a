package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The workloads on this page run through the concert binary, as a user
// runs the shell: session code, interpreted, with the session log on at
// its default level (issue 17).

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

// startGatherSession is shell-start-gather: trivial tasks started from
// session code in a loop, then gathered, as a session starts many tasks.
const startGatherSession = `// Benchmark: %[1]d trivial tasks started from session code, then gathered.
f := func(ctx context.Context) error { return nil }
t0 := time.Now()
ts := make([]any, 0, %[1]d)
for i := 0; i < %[1]d; i++ {
	ts = append(ts, start(f))
}
await gather(ts...)
fmt.Printf("{\"seconds\": %%g}\n", time.Since(t0).Seconds())
`

// waitMemorySession is shell-wait-memory: tasks started from session code
// that wait on their context, as a session's background tasks wait, all
// waiting at once (the peak is the figure), then cancelled.
const waitMemorySession = `// Benchmark: %[1]d tasks started from session code wait on their context, then are cancelled.
import "sync/atomic"

// In a function, as a session's work mostly is: the same statements at
// the top level took 2.3 s for 1,000 tasks instead of 0.11 s.
func waitMemory() float64 {
	var waiting atomic.Int64
	f := func(ctx context.Context) { waiting.Add(1); <-ctx.Done() }
	t0 := time.Now()
	ts := make([]*Task, 0, %[1]d)
	for i := 0; i < %[1]d; i++ {
		ts = append(ts, start(f))
	}
	for waiting.Load() < %[1]d {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond) // the last few from the count to the wait
	for _, t := range ts {
		t.Cancel()
	}
	for _, t := range ts {
		<-t.Done()
	}
	return time.Since(t0).Seconds()
}

fmt.Printf("{\"seconds\": %%g}\n", waitMemory())
`

// ctrlKSession is shell-ctrl-k's session: setup, typed at the prompt,
// starts the background tasks and the motors' moves and returns once
// every motor moves.
const ctrlKSession = `// Benchmark: ctrl-k with background tasks and moving motors.
func setup(nTasks, nMotors int) {
	for i := 0; i < nTasks; i++ {
		start(func(ctx context.Context) { <-ctx.Done() })
	}
	ms := make([]*motors.Linear, nMotors)
	for i := range ms {
		ms[i] = motors.NewLinear(fmt.Sprintf("m%d", i))
		ms[i].SetPosition(90 * q.MM)
	}
	for _, m := range ms {
		for m.State() != "moving" {
			time.Sleep(time.Millisecond)
		}
	}
	fmt.Println("ready")
}
`

// shellWorkloads run through the concert binary, in a data directory of
// their own so that the user's history, log and locks are not touched.
// With CONCERT_SRC set to a checkout of Python Concert, shell-start-gather
// runs Concert's start() too.
func shellWorkloads(dir, concert, python, root string, quick bool) ([]workload, error) {
	env := []string{"XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_STATE_HOME=" + filepath.Join(dir, "state"), "NO_COLOR=1"}
	script := filepath.Join(root, "bench", "workload.py")
	session := func(name, src string, n int) (string, error) {
		file := filepath.Join(dir, name+".go")
		return file, os.WriteFile(file, fmt.Appendf(nil, src, n), 0o644)
	}
	const loops = 1_000
	loopFile, err := session("loop", loopSession, loops)
	if err != nil {
		return nil, err
	}
	gathers, waits, ctrlKTasks, ctrlKMotors := 100_000, 100_000, 10_000, 1_000
	if quick {
		gathers, waits, ctrlKTasks, ctrlKMotors = 1_000, 1_000, 1_000, 100
	}
	gatherFile, err := session("gather", startGatherSession, gathers)
	if err != nil {
		return nil, err
	}
	waitFile, err := session("wait", waitMemorySession, waits)
	if err != nil {
		return nil, err
	}
	ctrlKFile, err := session("ctrlk", ctrlKSession, 0)
	if err != nil {
		return nil, err
	}
	gather := workload{
		name: "shell-start-gather", n: gathers, heavy: !quick,
		goSide: side{argv: []string{concert, "start", "--filename", gatherFile, "--non-interactive"}, env: env},
		pySide: side{argv: []string{python, script, "shell-start-gather", fmt.Sprint(gathers)}},
	}
	if src := os.Getenv("CONCERT_SRC"); src != "" {
		if gather.concert, err = concertSide(src, root, gathers); err != nil {
			return nil, err
		}
	}
	return []workload{
		{
			name: "session-get-loop", n: loops,
			goSide:    side{argv: []string{concert, "start", "--filename", loopFile, "--non-interactive"}, env: env},
			pySide:    side{argv: []string{python, script, "session-get-loop", fmt.Sprint(loops)}},
			reference: reference{0.037, "1,000 x get 37-53 us"},
		},
		{
			name: "start-to-prompt", n: 1,
			goSide:    side{argv: []string{concert, "start", "tutorial"}, env: env, drive: untilText(`tutorial > `)},
			pySide:    side{argv: []string{python, "-c", "import asyncio"}, wall: true},
			reference: reference{1.0, "1.0-1.6 s"},
		},
		gather,
		{
			name: "shell-wait-memory", n: waits, heavy: !quick,
			goSide:    side{argv: []string{concert, "start", "--filename", waitFile, "--non-interactive"}, env: env},
			pySide:    side{argv: []string{python, script, "shell-wait-memory", fmt.Sprint(waits)}},
			reference: reference{0, "peaks: all waiting at once"},
		},
		{
			name: "shell-ctrl-k", n: ctrlKTasks,
			goSide: side{argv: []string{concert, "start", "--filename", ctrlKFile}, env: env,
				drive: ctrlK(fmt.Sprintf("setup(%d, %d)\r", ctrlKTasks, ctrlKMotors), ctrlKTasks, ctrlKMotors)},
			pySide: side{argv: []string{python, filepath.Join(root, "bench", "ctrlk.py"), fmt.Sprint(ctrlKTasks), fmt.Sprint(ctrlKMotors)},
				drive: ctrlK("", ctrlKTasks, ctrlKMotors)},
			reference: reference{0, fmt.Sprintf("%d moving motors", ctrlKMotors)},
		},
	}, nil
}

// concertSide runs shell-start-gather with Python Concert's start(), from
// the checkout at src, under Debian's python3 with its python3-pint,
// python3-numpy and python3-zmq (what Concert imports for start()).
func concertSide(src, root string, n int) (*side, error) {
	const python = "/usr/bin/python3"
	probe := exec.Command(python, "-c", "import concert.coroutines.base")
	probe.Env = append(os.Environ(), "PYTHONPATH="+src)
	if out, err := probe.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("CONCERT_SRC=%s: Concert does not import under %s (apt-get install --no-install-recommends python3-pint python3-numpy python3-zmq): %v\n%s", src, python, err, tail(string(out)))
	}
	return &side{argv: []string{python, filepath.Join(root, "bench", "workload.py"), "concert-start-gather", fmt.Sprint(n)}, env: []string{"PYTHONPATH=" + src}}, nil
}

// untilText times a program from its start until text shows.
func untilText(text string) func(*terminal) (time.Duration, error) {
	re := regexp.MustCompile(regexp.QuoteMeta(text))
	return func(t *terminal) (time.Duration, error) {
		_, at, err := t.waitFor(re, 30*time.Second)
		return at.Sub(t.start), err
	}
}

var (
	promptRE = regexp.MustCompile(`> `)
	readyRE  = regexp.MustCompile(`ready\r?\n`)
	reportRE = regexp.MustCompile(`Emergency stop: [^\n]*\n`)
	countRE  = regexp.MustCompile(`(\d+) (tasks? cancelled|devices? stopped|failed|timed out)`)
)

// ctrlK drives shell-ctrl-k: once the prompt shows it types setup (if
// any) and waits for "ready", then sends the ctrl-k byte and times it
// until the report line is read back. The report must count every task
// and account for every device, or the figure would be of less work.
func ctrlK(setup string, nTasks, nMotors int) func(*terminal) (time.Duration, error) {
	return func(t *terminal) (time.Duration, error) {
		const patience = 2 * time.Minute // a loaded machine, and setup's own time
		if setup != "" {
			if _, _, err := t.waitFor(promptRE, patience); err != nil {
				return 0, err
			}
			if _, err := t.send([]byte(setup)); err != nil {
				return 0, err
			}
		}
		if _, _, err := t.waitFor(readyRE, patience); err != nil {
			return 0, err
		}
		if _, _, err := t.waitFor(promptRE, patience); err != nil {
			return 0, err
		}
		sent, err := t.send([]byte{0x0b})
		if err != nil {
			return 0, err
		}
		m, at, err := t.waitFor(reportRE, patience)
		if err != nil {
			return 0, err
		}
		return at.Sub(sent), checkReport(m, nTasks, nMotors)
	}
}

// checkReport reads the report line: every task counted, every device
// stopped, failed or timed out.
func checkReport(m []string, nTasks, nMotors int) error {
	var tasks, devices int
	for _, c := range countRE.FindAllStringSubmatch(m[0], -1) {
		n, _ := strconv.Atoi(c[1])
		if strings.HasPrefix(c[2], "task") {
			tasks = n
		} else {
			devices += n
		}
	}
	if tasks < nTasks || devices != nMotors {
		return fmt.Errorf("incomplete emergency stop report: %q; want %d tasks and %d devices", strings.TrimSpace(m[0]), nTasks, nMotors)
	}
	return nil
}

//go:build unix

package keys

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
)

// stuckSession has a device whose emergency stop never returns: it spins
// in interpreted code, counting its turns.
const stuckSession = `// Stuck: a device whose emergency stop never returns.
import "sync/atomic" // devices is in the prelude

// A pointer: yaegi reads globals' values when it runs a command, which
// would race with the spinning stop's writes.
var spins = new(int64)

func spin(ctx context.Context) error {
	for {
		atomic.AddInt64(spins, 1)
	}
}

stuck, stuckCtl := devices.New(devices.Config{Name: "stuck", Kind: "test", EmergencyStop: spin})
`

// shellPID is the process id of the shell under the supervisor pid.
func shellPID(t *testing.T, supervisor int) int {
	t.Helper()
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", supervisor))
	var children []byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		children = append(children, b...)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(children)))
	if err != nil {
		t.Fatalf("the supervisor's children are %q; want one shell", children)
	}
	return pid
}

// cpuBusy reports whether process pid computes: it spent more than a
// fifth of a second of CPU in one second. Looking from outside, the test
// runs no interpreted code beside the spinning stop: that would race
// inside yaegi (see internal/repl/gate.go), and the detector is on.
func cpuBusy(t *testing.T, pid int) bool {
	t.Helper()
	ticks := func() int {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatal(err)
		}
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
		utime, _ := strconv.Atoi(fields[11])
		stime, _ := strconv.Atoi(fields[12])
		return utime + stime // in 1/100 s
	}
	a := ticks()
	time.Sleep(time.Second)
	return ticks()-a > 20
}

// An emergency stop that never returns is reported as timed out and goes
// on spinning; ctrl-k twice within a second stops the interpreter, which
// ends it (issue 16: each ctrl-k left one more goroutine spinning).
func TestE2ECtrlKTwiceEndsSpinningStops(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "sessions"), 0o755)
	os.WriteFile(filepath.Join(home, "sessions", "stuck.go"), []byte(stuckSession), 0o644)
	term := ptytest.Start(t, ptytest.Options{Env: ptytest.HomeEnv(home)}, ptytest.Concert(t), "start", "stuck")
	const prompt = "stuck > "
	term.WaitFor(prompt, 2*time.Minute)
	shell := shellPID(t, term.Pid())
	term.Send([]byte{CtrlK})
	term.WaitForRegexp(regexp.MustCompile(`Emergency stop: 0 tasks cancelled, 0 devices stopped, 1 timed out.* \(stuck\)\n`), e2eWait)
	if !cpuBusy(t, shell) {
		t.Fatalf("the timed-out emergency stop does not spin; the test shows nothing")
	}
	time.Sleep(TwiceK + 100*time.Millisecond) // the next two presses are a pair of their own
	term.Send([]byte{CtrlK, CtrlK})
	term.WaitFor(MsgTwiceK, e2eWait)
	term.WaitFor(prompt, e2eWait)
	if cpuBusy(t, shell) {
		t.Errorf("emergency stops still spin after ctrl-k twice")
	}
	// The interpreter works on after the stop.
	term.SendString("atomic.LoadInt64(spins) > 0\r")
	term.WaitFor("\ntrue\n", e2eWait)
	term.WaitFor(prompt, e2eWait)
	quit(t, term)
}

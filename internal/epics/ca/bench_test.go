package ca_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/epics/ca"
	"github.com/concert-go/concert/internal/epics/epicstest"
	"github.com/concert-go/concert/internal/testenv"
)

// roundTrips is how many sequential gets or puts one side makes.
const roundTrips = 10000

// cabench builds testdata/cabench.c, the same loops with EPICS base's C
// client library, or skips.
func cabench(b *testing.B) string {
	b.Helper()
	base := testenv.EPICSBase()
	testenv.EPICSTool(b, "caget")
	out := filepath.Join(b.TempDir(), "cabench")
	cmd := exec.Command("gcc", "-O2", "testdata/cabench.c",
		"-I"+base+"/include", "-I"+base+"/include/os/Linux", "-I"+base+"/include/compiler/gcc",
		"-L"+base+"/lib/linux-x86_64", "-Wl,-rpath,"+base+"/lib/linux-x86_64", "-lca", "-lCom", "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("cannot build the C side: %v\n%s", err, msg)
	}
	return out
}

// runC runs the C side and returns its seconds.
func runC(b *testing.B, ioc *epicstest.IOC, bin string, args ...string) float64 {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), ioc.Env()...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		b.Fatalf("cabench %v: %v\n%s", args, err, errOut.String())
	}
	sec, err := strconv.ParseFloat(strings.TrimSpace(out.String()), 64)
	if err != nil {
		b.Fatalf("cabench %v printed %q: %v", args, out.String(), err)
	}
	return sec
}

// BenchmarkRoundTrips: 10,000 sequential gets and 10,000 put-callbacks of
// one PV, Go client against the C client library (cabench.c), alternating
// in one run; reported as seconds per 10,000 and the ratio Go/C.
func BenchmarkRoundTrips(b *testing.B) {
	bin := cabench(b)
	ioc := epicstest.Start(b)
	c, err := ca.NewClient(ioc.Config())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ch, err := c.Connect(b.Context(), ioc.PV("double"))
	if err != nil {
		b.Fatal(err)
	}
	for _, op := range []string{"get", "put"} {
		b.Run(op, func(b *testing.B) {
			var goSec, cSec float64
			for range b.N {
				start := time.Now()
				for i := range roundTrips {
					if op == "get" {
						_, err = ch.GetAs(b.Context(), ca.DBR(ca.Plain, ca.Double), 1)
					} else {
						err = ch.PutWait(b.Context(), float64(i))
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				goSec += time.Since(start).Seconds()
				cSec += runC(b, ioc, bin, op, strconv.Itoa(roundTrips), ioc.PV("double"))
			}
			b.ReportMetric(goSec/float64(b.N), "go-s/10k")
			b.ReportMetric(cSec/float64(b.N), "c-s/10k")
			b.ReportMetric(goSec/cSec, "go/c")
		})
	}
}

// BenchmarkMonitor1kHz: a writer puts a counter 1000 times a second for
// 5 s (catching up after a late tick, so that the average is 1 kHz even
// on a loaded machine whose timer ticks come late); the Go client and
// camonitor, subscribed before it starts, each count the updates they
// got and the gaps in the count. Reported: the rate written, each
// side's rate received (updates over the time from the first write to
// its last update) and lost updates.
func BenchmarkMonitor1kHz(b *testing.B) {
	const n = 5000
	camonitor := testenv.EPICSTool(b, "camonitor")
	stdbuf, err := exec.LookPath("stdbuf") // camonitor's stdout to a pipe, line by line
	if err != nil {
		b.Skip("no stdbuf (coreutils) to read camonitor line by line")
	}
	ioc := epicstest.Start(b)
	c, err := ca.NewClient(ioc.Config())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	w, err := c.Connect(b.Context(), ioc.PV("fast"))
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		w.PutWait(b.Context(), 0)
		rd, err := c.Connect(b.Context(), ioc.PV("fast"))
		if err != nil {
			b.Fatal(err)
		}
		sub, err := rd.Subscribe(ca.DBR(ca.Time, ca.Double), ca.MaskValue)
		if err != nil {
			b.Fatal(err)
		}
		sub.Next(b.Context()) // the current value
		cm := startCamonitor(b, ioc, stdbuf, camonitor, ioc.PV("fast"))
		start := time.Now()
		wrote := make(chan float64)
		go func() { wrote <- write1kHz(b, w, n) }()
		goLost, got, last := 0, 0, 0.0
		for got < n {
			v, err := sub.Next(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			x := v.Float64()
			if x > last+1 {
				goLost += int(x - last - 1)
			}
			goLost += v.Dropped
			last = x
			got++
			if x == n {
				break
			}
		}
		goSec := time.Since(start).Seconds()
		writeSec := <-wrote
		cmGot, cmLost, cmEnd := cm.wait(n)
		sub.Close()
		rd.Close()
		b.ReportMetric(n/writeSec, "written/s")
		b.ReportMetric(float64(got)/goSec, "go-updates/s")
		b.ReportMetric(float64(goLost), "go-lost")
		b.ReportMetric(float64(cmGot)/cmEnd.Sub(start).Seconds(), "camonitor-updates/s")
		b.ReportMetric(float64(cmLost), "camonitor-lost")
	}
}

// write1kHz puts 1, 2, ... n to w at 1000 a second on average: after a
// late tick it writes every value that is due. It returns the seconds
// it took.
func write1kHz(b *testing.B, w *ca.Channel, n int) float64 {
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for i := 1; i <= n; {
		<-tick.C
		for due := min(n, int(time.Since(start)/time.Millisecond)); i <= due; i++ {
			if err := w.Put(b.Context(), i); err != nil {
				b.Error(err)
				return time.Since(start).Seconds()
			}
		}
	}
	return time.Since(start).Seconds()
}

// monitorRun is a camonitor counting what it prints.
type monitorRun struct {
	cmd   *exec.Cmd
	lines chan monitorLine
}

type monitorLine struct {
	v  float64
	at time.Time
}

// startCamonitor runs camonitor on pv (its output line-buffered by
// stdbuf) and returns once it printed the current value.
func startCamonitor(b *testing.B, ioc *epicstest.IOC, stdbuf, camonitor, pv string) *monitorRun {
	b.Helper()
	cmd := exec.Command(stdbuf, "-oL", camonitor, pv)
	cmd.Env = append(os.Environ(), ioc.Env()...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	m := &monitorRun{cmd: cmd, lines: make(chan monitorLine, 100000)}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				continue
			}
			v, err := strconv.ParseFloat(f[len(f)-1], 64)
			if err == nil {
				m.lines <- monitorLine{v, time.Now()}
			}
		}
		close(m.lines)
	}()
	select {
	case <-m.lines: // the current value
	case <-time.After(30 * time.Second):
		b.Fatal("camonitor printed nothing within 30 s")
	}
	return m
}

// wait counts camonitor's updates until it printed n (or 10 s passed
// without one), then stops it: how many it got, how many it missed, and
// when it got the last.
func (m *monitorRun) wait(n int) (got, lost int, end time.Time) {
	last := 0.0
	defer func() { m.cmd.Process.Kill() }()
	for {
		select {
		case l, ok := <-m.lines:
			if !ok {
				return got, lost + n - int(last), end
			}
			if l.v > last+1 {
				lost += int(l.v - last - 1)
			}
			last, end = l.v, l.at
			got++
			if l.v >= float64(n) {
				return got, lost, end
			}
		case <-time.After(10 * time.Second):
			return got, lost + n - int(last), end
		}
	}
}

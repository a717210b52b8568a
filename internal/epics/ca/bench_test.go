package ca_test

import (
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

// runC runs the C side and returns its seconds (and, for monitor, the
// number it lost).
func runC(b *testing.B, ioc *epicstest.IOC, bin string, args ...string) []float64 {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), ioc.Env()...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		b.Fatalf("cabench %v: %v\n%s", args, err, errOut.String())
	}
	var vals []float64
	for _, f := range strings.Fields(out.String()) {
		x, _ := strconv.ParseFloat(f, 64)
		vals = append(vals, x)
	}
	return vals
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
				cSec += runC(b, ioc, bin, op, strconv.Itoa(roundTrips), ioc.PV("double"))[0]
			}
			b.ReportMetric(goSec/float64(b.N), "go-s/10k")
			b.ReportMetric(cSec/float64(b.N), "c-s/10k")
			b.ReportMetric(goSec/cSec, "go/c")
		})
	}
}

// BenchmarkMonitor1kHz: a writer puts a counter 1000 times a second for
// 5 s; the Go client and camonitor's library (cabench monitor) each
// subscribe at once and count the updates they got and lost.
func BenchmarkMonitor1kHz(b *testing.B) {
	const n = 5000
	bin := cabench(b)
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
		cDone := make(chan []float64)
		go func() { cDone <- runC(b, ioc, bin, "monitor", strconv.Itoa(n), ioc.PV("fast")) }()
		time.Sleep(500 * time.Millisecond) // the C side connects
		goLost, got := 0, 0
		last := 0.0
		start := time.Now()
		go func() {
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for i := 1; i <= n+100; i++ {
				<-tick.C
				w.Put(b.Context(), i)
			}
		}()
		for got < n {
			v, err := sub.Next(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			x := v.Float64()
			if last > 0 && x > last+1 {
				goLost += int(x - last - 1)
			}
			goLost += v.Dropped
			last = x
			got++
		}
		goSec := time.Since(start).Seconds()
		cRes := <-cDone
		sub.Close()
		rd.Close()
		b.ReportMetric(float64(got)/goSec, "go-updates/s")
		b.ReportMetric(float64(goLost), "go-lost")
		b.ReportMetric(float64(n)/cRes[0], "c-updates/s")
		b.ReportMetric(cRes[1], "c-lost")
	}
}

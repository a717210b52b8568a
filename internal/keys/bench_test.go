//go:build unix

package keys

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/ptytest"
	"github.com/concert-go/concert/internal/tasks"
)

// percentiles reports the 50th and 99th percentile of the latencies.
func percentiles(b *testing.B, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // the loop's time includes the untimed setup; the percentiles are the figures
}

// BenchmarkCtrlK measures from the ctrl-k byte written to the terminal
// until every task is cancelled and every device's emergency stop has
// returned, with 10,000 background tasks and 1,000 devices. Each device
// logs its stop: log=stderr writes those lines as a session log would,
// log=off shows the cost of the stop alone.
func BenchmarkCtrlK(b *testing.B) {
	b.Run("log=stderr", benchCtrlK)
	b.Run("log=off", func(b *testing.B) {
		old := slog.Default()
		slog.SetDefault(slog.New(slog.DiscardHandler))
		defer slog.SetDefault(old)
		benchCtrlK(b)
	})
}

func benchCtrlK(b *testing.B) {
	const nTasks, nDevices = 10_000, 1_000
	master, tty := ptytest.Open(b, 24, 80)
	devs := make([]*motors.Linear, nDevices)
	for i := range devs {
		devs[i] = motors.NewLinear(fmt.Sprintf("bench_m%d", i))
	}
	sched := tasks.NewScheduler(context.Background())
	type result struct {
		r   Report
		lat time.Duration
	}
	var (
		sent    atomic.Int64 // unix nanoseconds
		lat     []time.Duration
		stopped = make(chan result, 1)
	)
	ctx, cancel := context.WithCancel(context.Background())
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		Watch(ctx, tty, func(k byte) {
			if k == CtrlK {
				r := emergencyStop(context.Background(), sched, devices.EmergencyStopAll)
				stopped <- result{r, time.Duration(time.Now().UnixNano() - sent.Load())}
			}
		})
	}()
	defer func() { cancel(); <-watching }()
	waitMode(b, tty)
	for b.Loop() {
		b.StopTimer()
		ts := make([]*tasks.Task, nTasks)
		for i := range ts {
			ts[i] = sched.Start(block)
		}
		time.Sleep(20 * time.Millisecond) // let every goroutine park
		b.StartTimer()
		sent.Store(time.Now().UnixNano())
		master.Write([]byte{CtrlK})
		res := <-stopped
		b.StopTimer()
		r := res.r
		lat = append(lat, res.lat)
		if r.Tasks != nTasks || len(r.Stopped) < nDevices || !r.OK() {
			b.Fatalf("report %q; want %d tasks and %d devices stopped", r, nTasks, nDevices)
		}
		tasks.Gather(context.Background(), ts...)
		b.StartTimer()
	}
	percentiles(b, lat)
	for _, d := range devs { // keep the devices registered to the end
		_ = d.Name()
	}
}

// BenchmarkCtrlC measures from the ctrl-c byte written to the terminal
// until the foreground task sees its context cancelled.
func BenchmarkCtrlC(b *testing.B) {
	master, tty := ptytest.Open(b, 24, 80)
	sched := tasks.NewScheduler(context.Background())
	sh := NewShell(Config{TTY: tty, Out: io.Discard, Scheduler: sched, devices: func(context.Context) *devices.StopReport {
		return &devices.StopReport{}
	}})
	var lat []time.Duration
	for b.Loop() {
		b.StopTimer()
		var sent atomic.Int64
		seen := make(chan time.Duration, 1)
		fg := sched.Start(func(ctx context.Context) {
			<-ctx.Done()
			seen <- time.Duration(time.Now().UnixNano() - sent.Load())
		}, tasks.AsForeground())
		done := make(chan struct{})
		go func() { sh.Run(fg); close(done) }()
		waitMode(b, tty)
		b.StartTimer()
		sent.Store(time.Now().UnixNano())
		master.Write([]byte{CtrlC})
		d := <-seen
		b.StopTimer()
		lat = append(lat, d)
		<-done
		b.StartTimer()
	}
	percentiles(b, lat)
}

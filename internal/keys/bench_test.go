//go:build unix

package keys

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/ptytest"
	"github.com/concert-go/concert/internal/tasks"
)

// percentiles reports the 50th and 99th percentile of the latencies.
func percentiles(b *testing.B, what string, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), what+"-p50-ms")
	b.ReportMetric(at(0.99), what+"-p99-ms")
}

// BenchmarkCtrlK measures from the ctrl-k byte written to the terminal
// until every one of 10,000 background tasks has been cancelled and the
// emergency stop of every one of 1,000 devices has been called ("stop"),
// and until all those stops have returned and the report is made
// ("report"). Each device logs its stop: log=stderr writes those lines,
// as the session log does, log=off shows the cost of the stop alone.
func BenchmarkCtrlK(b *testing.B) {
	b.Run("log=stderr", benchCtrlK)
	b.Run("log=off", func(b *testing.B) {
		defer logs.Set(slog.New(slog.DiscardHandler), nil, nil)()
		benchCtrlK(b)
	})
}

func benchCtrlK(b *testing.B) {
	const nTasks, nDevices = 10_000, 1_000
	master, tty := ptytest.Open(b, 24, 80)
	var calls, lastCall atomic.Int64 // device stops called, and the last one's time (unix ns)
	devs := make([]*devices.Base, nDevices)
	for i := range devs {
		devs[i], _ = devices.New(devices.Config{Name: fmt.Sprintf("bench%d", i), EmergencyStop: func(context.Context) error {
			now := time.Now().UnixNano()
			for {
				last := lastCall.Load()
				if now <= last || lastCall.CompareAndSwap(last, now) {
					break
				}
			}
			calls.Add(1)
			return nil
		}})
	}
	sched := tasks.NewScheduler(context.Background())
	var (
		sent     atomic.Int64 // unix ns
		stopLat  []time.Duration
		repLat   []time.Duration
		reported = make(chan *devices.StopReport, 1)
	)
	ctx, cancel := context.WithCancel(context.Background())
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		Watch(ctx, tty, func(k byte) {
			if k == CtrlK {
				reported <- devices.EmergencyStopScheduler(context.Background(), sched, devices.EmergencyStopAll)
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
		calls.Store(0)
		time.Sleep(20 * time.Millisecond) // let every goroutine park
		runtime.GC()                      // the setup's garbage is not the stop's cost
		b.StartTimer()
		sent.Store(time.Now().UnixNano())
		master.Write([]byte{CtrlK})
		r := <-reported
		b.StopTimer()
		t0 := sent.Load()
		repLat = append(repLat, time.Duration(time.Now().UnixNano()-t0))
		stopLat = append(stopLat, time.Duration(max(r.Cancelled.UnixNano(), lastCall.Load())-t0))
		if r.Tasks != nTasks || calls.Load() < nDevices || !r.OK() {
			b.Fatalf("report %q after %d device stops; want %d tasks and %d devices", r, calls.Load(), nTasks, nDevices)
		}
		tasks.Gather(context.Background(), ts...)
		b.StartTimer()
	}
	percentiles(b, "stop", stopLat)
	percentiles(b, "report", repLat)
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
	percentiles(b, "cancel", lat)
}

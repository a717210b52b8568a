// Package countertest is the counter contract: the behaviour every
// counter driver (a scaler, a detector that counts for a time) must give
// its users, run as subtests against any driver. The dummy runs it in
// package counters; a real driver runs it against its server:
//
//	func TestContract(t *testing.T) {
//		countertest.Run(t, countertest.Setup{
//			New:       func(t *testing.T) counters.Driver { return newDriver(t) },
//			CountTime: 300 * q.MS,
//		})
//	}
package countertest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/counters"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver, once per subtest. Stop what it starts
	// with t.Cleanup.
	New func(t *testing.T) counters.Driver
	// CountTime is a count time, between 100 ms and a second, for which
	// the driver counts, so that a test can stop a count halfway.
	CountTime q.Duration
}

var ctx = context.Background()

var serial atomic.Int64

// recorder counts the counts asked of the driver and can make them fail.
type recorder struct {
	counters.Driver
	counts  atomic.Int64
	mu      sync.Mutex
	fail    error  // Count returns it
	panicky string // Count panics with it
	nan     bool   // Count gives NaN
}

func (r *recorder) Count(ctx context.Context, seconds float64) (float64, error) {
	r.counts.Add(1)
	r.mu.Lock()
	fail, p, nan := r.fail, r.panicky, r.nan
	r.mu.Unlock()
	switch {
	case p != "":
		panic(p)
	case fail != nil:
		return 0, fail
	case nan:
		return math.NaN(), nil
	}
	return r.Driver.Count(ctx, seconds)
}

func (r *recorder) with(f func(r *recorder)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

// counter is the counter under test, its count_time set to the Setup's.
type counter struct {
	*counters.Counter
	drv *recorder
}

func (s Setup) counter(t *testing.T) *counter {
	t.Helper()
	r := &recorder{Driver: s.New(t)}
	c := &counter{counters.New(fmt.Sprintf("contract_ctr%d", serial.Add(1)), r), r}
	if _, err := devtest.Within(t, "SetCountTime", c.SetCountTime(s.CountTime)); err != nil {
		t.Fatalf("SetCountTime(%v): %v", s.CountTime, err)
	}
	return c
}

// Run runs the counter contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"Count gives the counts in standby", count},
		{"cancel leaves counts and standby", cancelCount},
		{"emergency stop has the last word", emergencyStop},
		{"limits refuse before the driver", limitsRefuse},
		{"write lock refuses before the driver", lockRefuses},
		{"exclusive access waits", exclusiveWaits},
		{"state errors and a second Count", stateErrors},
		{"driver error fails naming the device", driverError},
		{"driver panic fails naming the device", driverPanic},
		{"NaN from the driver fails naming the device", driverNaN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

func wantStandby(t *testing.T, c *counter, when string) {
	t.Helper()
	if st := c.State(); st != devices.Standby {
		t.Errorf("state %s = %s; want standby", when, st)
	}
}

func count(t *testing.T, s Setup) {
	c := s.counter(t)
	v, err := devtest.Within(t, "Count", c.Count())
	n, ok := v.(float64)
	if err != nil || !ok || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		t.Fatalf("Count = %v (%T), %v; want a finite count", v, v, err)
	}
	if got := c.Counts(); got != n {
		t.Errorf("counts after Count = %v; want %v", got, n)
	}
	wantStandby(t, c, "after Count")
}

// counting starts a Count and returns once the driver counts.
func counting(t *testing.T, c *counter) *tasks.Task {
	t.Helper()
	ct := c.Count()
	devtest.Eventually(t, "the driver counting", func() bool { return c.drv.counts.Load() > 0 })
	time.Sleep(20 * time.Millisecond) // into the count
	if ct.State().Ended() {
		t.Fatalf("Count ended within 20 ms (%v); Setup.CountTime must make it take 100 ms", ct.State())
	}
	if st := c.State(); st != devices.Counting {
		t.Errorf("state while counting = %s; want counting", st)
	}
	return ct
}

func cancelCount(t *testing.T, s Setup) {
	c := s.counter(t)
	before := c.Counts()
	ct := counting(t, c)
	ct.Cancel()
	if _, err := devtest.Within(t, "cancelled Count", ct); !errors.Is(err, tasks.ErrCancelled) {
		t.Fatalf("cancelled Count: error = %v; want cancelled", err)
	}
	wantStandby(t, c, "after cancel")
	if got := c.Counts(); got != before {
		t.Errorf("counts after a cancelled Count = %v; want %v, unchanged", got, before)
	}
}

func emergencyStop(t *testing.T, s Setup) {
	c := s.counter(t)
	ct := counting(t, c)
	if err := c.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if _, err := devtest.Within(t, "stopped Count", ct); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("Count after the emergency stop: error = %v; want emergency stop", err)
	}
	wantStandby(t, c, "after the emergency stop")
	time.Sleep(50 * time.Millisecond)
	wantStandby(t, c, "a while after the emergency stop")
	if _, err := devtest.Within(t, "Count after", c.Count()); err != nil {
		t.Errorf("Count after the emergency stop: %v", err)
	}
}

// untouched checks that a refused operation did not reach the driver.
func untouched(t *testing.T, c *counter, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v; want one beginning %q", err, want)
	}
	if n := c.drv.counts.Load(); n != 0 {
		t.Errorf("the driver was asked to count %d times; want 0", n)
	}
	wantStandby(t, c, "after the refusal")
}

func limitsRefuse(t *testing.T, s Setup) {
	c := s.counter(t)
	if err := c.Param("count_time").SetLimits(q.NoLimit, s.CountTime); err != nil {
		t.Fatal(err)
	}
	_, err := devtest.Within(t, "set", c.SetCountTime(2*s.CountTime))
	var le *devices.LimitError
	if !errors.As(err, &le) {
		t.Errorf("SetCountTime beyond the limit: error = %v; want a LimitError", err)
	}
	untouched(t, c, err, c.Name()+".count_time: ")
	_, err = devtest.Within(t, "set", c.SetCountTime(-s.CountTime))
	if !errors.As(err, &le) {
		t.Errorf("negative SetCountTime: error = %v; want a LimitError", err)
	}
	untouched(t, c, err, c.Name()+".count_time: ")
	if got := c.CountTime(); got != s.CountTime {
		t.Errorf("count_time after the refusals = %v; want %v", got, s.CountTime)
	}
}

func lockRefuses(t *testing.T, s Setup) {
	c := s.counter(t)
	c.Lock(false)
	_, err := devtest.Within(t, "Count", c.Count())
	untouched(t, c, err, c.Name()+": locked")
	_, err = devtest.Within(t, "set", c.SetCountTime(s.CountTime))
	untouched(t, c, err, c.Name()+": locked")
}

func exclusiveWaits(t *testing.T, s Setup) {
	c := s.counter(t)
	devtest.ExclusiveWaits(t, c, "Count", c.Count, c.drv.counts.Load)
}

func stateErrors(t *testing.T, s Setup) {
	c := s.counter(t)
	ct := counting(t, c)
	defer ct.Cancel()
	_, err := devtest.Within(t, "second Count", c.Count())
	var be *devices.BusyError
	if !errors.As(err, &be) {
		t.Errorf("Count while counting: error = %v; want a BusyError", err)
	}
	_, err = devtest.Within(t, "set", c.SetCountTime(s.CountTime))
	if want := c.Name() + ": cannot SetCountTime in state counting (only in standby)"; err == nil || err.Error() != want {
		t.Errorf("SetCountTime while counting: error = %v; want %q", err, want)
	}
}

func failing(t *testing.T, s Setup, f func(r *recorder), want string) {
	t.Helper()
	c := s.counter(t)
	before := c.Counts()
	c.drv.with(f)
	_, err := devtest.Within(t, "Count", c.Count())
	if want = c.Name() + ": Count: " + want; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	wantStandby(t, c, "after the failed Count")
	if got := c.Counts(); got != before {
		t.Errorf("counts after a failed Count = %v; want %v, unchanged", got, before)
	}
}

func driverError(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.fail = errors.New("gate signal lost") }, "gate signal lost")
}

func driverPanic(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.panicky = "index out of range" }, "driver panicked: index out of range")
}

func driverNaN(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.nan = true }, "the driver counted NaN; check the driver")
}

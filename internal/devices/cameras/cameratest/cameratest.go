// Package cameratest is the camera contract: the behaviour every camera
// driver must give its users, run as subtests against any driver. The
// dummy runs it in package cameras; a real driver runs it against its
// server:
//
//	func TestContract(t *testing.T) {
//		cameratest.Run(t, cameratest.Setup{
//			New: func(t *testing.T) (cameras.Driver, cameras.Options) {
//				return newDriver(t), cameras.Options{MaxExposure: 10}
//			},
//			Exposure: 0.3,
//		})
//	}
package cameratest

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
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// Setup says how to make the driver under test.
type Setup struct {
	// New makes a fresh driver, not recording, and its options, once per
	// subtest. Stop what it starts with t.Cleanup.
	New func(t *testing.T) (cameras.Driver, cameras.Options)
	// Exposure is an exposure time in seconds, inside every limit, with
	// which a Grab takes at least 100 ms, so that a test can cancel it
	// halfway, and at most a second.
	Exposure float64
}

var ctx = context.Background()

var serial atomic.Int64

// recorder counts what the driver is asked to do and can make it fail.
type recorder struct {
	cameras.Driver
	sets, grabs, starts, stops atomic.Int64
	mu                         sync.Mutex
	fail                       error  // the sets, Grab and StartRecording return it
	panicky                    string // and panic with it
	nan                        bool   // ExposureTime and FrameRate read NaN
	noFrame                    bool   // Grab gives nil
}

func (r *recorder) failure() error {
	r.mu.Lock()
	fail, p := r.fail, r.panicky
	r.mu.Unlock()
	if p != "" {
		panic(p)
	}
	return fail
}

func (r *recorder) set(f func() error) error {
	r.sets.Add(1)
	if err := r.failure(); err != nil {
		return err
	}
	return f()
}

func (r *recorder) SetExposureTime(ctx context.Context, s float64) error {
	return r.set(func() error { return r.Driver.SetExposureTime(ctx, s) })
}

func (r *recorder) SetFrameRate(ctx context.Context, hz float64) error {
	return r.set(func() error { return r.Driver.SetFrameRate(ctx, hz) })
}

func (r *recorder) SetTriggerMode(ctx context.Context, m cameras.TriggerMode) error {
	return r.set(func() error { return r.Driver.SetTriggerMode(ctx, m) })
}

func (r *recorder) read(ctx context.Context, f func(context.Context) (float64, error)) (float64, error) {
	r.mu.Lock()
	nan := r.nan
	r.mu.Unlock()
	if nan {
		return math.NaN(), nil
	}
	return f(ctx)
}

func (r *recorder) ExposureTime(ctx context.Context) (float64, error) {
	return r.read(ctx, r.Driver.ExposureTime)
}

func (r *recorder) FrameRate(ctx context.Context) (float64, error) {
	return r.read(ctx, r.Driver.FrameRate)
}

func (r *recorder) Grab(ctx context.Context) (*cameras.Frame, error) {
	r.grabs.Add(1)
	if err := r.failure(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	none := r.noFrame
	r.mu.Unlock()
	if none {
		return nil, nil
	}
	return r.Driver.Grab(ctx)
}

func (r *recorder) StartRecording(ctx context.Context) error {
	r.starts.Add(1)
	if err := r.failure(); err != nil {
		return err
	}
	return r.Driver.StartRecording(ctx)
}

func (r *recorder) StopRecording(ctx context.Context) error {
	r.stops.Add(1)
	return r.Driver.StopRecording(ctx)
}

func (r *recorder) with(f func(r *recorder)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

// camera is the camera under test with the driver's calls counted.
type camera struct {
	*cameras.Device
	drv *recorder
}

func (s Setup) camera(t *testing.T) *camera {
	t.Helper()
	d, o := s.New(t)
	r := &recorder{Driver: d}
	c := &camera{cameras.NewDevice(fmt.Sprintf("contract_cam%d", serial.Add(1)), r, o), r}
	t.Cleanup(func() { c.EmergencyStop(ctx) }) // never leave one recording
	return c
}

func (s Setup) exposure() q.Duration { return q.Duration(s.Exposure) * q.S }

// Run runs the camera contract against the driver Setup makes.
func Run(t *testing.T, s Setup) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s Setup)
	}{
		{"sets read back in their units", sets},
		{"Grab gives numbered frames", grab},
		{"cancelled Grab gives no frame, standby", cancelGrab},
		{"emergency stop has the last word", emergencyStop},
		{"limits refuse before the driver", limitsRefuse},
		{"bad trigger mode refuses before the driver", triggerRefuses},
		{"write lock refuses before the driver", lockRefuses},
		{"bad unit refuses before the driver", unitRefuses},
		{"exclusive access waits", exclusiveWaits},
		{"state errors", stateErrors},
		{"driver error fails naming the device", driverError},
		{"driver panic fails naming the device", driverPanic},
		{"bad frame or NaN from the driver fails naming the device", driverNonsense},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

func wantState(t *testing.T, c *camera, want devices.State, when string) {
	t.Helper()
	if st := c.State(); st != want {
		t.Errorf("state %s = %s; want %s", when, st, want)
	}
}

func await(t *testing.T, what string, task *tasks.Task) any {
	t.Helper()
	v, err := devtest.Within(t, what, task)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func sets(t *testing.T, s Setup) {
	c := s.camera(t)
	await(t, "SetExposureTime", c.SetExposureTime(s.exposure()))
	if got := c.ExposureTime(); math.Abs(float64(got-s.exposure())) > 1e-9 {
		t.Errorf("ExposureTime() = %v; want %v", got, s.exposure())
	}
	rate := c.FrameRate()
	await(t, "SetFrameRate", c.SetFrameRate(rate))
	if got := c.FrameRate(); math.Abs(float64(got-rate)) > 1e-9*float64(rate) {
		t.Errorf("FrameRate() = %v; want %v", got, rate)
	}
	for _, m := range []cameras.TriggerMode{cameras.Software, cameras.Auto} {
		await(t, "SetTriggerMode", c.SetTriggerMode(m))
		if got := c.TriggerMode(); got != m {
			t.Errorf("TriggerMode() = %v; want %v", got, m)
		}
	}
	wantState(t, c, devices.Standby, "after the sets")
}

// frame checks that v is a sound frame numbered n.
func frame(t *testing.T, v any, n int) {
	t.Helper()
	f, ok := v.(*cameras.Frame)
	switch {
	case !ok || f == nil:
		t.Fatalf("Grab gave %T; want a *cameras.Frame", v)
	case f.Number != n:
		t.Errorf("frame number %d; want %d", f.Number, n)
	case f.Width <= 0 || f.Height <= 0 || len(f.Pixels) != f.Width*f.Height:
		t.Errorf("frame %dx%d with %d pixels", f.Width, f.Height, len(f.Pixels))
	case f.Exposure <= 0:
		t.Errorf("frame exposure %v; want the exposure time", f.Exposure)
	}
}

func grab(t *testing.T, s Setup) {
	c := s.camera(t)
	frame(t, await(t, "Grab", c.Grab()), 1)
	frame(t, await(t, "Grab", c.Grab()), 2)
	wantState(t, c, devices.Standby, "after Grab")
}

// grabbing starts a Grab with the long exposure and returns once the
// driver exposes.
func grabbing(t *testing.T, s Setup, c *camera) *tasks.Task {
	t.Helper()
	g := c.Grab()
	devtest.Eventually(t, "the driver grabbing", func() bool { return c.drv.grabs.Load() > 0 })
	time.Sleep(20 * time.Millisecond) // into the exposure
	if g.State().Ended() {
		t.Fatalf("Grab ended within 20 ms (%v); Setup.Exposure must make it take 100 ms", g.State())
	}
	return g
}

func cancelGrab(t *testing.T, s Setup) {
	c := s.camera(t)
	await(t, "SetExposureTime", c.SetExposureTime(s.exposure()))
	g := grabbing(t, s, c)
	g.Cancel()
	if v, err := devtest.Within(t, "cancelled Grab", g); !errors.Is(err, tasks.ErrCancelled) || v != nil {
		t.Fatalf("cancelled Grab = %v, %v; want no frame, cancelled", v, err)
	}
	wantState(t, c, devices.Standby, "after the cancel")
	frame(t, await(t, "Grab after", c.Grab()), 1) // the cancelled one has no number
}

func emergencyStop(t *testing.T, s Setup) {
	c := s.camera(t)
	await(t, "SetExposureTime", c.SetExposureTime(s.exposure()))
	await(t, "StartRecording", c.StartRecording())
	wantState(t, c, devices.Recording, "after StartRecording")
	g := grabbing(t, s, c)
	if err := c.EmergencyStop(ctx); err != nil {
		t.Fatalf("EmergencyStop: %v", err)
	}
	if _, err := devtest.Within(t, "stopped Grab", g); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("Grab after the emergency stop: error = %v; want emergency stop", err)
	}
	if c.drv.stops.Load() == 0 {
		t.Errorf("the emergency stop did not ask the driver to stop recording")
	}
	wantState(t, c, devices.Standby, "after the emergency stop")
	time.Sleep(50 * time.Millisecond)
	wantState(t, c, devices.Standby, "a while after the emergency stop")
	await(t, "StartRecording after", c.StartRecording())
	await(t, "StopRecording after", c.StopRecording())
}

// untouched checks that a refused operation did not reach the driver.
func untouched(t *testing.T, c *camera, err error, want string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v; want one beginning %q", err, want)
	}
	if n := c.drv.sets.Load() + c.drv.grabs.Load() + c.drv.starts.Load(); n != 0 {
		t.Errorf("the driver was asked %d times to set, grab or record; want 0", n)
	}
	wantState(t, c, devices.Standby, "after the refusal")
}

func limitsRefuse(t *testing.T, s Setup) {
	c := s.camera(t)
	if err := c.Param("exposure_time").SetLimits(q.NoLimit, s.exposure()/2); err != nil {
		t.Fatal(err)
	}
	_, err := devtest.Within(t, "set", c.SetExposureTime(s.exposure()))
	var le *devices.LimitError
	if !errors.As(err, &le) {
		t.Errorf("SetExposureTime beyond the limit: error = %v; want a LimitError", err)
	}
	untouched(t, c, err, c.Name()+".exposure_time: ")
	_, err = devtest.Within(t, "set", c.SetFrameRate(-1*q.Hz))
	if !errors.As(err, &le) {
		t.Errorf("negative SetFrameRate: error = %v; want a LimitError", err)
	}
	untouched(t, c, err, c.Name()+".frame_rate: ")
}

func triggerRefuses(t *testing.T, s Setup) {
	c := s.camera(t)
	_, err := devtest.Within(t, "set", c.SetTriggerMode("sometimes"))
	untouched(t, c, err, c.Name()+`.trigger_mode: unknown trigger mode "sometimes" (want cameras.Auto, cameras.Software or cameras.External)`)
}

func lockRefuses(t *testing.T, s Setup) {
	c := s.camera(t)
	c.Lock(false)
	_, err := devtest.Within(t, "set", c.SetExposureTime(s.exposure()))
	untouched(t, c, err, c.Name()+": locked")
	_, err = devtest.Within(t, "set", c.SetTriggerMode(cameras.Software))
	untouched(t, c, err, c.Name()+": locked")
}

func unitRefuses(t *testing.T, s Setup) {
	c := s.camera(t)
	_, err := devtest.Within(t, "set", c.Param("exposure_time").Set(s.Exposure))
	untouched(t, c, err, c.Name()+".exposure_time: ")
	_, err = devtest.Within(t, "set", c.Param("frame_rate").Set(2*q.MM))
	untouched(t, c, err, c.Name()+".frame_rate: 2 mm is not a")
}

func exclusiveWaits(t *testing.T, s Setup) {
	c := s.camera(t)
	devtest.ExclusiveWaits(t, c, "Grab", c.Grab, c.drv.grabs.Load)
}

func stateErrors(t *testing.T, s Setup) {
	c := s.camera(t)
	_, err := devtest.Within(t, "StopRecording", c.StopRecording())
	if want := c.Name() + ": cannot StopRecording in state standby (only in recording)"; err == nil || err.Error() != want {
		t.Errorf("StopRecording in standby: error = %v; want %q", err, want)
	}
	await(t, "StartRecording", c.StartRecording())
	_, err = devtest.Within(t, "StartRecording", c.StartRecording())
	if want := c.Name() + ": cannot StartRecording in state recording (only in standby)"; err == nil || err.Error() != want {
		t.Errorf("StartRecording when recording: error = %v; want %q", err, want)
	}
	sets := c.drv.sets.Load()
	_, err = devtest.Within(t, "set", c.SetFrameRate(c.FrameRate()))
	if want := c.Name() + ": cannot SetFrameRate in state recording (only in standby)"; err == nil || err.Error() != want {
		t.Errorf("SetFrameRate when recording: error = %v; want %q", err, want)
	}
	if c.drv.sets.Load() != sets || c.drv.starts.Load() != 1 {
		t.Errorf("refused operations reached the driver")
	}
	await(t, "StopRecording", c.StopRecording())
	wantState(t, c, devices.Standby, "after StopRecording")
}

func failing(t *testing.T, s Setup, f func(r *recorder), want string) {
	t.Helper()
	c := s.camera(t)
	c.drv.with(f)
	for _, op := range []struct {
		name string
		task func() *tasks.Task
		err  string
	}{
		{"Grab", c.Grab, c.Name() + ": Grab: "},
		{"StartRecording", c.StartRecording, c.Name() + ": StartRecording: "},
		{"SetExposureTime", func() *tasks.Task { return c.SetExposureTime(s.exposure()) }, c.Name() + ".exposure_time: "},
	} {
		_, err := devtest.Within(t, op.name, op.task())
		if w := op.err + want; err == nil || err.Error() != w {
			t.Errorf("%s: error = %v; want %q", op.name, err, w)
		}
		wantState(t, c, devices.Standby, "after the failed "+op.name)
	}
}

func driverError(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.fail = errors.New("sensor overheated") }, "sensor overheated")
}

func driverPanic(t *testing.T, s Setup) {
	failing(t, s, func(r *recorder) { r.panicky = "index out of range" }, "driver panicked: index out of range")
}

func driverNonsense(t *testing.T, s Setup) {
	c := s.camera(t)
	c.drv.with(func(r *recorder) { r.noFrame, r.nan = true, true })
	_, err := devtest.Within(t, "Grab", c.Grab())
	if want := c.Name() + ": Grab: the driver gave no frame; check the driver"; err == nil || err.Error() != want {
		t.Errorf("Grab of no frame: error = %v; want %q", err, want)
	}
	for _, p := range []string{"exposure_time", "frame_rate"} {
		_, err := devtest.Within(t, "get", c.Param(p).Get())
		if want := c.Name() + "." + p + ": the driver read NaN; check the driver"; err == nil || err.Error() != want {
			t.Errorf("get %s: error = %v; want %q", p, err, want)
		}
	}
}

package scans

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/data/datatest"
	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/counters"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/photodiodes"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/ptytest"
	"github.com/concert-go/concert/internal/tasks"
)

// setup gives a data directory of the test's own and a fast motor.
func setup(t *testing.T, name string) (string, *motors.Linear) {
	t.Helper()
	dir := t.TempDir()
	if err := data.Configure("test", dir); err != nil {
		t.Fatal(err)
	}
	Configure(Config{})
	m := motors.NewLinear(name)
	if _, err := m.SetMotionVelocity(1 * q.MPerS).Await(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func await(t *testing.T, task *tasks.Task) (*Result, error) {
	t.Helper()
	v, err := task.Await(context.Background())
	r, _ := v.(*Result)
	return r, err
}

func TestAscanMeasuresEveryPointAndWritesTheRun(t *testing.T) {
	dir, m := setup(t, "sm1")
	diode := photodiodes.New("sdiode1")
	diode.Simulate(2 * q.V)
	peak := Func("peak", func(ctx context.Context) (float64, error) {
		x := m.Position().In(q.MM)
		return math.Exp(-x * x), nil
	})
	r, err := await(t, Ascan(m, -1*q.MM, 1*q.MM, 4, diode, peak))
	if err != nil {
		t.Fatal(err)
	}
	if r.String() != "run 1: 5 points" {
		t.Errorf("result prints %q", r)
	}
	rows := datatest.ReadCSV(t, filepath.Join(dir, "run_0001", "points.csv"))
	want := []string{
		"point,sm1.position [mm],sdiode1.intensity [V],peak",
		"1,-1,2,0.36787944117144233",
		"2,-0.5,2,0.7788007830714049",
		"3,0,2,1",
		"4,0.5,2,0.7788007830714049",
		"5,1,2,0.36787944117144233",
	}
	for i, w := range want {
		if i >= len(rows) || strings.Join(rows[i], ",") != w {
			t.Fatalf("points.csv = %v, want %v", rows, want)
		}
	}
	meta, err := data.ReadMeta(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Kind != "ascan" || meta.Status != data.Done || meta.Points != 5 || meta.Session != "test" {
		t.Errorf("meta = %+v", meta)
	}
	if b := meta.Baseline["sdiode1"]; b.Params["intensity"].Text != "2 V" {
		t.Errorf("baseline of the diode = %+v", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "run_0001", "plot.png")); err != nil {
		t.Error(err)
	}
	// ascan does not go back.
	if got := m.Position(); got != 1*q.MM {
		t.Errorf("motor at %s after ascan, want 1 mm", got)
	}
}

// A dscan cancelled halfway (ctrl-c) leaves its motor back at the start,
// keeps its points on disk, and its task ends cancelled.
func TestDscanCancelledGoesBackAndKeepsItsPoints(t *testing.T) {
	dir, m := setup(t, "sm2")
	if _, err := m.SetPosition(3 * q.MM).Await(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := 0
	reached := make(chan struct{})
	slow := Func("slow", func(ctx context.Context) (int, error) {
		n++
		if n == 4 {
			close(reached)
		}
		return n, sleepCtx(ctx, 20*time.Millisecond)
	})
	task := Dscan(m, -2*q.MM, 2*q.MM, 20, slow)
	<-reached
	task.CancelCause(tasks.ErrInterrupted)
	_, err := await(t, task)
	if !errors.Is(err, context.Canceled) || task.State() != tasks.Cancelled {
		t.Fatalf("cancelled dscan: %v, state %s", err, task.State())
	}
	if got := m.Position(); got != 3*q.MM {
		t.Errorf("motor at %s after a cancelled dscan, want back at 3 mm", got)
	}
	rows := datatest.ReadCSV(t, filepath.Join(dir, "run_0001", "points.csv"))
	if len(rows) < 4 || rows[1][1] != "1" {
		t.Fatalf("points kept: %v", rows)
	}
	meta, _ := data.ReadMeta(dir, 1)
	if meta.Status != data.Cancelled || meta.Points != len(rows)-1 || meta.Planned != 21 {
		t.Errorf("meta = %+v", meta)
	}
}

// A scan whose detector is emergency-stopped while it counts (ctrl-k
// reaches the detector's count before the scan's own task) ends
// cancelled by the emergency stop, as a ctrl-k that reaches the scan
// first does, not failed; a dscan then does not go back.
func TestScanEmergencyStoppedDetectorIsCancelled(t *testing.T) {
	dir, m := setup(t, "sm8")
	det := counters.NewDummy("sdet8")
	task := Dscan(m, -1*q.MM, 1*q.MM, 4, Count(det, 2*q.S))
	for det.State() != devices.Counting && task.State() == tasks.Running {
		time.Sleep(5 * time.Millisecond)
	}
	if err := det.EmergencyStop(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := await(t, task)
	if !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Fatalf("the scan: %v; want the emergency stop", err)
	}
	meta, _ := data.ReadMeta(dir, 1)
	if meta.Status != data.Cancelled || meta.Error != "emergency stop" {
		t.Errorf("run 1: status %s (%s); want cancelled (emergency stop)", meta.Status, meta.Error)
	}
	if at := m.Position(); at != -1*q.MM {
		t.Errorf("the motor is at %v after the emergency stop; want it left at the first point, -1 mm", at)
	}
}

// Flats whose camera is emergency-stopped while it grabs leave the
// sample out of the beam: nothing moves after an emergency stop, also
// when it reaches the camera before the acquisition's task.
func TestFlatsEmergencyStoppedCameraMovesNothingBack(t *testing.T) {
	_, m := setup(t, "sm9")
	cam := cameras.New("scam9")
	cam.SetExposureTime(2 * q.S).Await(context.Background())
	task := Acquire("tomo", Flats(cam, shutters.New("ssh9"), m, 5*q.MM, 2))
	for m.Position() != 5*q.MM && task.State() == tasks.Running {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // into the first frame's 2 s
	if err := cam.EmergencyStop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := await(t, task); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Fatalf("the flats: %v; want the emergency stop", err)
	}
	if at := m.Position(); at != 5*q.MM {
		t.Errorf("the flat motor is at %v after the emergency stop; want it left out of the beam at 5 mm", at)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// An emergency stop never moves anything back.
func TestDscanEmergencyStopDoesNotGoBack(t *testing.T) {
	_, m := setup(t, "sm3")
	reached := make(chan struct{})
	n := 0
	f := Func("f", func(ctx context.Context) (int, error) {
		if n++; n == 3 {
			close(reached)
		}
		return n, sleepCtx(ctx, 10*time.Millisecond)
	})
	task := Dscan(m, 0*q.MM, 5*q.MM, 10, f)
	<-reached
	task.CancelCause(tasks.ErrEmergencyStop)
	await(t, task)
	if got := m.Position(); got == 0 {
		t.Errorf("motor went back to the start after an emergency stop")
	}
}

func TestBadInputEndsWithOneClearLine(t *testing.T) {
	dir, m := setup(t, "sm4")
	if err := m.Param("position").SetLimits(-10*q.MM, 10*q.MM); err != nil {
		t.Fatal(err)
	}
	calls := 0
	fails7 := Func("f", func() (int, error) {
		if calls++; calls == 7 {
			return 0, errors.New("detector saturated")
		}
		return calls, nil
	})
	for _, tc := range []struct {
		name string
		task *tasks.Task
		want string
	}{
		{"zero points", Scan(m, 0*q.MM, 1*q.MM, 0), "scan: 0 points; give at least 1"},
		{"zero intervals", Ascan(m, 0*q.MM, 1*q.MM, 0), "ascan: 0 intervals; give at least 1"},
		{"past the limits", Ascan(m, 0*q.MM, 20*q.MM, 20), "ascan: point 12 of 21: sm4.position: 11 mm > upper limit 10 mm; nothing moved"},
		{"no unit", Ascan(m, 0, 2*q.MM, 2), "ascan: start 0 has no unit; write 0 * q.MM"},
		{"wrong unit", Ascan(m, 0*q.Deg, 2*q.Deg, 2), "ascan: start 0 deg is a angle, want a length (e.g. 1 * q.MM)"},
		{"bad measure", Ascan(m, 0*q.MM, 2*q.MM, 2, "x"), `ascan: cannot measure a string: give a parameter (diode.Param("intensity")), a camera, a function or measure("name", f)`},
		{"fails at point 7", Ascan(m, 0*q.MM, 1*q.MM, 10, fails7), "ascan: point 7 of 11: measure f: detector saturated; points 1-6 are saved in run 1"},
	} {
		_, err := await(t, tc.task)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v\nwant %s", tc.name, err, tc.want)
		}
	}
	if got := m.Position(); got.String() != "600 µm" {
		t.Errorf("motor at %s; the refused scans must not move it", got)
	}
	rows := datatest.ReadCSV(t, filepath.Join(dir, "run_0001", "points.csv"))
	if len(rows) != 7 || rows[6][0] != "6" {
		t.Errorf("points before the failure: %v", rows)
	}
	meta, _ := data.ReadMeta(dir, 1)
	if meta.Status != data.Failed || !strings.Contains(meta.Error, "detector saturated") {
		t.Errorf("meta = %+v", meta)
	}
	if runs, _ := data.List(dir); len(runs) != 1 {
		t.Errorf("%d runs; refused scans must not make one", len(runs))
	}
}

func TestMeshVisitsEveryCombinationFirstAxisSlowest(t *testing.T) {
	dir, y := setup(t, "sy")
	x := motors.NewLinear("sx")
	x.SetMotionVelocity(1 * q.MPerS).Await(context.Background())
	r, err := await(t, Mesh(Grid(y, 0*q.MM, 1*q.MM, 2), Grid(x, 0*q.MM, 2*q.MM, 3), GoBack(true)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range datatest.ReadCSV(t, filepath.Join(r.Dir, "points.csv"))[1:] {
		got = append(got, row[1]+"/"+row[2])
	}
	if strings.Join(got, " ") != "0/0 0/1 0/2 1/0 1/1 1/2" {
		t.Errorf("mesh order %v", got)
	}
	if y.Position() != 0 || x.Position() != 0 {
		t.Errorf("GoBack(true) left the motors at %s, %s", y.Position(), x.Position())
	}
	_ = dir
}

// A motor in two grids of one mesh is refused before anything moves or
// a run is written, naming it.
func TestMeshRefusesAnAxisTwice(t *testing.T) {
	dir, m := setup(t, "sd")
	_, err := await(t, Mesh(Grid(m, 0*q.MM, 1*q.MM, 2), Grid(m, 0*q.MM, 2*q.MM, 3)))
	if err == nil || err.Error() != "mesh: sd.position is in two grids; give each axis once" {
		t.Fatalf("mesh of one motor twice: %v", err)
	}
	if runs, _ := filepath.Glob(filepath.Join(dir, "run_*")); len(runs) != 0 || m.Position() != 0 {
		t.Errorf("the refused mesh wrote %v and left the motor at %v", runs, m.Position())
	}
}

// A measure given twice is refused before anything moves: its two
// columns would have one name, and a counter would count twice a point.
func TestScanRefusesAMeasureTwice(t *testing.T) {
	dir, m := setup(t, "sm10")
	det := counters.NewDummy("sdet10")
	_, err := await(t, Ascan(m, 0*q.MM, 1*q.MM, 2, det, Count(det, 10*q.MS)))
	if err == nil || err.Error() != "ascan: sdet10.counts is given twice; give each measure once (name a function's measure apart)" {
		t.Fatalf("ascan with det twice: %v", err)
	}
	if runs, _ := filepath.Glob(filepath.Join(dir, "run_*")); len(runs) != 0 {
		t.Errorf("the refused ascan wrote %v", runs)
	}
}

func TestListScanAndFocus(t *testing.T) {
	_, m := setup(t, "sm5")
	pts, err := Linspace(0*q.MM, 1*q.MM, 3)
	if err != nil || pts.String() != "[0 mm 500 µm 1 mm]" {
		t.Fatalf("Linspace = %v, %v", pts, err)
	}
	r, err := await(t, ListScan(m, []any{2 * q.MM, 1 * q.MM}, m.Param("position")))
	if err != nil || r.Points != 2 || r.Rows[1][2] != 1.0 {
		t.Fatalf("lscan = %+v, %v", r, err)
	}
	// A peak at 1.23 mm, found to better than the coarse step of 0.5 mm.
	gauss := Func("signal", func() (float64, error) {
		x := m.Position().In(q.MM) - 1.23
		return math.Exp(-x * x), nil
	})
	r, err = await(t, Focus(m, -2*q.MM, 3*q.MM, 11, gauss))
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(r.Peak.(q.Length).In(q.MM) - 1.23); d > 0.02 {
		t.Errorf("focus found %s, want 1.23 mm", r.Peak)
	}
	if m.Position() != r.Peak {
		t.Errorf("focus left the motor at %s, not at the peak %s", m.Position(), r.Peak)
	}
}

func TestArange(t *testing.T) {
	p, err := Arange(0*q.MM, 1*q.MM, 250*q.UM)
	if err != nil || p.String() != "[0 mm 250 µm 500 µm 750 µm]" {
		t.Errorf("Arange = %v, %v", p, err)
	}
	if _, err := Arange(0*q.MM, 1*q.MM, -1*q.MM); err == nil {
		t.Error("Arange with the wrong sign of step gave no error")
	}
	if _, err := Linspace(0*q.MM, 1*q.Deg, 3); err == nil || err.Error() != "linspace: stop 1 deg is a angle, want a length (e.g. 1 * q.MM)" {
		t.Errorf("Linspace of mixed units: %v", err)
	}
}

func TestFrameMeanWritesTIFFs(t *testing.T) {
	_, m := setup(t, "sm6")
	cam := cameras.New("scam")
	cam.SetExposureTime(1 * q.MS).Await(context.Background())
	r, err := await(t, Ascan(m, 0*q.MM, 1*q.MM, 2, cam))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(r.Dir, "frames", "scam", "*.tif"))
	if len(files) != 3 || r.Columns[2] != "scam.mean" {
		t.Errorf("frames %v, columns %v", files, r.Columns)
	}
}

// TestMain keeps the devices' logs out of the test output and removes the
// binary the end-to-end tests built.
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ptytest.Main(m)
}

// Count counts a counter for the time given at every point; a counter
// passed as it is counts for its own count_time (it does not just read
// the last counts). A count time past the counter's limits refuses the
// scan before anything moves.
func TestCountMeasuresWithACounter(t *testing.T) {
	dir, m := setup(t, "sm7")
	det := counters.NewDummy("sdet") // 1000 counts per second
	r, err := await(t, Ascan(m, 0*q.MM, 1*q.MM, 2, Count(det, 20*q.MS)))
	if err != nil {
		t.Fatal(err)
	}
	rows := datatest.ReadCSV(t, filepath.Join(r.Dir, "points.csv"))
	if strings.Join(rows[0], ",") != "point,sm7.position [mm],sdet.counts" || len(rows) != 4 || rows[3][2] != "20" {
		t.Errorf("points.csv = %v", rows)
	}
	if got := det.CountTime(); got != 20*q.MS {
		t.Errorf("count_time = %s after count(det, 20 ms)", got)
	}
	if _, err := det.SetCountTime(5 * q.MS).Await(context.Background()); err != nil {
		t.Fatal(err)
	}
	r, err = await(t, Ascan(m, 1*q.MM, 0*q.MM, 1, det))
	if err != nil || r.Columns[2] != "sdet.counts" || r.Rows[1][2] != 5.0 {
		t.Errorf("a counter as it is: %v, columns %v, rows %v", err, r.Columns, r.Rows)
	}
	_, err = await(t, Ascan(m, 0*q.MM, 1*q.MM, 2, Count(det, 2*q.H)))
	if want := "ascan: measure sdet.counts: sdet.count_time: 2 h > upper limit 1 h of the device; nothing moved"; err == nil || err.Error() != want {
		t.Errorf("count past the counter's limit: %v\nwant %s", err, want)
	}
	if got := m.Position(); got != 0 {
		t.Errorf("motor at %s; the refused scan must not move it", got)
	}
	if runs, _ := data.List(dir); len(runs) != 2 {
		t.Errorf("%d runs; the refused scan must not make one", len(runs))
	}
}

// A scan past the device's own limits (a controller's DRVL/DRVH, which
// no user call changes) never starts: one line names the first point
// outside, nothing moves and no run is made. A dscan checks its points
// from where the motor is.
func TestScanPastTheDeviceLimitsNeverStarts(t *testing.T) {
	dir, _ := setup(t, "unused")
	m := motors.New("shm", motors.NewDummy(1000), motors.Options{Unit: q.MM, Lower: -5, Upper: 5})
	if _, err := m.SetPosition(4 * q.MM).Await(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		task *tasks.Task
		want string
	}{
		{Ascan(m, 0*q.MM, 10*q.MM, 10), "ascan: point 7 of 11: shm.position: 6 mm > upper limit 5 mm of the device; nothing moved"},
		{Dscan(m, -1*q.MM, 2*q.MM, 3), "dscan: point 4 of 4: shm.position: 6 mm > upper limit 5 mm of the device; nothing moved"},
		{Scan(m, -6*q.MM, 0*q.MM, 2), "scan: point 1 of 2: shm.position: -6 mm < lower limit -5 mm of the device; nothing moved"},
	} {
		if _, err := await(t, tc.task); err == nil || err.Error() != tc.want {
			t.Errorf("err = %v\nwant %s", err, tc.want)
		}
	}
	if got := m.Position(); got != 4*q.MM {
		t.Errorf("motor at %s; the refused scans must not move it", got)
	}
	if runs, _ := data.List(dir); len(runs) != 0 {
		t.Errorf("%d runs; refused scans must not make one", len(runs))
	}
}

// A dscan steps with the motor's relative move: while it runs, the task
// list shows the motor's Move, not a set of its position.
func TestDscanStepsWithMove(t *testing.T) {
	_, m := setup(t, "sm8")
	if _, err := m.SetMotionVelocity(20 * q.MMPerS).Await(context.Background()); err != nil {
		t.Fatal(err)
	}
	task := Dscan(m, 0*q.MM, 4*q.MM, 4) // 1 mm steps of 50 ms
	seen := map[string]bool{}
	for running := true; running; {
		select {
		case <-task.Done():
			running = false
		case <-time.After(2 * time.Millisecond):
		}
		for _, tk := range tasks.List() {
			seen[tk.Name()] = true
		}
	}
	if _, err := await(t, task); err != nil {
		t.Fatal(err)
	}
	if !seen["sm8.Move"] {
		t.Errorf("no sm8.Move while the dscan ran; tasks seen: %v", seen)
	}
	if got := m.Position(); got != 0 {
		t.Errorf("motor at %s after the dscan, want back at 0", got)
	}
}

// A limit switch is no position known before the scan: a dscan that runs
// into one ends with one line naming the point, keeps the points before
// it, and goes back to where it started, off the switch.
func TestDscanIntoAHardLimitSwitchGoesBack(t *testing.T) {
	dir, m := setup(t, "sm9")
	m.SetHardLimits(-100*q.MM, 1700*q.UM)
	_, err := await(t, Dscan(m, 0*q.MM, 3*q.MM, 6, m.Param("position")))
	want := "dscan: point 5 of 7: sm9: stopped at the upper hard limit at 1.7 mm; state hard-limit, move back or Home(); points 1-4 are saved in run 1"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if p, s := m.Position(), m.State(); p != 0 || s != devices.Standby {
		t.Errorf("motor at %s in %s after the dscan; want back at 0 mm in standby", p, s)
	}
	if rows := datatest.ReadCSV(t, filepath.Join(dir, "run_0001", "points.csv")); len(rows) != 5 || rows[4][1] != "1.5" {
		t.Errorf("points.csv = %v", rows)
	}
}

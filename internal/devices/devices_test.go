package devices_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/monochromators"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/devices/storagerings"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

// fastMotor is a linear motor at 100 mm/s, so tests move quickly.
func fastMotor(t testing.TB, name string) *motors.Linear {
	m := motors.NewLinear(name)
	if _, err := m.SetMotionVelocity(100 * q.MMPerS).Await(ctx); err != nil {
		t.Fatal(err)
	}
	return m
}

// logRecords captures what the devices log while f runs.
func logRecords(f func()) []map[string]string {
	var (
		mu   sync.Mutex
		recs []map[string]string
	)
	h := &captureHandler{add: func(r map[string]string) { mu.Lock(); recs = append(recs, r); mu.Unlock() }}
	defer logs.Set(slog.New(h), nil, nil)()
	f()
	mu.Lock()
	defer mu.Unlock()
	return recs
}

type captureHandler struct{ add func(map[string]string) }

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	m := map[string]string{"msg": r.Message}
	r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
	h.add(m)
	return nil
}
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func setRecords(recs []map[string]string) []map[string]string {
	var out []map[string]string
	for _, r := range recs {
		if r["msg"] == "set" {
			out = append(out, r)
		}
	}
	return out
}

func TestRefusedSetsLeaveDeviceUntouched(t *testing.T) {
	m := fastMotor(t, "m")
	pos := m.Param("position")
	if err := pos.SetLimits(-10*q.MM, 10*q.MM); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		set     func() *tasks.Task
		wantErr string
		as      any
	}{
		{"bare int", func() *tasks.Task { return pos.Set(5) }, "m.position: 5 has no unit; write 5 * q.MM", new(*devices.UnitError)},
		{"bare float", func() *tasks.Task { return pos.Set(2.5) }, "m.position: 2.5 has no unit; write 2.5 * q.MM", new(*devices.UnitError)},
		{"wrong unit", func() *tasks.Task { return pos.Set(2 * q.S) }, "m.position: 2 s is not a length (write e.g. 2 * q.MM)", new(*devices.UnitError)},
		{"upper limit", func() *tasks.Task { return m.SetPosition(12 * q.MM) }, "m.position: 12 mm > upper limit 10 mm", new(*devices.LimitError)},
		{"lower limit", func() *tasks.Task { return m.SetPosition(-10.5 * q.MM) }, "m.position: -10.5 mm < lower limit -10 mm", new(*devices.LimitError)},
		{"device limit", func() *tasks.Task { return m.SetMotionVelocity(2 * q.MPerS) }, "m.motion_velocity: 2 m/s > upper limit 1 m/s of the device", new(*devices.LimitError)},
		{"wrong type", func() *tasks.Task { return pos.Set("2 mm") }, "m.position: 2 mm (string) is not a length", new(*devices.UnitError)},
	}
	for _, tt := range tests {
		recs := setRecords(logRecords(func() {
			_, err := tt.set().Await(ctx)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%s: error = %v; want %s", tt.name, err, tt.wantErr)
			}
			switch target := tt.as.(type) {
			case **devices.UnitError:
				if !errors.As(err, target) {
					t.Errorf("%s: %T is no *devices.UnitError", tt.name, err)
				}
			case **devices.LimitError:
				if !errors.As(err, target) {
					t.Errorf("%s: %T is no *devices.LimitError", tt.name, err)
				}
			}
		}))
		if len(recs) != 0 {
			t.Errorf("%s: the device was set: %v", tt.name, recs)
		}
		if p, s, v := m.Position(), m.State(), m.MotionVelocity(); p != 0 || s != devices.Standby || v != 100*q.MMPerS {
			t.Errorf("%s: device changed: %v %s %v", tt.name, p, s, v)
		}
	}
	// The limits themselves.
	if err := pos.SetLimits(2*q.MM, 1*q.MM); err == nil || err.Error() != "m.position: lower limit 2 mm > upper limit 1 mm" {
		t.Errorf("SetLimits(2 mm, 1 mm) = %v", err)
	}
	if err := pos.SetLimits(q.NoLimit, 2*q.Deg); err == nil || err.Error() != "m.position: 2 deg is not a length (write e.g. 2 * q.MM)" {
		t.Errorf("SetLimits(q.NoLimit, 2 deg) = %v", err)
	}
	if _, err := m.SetPosition(10 * q.MM).Await(ctx); err != nil {
		t.Errorf("SetPosition at the limit: %v", err)
	}
}

func TestCheck(t *testing.T) {
	m := motors.NewLinear("m")
	pos := m.Param("position")
	pos.SetLimits(q.NoLimit, 10*q.MM)
	tests := []struct {
		v       any
		wantErr string
	}{
		{5 * q.MM, ""},
		{12 * q.MM, "m.position: 12 mm > upper limit 10 mm"},
		{5, "m.position: 5 has no unit; write 5 * q.MM"},
		{5 * q.Deg, "m.position: 5 deg is not a length (write e.g. 5 * q.MM)"},
	}
	for _, tt := range tests {
		err := pos.Check(tt.v)
		if (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) {
			t.Errorf("Check(%v) = %v; want %q", tt.v, err, tt.wantErr)
		}
	}
	m.Lock(false)
	if err := pos.Check(5 * q.MM); err == nil || err.Error() != "m: locked; call m.Unlock() first" {
		t.Errorf("Check on locked device = %v", err)
	}
	if err := storagerings.New("ring").Param("current").Check(1 * q.MA); err == nil || err.Error() != "ring.current: read-only, cannot be set" {
		t.Errorf("Check on read-only = %v", err)
	}
}

func TestEffectiveLimitsAreNarrowest(t *testing.T) {
	mono := monochromators.New("mono")
	e := mono.Param("energy")
	lo, hi := e.Limits()
	if lo != 4*q.KeV || hi != 60*q.KeV {
		t.Errorf("device limits = %v .. %v; want 4 keV .. 60 keV", lo, hi)
	}
	if err := e.SetLimits(5*q.KeV, 100*q.KeV); err != nil {
		t.Fatal(err)
	}
	lo, hi = e.Limits()
	if lo != 5*q.KeV || hi != 60*q.KeV {
		t.Errorf("effective limits = %v .. %v; want 5 keV .. 60 keV", lo, hi)
	}
	_, err := mono.SetEnergy(4.5 * q.KeV).Await(ctx)
	if want := "mono.energy: 4.5 keV < lower limit 5 keV"; err == nil || err.Error() != want {
		t.Errorf("SetEnergy(4.5 keV) = %v; want %s", err, want)
	}
	e.LockLimits(false)
	if err := e.SetLimits(q.NoLimit, q.NoLimit); err == nil || err.Error() != "mono.energy limits: locked; call UnlockLimits() first" {
		t.Errorf("SetLimits when locked = %v", err)
	}
	if err := e.UnlockLimits(); err != nil {
		t.Fatal(err)
	}
	e.LockLimits(true)
	if err := e.UnlockLimits(); err == nil || err.Error() != "mono.energy limits: locked permanently, cannot be unlocked" {
		t.Errorf("UnlockLimits after permanent lock = %v", err)
	}
}

func TestWriteLock(t *testing.T) {
	m := fastMotor(t, "m")
	pos := m.Param("position")
	steps := []struct {
		name    string
		do      func() error
		wantErr string
	}{
		{"lock", func() error { pos.Lock(false); return nil }, ""},
		{"set locked", func() error { _, err := m.SetPosition(1 * q.MM).Await(ctx); return err }, `m.position: locked; call m.Param("position").Unlock() first`},
		{"home locked", func() error { _, err := m.Home().Await(ctx); return err }, `m.position: locked; call m.Param("position").Unlock() first`},
		{"other param free", func() error { _, err := m.SetMotionVelocity(50 * q.MMPerS).Await(ctx); return err }, ""},
		{"unlock", pos.Unlock, ""},
		{"set unlocked", func() error { _, err := m.SetPosition(1 * q.MM).Await(ctx); return err }, ""},
		{"lock device", func() error { m.Lock(false); return nil }, ""},
		{"set device locked", func() error { _, err := m.SetMotionVelocity(10 * q.MMPerS).Await(ctx); return err }, "m: locked; call m.Unlock() first"},
		{"unlock device", m.Unlock, ""},
		{"lock permanently", func() error { pos.Lock(true); return nil }, ""},
		{"unlock permanent", pos.Unlock, "m.position: locked permanently, cannot be unlocked"},
		{"device unlock permanent", m.Unlock, "m.position: locked permanently, cannot be unlocked"},
		{"set permanent", func() error { _, err := m.SetPosition(2 * q.MM).Await(ctx); return err }, "m.position: locked permanently, cannot be changed"},
	}
	for _, s := range steps {
		err := s.do()
		if (err == nil) != (s.wantErr == "") || (err != nil && err.Error() != s.wantErr) {
			t.Errorf("%s: error = %v; want %q", s.name, err, s.wantErr)
		}
	}
	var le *devices.LockError
	_, err := m.SetPosition(2 * q.MM).Await(ctx)
	if !errors.As(err, &le) {
		t.Errorf("%T is no *devices.LockError", err)
	}
	if m.Position() != 1*q.MM || !pos.Locked() {
		t.Errorf("position %v, locked %v", m.Position(), pos.Locked())
	}
}

func TestUnknownParam(t *testing.T) {
	m := motors.NewLinear("m")
	defer func() {
		err, _ := recover().(error)
		want := `m: no parameter "positon" (have position, motion_velocity)`
		if err == nil || err.Error() != want {
			t.Errorf("Param(positon) panicked with %v; want %s", err, want)
		}
	}()
	m.Param("positon")
}

func TestStashRestore(t *testing.T) {
	cam := cameras.New("cam")
	exp := cam.Param("exposure_time")
	if v, err := exp.Stash().Await(ctx); err != nil || v != 10*q.MS {
		t.Fatalf("Stash() = %v, %v", v, err)
	}
	cam.SetExposureTime(50 * q.MS).Await(ctx)
	exp.Stash().Await(ctx)
	cam.SetExposureTime(70 * q.MS).Await(ctx)
	for _, want := range []q.Duration{50 * q.MS, 10 * q.MS} {
		if _, err := exp.Restore().Await(ctx); err != nil || cam.ExposureTime() != want {
			t.Errorf("Restore() = %v; exposure %v, want %v", err, cam.ExposureTime(), want)
		}
	}
	if _, err := exp.Restore().Await(ctx); err == nil || err.Error() != "cam.exposure_time: nothing stashed; call Stash() first" {
		t.Errorf("Restore() of empty stash = %v", err)
	}

	m := fastMotor(t, "m")
	if _, err := m.Stash().Await(ctx); err != nil {
		t.Fatal(err)
	}
	m.SetPosition(3 * q.MM).Await(ctx)
	m.SetMotionVelocity(50 * q.MMPerS).Await(ctx)
	if _, err := m.Restore().Await(ctx); err != nil {
		t.Fatal(err)
	}
	if m.Position() != 0 || m.MotionVelocity() != 100*q.MMPerS {
		t.Errorf("after device Restore: %v, %v; want 0 mm, 100 mm/s", m.Position(), m.MotionVelocity())
	}
}

func TestWait(t *testing.T) {
	m := motors.NewLinear("m")
	m.SetMotionVelocity(20 * q.MMPerS).Await(ctx)
	m.SetPosition(1 * q.MM)
	v, err := m.Param("position").Wait(1*q.MM, 1*q.UM, 5*q.S).Await(ctx)
	if err != nil || v != 1*q.MM {
		t.Errorf("Wait(1 mm) = %v, %v", v, err)
	}
	_, err = m.Param("position").Wait(50*q.MM, nil, 30*q.MS).Await(ctx)
	if want := "timed out after 30ms waiting for m.position to reach 50 mm ± 0 mm (now 1 mm)"; err == nil || err.Error() != want {
		t.Errorf("Wait(50 mm) = %v; want %s", err, want)
	}
	_, err = m.Param("position").Wait(5, nil, 0).Await(ctx)
	if want := "m.position: 5 has no unit; write 5 * q.MM"; err == nil || err.Error() != want {
		t.Errorf("Wait(5) = %v; want %s", err, want)
	}
}

func TestSetIsLogged(t *testing.T) {
	m := fastMotor(t, "m")
	var caller *tasks.Task
	recs := setRecords(logRecords(func() {
		caller = tasks.Start(func(ctx context.Context) error {
			_, err := m.SetPosition(2 * q.MM).Await(ctx)
			return err
		}, tasks.Named("scan"))
		caller.Await(ctx)
	}))
	if len(recs) != 1 {
		t.Fatalf("logged %d sets; want 1: %v", len(recs), recs)
	}
	want := map[string]string{"msg": "set", "device": "m", "param": "position", "old": "0 mm", "new": "2 mm", "task": fmt.Sprintf("%d scan", caller.ID())}
	for k, v := range want {
		if recs[0][k] != v {
			t.Errorf("log %s = %q; want %q", k, recs[0][k], v)
		}
	}
}

func TestCancelledSetIsLoggedWithWhereItStopped(t *testing.T) {
	m := motors.NewLinear("m")
	recs := setRecords(logRecords(func() {
		move := m.SetPosition(10 * q.MM)
		devtest.Eventually(t, "moved", func() bool { return m.Position() > 0 })
		move.Cancel()
		move.Await(ctx)
	}))
	if len(recs) != 1 {
		t.Fatalf("logged %d sets; want 1", len(recs))
	}
	r := recs[0]
	if r["new"] != "10 mm" || r["err"] != "cancelled" || r["now"] != m.Position().String() {
		t.Errorf("log = %v; want new 10 mm, err cancelled, now %v", r, m.Position())
	}
}

// An emergency stop's cancelled sets are logged in full, with where each
// motor stopped, once the stop has reported: LogStopRecords (which the
// shell calls before logging the report) writes them, in order.
func TestEmergencyStopLogsItsCancelledSets(t *testing.T) {
	m1, m2 := motors.NewLinear("estoplog_m1"), motors.NewLinear("estoplog_m2")
	var p1, p2 q.Length
	recs := logRecords(func() {
		mv1, mv2 := m1.SetPosition(10*q.MM), m2.SetPosition(-10*q.MM)
		devtest.Eventually(t, "moved", func() bool { return m1.Position() > 0 && m2.Position() < 0 })
		devices.EmergencyStopEverything(ctx)
		devices.LogStopRecords()
		mv1.Await(ctx)
		mv2.Await(ctx)
		p1, p2 = m1.Position(), m2.Position()
	})
	byDevice := map[string]map[string]string{}
	for _, r := range setRecords(recs) {
		byDevice[r["device"]] = r
	}
	for name, now := range map[string]q.Length{"estoplog_m1": p1, "estoplog_m2": p2} {
		r := byDevice[name]
		if r == nil {
			t.Errorf("no set record of %s after the emergency stop: %v", name, recs)
			continue
		}
		if r["err"] != tasks.ErrEmergencyStop.Error() || r["now"] != now.String() {
			t.Errorf("log of %s = %v; want err %q, now %v", name, r, tasks.ErrEmergencyStop, now)
		}
	}
}

func TestOperationIsLogged(t *testing.T) {
	s := shutters.New("s")
	var recs []map[string]string
	for _, r := range logRecords(func() { s.Open().Await(ctx) }) {
		if r["msg"] == "op" {
			recs = append(recs, r)
		}
	}
	if len(recs) != 1 || recs[0]["device"] != "s" || recs[0]["op"] != "Open" || recs[0]["state"] != "open" {
		t.Errorf("logged %v; want one op Open of s, state open", recs)
	}
}

func TestDeviceTable(t *testing.T) {
	m := fastMotor(t, "m")
	m.Param("position").SetLimits(-10*q.MM, 10*q.MM)
	m.Param("position").Lock(false)
	want := `m (linear motor): standby
  parameter        value     limits           notes
  position         0 mm      -10 mm .. 10 mm  locked
  motion_velocity  100 mm/s  1 nm/s .. 1 m/s`
	if got := m.String(); got != want {
		t.Errorf("motor table:\n%s\nwant:\n%s", got, want)
	}
	if got, want := m.Param("position").String(), "m.position = 0 mm (limits -10 mm .. 10 mm, locked)"; got != want {
		t.Errorf("parameter = %q; want %q", got, want)
	}
}

// rowsOf returns the lines of a table from the one naming dev up to the
// next device.
func rowsOf(table, dev string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(table, "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && !strings.HasPrefix(l, "    ") {
			in = f[0] == dev
		}
		if in {
			out = append(out, l)
		}
	}
	return out
}

func TestStateAndDocTables(t *testing.T) {
	mname, sname := uniq("tablemotor"), uniq("tableshutter")
	m := motors.NewLinear(mname)
	s := shutters.New(sname)
	state := devices.StateTable().String()
	if !strings.HasPrefix(state, "  device") {
		t.Errorf("state table header: %q", strings.SplitN(state, "\n", 2)[0])
	}
	want := []string{mname + " standby position 0 mm", "motion_velocity 1 mm/s"}
	if got := trim(rowsOf(state, mname)); !slices.Equal(got, want) {
		t.Errorf("dstate rows:\n%q\nwant\n%q", got, want)
	}
	if got := trim(rowsOf(state, sname)); !slices.Equal(got, []string{sname + " closed"}) {
		t.Errorf("dstate shutter rows: %q", got)
	}
	doc := devices.DocTable().String()
	wantDoc := []string{
		mname + " linear motor position mm rw where the motor is; a set moves it there",
		"motion_velocity mm/s rw how fast a move goes",
	}
	if got := trim(rowsOf(doc, mname)); !slices.Equal(got, wantDoc) {
		t.Errorf("ddoc rows:\n%q\nwant\n%q", got, wantDoc)
	}
	runtime.KeepAlive(m)
	runtime.KeepAlive(s)
}

var uniqN atomic.Int64

// uniq makes a device name no other test uses, since the registry holds
// every device of the test binary that was not collected yet.
func uniq(prefix string) string { return fmt.Sprintf("%s%d", prefix, uniqN.Add(1)) }

// trim squeezes the blanks, so tests do not depend on column widths that
// other tests' devices change.
func trim(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.Join(strings.Fields(l), " ")
	}
	return out
}

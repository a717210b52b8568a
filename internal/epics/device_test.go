package epics_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/epics"
	"github.com/concert-go/concert/internal/epics/ca"
	"github.com/concert-go/concert/internal/epics/epicstest"
)

// testDevice is a device of one PV of each kind of the test IOC.
func testDevice(t *testing.T, ioc *epicstest.IOC) *epics.PVDevice {
	t.Helper()
	d, err := epics.NewDevice(t.Context(), "dev",
		epics.PV("position", ioc.PV("double")),
		epics.PV("count", ioc.PV("long")),
		epics.PV("mode", ioc.PV("enum")),
		epics.PV("label", ioc.PV("string")),
		epics.PV("fixed", ioc.PV("readonly")),
		epics.PV("trace", ioc.PV("doubles")),
	)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Each parameter reads what caget reads, in the unit EGU names.
func TestDeviceReadsAsCaget(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	d := testDevice(t, ioc)
	get := func(param string) any {
		t.Helper()
		v, err := d.Param(param).Get().Await(t.Context())
		if err != nil {
			t.Fatalf("get %s: %v", param, err)
		}
		return v
	}
	pos, ok := get("position").(q.Length)
	if !ok || fmt.Sprint(pos.In(q.MM)) != ioc.Caget(ioc.PV("double")) {
		t.Errorf("position %v (%T); caget double = %s mm", get("position"), get("position"), ioc.Caget(ioc.PV("double")))
	}
	for param, pv := range map[string]string{"count": "long", "mode": "enum", "label": "string", "fixed": "readonly"} {
		if got, want := fmt.Sprint(get(param)), ioc.Caget(ioc.PV(pv)); got != want {
			t.Errorf("%s = %s; caget %s = %s", param, got, pv, want)
		}
	}
	if _, ok := get("count").(int); !ok {
		t.Errorf("count is a %T; want int (a LONG PV whose EGU is no unit)", get("count"))
	}
	if got, want := fmt.Sprint(get("trace")), cagetValue(ioc, "doubles"); got != want {
		t.Errorf("trace = %v; caget doubles = %v", got, want)
	}
	if u := d.Param("position").Unit(); u != q.Quantity(1*q.MM) {
		t.Errorf("position's unit %v; want mm (EGU)", u)
	}
	if doc := d.Param("count").Doc(); !strings.Contains(doc, "in counts") {
		t.Errorf("count's doc %q does not name its EGU", doc)
	}
}

// Sets arrive where caget sees them; limits come from DRVL/DRVH, an enum
// takes its state names only, and a PV access security makes read-only
// is a read-only parameter.
func TestDeviceWrites(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	d := testDevice(t, ioc)
	set := func(param string, v any) error {
		t.Helper()
		_, err := d.Param(param).Set(v).Await(t.Context())
		return err
	}
	for _, w := range []struct {
		param, pv string
		v         any
		want      string
	}{
		{"position", "double", 12.5 * q.MM, "12.5"},
		{"position", "double", 0.05 * q.M, "50"},
		{"count", "long", 5, "5"},
		{"mode", "enum", "closed", "closed"},
		{"label", "string", "world", "world"},
		{"trace", "doubles", []float64{1, 2}, "[1 2]"},
	} {
		if err := set(w.param, w.v); err != nil {
			t.Errorf("set %s to %v: %v", w.param, w.v, err)
		} else if got := cagetValue(ioc, w.pv); got != w.want {
			t.Errorf("set %s to %v: caget %s = %s; want %s", w.param, w.v, w.pv, got, w.want)
		}
	}
	if lo, hi := d.Param("position").Limits(); lo != q.Quantity(-100*q.MM) || hi != q.Quantity(100*q.MM) {
		t.Errorf("position's limits %v, %v; want -100 mm, 100 mm (DRVL, DRVH)", lo, hi)
	}
	var le *devices.LimitError
	if err := set("position", 150*q.MM); !errors.As(err, &le) {
		t.Errorf("set position beyond DRVH: %v", err)
	}
	if err := set("count", 5000); err == nil || !strings.Contains(err.Error(), "DRVL/DRVH") {
		t.Errorf("set count beyond DRVH: %v", err)
	}
	var ce *devices.ChoiceError
	if err := set("mode", "ajar"); !errors.As(err, &ce) {
		t.Errorf("set mode to a state it does not have: %v", err)
	}
	var ue *devices.UnitError
	if err := set("position", 3*q.Deg); !errors.As(err, &ue) {
		t.Errorf("set position to an angle: %v", err)
	}
	if d.Param("fixed").Writable() || !strings.Contains(d.Param("fixed").Doc(), "read-only") {
		t.Errorf("the read-only PV's parameter is writable (doc %q)", d.Param("fixed").Doc())
	}
	var ae *devices.AccessError
	if err := set("fixed", 1.0); !errors.As(err, &ae) {
		t.Errorf("set a read-only PV: %v", err)
	}
	if got := ioc.Caget(ioc.PV("readonly")); got != "7" {
		t.Errorf("caget readonly = %s after a refused set", got)
	}
	if got := ioc.Caget(ioc.PV("long")); got != "5" {
		t.Errorf("caget long = %s after a refused set", got)
	}
}

// A device whose IOC dies shows state error and fails its gets naming
// the PV; when the IOC is back, it reads again and goes back to standby.
func TestDeviceIOCRestarted(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	d := testDevice(t, ioc)
	ioc.Kill()
	_, err := d.Param("count").Get().Await(t.Context())
	if !errors.Is(err, ca.ErrDisconnected) || !strings.Contains(err.Error(), ioc.PV("long")) {
		t.Errorf("get with the IOC dead: %v", err)
	}
	if st := d.State(); st != devices.Error {
		t.Errorf("state %s with the IOC dead; want error", st)
	}
	ioc.Restart()
	deadline := time.Now().Add(time.Minute) // searches repeat at most 5 s apart
	for _, err = d.Param("count").Get().Await(t.Context()); err != nil; _, err = d.Param("count").Get().Await(t.Context()) {
		if !errors.Is(err, ca.ErrDisconnected) || time.Now().After(deadline) {
			t.Fatalf("get after the restart: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st := d.State(); st != devices.Standby {
		t.Errorf("state %s after a good get; want standby", st)
	}
}

// A PV that no IOC has fails the device's making, naming it, after the
// search timeout.
func TestDeviceUnknownPV(t *testing.T) {
	ioc := epicstest.Start(t)
	cfg := ioc.Config()
	cfg.SearchTimeout = time.Second
	c, err := ca.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	epics.Use(c)
	_, err = epics.NewDevice(t.Context(), "dev", epics.PV("count", ioc.PV("long")), epics.PV("nothing", ioc.PV("no:such:pv")))
	if !errors.Is(err, ca.ErrNotFound) || !strings.Contains(err.Error(), "dev: PV "+ioc.PV("no:such:pv")+": connect: not found") {
		t.Errorf("a device with an unknown PV: %v", err)
	}
}

// cagetValue is what caget reads of pv: the value of a scalar, the
// elements a waveform holds now (NORD) of an array, as fmt prints a
// slice. (caget asks for all NELM elements and prints their count
// first.)
func cagetValue(ioc *epicstest.IOC, pv string) string {
	out := ioc.Caget(ioc.PV(pv))
	f := strings.Fields(out)
	if len(f) == 0 {
		return out
	}
	if count, err := strconv.Atoi(f[0]); err != nil || len(f) < 2 || count != len(f)-1 {
		return out // a scalar
	}
	n, err := strconv.Atoi(ioc.Caget(ioc.PV(pv + ".NORD")))
	if err != nil || n > len(f)-1 {
		return out
	}
	return "[" + strings.Join(f[1:1+n], " ") + "]"
}

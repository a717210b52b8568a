package ca_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/epics/ca"
	"github.com/concert-go/concert/internal/epics/epicstest"
)

// client starts a Go client configured for the IOC, closed at the end.
func client(t *testing.T, ioc *epicstest.IOC) *ca.Client {
	t.Helper()
	c, err := ca.NewClient(ioc.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func connect(t *testing.T, c *ca.Client, name string) *ca.Channel {
	t.Helper()
	ch, err := c.Connect(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close() })
	return ch
}

// sameAsCaget compares v with what `caget -t` printed: an array as its
// count, then the elements; numbers compared as numbers.
func sameAsCaget(v *ca.Value, caget string, array bool) bool {
	got := v.Strings()
	if array {
		got = append([]string{strconv.Itoa(v.Len())}, got...)
	}
	want := strings.Fields(caget)
	if v.Type == ca.String {
		return strings.Join(got, " ") == caget
	}
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		a, errA := strconv.ParseFloat(got[i], 64)
		b, errB := strconv.ParseFloat(want[i], 64)
		if errA == nil && errB == nil {
			if a != b {
				return false
			}
		} else if got[i] != want[i] {
			return false
		}
	}
	return true
}

// Every value the Go client reads, in every native type, scalar and
// array, is what caget reads. (caget reads arrays at their full size;
// the Go client's Get reads the elements the PV has now: NORD of them.)
func TestGetMatchesCaget(t *testing.T) {
	ioc := epicstest.Start(t)
	c := client(t, ioc)
	cases := []struct {
		pv     string
		native ca.FieldType
		count  int
	}{
		{"double", ca.Double, 1},
		{"float", ca.Float, 1},
		{"long", ca.Long, 1},
		{"short", ca.Short, 1},
		{"char", ca.Char, 1},
		{"enum", ca.Enum, 1},
		{"string", ca.String, 1},
		{"doubles", ca.Double, 10},
		{"longs", ca.Long, 8},
		{"strings", ca.String, 4},
		{"m1:VAL.EGU", ca.String, 1},
		{"m1:VAL.PREC", ca.Short, 1},
		{"doubles.NORD", ca.Double, 1}, // DBF_ULONG: CA has no unsigned long
	}
	var names []string
	for _, tc := range cases {
		names = append(names, ioc.PV(tc.pv))
	}
	// one caget for all: the tools are slow to start on a busy machine
	lines := strings.Split(strings.TrimSpace(ioc.Tool("caget", append([]string{"-t", "-w", "20", "-g", "17"}, names...)...)), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("caget printed %d lines for %d PVs:\n%s", len(lines), len(cases), strings.Join(lines, "\n"))
	}
	for i, tc := range cases {
		t.Run(tc.pv, func(t *testing.T) {
			ch := connect(t, c, ioc.PV(tc.pv))
			info, _ := ch.Info()
			if info.Type != tc.native || info.Count != tc.count {
				t.Errorf("native type %v count %d; want %v %d", info.Type, info.Count, tc.native, tc.count)
			}
			v, err := ch.GetAs(t.Context(), ca.Native(ca.Ctrl), tc.count) // enum strings come with CTRL
			if err != nil {
				t.Fatal(err)
			}
			if !sameAsCaget(v, lines[i], tc.count > 1) {
				t.Errorf("Go client read %q; caget -t read %q", v.Strings(), lines[i])
			}
		})
	}
	for pv, want := range map[string]int{"doubles": 5, "longs": 3, "strings": 2} {
		v, err := connect(t, c, ioc.PV(pv)).Get(t.Context())
		if err != nil || v.Len() != want {
			t.Errorf("Get(%s) = %v, %v; want its %d elements", pv, v, err, want)
		}
	}
}

// Each request class carries its metadata: alarm, timestamp, units,
// precision, limits, enum states.
func TestGetClasses(t *testing.T) {
	ioc := epicstest.Start(t)
	c := client(t, ioc)
	d := connect(t, c, ioc.PV("double"))
	before := time.Now().Add(-time.Hour)

	v, err := d.GetAs(t.Context(), ca.DBR(ca.Plain, ca.Double), 0)
	if err != nil || v.Float64() != 3.25 || !v.Stamp.IsZero() || v.Units != "" {
		t.Errorf("plain: %+v, %v", v, err)
	}
	v, err = d.GetAs(t.Context(), ca.DBR(ca.Sts, ca.Long), 0)
	if err != nil || v.Type != ca.Long || v.Float64() != 3 || v.Severity != ca.NoAlarm {
		t.Errorf("sts as long: %+v, %v", v, err)
	}
	v, err = d.Get(t.Context())
	if err != nil || v.Float64() != 3.25 || v.Stamp.Before(before) || v.Stamp.After(time.Now()) {
		t.Errorf("time: %+v, %v", v, err)
	}
	v, err = d.GetAs(t.Context(), ca.DBR(ca.Gr, ca.Double), 0)
	if err != nil || v.Units != "mm" || v.Precision != 3 || v.Display != (ca.Limits{Low: -50, High: 50}) ||
		v.Alarm != (ca.Limits{Low: -90, High: 90}) || v.Warning != (ca.Limits{Low: -80, High: 80}) || v.Control != (ca.Limits{}) {
		t.Errorf("gr: %+v, %v", v, err)
	}
	v, err = d.GetCtrl(t.Context())
	if err != nil || v.Control != (ca.Limits{Low: -100, High: 100}) || v.Units != "mm" {
		t.Errorf("ctrl: %+v, %v", v, err)
	}
	v, err = d.GetAs(t.Context(), ca.DBR(ca.Ctrl, ca.Float), 0)
	if err != nil || v.Type != ca.Float || v.Float64() != 3.25 || v.Control != (ca.Limits{Low: -100, High: 100}) || v.Precision != 3 {
		t.Errorf("ctrl as float: %+v, %v", v, err)
	}
	v, err = d.GetAs(t.Context(), ca.DBR(ca.Ctrl, ca.Short), 0)
	if err != nil || v.Type != ca.Short || v.Float64() != 3 || v.Control != (ca.Limits{Low: -100, High: 100}) || v.Units != "mm" {
		t.Errorf("ctrl as short: %+v, %v", v, err)
	}
	v, err = d.GetAs(t.Context(), ca.DBR(ca.Time, ca.String), 0)
	if err != nil || v.String() != "3.250" || v.Stamp.Before(before) {
		t.Errorf("time as string: %+v, %v", v, err)
	}

	e := connect(t, c, ioc.PV("enum"))
	v, err = e.GetCtrl(t.Context())
	if err != nil || strings.Join(v.EnumStrings, ",") != "closed,open,moving" || v.String() != "open" {
		t.Errorf("ctrl enum: %+v, %v", v, err)
	}
	l := connect(t, c, ioc.PV("long"))
	v, err = l.GetCtrl(t.Context())
	if err != nil || v.Units != "counts" || v.Control != (ca.Limits{Low: -1000, High: 1000}) || v.Float64() != -42 {
		t.Errorf("ctrl long: %+v, %v", v, err)
	}
	ch := connect(t, c, ioc.PV("char"))
	v, err = ch.GetCtrl(t.Context())
	if err != nil || v.Float64() != 100 {
		t.Errorf("ctrl char: %+v, %v", v, err)
	}
	a := connect(t, c, ioc.PV("doubles"))
	v, err = a.GetAs(t.Context(), ca.DBR(ca.Time, ca.Long), 2)
	if err != nil || v.Len() != 2 || v.Float64s()[1] != 2 {
		t.Errorf("2 elements as long: %+v, %v", v, err)
	}
}

// What the Go client writes is what caget reads back, and what caput
// writes the Go client reads.
func TestPutMatchesCaget(t *testing.T) {
	ioc := epicstest.Start(t)
	c := client(t, ioc)
	for _, tc := range []struct {
		pv    string
		value any
		want  string // caget -t
	}{
		{"double", -12.125, "-12.125"},
		{"float", float32(0.5), "0.5"},
		{"long", 99, "99"},
		{"short", "-300", "-300"},
		{"char", 17, "17"},
		{"enum", "moving", "moving"},
		{"enum", 0, "closed"},
		{"string", "a b c", "a b c"},
		{"doubles", []float64{9, 8.5}, "10 9 8.5 0 0 0 0 0 0 0 0"}, // caget reads all 10
		{"strings", []string{"x", "yy", "zzz"}, "4 x yy zzz"},
	} {
		t.Run(tc.pv, func(t *testing.T) {
			ch := connect(t, c, ioc.PV(tc.pv))
			if err := ch.PutWait(t.Context(), tc.value); err != nil {
				t.Fatal(err)
			}
			if got := ioc.Caget(ioc.PV(tc.pv)); got != tc.want {
				t.Errorf("after PutWait(%v), caget -t reads %q; want %q", tc.value, got, tc.want)
			}
		})
	}
	text := connect(t, c, ioc.PV("text"))
	if err := text.PutWait(t.Context(), "a long string, longer than forty characters"); err != nil {
		t.Fatal(err)
	}
	if got := ioc.Caget(ioc.PV("text"), "-S"); got != "a long string, longer than forty characters" {
		t.Errorf("char array: caget -S reads %q", got)
	}

	d := connect(t, c, ioc.PV("double"))
	ioc.Caput(ioc.PV("double"), "42.5")
	if v, err := d.Get(t.Context()); err != nil || v.Float64() != 42.5 {
		t.Errorf("after caput 42.5, Get = %v, %v", v, err)
	}
	// A plain put returns before the record processed; a get on the same
	// circuit comes after it.
	if err := d.Put(t.Context(), 7); err != nil {
		t.Fatal(err)
	}
	if v, err := d.Get(t.Context()); err != nil || v.Float64() != 7 {
		t.Errorf("after Put(7), Get = %v, %v", v, err)
	}
}

// Monitors deliver the first value, then every change in order.
func TestMonitorInOrder(t *testing.T) {
	ioc := epicstest.Start(t)
	c := client(t, ioc)
	ch := connect(t, c, ioc.PV("long"))
	sub, err := ch.Subscribe(ca.Native(ca.Time), ca.MaskValue|ca.MaskAlarm)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var got []string
	next := func() {
		v, err := sub.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v.String())
	}
	next()
	for i := 1; i <= 20; i++ {
		ioc.Caput(ioc.PV("long"), strconv.Itoa(i))
	}
	for range 20 {
		next()
	}
	want := "-42"
	for i := 1; i <= 20; i++ {
		want += " " + strconv.Itoa(i)
	}
	if strings.Join(got, " ") != want {
		t.Errorf("updates %v; want %s", got, want)
	}
	sub.Close()
	if _, err := sub.Next(t.Context()); !errors.Is(err, ca.ErrClosed) {
		t.Errorf("Next after Close: %v; want ErrClosed", err)
	}
}

// Writes the IOC refuses fail with an error naming the PV and saying why.
func TestRefusedWrites(t *testing.T) {
	ioc := epicstest.Start(t)
	c := client(t, ioc)
	ro := connect(t, c, ioc.PV("readonly"))
	if info, _ := ro.Info(); info.CanWrite || !info.CanRead {
		t.Errorf("readonly PV: access %+v", info)
	}
	err := ro.PutWait(t.Context(), 1)
	if !errors.Is(err, ca.StatusNoWtAccess) || err.Error() != "PV "+ioc.PV("readonly")+": put-callback: no write access (the IOC's access security makes this PV read-only)" {
		t.Errorf("put to read-only PV: %v", err)
	}
	if got := ioc.Caget(ioc.PV("readonly")); got != "7" {
		t.Errorf("read-only PV changed to %s", got)
	}

	d := connect(t, c, ioc.PV("double"))
	err = d.PutWait(t.Context(), "abc")
	if !errors.Is(err, ca.StatusNoConvert) || err.Error() != "PV "+ioc.PV("double")+`: put-callback: the value cannot be converted to the PV's type ("abc" is not a number; the PV is DOUBLE)` {
		t.Errorf("wrong type: %v", err)
	}
	l := connect(t, c, ioc.PV("long"))
	if err := l.PutWait(t.Context(), 2.5); !errors.Is(err, ca.StatusNoConvert) {
		t.Errorf("2.5 to a LONG: %v", err)
	}
	e := connect(t, c, ioc.PV("enum"))
	err = e.PutWait(t.Context(), "ajar")
	if !errors.Is(err, ca.StatusPutFail) && !errors.Is(err, ca.StatusBadType) && !errors.Is(err, ca.StatusNoConvert) {
		t.Errorf("no such state: %v", err)
	}
	if got := ioc.Caget(ioc.PV("enum")); got != "open" {
		t.Errorf("enum changed to %s", got)
	}
	dis := connect(t, c, ioc.PV("disabled"))
	if err := dis.PutWait(t.Context(), 5); !errors.Is(err, ca.StatusPutFail) {
		t.Errorf("put to a record with DISP=1: %v", err)
	}
}

// A name no server has fails after the configured search timeout.
func TestNotFound(t *testing.T) {
	ioc := epicstest.Start(t)
	cfg := ioc.Config()
	cfg.SearchTimeout = 300 * time.Millisecond
	c, err := ca.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Connect(t.Context(), ioc.PV("nope"))
	want := "PV " + ioc.PV("nope") + ": connect: not found (no server answered within 300ms at 127.0.0.1:" + strconv.Itoa(ioc.Port) + "; check the name and EPICS_CA_ADDR_LIST)"
	if !errors.Is(err, ca.ErrNotFound) || err.Error() != want {
		t.Errorf("unknown PV: %v\nwant %s", err, want)
	}
}

// Cancelling the context of a pending get or put with callback returns
// at once with the cancel cause; the channel stays usable.
func TestCancelPending(t *testing.T) {
	ioc := epicstest.Start(t)
	c := client(t, ioc)
	slow := connect(t, c, ioc.PV("slow.PROC"))
	interrupted := errors.New("interrupted by ctrl-c")

	ctx, cancel := context.WithCancelCause(t.Context())
	done := make(chan error)
	go func() { done <- slow.PutWait(ctx, 1) }()
	waitPending(t, c, done)
	cancel(interrupted)
	err := <-done
	if !errors.Is(err, context.Canceled) || !errors.Is(err, interrupted) || err.Error() != "PV "+ioc.PV("slow.PROC")+": put-callback: interrupted by ctrl-c" {
		t.Errorf("cancelled put-callback: %v", err)
	}

	d := connect(t, c, ioc.PV("double"))
	ioc.Freeze() // the IOC stops answering
	ctx, cancel = context.WithCancelCause(t.Context())
	go func() { _, err := d.Get(ctx); done <- err }()
	waitPending(t, c, done)
	cancel(interrupted)
	err = <-done
	ioc.Thaw()
	if !errors.Is(err, interrupted) || err.Error() != "PV "+ioc.PV("double")+": get: interrupted by ctrl-c" {
		t.Errorf("cancelled get: %v", err)
	}
	if v, err := d.Get(t.Context()); err != nil || v.Float64() != 3.25 {
		t.Errorf("get after a cancelled one: %v, %v", v, err)
	}
}

// waitPending waits until the client has a request in flight; it fails
// the test if the request ends first.
func waitPending(t *testing.T, c *ca.Client, done chan error) {
	t.Helper()
	for c.Pending() == 0 {
		select {
		case err := <-done:
			t.Fatalf("the request ended before it could be interrupted: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
}

// When the IOC dies, pending requests and monitors fail naming the PV;
// when it is back, the channels reconnect and the monitors resume, with
// no new client or subscription.
func TestIOCRestart(t *testing.T) {
	// a reconnection that never comes fails the test instead of hanging it
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ioc := epicstest.Start(t)
	c := client(t, ioc)
	slow := connect(t, c, ioc.PV("slow.PROC"))
	d := connect(t, c, ioc.PV("double"))
	sub, err := d.Subscribe(ca.Native(ca.Time), ca.MaskValue)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := sub.Next(ctx); err != nil || v.Float64() != 3.25 {
		t.Fatalf("first update %v, %v", v, err)
	}
	ioc.Caput(ioc.PV("double"), "5")
	if v, err := sub.Next(ctx); err != nil || v.Float64() != 5 {
		t.Fatalf("update %v, %v", v, err)
	}

	done := make(chan error)
	go func() { done <- slow.PutWait(t.Context(), 1) }()
	waitPending(t, c, done)
	ioc.Kill()
	err = <-done
	if !errors.Is(err, ca.ErrDisconnected) || !strings.HasPrefix(err.Error(), "PV "+ioc.PV("slow.PROC")+": put-callback: disconnected (server 127.0.0.1:") {
		t.Errorf("put-callback when the IOC dies: %v", err)
	}
	if _, err := sub.Next(ctx); !errors.Is(err, ca.ErrDisconnected) {
		t.Errorf("monitor when the IOC dies: %v", err)
	}
	if _, err := d.Get(t.Context()); !errors.Is(err, ca.ErrDisconnected) || d.Connected() {
		t.Errorf("get while the IOC is down: %v", err)
	}

	ioc.Restart()
	v, err := sub.Next(ctx)
	if err != nil || v.Float64() != 3.25 {
		t.Fatalf("first update after the restart: %v, %v", v, err)
	}
	ioc.Caput(ioc.PV("double"), "6")
	if v, err := sub.Next(ctx); err != nil || v.Float64() != 6 {
		t.Errorf("update after the restart: %v, %v", v, err)
	}
	if v, err := d.Get(t.Context()); err != nil || v.Float64() != 6 {
		t.Errorf("get after the restart: %v, %v", v, err)
	}
}

package signals_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/signals"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

func newBox(name string) *signals.Simulated {
	return signals.New(name,
		signals.DigitalIn("door_open"),
		signals.DigitalOut("lamp"),
		signals.AnalogIn("temperature", q.K).Doc("cabinet temperature"),
		signals.AnalogOut("hv", q.KV).Limits(0*q.KV, 30*q.KV).Safe(0*q.KV))
}

func TestSimulateAndTable(t *testing.T) {
	box := newBox("box")
	box.Simulate("door_open", true)
	box.Simulate("temperature", 300*q.K)
	if _, err := box.Param("hv").Set(12 * q.KV).Await(ctx); err != nil {
		t.Fatal(err)
	}
	want := `box (dummy IO): standby
  parameter    value  limits        notes
  door_open    true                 read-only
  lamp         false
  temperature  300 K                read-only
  hv           12 kV  0 V .. 30 kV`
	if got := box.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	for _, tc := range []struct {
		ch   string
		v    any
		want string
	}{
		{"door_open", 1 * q.V, `box.Simulate("door_open", 1 V): door_open is a digital input; want true or false`},
		{"temperature", true, `box.Simulate("temperature", true): temperature is an analog input; want a temperature`},
		{"temperature", q.Temperature(math.NaN()) * q.K, `box.Simulate("temperature", NaN K): NaN K is not a finite temperature`},
		{"window", true, `box.Simulate: no channel "window" (the channels are door_open (digital input), lamp (digital output), temperature (analog input), hv (analog output))`},
	} {
		func() {
			defer func() {
				if v := recover(); fmt.Sprint(v) != tc.want {
					t.Errorf("panic %v;\nwant %s", v, tc.want)
				}
			}()
			box.Simulate(tc.ch, tc.v)
		}()
	}
}

func TestChannelMistakes(t *testing.T) {
	for _, tc := range []struct {
		ch   signals.Channel
		want string
	}{
		{signals.AnalogIn("x", 3), "io: channel x: 3 is not a unit; write one of package q, such as q.V or q.K"},
		{signals.DigitalIn("door open"), `io: channel name "door open": write a name like "door" or "beam_current"`},
		{signals.DigitalIn("x").Safe(false), "io: channel x: only an output has a safe value"},
		{signals.DigitalOut("x").Safe(0), "io: channel x: safe value 0 is no bool; write true or false"},
		{signals.DigitalOut("x").Limits(0*q.V, 1*q.V), "io: channel x: limits need an analog channel"},
		{signals.AnalogOut("x", q.V).Limits(0*q.S, 1*q.V), "io: channel x: 0 s is not a voltage like its unit"},
		{signals.AnalogOut("hv", q.KV).Limits(30*q.KV, 0*q.KV), "io: channel hv: lower limit 30 kV > upper limit 0 V; write Limits(lower, upper)"},
		{signals.AnalogOut("hv", q.KV).Limits(0*q.KV, 30*q.KV).Safe(40 * q.KV), "io: channel hv: safe value 40 kV is outside its limits 0 V .. 30 kV; an emergency stop writes it"},
		{signals.AnalogOut("hv", q.KV).Limits(q.NoLimit, 30*q.KV).Safe(q.Voltage(math.NaN()) * q.KV), "io: channel hv: NaN V is not a finite voltage; write a number, or q.NoLimit for an open side"},
		{signals.AnalogIn("t", q.K).Limits(q.Temperature(math.Inf(1))*q.K, q.NoLimit), "io: channel t: +Inf K is not a finite temperature; write a number, or q.NoLimit for an open side"},
	} {
		func() {
			defer func() {
				if v := recover(); fmt.Sprint(v) != tc.want {
					t.Errorf("panic %v;\nwant %s", v, tc.want)
				}
			}()
			signals.New("io", tc.ch)
		}()
	}
}

// TestWatchdogInterlock is the interlock at work: a watchdog on the door
// switch stops everything when the door opens, which brings the high
// voltage to its safe value.
func TestWatchdogInterlock(t *testing.T) {
	box := newBox("interlocked_box")
	devices.SetWatchdogAnnouncer(func(string) {})
	t.Cleanup(func() { devices.SetWatchdogAnnouncer(nil) })
	if _, err := box.Param("hv").Set(20 * q.KV).Await(ctx); err != nil {
		t.Fatal(err)
	}
	wd := devices.Watchdog(box.Interlock("door_open", true), 5*time.Millisecond)
	t.Cleanup(func() { wd.Cancel() })
	time.Sleep(30 * time.Millisecond)
	if v := box.Param("hv").Must(); v != q.Quantity(20*q.KV) {
		t.Fatalf("hv = %v before the door opened; want 20 kV", v)
	}
	box.Simulate("door_open", true)
	devtest.Eventually(t, "hv at its safe value", func() bool { return box.Param("hv").Must() == q.Quantity(0*q.KV) })
}

// hung is a driver whose digital reads never return.
type hung struct {
	*signals.Dummy
	reads atomic.Int64
}

func (h *hung) ReadDigital(context.Context, string) (bool, error) {
	h.reads.Add(1)
	select {}
}

// TestInterlockOfAHungDriver: a driver that hangs, ignoring ctx, trips
// the interlock after a second, each time, without a read per check.
func TestInterlockOfAHungDriver(t *testing.T) {
	h := &hung{Dummy: signals.NewDummy()}
	dev := signals.NewDevice("hung_io", h, signals.Options{}, signals.DigitalIn("door_open"))
	check := dev.Interlock("door_open", true)
	for i := 0; i < 3; i++ {
		start := time.Now()
		if !check() {
			t.Fatalf("check %d: not tripped by a hung read", i)
		}
		if took := time.Since(start); took < 900*time.Millisecond {
			t.Errorf("check %d tripped after %v, before the read's second was up", i, took)
		}
	}
	if n := h.reads.Load(); n != 1 {
		t.Errorf("%d reads under way; want 1, however many checks", n)
	}
}

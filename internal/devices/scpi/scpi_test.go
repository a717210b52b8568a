package scpi_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/scpi"
	"github.com/concert-go/concert/internal/tasks"
	"github.com/concert-go/concert/internal/transport"
	"github.com/concert-go/concert/internal/transport/transporttest"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

func newPSU(t *testing.T, addr string, opts ...scpi.Option) *scpi.Instrument {
	t.Helper()
	opts = append([]scpi.Option{
		scpi.Param("voltage", q.V, "VOLT?", "VOLT %v").Limits(0*q.V, 30*q.V),
		scpi.Param("current", q.A, "CURR?", "CURR %v"),
		scpi.Flag("output", "OUTP?", "OUTP %v"),
	}, opts...)
	psu := scpi.New("psu", addr, opts...)
	t.Cleanup(func() { psu.Close() })
	return psu
}

func TestIdentityParametersAndTheRamp(t *testing.T) {
	for name, addr := range map[string]func(*testing.T) string{
		"tcp":    func(t *testing.T) string { return transporttest.PSU(t).Addr },
		"serial": func(t *testing.T) string { return "serial://" + transporttest.PSUSerial(t).Addr + "?baud=115200" },
	} {
		t.Run(name, func(t *testing.T) {
			psu := newPSU(t, addr(t))
			idn, err := psu.Param("idn").Get().Await(ctx)
			if err != nil || idn != "CONCERT,PSU-SIM,0,1.0" {
				t.Fatalf("idn = %v, %v", idn, err)
			}
			if _, err := psu.Param("output").Set(true).Await(ctx); err != nil {
				t.Fatal(err)
			}
			if on, err := psu.Param("output").Get().Await(ctx); err != nil || on != true {
				t.Fatalf("output = %v, %v; want true", on, err)
			}
			if _, err := psu.Param("voltage").Set(5 * q.V).Await(ctx); err != nil {
				t.Fatal(err)
			}
			// The supply ramps at 10 V/s: right after the set it is on
			// its way, then it arrives.
			v, err := psu.Param("voltage").Get().Await(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if x := v.(q.Voltage); x < 0 || x >= 5*q.V {
				t.Errorf("voltage right after the set = %v; want between 0 and 5 V", x)
			}
			if _, err := psu.Param("voltage").Wait(5*q.V, 1*q.MV, 10*q.S).Await(ctx); err != nil {
				t.Fatalf("the ramp did not arrive: %v", err)
			}
			if got, err := psu.Query("VOLT:SETP?").Await(ctx); err != nil || got != "5.0000" {
				t.Errorf("Query(VOLT:SETP?) = %v, %v", got, err)
			}
			if psu.State() != devices.Standby {
				t.Errorf("state %s; want standby", psu.State())
			}
		})
	}
}

func TestLimitsRefuseBeforeAnythingIsSent(t *testing.T) {
	psu := newPSU(t, transporttest.PSU(t).Addr)
	_, err := psu.Param("voltage").Set(40 * q.V).Await(ctx)
	var le *devices.LimitError
	if !errors.As(err, &le) || err.Error() != "psu.voltage: 40 V > upper limit 30 V of the device" {
		t.Fatalf("err = %v", err)
	}
	if sp, _ := psu.Query("VOLT:SETP?").Await(ctx); sp != "0.0000" {
		t.Fatalf("setpoint %v after a refused set", sp)
	}
}

func TestInstrumentErrorsFailTheTask(t *testing.T) {
	psu := newPSU(t, transporttest.PSU(t).Addr)
	// No limits declared for current: the instrument itself refuses 7 A.
	_, err := psu.Param("current").Set(7 * q.A).Await(ctx)
	want := `psu.current: the instrument refused "CURR 7": -222,"Data out of range"`
	var ie *scpi.InstrumentError
	if !errors.As(err, &ie) || err.Error() != want {
		t.Fatalf("err = %v;\nwant  %s", err, want)
	}
	_, err = psu.Write("BOGUS 1").Await(ctx)
	if want := `psu: the instrument refused "BOGUS 1": -113,"Undefined header"`; err == nil || err.Error() != want {
		t.Fatalf("err = %v;\nwant  %s", err, want)
	}
	// The queue is empty again: a good set passes.
	if _, err := psu.Param("current").Set(1500 * q.MA).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if i, _ := psu.Param("current").Get().Await(ctx); i != 1.5*q.A {
		t.Fatalf("current = %v", i)
	}
}

func TestGarbageReplyNamesParameterAndReply(t *testing.T) {
	psu := newPSU(t, transporttest.PSU(t).Addr)
	if _, err := psu.Write("SIM:FAULT garbage").Await(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := psu.Param("voltage").Get().Await(ctx)
	if want := `psu.voltage: reply "\x15#!?%\xfe" to "VOLT?" is not a number`; err == nil || err.Error() != want {
		t.Fatalf("err = %v;\nwant  %s", err, want)
	}
}

func TestUnreachableInstrumentIsInErrorState(t *testing.T) {
	addr := "tcp://127.0.0.1:" + strconv.Itoa(transporttest.FreePort(t))
	psu := newPSU(t, addr)
	_, err := psu.Param("voltage").Get().Await(ctx)
	want := "psu.voltage: " + addr + `: query "VOLT?": connection refused (is the instrument on, and listening at this port?)`
	if !errors.Is(err, transport.ErrRefused) || err.Error() != want {
		t.Fatalf("err = %v;\nwant  %s", err, want)
	}
	if psu.State() != devices.Error {
		t.Fatalf("state %s; want error", psu.State())
	}
}

func TestServerKilledThenBack(t *testing.T) {
	srv := transporttest.PSU(t)
	psu := newPSU(t, srv.Addr, scpi.Timeout(time.Second))
	if _, err := psu.Param("voltage").Set(1 * q.V).Await(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	_, err := psu.Param("voltage").Get().Await(ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "psu.voltage: "+srv.Addr+`: query "VOLT?": `) {
		t.Fatalf("err = %v; want it to name psu.voltage and %s", err, srv.Addr)
	}
	if psu.State() != devices.Error {
		t.Fatalf("state %s; want error", psu.State())
	}
	srv.Restart()
	if idn, err := psu.Param("idn").Get().Await(ctx); err != nil || idn != "CONCERT,PSU-SIM,0,1.0" {
		t.Fatalf("after the restart: %v, %v", idn, err)
	}
	if psu.State() != devices.Standby {
		t.Fatalf("state %s after a good exchange; want standby", psu.State())
	}
}

func TestSlowInstrumentTimesOutAndCancelIsPrompt(t *testing.T) {
	srv := transporttest.PSU(t)
	psu := newPSU(t, srv.Addr, scpi.Timeout(200*time.Millisecond))
	psu.Write("SIM:DELAY 1").Await(ctx)
	_, err := psu.Param("voltage").Get().Await(ctx)
	if !errors.Is(err, transport.ErrTimeout) || !strings.Contains(err.Error(), "no reply within 200ms") {
		t.Fatalf("err = %v", err)
	}
	patient := newPSU(t, srv.Addr, scpi.Timeout(time.Minute))
	task := patient.Param("voltage").Get()
	time.Sleep(50 * time.Millisecond)
	task.Cancel()
	if _, err := task.Await(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled get: %v", err)
	}
}

func TestConfigurationMistakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []scpi.Option
		want string
	}{
		{"no unit", []scpi.Option{scpi.Param("voltage", 5, "VOLT?", "VOLT %v")},
			"psu: parameter voltage: 5 is not a unit; write one of package q, such as q.V or q.MA"},
		{"no %v", []scpi.Option{scpi.Param("voltage", q.V, "VOLT?", "VOLT")},
			`psu: parameter voltage: set command "VOLT" has no %v for the value`},
		{"limit dimension", []scpi.Option{scpi.Param("voltage", q.V, "VOLT?", "VOLT %v").Limits(1*q.A, 2*q.A)},
			"psu: parameter voltage: limit 1 A is not a voltage like its unit"},
		{"twice", []scpi.Option{scpi.Param("v", q.V, "VOLT?", ""), scpi.Param("v", q.V, "VOLT?", "")},
			"psu: parameter v declared twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				v := recover()
				err, ok := v.(*scpi.ConfigError)
				if !ok || err.Error() != tc.want {
					t.Fatalf("panic %v;\nwant %s", v, tc.want)
				}
			}()
			scpi.New("psu", "tcp://127.0.0.1:1", tc.opts...)
		})
	}
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(error).Error(), `address "127.0.0.1:5025": want one of [tcp:// serial://]`) {
			t.Fatalf("bad address: %v", v)
		}
	}()
	scpi.New("psu", "127.0.0.1:5025")
}

// A tripped protection is ctrl-k: the watchdog on the supply's trip flag
// stops everything, a motor short of its target. The interlock fails
// safe: a garbage reply or an instrument out of reach counts as tripped.
func TestInterlockTripsTheEmergencyStop(t *testing.T) {
	srv := transporttest.PSU(t)
	psu := newPSU(t, srv.Addr, scpi.Flag("tripped", "OUTP:PROT:TRIP?", ""))
	// The faults go in over a connection of the test's own: no task of
	// the Default scheduler, which an emergency stop would cancel.
	sim, err := transport.NewLine(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	inject := func(cmd string) {
		t.Helper()
		if err := sim.Write(ctx, cmd); err != nil {
			t.Fatal(err)
		}
		sim.Query(ctx, "SYST:ERR?") // the simulator has read cmd (this query uses up no fault)
	}
	trip := psu.Interlock("tripped", true)
	if trip() {
		t.Fatal("the interlock is tripped before the protection tripped")
	}
	m := motors.NewLinear("interlock_motor")
	wd := devices.Watchdog(trip, 20*time.Millisecond)
	defer wd.Cancel()
	move := m.SetPosition(10 * q.MM) // 1 mm/s
	for m.Position() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	inject("SIM:TRIP")
	if _, err := move.Await(ctx); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Fatalf("the move: %v; want the emergency stop", err)
	}
	if at := m.Position(); at >= 10*q.MM {
		t.Errorf("the motor reached %v", at)
	}
	// The watchdog's task ends once the emergency stop it runs is over.
	wd.Cancel()
	wd.Await(ctx)
	inject("OUTP:PROT:CLE")
	if trip() {
		t.Fatal("the interlock is tripped after the trip was cleared")
	}
	inject("SIM:FAULT garbage")
	if !trip() {
		t.Error("an interlock answered with garbage is not tripped")
	}
	srv.Kill()
	if !trip() {
		t.Error("an interlock whose instrument is gone is not tripped")
	}
}

// An interlock needs a Flag that can be queried.
func TestInterlockNeedsAFlag(t *testing.T) {
	psu := newPSU(t, "tcp://127.0.0.1:5025")
	defer func() {
		var ce *scpi.ConfigError
		if err, _ := recover().(error); !errors.As(err, &ce) || !strings.Contains(err.Error(), `"voltage" is none`) {
			t.Errorf("Interlock on a quantity: %v", err)
		}
	}()
	psu.Interlock("voltage", true)
}

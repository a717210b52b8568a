package modbus_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/modbus"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/motors/motortest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
	"github.com/concert-go/concert/internal/transport"
	"github.com/concert-go/concert/internal/transport/transporttest"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

// axis is the positioner of the simulated PLC (see transporttest's
// modbus_sim.py): target in holding 10-11, readback in input 10-11, both
// int32 micrometres, moving on discrete input 10, stop on coil 10, drive
// fault on discrete input 11; it moves at 5 mm/s.
var axis = modbus.Axis{
	Target:   modbus.Register{Table: modbus.Holding, Addr: 10, Type: modbus.Int32},
	Readback: modbus.Register{Table: modbus.Input, Addr: 10, Type: modbus.Int32},
	Moving:   modbus.DiscreteInput(10),
	Stop:     10,
	Fault:    &modbus.Bit{Addr: 11},
	Unit:     q.UM,
}

func servers() map[string]func(*testing.T) (*transporttest.Server, string) {
	return map[string]func(*testing.T) (*transporttest.Server, string){
		"tcp": func(t *testing.T) (*transporttest.Server, string) { s := transporttest.ModbusTCP(t); return s, s.Addr },
		"rtu": func(t *testing.T) (*transporttest.Server, string) {
			s := transporttest.ModbusRTU(t)
			return s, "rtu://" + s.Addr + "?baud=115200"
		},
	}
}

func TestPositionerContract(t *testing.T) {
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			_, addr := start(t)
			t.Cleanup(func() { modbus.Forget(addr) })
			motortest.Run(t, motortest.Setup{
				New: func(t *testing.T) (motors.Driver, motors.Options) {
					reset(t, addr)
					p, err := modbus.NewPositioner(addr, axis, transport.Timeout(time.Second))
					if err != nil {
						t.Fatal(err)
					}
					return p, p.Options()
				},
				Target: 2000, // 0.4 s at 5 mm/s
			})
		})
	}
}

// reset puts the PLC's axis at 0, standing, at once, through the client
// the devices share (a serial line carries one request at a time).
func reset(t *testing.T, addr string) {
	t.Helper()
	c, err := modbus.Client(addr, transport.Timeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteRegisters(ctx, 14, 1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := c.ReadRegisters(ctx, transport.Holding, 14, 1)
		if err == nil && r[0] == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the PLC did not reset: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newStage(t *testing.T, addr string) *motors.Motor {
	t.Helper()
	m := modbus.NewMotor("stage", addr, axis, transport.Timeout(500*time.Millisecond))
	t.Cleanup(func() { modbus.Forget(addr) })
	return m
}

func TestMoveAndReadBack(t *testing.T) {
	_, addr := servers()["tcp"](t)
	stage := newStage(t, addr)
	if _, err := stage.SetPosition(1.5 * q.MM).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if got := stage.Position(); got != q.Quantity(1.5*q.MM) {
		t.Fatalf("Position() = %v; want 1.5 mm", got)
	}
	if _, err := stage.Move(-500 * q.UM).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if got := stage.Position(); got != q.Quantity(1*q.MM) {
		t.Fatalf("after Move(-500 µm): %v; want 1 mm", got)
	}
}

func TestDriveFaultFailsTheMove(t *testing.T) {
	_, addr := servers()["tcp"](t)
	stage := newStage(t, addr)
	c, _ := modbus.Client(addr)
	if err := c.WriteRegisters(ctx, 13, 1); err != nil { // the next move faults
		t.Fatal(err)
	}
	_, err := stage.SetPosition(1 * q.MM).Await(ctx)
	if err == nil || err.Error() != "stage.position: drive fault (discrete input 11 is on); clear it at the controller" {
		t.Fatalf("err = %v", err)
	}
}

// The server dies while the axis moves: the move fails naming the device
// and the address, the device is in state error, and an emergency stop
// reports it failed, at once, without blocking.
func TestServerKilledMidMove(t *testing.T) {
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			srv, addr := start(t)
			stage := newStage(t, addr)
			move := stage.SetPosition(5 * q.MM) // 1 s at 5 mm/s
			waitMoving(t, stage)
			srv.Kill()
			_, err := move.Await(ctx)
			if err == nil || !strings.HasPrefix(err.Error(), "stage.position: "+addr+": ") {
				t.Fatalf("err = %v; want it to begin stage.position: %s: ", err, addr)
			}
			if s := stage.State(); s != devices.Error {
				t.Errorf("state %s; want error", s)
			}
			// ctrl-k's report lists it as failed, with the reason.
			report := devices.EmergencyStopAll(ctx)
			listed := false
			for _, f := range report.Failed {
				listed = listed || f.Device == "stage" && strings.HasPrefix(f.Err.Error(), "stage: emergency stop: "+addr+": write coil 10 = true: ")
			}
			if !listed {
				t.Errorf("ctrl-k report: %s; want stage failed naming %s", report, addr)
			}
			if s := stage.State(); s != devices.Error {
				t.Errorf("state after the emergency stop %s; want error", s)
			}
		})
	}
}

// A hung controller (the server stopped, SIGSTOP) blocks neither ctrl-k
// nor a cancel: the emergency stop reports the stage within its limit,
// and the move ends.
func TestHungServerBlocksNothing(t *testing.T) {
	srv, addr := servers()["tcp"](t)
	stage := newStage(t, addr)
	move := stage.SetPosition(5 * q.MM)
	waitMoving(t, stage)
	srv.Pause()
	defer srv.Resume()
	report := devices.EmergencyStopAllWithin(ctx, 200*time.Millisecond)
	reported := slices.Contains(report.TimedOut, "stage")
	for _, f := range report.Failed {
		reported = reported || f.Device == "stage"
	}
	if !reported {
		t.Errorf("ctrl-k report: %s; want stage timed out or failed", report)
	}
	if _, err := move.Await(ctx); err == nil {
		t.Fatal("the move to a hung controller succeeded")
	}
}

// The server comes back: the next operation reconnects.
func TestServerBackReconnects(t *testing.T) {
	srv, addr := servers()["tcp"](t)
	stage := newStage(t, addr)
	if _, err := stage.SetPosition(100 * q.UM).Await(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Restart() // a fresh PLC: the axis at 0
	if got, err := stage.GetPosition().Await(ctx); err != nil || got != q.Quantity(0*q.MM) {
		t.Fatalf("after the restart: %v, %v", got, err)
	}
	if _, err := stage.SetPosition(200 * q.UM).Await(ctx); err != nil {
		t.Fatal(err)
	}
}

// ctrl-k: the emergency stop writes the stop coil; the axis stands where
// it was, short of its target.
func TestEmergencyStopWritesTheStopCoil(t *testing.T) {
	_, addr := servers()["tcp"](t)
	stage := newStage(t, addr)
	move := stage.SetPosition(5 * q.MM)
	waitMoving(t, stage)
	if err := stage.EmergencyStop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := move.Await(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("the move: %v; want it cancelled", err)
	}
	at := stage.Position().(q.Length)
	if at <= 0 || at >= 5*q.MM {
		t.Fatalf("stands at %v; want between 0 and 5 mm", at)
	}
	c, _ := modbus.Client(addr)
	target, _ := c.Read(ctx, axis.Target)
	if q.Length(target)*q.UM != at {
		t.Fatalf("the controller's target is %v µm, the axis at %v: the stop coil did not stop it", target, at)
	}
}

// A tripped interlock is ctrl-k: the watchdog stops everything, the stage
// by its stop coil, short of its target.
func TestInterlockTripsTheEmergencyStop(t *testing.T) {
	_, addr := servers()["tcp"](t)
	stage := newStage(t, addr)
	door := modbus.NewIO("door", addr, modbus.DigitalIn("open", modbus.DiscreteInput(20))).Interlock("open", true)
	if door() {
		t.Fatal("the interlock is tripped before the door opened")
	}
	wd := devices.Watchdog(door, 20*time.Millisecond)
	defer wd.Cancel()
	move := stage.SetPosition(5 * q.MM)
	waitMoving(t, stage)
	plc, _ := modbus.Client(addr)
	if err := plc.WriteCoil(ctx, 20, true); err != nil { // wired to input 20
		t.Fatal(err)
	}
	if _, err := move.Await(ctx); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Fatalf("the move: %v; want the emergency stop", err)
	}
	if at := stage.Position().(q.Length); at >= 5*q.MM {
		t.Fatalf("the stage reached %v", at)
	}
	plc.WriteCoil(ctx, 20, false)
	// Fail safe: an interlock that cannot be read is tripped.
	off := modbus.NewIO("door2", "tcp://127.0.0.1:"+strconv.Itoa(transporttest.FreePort(t)), modbus.DigitalIn("open", modbus.DiscreteInput(20)))
	if dead := off.Interlock("open", true); !dead() {
		t.Fatal("an unreadable interlock is not tripped")
	}
}

func waitMoving(t *testing.T, m *motors.Motor) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for m.Position().(q.Length) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the axis did not start moving")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// An axis whose limits are inverted is refused before any connection.
func TestPositionerRefusesInvertedLimits(t *testing.T) {
	a := axis
	a.Lower, a.Upper = 50, -50
	_, err := modbus.NewPositioner("127.0.0.1:1", a)
	if err == nil || !strings.Contains(err.Error(), "the lower limit (50) is above the upper limit (-50)") {
		t.Fatalf("NewPositioner with inverted limits: %v, want the limits refused", err)
	}
}

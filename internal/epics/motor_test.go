package epics_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/motors/motortest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/epics"
	"github.com/concert-go/concert/internal/epics/ca"
	"github.com/concert-go/concert/internal/epics/epicstest"
)

// simMotor names the PVs of the test IOC's simulated motor.
func simMotor(ioc *epicstest.IOC) epics.MotorPVs {
	p := ioc.PV("m1:")
	return epics.MotorPVs{VAL: p + "VAL", RBV: p + "RBV", DMOV: p + "DMOV", STOP: p + "STOP",
		HLM: p + "VAL.DRVH", LLM: p + "VAL.DRVL", VELO: p + "VELO", EGU: p + "VAL.EGU", HOMF: p + "HOMF"}
}

// useIOC makes the devices of the test use a client of the IOC.
func useIOC(t *testing.T, ioc *epicstest.IOC) *ca.Client {
	t.Helper()
	c, err := ca.NewClient(ioc.Config())
	if err != nil {
		t.Fatal(err)
	}
	epics.Use(c)
	t.Cleanup(func() { c.Close() })
	return c
}

// park puts the simulated motor at 0 at once: setpoint, then readback.
func park(t *testing.T, c *ca.Client, pvs epics.MotorPVs) {
	t.Helper()
	for _, pv := range []string{pvs.VAL, pvs.RBV} {
		ch, err := c.Connect(t.Context(), pv)
		if err != nil {
			t.Fatal(err)
		}
		if err := ch.PutWait(t.Context(), 0); err != nil {
			t.Fatal(err)
		}
		ch.Close()
	}
	dmov, err := c.Connect(t.Context(), pvs.DMOV)
	if err != nil {
		t.Fatal(err)
	}
	defer dmov.Close()
	sub, err := dmov.Subscribe(ca.DBR(ca.Plain, ca.Long), ca.MaskValue)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	for {
		v, err := sub.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if v.Float64() == 1 {
			return
		}
	}
}

// The EPICS motor keeps the motor contract against the IOC's motor.
func TestMotorContract(t *testing.T) {
	ioc := epicstest.Start(t)
	c := useIOC(t, ioc)
	pvs := simMotor(ioc)
	motortest.Run(t, motortest.Setup{
		New: func(t *testing.T) (motors.Driver, motors.Options) {
			park(t, c, pvs)
			d, o, err := epics.NewMotorDriver(t.Context(), "m", pvs)
			if err != nil {
				t.Fatal(err)
			}
			return d, o
		},
		Target: 3,
	})
}

// The motor reads its unit from EGU and its limits from the limit PVs,
// and moves where caget sees it.
func TestMotorFromIOC(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	m := epics.MotorFrom("sample_x", simMotor(ioc))
	lo, hi := m.Param("position").Limits()
	if lo != q.Quantity(-100*q.MM) || hi != q.Quantity(100*q.MM) {
		t.Errorf("limits %v, %v; want -100 mm, 100 mm", lo, hi)
	}
	if _, err := m.SetPosition(1.5 * q.MM).Await(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := ioc.Caget(ioc.PV("m1:RBV")); got != "1.5" {
		t.Errorf("caget m1:RBV = %s after a move to 1.5 mm", got)
	}
	if v, err := m.GetMotionVelocity().Await(t.Context()); err != nil || v != q.Quantity(5*q.MMPerS) {
		t.Errorf("motion velocity %v, %v; want 5 mm/s", v, err)
	}
	_, err := m.SetPosition(150 * q.MM).Await(t.Context())
	var le *devices.LimitError
	if !errors.As(err, &le) {
		t.Errorf("move beyond HLM: %v", err)
	}
}

// An IOC whose soft limits are inverted gives a configuration error that
// names the PVs, not a motor that refuses every move.
func TestMotorInvertedLimits(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	pvs := simMotor(ioc)
	ioc.Caput(pvs.LLM, "10")
	ioc.Caput(pvs.HLM, "-10")
	_, _, err := epics.NewMotorDriver(t.Context(), "m", pvs)
	var ce *epics.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "soft limits are inverted") || !strings.Contains(err.Error(), pvs.LLM) {
		t.Fatalf("inverted DRVL/DRVH: %v, want a ConfigError naming them", err)
	}
}

// A motor whose IOC dies mid-move: the move fails naming the PV, the
// motor shows state error, and an emergency stop reports it; when the
// IOC is back, the motor moves again.
func TestMotorIOCKilledMidMove(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	m := epics.MotorFrom("sample_x", simMotor(ioc))
	mv := m.SetPosition(50 * q.MM)
	for m.Position().Base() == 0 {
		if mv.State().Ended() {
			t.Fatalf("the move ended before it moved: %v", mv.Err())
		}
	}
	ioc.Kill()
	_, err := mv.Await(t.Context())
	if err == nil || !errors.Is(err, ca.ErrDisconnected) || !strings.Contains(err.Error(), "PV "+ioc.PV("m1:DMOV")+": monitor: disconnected") {
		t.Errorf("move when the IOC dies: %v", err)
	}
	if st := m.State(); st != devices.Error {
		t.Errorf("state %s after the IOC died; want error", st)
	}
	err = m.EmergencyStop(context.Background())
	if err == nil || !strings.Contains(err.Error(), ioc.PV("m1:STOP")) || !strings.Contains(err.Error(), "disconnected") {
		t.Errorf("emergency stop with the IOC dead: %v", err)
	}
	ioc.Restart()
	park(t, epicsClient(t), simMotor(ioc))
	// the motor's own channels reconnect by themselves, soon: searches
	// repeat at most 5 s apart
	deadline := time.Now().Add(time.Minute)
	for _, err := m.GetPosition().Await(t.Context()); err != nil; _, err = m.GetPosition().Await(t.Context()) {
		if !errors.Is(err, ca.ErrDisconnected) || time.Now().After(deadline) {
			t.Fatalf("position after the IOC came back: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := m.SetPosition(1 * q.MM).Await(t.Context()); err != nil {
		t.Errorf("move after the IOC came back: %v", err)
	}
	if st := m.State(); st != devices.Standby {
		t.Errorf("state %s after a good move; want standby", st)
	}
}

func epicsClient(t *testing.T) *ca.Client {
	c, err := epics.Client()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Watch prints every change, in order, until its task is cancelled.
func TestWatch(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	lines := make(chan string, 100)
	print := func(a ...any) (int, error) { lines <- a[0].(string); return 0, nil }
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { _, err := epics.Watch(ioc.PV("long"), print)(ctx); done <- err }()
	next := func() string {
		select {
		case l := <-lines:
			return l
		case err := <-done:
			t.Fatalf("Watch ended: %v", err)
		}
		return ""
	}
	if l := next(); !strings.HasPrefix(l, ioc.PV("long")) || !strings.HasSuffix(l, " -42") {
		t.Errorf("first line %q", l)
	}
	ioc.Caput(ioc.PV("long"), "5")
	if l := next(); !strings.HasSuffix(l, " 5") {
		t.Errorf("line after caput 5: %q", l)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch after cancel: %v", err)
	}
}

package epics_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/devices/shutters/shuttertest"
	"github.com/concert-go/concert/internal/epics"
	"github.com/concert-go/concert/internal/epics/ca"
	"github.com/concert-go/concert/internal/epics/epicstest"
)

// simShutter names the PVs of the test IOC's shutter.
func simShutter(ioc *epicstest.IOC) epics.ShutterPVs {
	return epics.ShutterPVs{Open: ioc.PV("sh:OPEN"), Close: ioc.PV("sh:CLOSE"), Status: ioc.PV("sh:STATUS")}
}

// closeShutter closes the IOC's shutter with caput and waits until caget
// says it is closed.
func closeShutter(t *testing.T, ioc *epicstest.IOC) {
	t.Helper()
	ioc.Caput(ioc.PV("sh:CLOSE"), "1")
	deadline := time.Now().Add(30 * time.Second)
	for ioc.Caget(ioc.PV("sh:STATUS")) != "Closed" {
		if time.Now().After(deadline) {
			t.Fatal("the IOC's shutter did not close within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The EPICS shutter keeps the shutter contract against the IOC's shutter.
func TestShutterContract(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	shuttertest.Run(t, shuttertest.Setup{
		New: func(t *testing.T) (shutters.Driver, shutters.Options) {
			closeShutter(t, ioc)
			d, err := epics.NewShutterDriver(t.Context(), "sh", simShutter(ioc))
			if err != nil {
				t.Fatal(err)
			}
			return d, shutters.Options{}
		},
	})
}

// The shutter opens and closes where caget sees it; a status that is
// neither, and an IOC that died, are errors naming the PV.
func TestShutterFromIOC(t *testing.T) {
	ioc := epicstest.Start(t)
	useIOC(t, ioc)
	sh := epics.Shutter("fe_shutter", simShutter(ioc))
	if st := sh.State(); st != devices.Closed {
		t.Fatalf("state %s at the start; want closed", st)
	}
	if _, err := sh.Open().Await(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := ioc.Caget(ioc.PV("sh:STATUS")); got != "Open" || sh.State() != devices.Open {
		t.Errorf("after Open: caget status %s, state %s", got, sh.State())
	}
	if _, err := sh.Close().Await(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := ioc.Caget(ioc.PV("sh:STATUS")); got != "Closed" || sh.State() != devices.Closed {
		t.Errorf("after Close: caget status %s, state %s", got, sh.State())
	}

	// a status that names neither state given
	pvs := simShutter(ioc)
	pvs.OpenState, pvs.ClosedState = "OPENED", "SHUT"
	d, err := epics.NewShutterDriver(t.Context(), "sh", pvs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.IsOpen(t.Context()); err == nil || !strings.Contains(err.Error(), `sh:STATUS reads "Closed": neither open nor closed`) {
		t.Errorf("IsOpen of a status that is neither state: %v", err)
	}

	ioc.Kill()
	_, err = sh.Open().Await(t.Context())
	if !errors.Is(err, ca.ErrDisconnected) || !strings.Contains(err.Error(), ioc.PV("sh:OPEN")) {
		t.Errorf("Open with the IOC dead: %v", err)
	}
	if st := sh.State(); st != devices.Error {
		t.Errorf("state %s with the IOC dead; want error", st)
	}
	if err := sh.EmergencyStop(context.Background()); err == nil || !strings.Contains(err.Error(), "disconnected") {
		t.Errorf("emergency stop with the IOC dead: %v", err)
	}
}

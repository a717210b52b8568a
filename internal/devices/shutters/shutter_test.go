package shutters_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/tasks"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

func TestOpenClose(t *testing.T) {
	s := shutters.New("shutter")
	if got := s.State(); got != devices.Closed {
		t.Fatalf("new shutter state = %s; want closed", got)
	}
	_, err := s.Close().Await(ctx)
	want := "shutter: cannot Close in state closed (only in open)"
	if err == nil || err.Error() != want {
		t.Errorf("Close() on closed shutter: error = %v; want %s", err, want)
	}
	var se *devices.StateError
	if !errors.As(err, &se) {
		t.Errorf("error %T is no *devices.StateError", err)
	}
	if _, err := s.Open().Await(ctx); err != nil || s.State() != devices.Open {
		t.Fatalf("Open() = %v; state %s", err, s.State())
	}
	if _, err := s.Open().Await(ctx); err == nil || err.Error() != "shutter: cannot Open in state open (only in closed)" {
		t.Errorf("Open() on open shutter: error = %v", err)
	}
	if _, err := s.Close().Await(ctx); err != nil || s.State() != devices.Closed {
		t.Fatalf("Close() = %v; state %s", err, s.State())
	}
}

func TestCancelOpenStaysClosed(t *testing.T) {
	s := shutters.New("shutter")
	task := s.Open()
	deadline := time.Now().Add(5 * time.Second)
	for s.State() != devices.Opening && time.Now().Before(deadline) {
		time.Sleep(100 * time.Microsecond)
	}
	if got := s.State(); got != devices.Opening {
		t.Errorf("state while opening = %s; want opening", got)
	}
	task.Cancel()
	task.Await(ctx)
	if got := s.State(); got != devices.Closed {
		t.Errorf("state after cancelled Open = %s; want closed", got)
	}
}

func TestEmergencyStopCloses(t *testing.T) {
	s := shutters.New("shutter")
	s.Open().Await(ctx)
	if err := s.EmergencyStop(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.State(); got != devices.Closed {
		t.Errorf("state after emergency stop = %s; want closed", got)
	}
	// While opening: the open is cancelled and the shutter closed.
	task := s.Open()
	time.Sleep(5 * time.Millisecond)
	s.EmergencyStop(ctx)
	_, err := task.Await(ctx)
	if !errors.Is(err, tasks.ErrEmergencyStop) || s.State() != devices.Closed {
		t.Errorf("Open during emergency stop: %v, state %s", err, s.State())
	}
}

func TestLockedShutterDoesNotMove(t *testing.T) {
	s := shutters.New("shutter")
	s.Lock(false)
	if _, err := s.Open().Await(ctx); err == nil || err.Error() != "shutter: locked; call shutter.Unlock() first" {
		t.Errorf("Open() on locked shutter: %v", err)
	}
	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open().Await(ctx); err != nil {
		t.Errorf("Open() after Unlock: %v", err)
	}
}

func TestString(t *testing.T) {
	if got, want := shutters.New("shutter").String(), "shutter: closed"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
	if got, want := shutters.New("s1").String(), "s1 (shutter): closed"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
}

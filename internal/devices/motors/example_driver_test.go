package motors_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/motors/motortest"
	"github.com/concert-go/concert/internal/devices/q"
)

// README: a driver
import (
	"context"
	"sync"
	"time"
)

// Stepper drives a stepper motor that makes one step per tick; the
// controller here is simulated by a step counter.
type Stepper struct {
	mu    sync.Mutex
	steps int           // where the motor is, in steps
	tick  time.Duration // one step takes this long
}

const stepsPerMM = 100 // the driver's numbers are in mm: Options{Unit: q.MM}

func (s *Stepper) Position(ctx context.Context) (float64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return float64(s.steps) / stepsPerMM, nil
}

// MoveTo steps towards target; cancelled, it stops at the step it made.
func (s *Stepper) MoveTo(ctx context.Context, target float64) error {
	want := int(target*stepsPerMM + 0.5)
	for {
		s.mu.Lock()
		switch {
		case s.steps < want:
			s.steps++
		case s.steps > want:
			s.steps--
		default:
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return context.Cause(ctx) // the motor stands: no step is under way
		case <-time.After(s.tick):
		}
	}
}

func (s *Stepper) Stop(ctx context.Context) error { return nil } // MoveTo stops on its ctx
func (s *Stepper) Home(ctx context.Context) error { return s.MoveTo(ctx, 0) }

// README: end

func TestWritingADriver(t *testing.T) {
	motortest.Run(t, motortest.Setup{
		New: func(t *testing.T) (motors.Driver, motors.Options) {
			return &Stepper{tick: time.Millisecond}, motors.Options{Unit: q.MM}
		},
		Target: 2, // 200 steps
	})
}

// TestREADMEDriver keeps the README's driver the one tested above.
func TestREADMEDriver(t *testing.T) {
	src, err := os.ReadFile("example_driver_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, code, _ := bytes.Cut(src, []byte("// README: a driver\n"))
	code, _, _ = bytes.Cut(code, []byte("// README: end\n"))
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "package mydriver\n\n"+string(code)) {
		t.Errorf("README's driver (after \"package mydriver\") differs from example_driver_test.go's:\n%s", code)
	}
}

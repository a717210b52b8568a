package counters_test

import (
	"context"
	"errors"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/counters"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

var ctx = context.Background()

func TestCount(t *testing.T) {
	c := counters.NewDummy("det1")
	if _, err := c.SetCountTime(50 * q.MS).Await(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := devtest.Within(t, "count", c.Count())
	if err != nil || n != 50.0 || c.Counts() != 50 || c.State() != devices.Standby {
		t.Errorf("Count() = %v, %v; counts %v, state %s; want 50 counts in standby", n, err, c.Counts(), c.State())
	}
}

func TestCountTimeRefusedBeforeCounting(t *testing.T) {
	c := counters.NewDummy("det2")
	_, err := devtest.Within(t, "set", c.SetCountTime(2*q.H))
	if want := "det2.count_time: 2 h > upper limit 1 h of the device"; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %s", err, want)
	}
	if got := c.CountTime(); got != 1*q.S {
		t.Errorf("count_time = %v after the refusal; want 1 s", got)
	}
}

func TestCancelAndEmergencyStopEndCountingInStandby(t *testing.T) {
	for _, stop := range []string{"cancel", "emergency stop"} {
		t.Run(stop, func(t *testing.T) {
			c := counters.NewDummy("det3" + stop)
			count := c.Count() // 1 s
			devtest.Eventually(t, "counting", func() bool { return c.State() == devices.Counting })
			want := tasks.ErrCancelled
			if stop == "cancel" {
				count.Cancel()
			} else {
				want = tasks.ErrEmergencyStop
				c.EmergencyStop(ctx)
			}
			if _, err := devtest.Within(t, "count", count); !errors.Is(err, want) {
				t.Errorf("count: error = %v; want %v", err, want)
			}
			if c.State() != devices.Standby || c.Counts() != 0 {
				t.Errorf("after %s: %s, counts %v; want standby, 0", stop, c.State(), c.Counts())
			}
		})
	}
}

type broken struct{ panicky bool }

func (b broken) Count(context.Context, float64) (float64, error) {
	if b.panicky {
		panic("nil map")
	}
	return 0, errors.New("no signal on input 1")
}

func TestDriverFailureNamesTheDevice(t *testing.T) {
	for _, tt := range []struct {
		drv  broken
		want string
	}{
		{broken{}, "det4: Count: no signal on input 1"},
		{broken{panicky: true}, "det4: Count: driver panicked: nil map"},
	} {
		c := counters.New("det4", tt.drv)
		if _, err := devtest.Within(t, "count", c.Count()); err == nil || err.Error() != tt.want {
			t.Errorf("error = %v; want %s", err, tt.want)
		}
		if c.State() != devices.Standby {
			t.Errorf("state = %s; want standby", c.State())
		}
	}
}

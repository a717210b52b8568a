package cameras_test

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/q"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

var ctx = context.Background()

func TestGrab(t *testing.T) {
	c := cameras.New("camera")
	if _, err := c.SetExposureTime(2 * q.MS).Await(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := c.Grab().Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := r.(*cameras.Frame)
	if got, want := f.String(), "<frame 1: 256x256 uint16, mean 510.0>"; got != want {
		t.Errorf("frame = %s; want %s", got, want)
	}
	if f.Exposure != 2*q.MS {
		t.Errorf("frame exposure = %v", f.Exposure)
	}
}

func TestParams(t *testing.T) {
	c := cameras.New("camera")
	tests := []struct {
		name    string
		task    func() error
		wantErr string
	}{
		{"exposure too long", func() error { _, err := c.SetExposureTime(20 * q.S).Await(ctx); return err },
			"camera.exposure_time: 20 s > upper limit 10 s of the device"},
		{"frame rate", func() error { _, err := c.SetFrameRate(50 * q.Hz).Await(ctx); return err }, ""},
		{"trigger", func() error { _, err := c.SetTriggerMode(cameras.Software).Await(ctx); return err }, ""},
		{"bad trigger", func() error { _, err := c.SetTriggerMode("sometimes").Await(ctx); return err },
			`camera.trigger_mode: unknown trigger mode "sometimes" (want cameras.Auto, cameras.Software or cameras.External)`},
		{"record", func() error { _, err := c.StartRecording().Await(ctx); return err }, ""},
		{"set while recording", func() error { _, err := c.SetFrameRate(5 * q.Hz).Await(ctx); return err },
			"camera: cannot SetFrameRate in state recording (only in standby)"},
		{"record twice", func() error { _, err := c.StartRecording().Await(ctx); return err },
			"camera: cannot StartRecording in state recording (only in standby)"},
		{"stop", func() error { _, err := c.StopRecording().Await(ctx); return err }, ""},
	}
	for _, tt := range tests {
		err := tt.task()
		if (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) {
			t.Errorf("%s: error = %v; want %q", tt.name, err, tt.wantErr)
		}
	}
	if c.FrameRate() != 50*q.Hz || c.TriggerMode() != cameras.Software || c.State() != devices.Standby {
		t.Errorf("after: %v %v %s", c.FrameRate(), c.TriggerMode(), c.State())
	}
}

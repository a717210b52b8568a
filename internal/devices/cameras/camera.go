// Package cameras has the camera contract and a dummy camera: exposure
// time, frame rate and trigger mode, Grab for one frame, and recording.
package cameras

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

//go:generate go run ../internal/paramgen -type Dummy exposure_time:q.Duration frame_rate:q.Frequency trigger_mode:TriggerMode

// Camera takes frames.
type Camera interface {
	devices.Device
	Grab() *tasks.Task
	StartRecording() *tasks.Task
	StopRecording() *tasks.Task
}

// TriggerMode says what starts an exposure.
type TriggerMode string

// Trigger modes.
const (
	Auto     TriggerMode = "auto"     // the camera's own clock, at the frame rate
	Software TriggerMode = "software" // each Grab
	External TriggerMode = "external" // a signal on the trigger input
)

// Frame is one image.
type Frame struct {
	Number        int // counts from 1 per camera
	Width, Height int
	Pixels        []uint16 // row by row
	Exposure      q.Duration
}

// String prints the frame's shape, not its pixels.
func (f *Frame) String() string {
	var sum float64
	for _, p := range f.Pixels {
		sum += float64(p)
	}
	return fmt.Sprintf("<frame %d: %dx%d uint16, mean %.1f>", f.Number, f.Width, f.Height, sum/float64(len(f.Pixels)))
}

// Dummy is a dummy camera with 256x256 frames. It starts with an exposure
// time of 10 ms, 10 Hz and trigger mode auto.
type Dummy struct {
	*devices.Base
	ctl          *devices.Control
	exposureTime *devices.Parameter
	frameRate    *devices.Parameter
	triggerMode  *devices.Parameter

	mu       sync.Mutex
	exposure q.Duration
	rate     q.Frequency
	trigger  TriggerMode
	frames   int
}

var (
	_ Camera           = (*Dummy)(nil)
	_ devices.Lockable = (*Dummy)(nil)
)

const size = 256

// New makes a dummy camera called name.
func New(name string) *Dummy {
	c := &Dummy{exposure: 10 * q.MS, rate: 10 * q.Hz, trigger: Auto}
	c.Base, c.ctl = devices.New(devices.Config{Name: name, Kind: "camera",
		EmergencyStop: func(context.Context) error {
			c.ctl.SetState(devices.Standby)
			return nil
		}})
	standby := []devices.State{devices.Standby}
	c.exposureTime = c.ctl.Add(devices.ParamSpec{Name: "exposure_time", Doc: "how long one frame is exposed", Unit: q.MS,
		Get: func(context.Context) (any, error) { c.mu.Lock(); defer c.mu.Unlock(); return c.exposure, nil },
		Set: func(_ context.Context, v any) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.exposure = v.(q.Duration)
			return nil
		},
		Limits: func() (q.Quantity, q.Quantity) { return 1 * q.US, 10 * q.S },
		From:   standby,
	})
	c.frameRate = c.ctl.Add(devices.ParamSpec{Name: "frame_rate", Doc: "frames per second when recording", Unit: q.Hz,
		Get: func(context.Context) (any, error) { c.mu.Lock(); defer c.mu.Unlock(); return c.rate, nil },
		Set: func(_ context.Context, v any) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.rate = v.(q.Frequency)
			return nil
		},
		Limits: func() (q.Quantity, q.Quantity) { return 0.1 * q.Hz, 1 * q.KHz },
		From:   standby,
	})
	c.triggerMode = c.ctl.Add(devices.ParamSpec{Name: "trigger_mode", Doc: "what starts an exposure: auto, software or external", Zero: Auto,
		Get: func(context.Context) (any, error) { c.mu.Lock(); defer c.mu.Unlock(); return c.trigger, nil },
		Set: func(_ context.Context, v any) error {
			m := v.(TriggerMode)
			if m != Auto && m != Software && m != External {
				return fmt.Errorf("unknown trigger mode %q (want cameras.Auto, cameras.Software or cameras.External)", string(m))
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			c.trigger = m
			return nil
		},
		From: standby,
	})
	return c
}

// Grab exposes one frame and returns it as the task's result, a *Frame.
func (c *Dummy) Grab() *tasks.Task {
	return c.ctl.Run(devices.Op{Name: "Grab"}, func(ctx context.Context) (any, error) {
		c.mu.Lock()
		exp := c.exposure
		c.mu.Unlock()
		t := time.NewTimer(exp.Std())
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
		c.mu.Lock()
		c.frames++
		n := c.frames
		c.mu.Unlock()
		f := &Frame{Number: n, Width: size, Height: size, Pixels: make([]uint16, size*size), Exposure: exp}
		// A gradient scaled by the exposure: brighter with longer exposure.
		gain := min(float64(exp/q.MS), 100)
		for y := range size {
			for x := range size {
				f.Pixels[y*size+x] = uint16(float64(x+y) * gain)
			}
		}
		return f, nil
	})
}

// StartRecording starts recording at the frame rate; the camera is then
// recording until StopRecording.
func (c *Dummy) StartRecording() *tasks.Task {
	return c.ctl.Run(devices.Op{Name: "StartRecording", From: []devices.State{devices.Standby}, Via: devices.Recording},
		func(context.Context) (any, error) { return nil, nil })
}

// StopRecording stops recording.
func (c *Dummy) StopRecording() *tasks.Task {
	return c.ctl.Run(devices.Op{Name: "StopRecording", From: []devices.State{devices.Recording}, Via: devices.Standby},
		func(context.Context) (any, error) { return nil, nil })
}

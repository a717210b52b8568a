package cameras

import (
	"context"
	"sync"
	"time"

	"github.com/concert-go/concert/internal/devices/q"
)

// size is the width and height of the dummy's frames.
const size = 256

// Dummy is a driver that simulates a camera with 256x256 frames: a Grab
// takes the exposure time and gives a gradient that is brighter the
// longer the exposure; recording only says so. It starts with an
// exposure time of 10 ms, 10 Hz and trigger mode auto. It is one Driver
// among others: the base does the rest.
type Dummy struct {
	mu        sync.Mutex
	exposure  float64 // s
	rate      float64 // Hz
	trigger   TriggerMode
	recording bool
}

var _ Driver = (*Dummy)(nil)

// NewDummy makes a dummy driver: 10 ms, 10 Hz, trigger mode auto.
func NewDummy() *Dummy { return &Dummy{exposure: 0.01, rate: 10, trigger: Auto} }

// ExposureTime is the exposure time in seconds.
func (d *Dummy) ExposureTime(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.exposure, nil
}

// SetExposureTime sets the exposure time in seconds.
func (d *Dummy) SetExposureTime(_ context.Context, s float64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.exposure = s
	return nil
}

// FrameRate is the frame rate in Hz.
func (d *Dummy) FrameRate(context.Context) (float64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rate, nil
}

// SetFrameRate sets the frame rate in Hz.
func (d *Dummy) SetFrameRate(_ context.Context, hz float64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rate = hz
	return nil
}

// TriggerMode is the trigger mode.
func (d *Dummy) TriggerMode(context.Context) (TriggerMode, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.trigger, nil
}

// SetTriggerMode sets the trigger mode.
func (d *Dummy) SetTriggerMode(_ context.Context, m TriggerMode) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.trigger = m
	return nil
}

// Grab waits the exposure time, unless ctx ends first, and gives a
// gradient scaled by the exposure.
func (d *Dummy) Grab(ctx context.Context) (*Frame, error) {
	d.mu.Lock()
	exp := q.Duration(d.exposure) * q.S
	d.mu.Unlock()
	t := time.NewTimer(exp.Std())
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	f := &Frame{Width: size, Height: size, Pixels: make([]uint16, size*size), Exposure: exp}
	gain := min(float64(exp/q.MS), 100)
	for y := range size {
		for x := range size {
			f.Pixels[y*size+x] = uint16(float64(x+y) * gain)
		}
	}
	return f, nil
}

// StartRecording records (as a flag).
func (d *Dummy) StartRecording(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.recording = true
	return nil
}

// StopRecording stops recording.
func (d *Dummy) StopRecording(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.recording = false
	return nil
}

// Recording reports whether the dummy records, as the hardware sees it.
func (d *Dummy) Recording() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.recording
}

// New makes a dummy camera called name with 256x256 frames: 10 ms,
// 10 Hz, trigger mode auto; its own limits are 1 µs to 10 s and 0.1 Hz
// to 1 kHz.
func New(name string) *Device {
	return NewDevice(name, NewDummy(), Options{MinExposure: 1e-6, MaxExposure: 10, MinFrameRate: 0.1, MaxFrameRate: 1000})
}

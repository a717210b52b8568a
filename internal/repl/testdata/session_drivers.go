// Drivers written in the session for the families whose New makes the
// dummy: the base gives them units, limits, frame numbers and states.
import "sync"

// Cam is a camera driver: frames of 2x2 pixels of the exposure in ms.
type Cam struct {
	mu       sync.Mutex
	exposure float64
	mode     cameras.TriggerMode
}

func (c *Cam) ExposureTime(ctx context.Context) (float64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exposure, nil
}

func (c *Cam) SetExposureTime(ctx context.Context, s float64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.exposure = s
	return nil
}

func (c *Cam) FrameRate(ctx context.Context) (float64, error)     { return 10, nil }
func (c *Cam) SetFrameRate(ctx context.Context, hz float64) error { return nil }

func (c *Cam) TriggerMode(ctx context.Context) (cameras.TriggerMode, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mode, nil
}

func (c *Cam) SetTriggerMode(ctx context.Context, m cameras.TriggerMode) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mode = m
	return nil
}

func (c *Cam) Grab(ctx context.Context) (*cameras.Frame, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := uint16(c.exposure * 1000)
	return &cameras.Frame{Width: 2, Height: 2, Pixels: []uint16{v, v, v, v}, Exposure: q.Duration(c.exposure) * q.S}, nil
}

func (c *Cam) StartRecording(ctx context.Context) error { return nil }
func (c *Cam) StopRecording(ctx context.Context) error  { return nil }

cam := cameras.NewDevice("mycam", &Cam{exposure: 0.002, mode: cameras.Auto}, cameras.Options{MaxExposure: 1})
await cam.Grab()
await cam.SetExposureTime(5 * q.MS)
await cam.Grab()
await cam.SetExposureTime(2 * q.S)
await cam.SetTriggerMode("sometimes")
await cam.StartRecording()
cam.State()
await cam.SetExposureTime(1 * q.MS)
await cam.StopRecording()

// Diode is a photodiode driver reading 0.42 V.
type Diode struct{}

func (Diode) Intensity(ctx context.Context) (float64, error) { return 0.42, nil }

diode := photodiodes.NewDevice("mydiode", Diode{}, photodiodes.Options{})
diode.Intensity()
// Output:
// <frame 1: 2x2 uint16, mean 2.0>
// <frame 2: 2x2 uint16, mean 5.0>
// Sorry, mycam.exposure_time: 2 s > upper limit 1 s of the device
// Sorry, mycam.trigger_mode: unknown trigger mode "sometimes" (want cameras.Auto, cameras.Software or cameras.External)
// recording
// Sorry, mycam: cannot SetExposureTime in state recording (only in standby)
// 420 mV

package cameras_test

import (
	"testing"

	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/cameras/cameratest"
)

func TestDummyContract(t *testing.T) {
	cameratest.Run(t, cameratest.Setup{
		New: func(t *testing.T) (cameras.Driver, cameras.Options) {
			return cameras.NewDummy(), cameras.Options{MinExposure: 1e-6, MaxExposure: 10, MinFrameRate: 0.1, MaxFrameRate: 1000}
		},
		Exposure: 0.3,
	})
}

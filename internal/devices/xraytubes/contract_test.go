package xraytubes_test

import (
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices/xraytubes"
	"github.com/concert-go/concert/internal/devices/xraytubes/xraytubetest"
)

func TestDummyContract(t *testing.T) {
	xraytubetest.Run(t, xraytubetest.Setup{
		New: func(t *testing.T) (xraytubes.Driver, xraytubes.Options) {
			return xraytubes.NewDummy(300 * time.Millisecond), xraytubes.Options{MaxVoltage: 60, MaxCurrent: 1000}
		},
	})
}

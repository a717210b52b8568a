package shutters_test

import (
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/devices/shutters/shuttertest"
)

func TestDummyContract(t *testing.T) {
	shuttertest.Run(t, shuttertest.Setup{
		New: func(t *testing.T) (shutters.Driver, shutters.Options) {
			return &shutters.Dummy{Time: 200 * time.Millisecond}, shutters.Options{}
		},
	})
}

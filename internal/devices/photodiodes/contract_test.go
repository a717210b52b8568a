package photodiodes_test

import (
	"testing"

	"github.com/concert-go/concert/internal/devices/photodiodes"
	"github.com/concert-go/concert/internal/devices/photodiodes/photodiodetest"
)

func TestDummyContract(t *testing.T) {
	photodiodetest.Run(t, photodiodetest.Setup{
		New: func(t *testing.T) (photodiodes.Driver, photodiodes.Options) {
			return photodiodes.NewDummy(), photodiodes.Options{}
		},
	})
}

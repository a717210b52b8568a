package storagerings_test

import (
	"testing"

	"github.com/concert-go/concert/internal/devices/storagerings"
	"github.com/concert-go/concert/internal/devices/storagerings/storageringtest"
)

func TestDummyContract(t *testing.T) {
	storageringtest.Run(t, storageringtest.Setup{
		New: func(t *testing.T) (storagerings.Driver, storagerings.Options) {
			return storagerings.NewDummy(), storagerings.Options{}
		},
	})
}

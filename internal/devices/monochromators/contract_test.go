package monochromators_test

import (
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices/monochromators"
	"github.com/concert-go/concert/internal/devices/monochromators/monochromatortest"
)

func TestDummyContract(t *testing.T) {
	monochromatortest.Run(t, monochromatortest.Setup{
		New: func(t *testing.T) (monochromators.Driver, monochromators.Options) {
			return monochromators.NewDummy(10, 300*time.Millisecond), monochromators.Options{Lower: 4, Upper: 60}
		},
		Target: 20,
	})
}

package selections_test

import (
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices/selections"
	"github.com/concert-go/concert/internal/devices/selections/selectiontest"
)

func TestDummyContract(t *testing.T) {
	selectiontest.Run(t, selectiontest.Setup{
		New: func(t *testing.T) (selections.Driver, []string) {
			return &selections.Dummy{Time: 300 * time.Millisecond}, []string{"none", "Al 1 mm", "Cu 0.5 mm"}
		},
	})
}

package counters_test

import (
	"testing"

	"github.com/concert-go/concert/internal/devices/counters"
	"github.com/concert-go/concert/internal/devices/counters/countertest"
	"github.com/concert-go/concert/internal/devices/q"
)

func TestDummyContract(t *testing.T) {
	countertest.Run(t, countertest.Setup{
		New:       func(t *testing.T) counters.Driver { return &counters.Dummy{Rate: 1000} },
		CountTime: 300 * q.MS,
	})
}

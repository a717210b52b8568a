package signals_test

import (
	"context"
	"testing"

	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/signals"
	"github.com/concert-go/concert/internal/devices/signals/signaltest"
)

func TestDummyContract(t *testing.T) {
	signaltest.Run(t, signaltest.Setup{
		New: func(t *testing.T) (signals.Driver, signals.Options, []signals.Channel) {
			return signals.NewDummy(), signals.Options{}, []signals.Channel{
				signals.DigitalIn("door_open"),
				signals.DigitalOut("lamp"),
				signals.AnalogIn("temperature", q.K),
				signals.AnalogOut("hv", q.KV).Limits(0*q.KV, 30*q.KV),
			}
		},
		Show: func(t *testing.T, d signals.Driver, input string, v any) {
			if on, ok := v.(bool); ok {
				d.WriteDigital(context.Background(), input, on)
				return
			}
			d.WriteAnalog(context.Background(), input, v.(float64))
		},
	})
}

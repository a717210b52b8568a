package keys

import "context"

// stopDevices calls emergency stop on every registered device. Until the
// device registry exists there are no devices to stop.
var stopDevices DeviceStops = func(context.Context) ([]string, []DeviceError, []string) {
	return nil, nil, nil
}

package modbus_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/modbus"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/signals"
	"github.com/concert-go/concert/internal/devices/signals/signaltest"
	"github.com/concert-go/concert/internal/transport"
)

// The simulated PLC wires coils 0-9 to discrete inputs 0-9 and holding
// registers 0-9 to input registers 0-9: outputs come back as inputs.
func newIO(t *testing.T, addr string) *modbus.IO {
	t.Helper()
	io := modbus.NewIO("plc", addr,
		modbus.DigitalOut("lamp", modbus.Coil(3)),
		modbus.DigitalIn("lamp_on", modbus.DiscreteInput(3)),
		modbus.DigitalIn("lamp_off", modbus.Bit{Addr: 3, Invert: true}),
		// 1 mV per count, 0-10 V
		modbus.AnalogOut("setpoint", q.V, modbus.Register{Table: modbus.Holding, Addr: 1, Type: modbus.Uint16, Scale: 0.001}).Limits(0*q.V, 10*q.V),
		modbus.AnalogIn("monitor", q.V, modbus.Register{Table: modbus.Input, Addr: 1, Type: modbus.Uint16, Scale: 0.001}),
		// a float32 temperature in °C, word-swapped
		modbus.AnalogOut("heater", q.K, modbus.Register{Table: modbus.Holding, Addr: 4, Type: modbus.Float32, Order: modbus.LowWordFirst, Offset: 273.15}),
		modbus.AnalogIn("temperature", q.K, modbus.Register{Table: modbus.Input, Addr: 4, Type: modbus.Float32, Order: modbus.LowWordFirst, Offset: 273.15}),
	)
	t.Cleanup(func() { modbus.Forget(addr) })
	return io
}

func TestIODigitalAndAnalog(t *testing.T) {
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			_, addr := start(t)
			io := newIO(t, addr)
			if _, err := io.Param("lamp").Set(true).Await(ctx); err != nil {
				t.Fatal(err)
			}
			waitParam(t, io, "lamp_on", true)
			waitParam(t, io, "lamp_off", false)
			if _, err := io.Param("setpoint").Set(2.5 * q.V).Await(ctx); err != nil {
				t.Fatal(err)
			}
			waitParam(t, io, "monitor", q.Quantity(2.5*q.V))
			if _, err := io.Param("heater").Set(q.Celsius(42.5)).Await(ctx); err != nil {
				t.Fatal(err)
			}
			waitParam(t, io, "temperature", q.Quantity(q.Celsius(42.5)))
		})
	}
}

func TestIORefusals(t *testing.T) {
	_, addr := servers()["tcp"](t)
	io := newIO(t, addr)
	_, err := io.Param("setpoint").Set(12 * q.V).Await(ctx)
	var le *devices.LimitError
	if !errors.As(err, &le) || err.Error() != "plc.setpoint: 12 V > upper limit 10 V of the device" {
		t.Fatalf("err = %v", err)
	}
	_, err = io.Param("monitor").Set(1 * q.V).Await(ctx)
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("setting an input: %v", err)
	}
	for _, tc := range []struct {
		ch   modbus.Channel
		want string
	}{
		{modbus.DigitalOut("x", modbus.DiscreteInput(1)), "plc2: channel x: discrete input 1 cannot be written; a digital output needs a coil"},
		{modbus.AnalogOut("x", q.V, modbus.Register{Table: modbus.Input}), "plc2: channel x: input register 0 (uint16) cannot be written; an analog output needs a holding register"},
		{modbus.AnalogIn("x", 3, modbus.Register{}), "plc2: channel x: 3 is not a unit; write one of package q, such as q.V or q.K"},
	} {
		func() {
			defer func() {
				if v := recover(); v == nil || v.(error).Error() != tc.want {
					t.Errorf("panic %v;\nwant %s", v, tc.want)
				}
			}()
			modbus.NewIO("plc2", addr, tc.ch)
		}()
	}
}

func TestIOServerGone(t *testing.T) {
	srv, addr := servers()["tcp"](t)
	io := newIO(t, addr)
	srv.Kill()
	_, err := io.Param("lamp_on").Get().Await(ctx)
	if !errors.Is(err, transport.ErrRefused) && !errors.Is(err, transport.ErrDropped) || !strings.HasPrefix(err.Error(), "plc.lamp_on: "+addr+": read 1 discrete inputs at 3: ") {
		t.Fatalf("err = %v", err)
	}
	srv.Restart()
	if v, err := io.Param("lamp_on").Get().Await(ctx); err != nil || v != false {
		t.Fatalf("after the restart: %v, %v", v, err)
	}
}

func waitParam(t *testing.T, io *modbus.IO, name string, want any) {
	t.Helper()
	var got any
	for i := 0; i < 1000; i++ {
		v, err := io.Param(name).Get().Await(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got = v; got == want {
			return
		}
	}
	t.Fatalf("%s = %v; want %v", name, got, want)
}

// TestIOContract runs the IO contract against the simulated PLC, whose
// coil 3 shows on discrete input 3 and holding register 1 on input
// register 1.
func TestIOContract(t *testing.T) {
	volts := modbus.Register{Table: modbus.Holding, Addr: 1, Type: modbus.Uint16, Scale: 0.001}
	monitor := volts
	monitor.Table = modbus.Input
	for name, start := range servers() {
		t.Run(name, func(t *testing.T) {
			_, addr := start(t)
			t.Cleanup(func() { modbus.Forget(addr) })
			plc, err := modbus.Client(addr, transport.Timeout(time.Second))
			if err != nil {
				t.Fatal(err)
			}
			signaltest.Run(t, signaltest.Setup{
				New: func(t *testing.T) (signals.Driver, signals.Options, []signals.Channel) {
					chans := []modbus.Channel{
						modbus.DigitalIn("lamp_on", modbus.DiscreteInput(3)),
						modbus.DigitalOut("lamp", modbus.Coil(3)),
						modbus.AnalogIn("monitor", q.V, monitor),
						modbus.AnalogOut("setpoint", q.V, volts).Limits(0*q.V, 10*q.V),
					}
					if err := plc.WriteCoil(ctx, 3, false); err != nil {
						t.Fatal(err)
					}
					if err := plc.Write(ctx, volts, 0); err != nil {
						t.Fatal(err)
					}
					s, err := modbus.NewSignals(addr, chans)
					if err != nil {
						t.Fatal(err)
					}
					return s, signals.Options{}, s.Channels()
				},
				Show: func(t *testing.T, _ signals.Driver, input string, v any) {
					var err error
					switch input {
					case "lamp_on":
						err = plc.WriteCoil(ctx, 3, v.(bool))
					case "monitor":
						err = plc.Write(ctx, volts, v.(float64))
					}
					if err != nil {
						t.Fatalf("show %v at %s: %v", v, input, err)
					}
				},
				Tolerance: 1e-9,
			})
		})
	}
}

package transport_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/transport"
	"github.com/concert-go/concert/internal/transport/transporttest"
)

func newModbus(t *testing.T, addr string, opts ...transport.Option) *transport.Modbus {
	t.Helper()
	m, err := transport.NewModbus(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func modbusServers() map[string]func(*testing.T) (*transporttest.Server, string) {
	return map[string]func(*testing.T) (*transporttest.Server, string){
		"tcp": func(t *testing.T) (*transporttest.Server, string) { s := transporttest.ModbusTCP(t); return s, s.Addr },
		"rtu": func(t *testing.T) (*transporttest.Server, string) {
			s := transporttest.ModbusRTU(t)
			return s, "rtu://" + s.Addr + "?baud=115200"
		},
	}
}

// waitFor polls the PLC, which updates every 10 ms, until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 10 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestModbusCoilsAndDiscreteInputs(t *testing.T) {
	for name, start := range modbusServers() {
		t.Run(name, func(t *testing.T) {
			_, addr := start(t)
			m := newModbus(t, addr)
			ctx := context.Background()
			if err := m.WriteCoil(ctx, 3, true); err != nil {
				t.Fatal(err)
			}
			coils, err := m.ReadCoils(ctx, 0, 5)
			if err != nil {
				t.Fatal(err)
			}
			if want := []bool{false, false, false, true, false}; !slices.Equal(coils, want) {
				t.Fatalf("coils = %v; want %v", coils, want)
			}
			// The PLC wires coil 3 to discrete input 3.
			waitFor(t, "discrete input 3 on", func() bool {
				di, err := m.ReadDiscreteInputs(ctx, 3, 1)
				return err == nil && di[0]
			})
		})
	}
}

func TestModbusRegistersTypesAndWordOrder(t *testing.T) {
	for name, start := range modbusServers() {
		t.Run(name, func(t *testing.T) {
			_, addr := start(t)
			m := newModbus(t, addr)
			ctx := context.Background()
			for _, tc := range []struct {
				reg   transport.Register
				value float64
				raw   []uint16
			}{
				{transport.Register{Addr: 0, Type: transport.Uint16}, 65535, []uint16{0xffff}},
				{transport.Register{Addr: 0, Type: transport.Int16}, -2, []uint16{0xfffe}},
				{transport.Register{Addr: 0, Type: transport.Int32}, -100000, []uint16{0xfffe, 0x7960}},
				{transport.Register{Addr: 0, Type: transport.Int32, Order: transport.LowWordFirst}, -100000, []uint16{0x7960, 0xfffe}},
				{transport.Register{Addr: 0, Type: transport.Uint32}, 70000, []uint16{0x0001, 0x1170}},
				{transport.Register{Addr: 0, Type: transport.Float32}, 1.5, []uint16{0x3fc0, 0x0000}},
				{transport.Register{Addr: 0, Type: transport.Float32, Order: transport.LowWordFirst}, 1.5, []uint16{0x0000, 0x3fc0}},
				// 0.1 V per count, offset -10 V: 12.5 V is raw 225.
				{transport.Register{Addr: 0, Type: transport.Uint16, Scale: 0.1, Offset: -10}, 12.5, []uint16{225}},
			} {
				if err := m.Write(ctx, tc.reg, tc.value); err != nil {
					t.Fatalf("Write(%v, %v): %v", tc.reg, tc.value, err)
				}
				raw, err := m.ReadRegisters(ctx, transport.Holding, 0, tc.reg.Type.Words())
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(raw, tc.raw) {
					t.Errorf("%v = %v: raw %#04x; want %#04x", tc.reg, tc.value, raw, tc.raw)
				}
				got, err := m.Read(ctx, tc.reg)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(got-tc.value) > 1e-9 {
					t.Errorf("%v read back %v; want %v", tc.reg, got, tc.value)
				}
			}
		})
	}
}

func TestModbusQuantitiesAndInputRegisters(t *testing.T) {
	_, addr := modbusServers()["tcp"](t)
	m := newModbus(t, addr)
	ctx := context.Background()
	target := transport.Register{Table: transport.Holding, Addr: 4, Type: transport.Int32}
	if err := transport.WriteQuantity(ctx, m, target, 1.25*q.MM, q.UM); err != nil {
		t.Fatal(err)
	}
	// Holding 4-5 are wired to input 4-5.
	in := transport.Register{Table: transport.Input, Addr: 4, Type: transport.Int32}
	waitFor(t, "input register 4 = 1250 um", func() bool {
		x, err := transport.ReadQuantity(ctx, m, in, q.UM)
		return err == nil && x == 1.25*q.MM
	})
	err := m.Write(ctx, in, 1)
	if err == nil || !strings.Contains(err.Error(), "input registers are read-only") {
		t.Fatalf("writing an input register: %v", err)
	}
	err = m.Write(ctx, transport.Register{Type: transport.Uint16}, -1)
	if err == nil || !strings.Contains(err.Error(), "-1 is outside what holding register 0 (uint16) holds (raw 0 .. 65535)") {
		t.Fatalf("writing -1 to a uint16: %v", err)
	}
}

func TestModbusExceptionKeepsTheConnection(t *testing.T) {
	_, addr := modbusServers()["tcp"](t)
	m := newModbus(t, addr)
	ctx := context.Background()
	_, err := m.ReadRegisters(ctx, transport.Holding, 500, 1)
	want := addr + ": read 1 holding registers at 500: illegal data address (the device has no such address; check the register map)"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v;\nwant  %s", err, want)
	}
	if _, err := m.ReadRegisters(ctx, transport.Holding, 0, 1); err != nil {
		t.Fatalf("after the exception: %v", err)
	}
}

// A reply that is no Modbus reply (here the request echoed back) is a bad
// reply; the connection is dropped and the next request starts afresh.
func TestModbusGarbageReply(t *testing.T) {
	addr := transporttest.Echo(t)
	m := newModbus(t, addr, transport.Timeout(300*time.Millisecond))
	_, err := m.ReadRegisters(context.Background(), transport.Holding, 0, 2)
	want := addr + ": read 2 holding registers at 0: bad reply: protocol error (check the baud rate, parity and unit id)"
	if !errors.Is(err, transport.ErrReply) || err.Error() != want {
		t.Fatalf("err = %v;\nwant  %s", err, want)
	}
	_, err = m.ReadRegisters(context.Background(), transport.Holding, 0, 2)
	if !errors.Is(err, transport.ErrReply) {
		t.Fatalf("the second request: %v", err)
	}
}

func TestModbusRefusedAndNoSuchPort(t *testing.T) {
	ctx := context.Background()
	addr := "tcp://127.0.0.1:" + strconv.Itoa(transporttest.FreePort(t))
	_, err := newModbus(t, addr).ReadCoils(ctx, 0, 1)
	if want := addr + ": read 1 coils at 0: connection refused (is the instrument on, and listening at this port?)"; err == nil || err.Error() != want {
		t.Fatalf("refused: %v;\nwant %s", err, want)
	}
	_, err = newModbus(t, "rtu:///dev/ttyNOPE0").ReadCoils(ctx, 0, 1)
	if !errors.Is(err, transport.ErrNoPort) || !strings.HasPrefix(err.Error(), "rtu:///dev/ttyNOPE0: read 1 coils at 0: no such serial port") {
		t.Fatalf("no port: %v", err)
	}
}

func TestModbusHungServerTimesOutThenRecovers(t *testing.T) {
	for name, start := range modbusServers() {
		t.Run(name, func(t *testing.T) {
			srv, addr := start(t)
			m := newModbus(t, addr, transport.Timeout(300*time.Millisecond))
			ctx := context.Background()
			if _, err := m.ReadCoils(ctx, 0, 1); err != nil {
				t.Fatal(err)
			}
			srv.Pause()
			_, err := m.ReadCoils(ctx, 0, 1)
			srv.Resume()
			want := addr + ": read 1 coils at 0: no reply within 300ms (is the instrument slow or busy? raise the limit with Timeout)"
			if !errors.Is(err, transport.ErrTimeout) || err.Error() != want {
				t.Fatalf("err = %v;\nwant  %s", err, want)
			}
			waitFor(t, "a read after the server resumed", func() bool {
				_, err := m.ReadCoils(ctx, 0, 1)
				return err == nil
			})
		})
	}
}

func TestModbusReconnectsWhenTheServerComesBack(t *testing.T) {
	for name, start := range modbusServers() {
		t.Run(name, func(t *testing.T) {
			srv, addr := start(t)
			m := newModbus(t, addr, transport.Timeout(300*time.Millisecond))
			ctx := context.Background()
			if err := m.WriteCoil(ctx, 1, true); err != nil {
				t.Fatal(err)
			}
			srv.Kill()
			if _, err := m.ReadCoils(ctx, 0, 1); err == nil || !strings.HasPrefix(err.Error(), addr+": read 1 coils at 0: ") {
				t.Fatalf("a read from a killed server: %v", err)
			}
			srv.Restart()
			coils, err := m.ReadCoils(ctx, 1, 1)
			if err != nil {
				t.Fatalf("after the restart: %v", err)
			}
			if coils[0] {
				t.Fatal("coil 1 still on: this is not the restarted server")
			}
		})
	}
}

func TestModbusCancelReturnsAtOnce(t *testing.T) {
	for name, start := range modbusServers() {
		t.Run(name, func(t *testing.T) {
			srv, addr := start(t)
			m := newModbus(t, addr, transport.Timeout(time.Minute))
			if _, err := m.ReadCoils(context.Background(), 0, 1); err != nil {
				t.Fatal(err)
			}
			srv.Pause()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := m.ReadCoils(ctx, 0, 1)
				done <- err
			}()
			time.Sleep(50 * time.Millisecond)
			cancel()
			// The limit is a minute; only the cancel ends the wait.
			err := <-done
			srv.Resume()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			if _, err := m.ReadCoils(context.Background(), 0, 1); err != nil {
				t.Fatalf("after the cancel: %v", err)
			}
		})
	}
}

// A request the protocol cannot carry is refused before anything is sent,
// saying what to do.
func TestModbusRequestTooLarge(t *testing.T) {
	_, addr := modbusServers()["tcp"](t)
	m := newModbus(t, addr)
	ctx := context.Background()
	_, err := m.ReadRegisters(ctx, transport.Holding, 0, 126)
	want := addr + ": read 126 holding registers at 0: one request carries 1 to 125 of these, not 126; split it"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v;\nwant  %s", err, want)
	}
	if err := m.WriteRegisters(ctx, 0, make([]uint16, 124)...); err == nil || !strings.Contains(err.Error(), "1 to 123 of these, not 124") {
		t.Fatalf("writing 124 registers: %v", err)
	}
	// Requests within the limits go through.
	if _, err := m.ReadCoils(ctx, 0, 100); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteRegisters(ctx, 0, make([]uint16, 100)...); err != nil {
		t.Fatal(err)
	}
}

// Every request is logged at debug level with the address and what it
// did, a failed one with its error; with debug off, nothing is written.
func TestModbusLogsEveryRequestWithTheAddress(t *testing.T) {
	_, addr := modbusServers()["tcp"](t)
	var buf bytes.Buffer
	var mu sync.Mutex
	logAt := func(level slog.Level) *transport.Modbus {
		return newModbus(t, addr, transport.Logger(slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: level}))))
	}
	quiet := logAt(slog.LevelInfo)
	if _, err := quiet.ReadRegisters(context.Background(), transport.Holding, 0, 2); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if buf.Len() != 0 {
		t.Errorf("logged with debug off:\n%s", buf.String())
	}
	mu.Unlock()
	m := logAt(slog.LevelDebug)
	if _, err := m.ReadRegisters(context.Background(), transport.Holding, 0, 2); err != nil {
		t.Fatal(err)
	}
	m.ReadRegisters(context.Background(), transport.Holding, 500, 1)
	mu.Lock()
	defer mu.Unlock()
	out := buf.String()
	for _, want := range []string{"addr=" + addr, `op="read 2 holding registers at 0"`, `op="read 1 holding registers at 500" err=`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// Over RTU a reply is checked before it is believed: its CRC, its unit,
// its length. The test answers on the other end of a pty pair, as a
// misbehaving device would; then a good reply goes through again.
func TestModbusRTUBadReplies(t *testing.T) {
	a, b := transporttest.PtyPair(t)
	peer, err := os.OpenFile(a, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	m := newModbus(t, "rtu://"+b+"?baud=115200", transport.Timeout(300*time.Millisecond))
	good := rtuFrame(1, 3, 4, 0x12, 0x34, 0x56, 0x78) // 2 registers: 0x1234, 0x5678
	badCRC := slices.Clone(good)
	badCRC[len(badCRC)-1] ^= 0xff
	for _, tc := range []struct {
		reply []byte
		want  string
	}{
		{badCRC, "bad reply: bad crc"},
		{rtuFrame(2, 3, 4, 0x12, 0x34, 0x56, 0x78), "bad reply: bad unit id"},
		{good[:5], "bad reply: short frame, then nothing more in time"},
		{rtuFrame(1, 3, 2, 0x12, 0x34), "bad reply: protocol error"},
	} {
		answered := make(chan error, 1)
		go func() {
			req := make([]byte, 8)
			_, err := io.ReadFull(peer, req)
			if err == nil {
				_, err = peer.Write(tc.reply)
			}
			answered <- err
		}()
		_, err := m.ReadRegisters(context.Background(), transport.Holding, 0, 2)
		if err := <-answered; err != nil {
			t.Fatal(err)
		}
		if !errors.Is(err, transport.ErrReply) || !strings.Contains(err.Error(), tc.want+" (check the baud rate, parity and unit id)") {
			t.Errorf("reply % x: err = %v; want %q", tc.reply, err, tc.want)
		}
	}
	go func() {
		req := make([]byte, 8)
		if _, err := io.ReadFull(peer, req); err == nil {
			peer.Write(good)
		}
	}()
	words, err := m.ReadRegisters(context.Background(), transport.Holding, 0, 2)
	if err != nil || !slices.Equal(words, []uint16{0x1234, 0x5678}) {
		t.Fatalf("a good reply after the bad ones: %#04x, %v", words, err)
	}
}

// rtuFrame is unit, function code and data with Modbus's CRC appended.
func rtuFrame(b ...byte) []byte {
	crc := uint16(0xffff)
	for _, x := range b {
		crc ^= uint16(x)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xa001
			} else {
				crc >>= 1
			}
		}
	}
	return append(b, byte(crc), byte(crc>>8))
}

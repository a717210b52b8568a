package transport_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/transport"
	"github.com/concert-go/concert/internal/transport/transporttest"
)

func newLine(t *testing.T, addr string, opts ...transport.Option) *transport.Line {
	t.Helper()
	l, err := transport.NewLine(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func query(t *testing.T, l *transport.Line, cmd string) string {
	t.Helper()
	s, err := l.Query(context.Background(), cmd)
	if err != nil {
		t.Fatalf("Query(%q): %v", cmd, err)
	}
	return s
}

// Both transports of the line protocol against the simulated supply.
func lineServers(t *testing.T) map[string]func(*testing.T) string {
	return map[string]func(*testing.T) string{
		"tcp":    func(t *testing.T) string { return transporttest.PSU(t).Addr },
		"serial": func(t *testing.T) string { return "serial://" + transporttest.PSUSerial(t).Addr + "?baud=115200" },
	}
}

func TestLineQueryAndWrite(t *testing.T) {
	for name, start := range lineServers(t) {
		t.Run(name, func(t *testing.T) {
			l := newLine(t, start(t))
			if got, want := query(t, l, "*IDN?"), "CONCERT,PSU-SIM,0,1.0"; got != want {
				t.Fatalf("*IDN? = %q; want %q", got, want)
			}
			if err := l.Write(context.Background(), "VOLT 12.5"); err != nil {
				t.Fatal(err)
			}
			if got := query(t, l, "VOLT:SETP?"); got != "12.5000" {
				t.Fatalf("VOLT:SETP? = %q; want 12.5000", got)
			}
			if got := query(t, l, "SYST:ERR?"); got != `0,"No error"` {
				t.Fatalf("SYST:ERR? = %q", got)
			}
		})
	}
}

// Concurrent queries never see each other's replies: a query's write and
// read happen under one lock.
func TestLineConcurrentQueriesGetTheirOwnReplies(t *testing.T) {
	l := newLine(t, transporttest.PSU(t).Addr)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				cmd, want := "*IDN?", "CONCERT,PSU-SIM,0,1.0"
				if i%2 == 1 {
					cmd, want = "SYST:ERR?", `0,"No error"`
				}
				got, err := l.Query(context.Background(), cmd)
				if err != nil || got != want {
					errs <- fmt.Errorf("%s = %q, %v; want %q", cmd, got, err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestLineTerminator(t *testing.T) {
	// The simulator ends replies with "\n" and accepts "\r\n": a CRLF
	// terminator for commands still reads its replies.
	l := newLine(t, transporttest.PSU(t).Addr, transport.Terminator("\n"))
	if got := query(t, l, "*IDN?"); got != "CONCERT,PSU-SIM,0,1.0" {
		t.Fatalf("got %q", got)
	}
	if _, err := transport.NewLine("tcp://127.0.0.1:1", transport.Terminator("")); err == nil {
		t.Fatal("an empty terminator was accepted")
	}
}

func TestLineLogsEveryExchangeWithTheAddress(t *testing.T) {
	srv := transporttest.PSU(t)
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l := newLine(t, srv.Addr, transport.Logger(logger))
	query(t, l, "*IDN?")
	mu.Lock()
	defer mu.Unlock()
	out := buf.String()
	for _, want := range []string{"addr=" + srv.Addr, `cmd=*IDN?`, `reply=CONCERT,PSU-SIM,0,1.0`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestLineAddresses(t *testing.T) {
	for _, tc := range []struct{ addr, wantErr string }{
		{"tcp://127.0.0.1:5025", ""},
		{"serial:///dev/ttyUSB0?baud=9600", ""},
		{"127.0.0.1:5025", "want one of [tcp:// serial://]"},
		{"tcp://127.0.0.1", "no port; write tcp://host:port"},
		{"serial:///dev/ttyUSB0?baud=fast", `baud "fast" is not a positive number`},
		{"rtu:///dev/ttyUSB0", "scheme rtu not supported here"},
	} {
		_, err := transport.NewLine(tc.addr)
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("NewLine(%q) = %v; want error containing %q", tc.addr, err, tc.wantErr)
		}
	}
}

// Faults: each says what happened, names the address, and leaves the
// client usable.

func TestLineRefusedConnection(t *testing.T) {
	addr := "tcp://127.0.0.1:" + strconv.Itoa(transporttest.FreePort(t))
	l := newLine(t, addr)
	_, err := l.Query(context.Background(), "*IDN?")
	if !errors.Is(err, transport.ErrRefused) {
		t.Fatalf("err = %v; want ErrRefused", err)
	}
	want := addr + `: query "*IDN?": connection refused (is the instrument on, and listening at this port?)`
	if err.Error() != want {
		t.Fatalf("err = %q;\nwant  %q", err, want)
	}
}

func TestLineNoSuchSerialPort(t *testing.T) {
	l := newLine(t, "serial:///dev/ttyNOPE0")
	_, err := l.Query(context.Background(), "*IDN?")
	want := `serial:///dev/ttyNOPE0: query "*IDN?": no such serial port (check the device path and that the adapter is plugged in)`
	if !errors.Is(err, transport.ErrNoPort) || err.Error() != want {
		t.Fatalf("err = %v;\nwant  %s", err, want)
	}
}

func TestLineSlowServerTimesOut(t *testing.T) {
	for name, start := range lineServers(t) {
		t.Run(name, func(t *testing.T) {
			addr := start(t)
			l := newLine(t, addr, transport.Timeout(200*time.Millisecond))
			if err := l.Write(context.Background(), "SIM:DELAY 1"); err != nil {
				t.Fatal(err)
			}
			_, err := l.Query(context.Background(), "VOLT?")
			want := addr + `: query "VOLT?": no reply within 200ms (is the instrument slow or busy? raise the limit with Timeout)`
			if !errors.Is(err, transport.ErrTimeout) || err.Error() != want {
				t.Fatalf("err = %v;\nwant  %s", err, want)
			}
			// A serial line cannot tell a late reply from the next one;
			// let the late one arrive, so that it is discarded.
			if name == "serial" {
				time.Sleep(1200 * time.Millisecond)
			}
			// A longer limit waits for the slow reply.
			slow := newLine(t, addr, transport.Timeout(5*time.Second))
			if got := query(t, slow, "*IDN?"); got != "CONCERT,PSU-SIM,0,1.0" {
				t.Fatalf("with a 5 s limit: %q", got)
			}
		})
	}
}

func TestLineGarbageAndShortReplies(t *testing.T) {
	for name, start := range lineServers(t) {
		t.Run(name, func(t *testing.T) {
			l := newLine(t, start(t), transport.Timeout(300*time.Millisecond))
			ctx := context.Background()
			// Garbage is a line: the transport hands it over as it came,
			// and the device that asked decides it is no number.
			l.Write(ctx, "SIM:FAULT garbage")
			if got := query(t, l, "VOLT?"); got != "\x15#!?%\xfe" {
				t.Fatalf("garbage reply = %q", got)
			}
			// A short reply: part of a line, no terminator.
			l.Write(ctx, "SIM:FAULT short")
			_, err := l.Query(ctx, "*IDN?")
			if !errors.Is(err, transport.ErrReply) || !strings.Contains(err.Error(), `incomplete reply "CONCERT,PS" (no terminator "\n" within 300ms)`) {
				t.Fatalf("short reply: %v", err)
			}
			// The next exchange is clean again.
			if got := query(t, l, "*IDN?"); got != "CONCERT,PSU-SIM,0,1.0" {
				t.Fatalf("after the short reply: %q", got)
			}
		})
	}
}

func TestLineReconnectsWhenTheServerComesBack(t *testing.T) {
	for name, start := range map[string]func(*testing.T) (*transporttest.Server, string){
		"tcp": func(t *testing.T) (*transporttest.Server, string) { s := transporttest.PSU(t); return s, s.Addr },
		"serial": func(t *testing.T) (*transporttest.Server, string) {
			s := transporttest.PSUSerial(t)
			return s, "serial://" + s.Addr
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv, addr := start(t)
			l := newLine(t, addr, transport.Timeout(500*time.Millisecond))
			query(t, l, "*IDN?")
			srv.Kill()
			if _, err := l.Query(context.Background(), "*IDN?"); err == nil {
				t.Fatal("a query to a killed server succeeded")
			} else if !strings.HasPrefix(err.Error(), addr+`: query "*IDN?": `) {
				t.Fatalf("err = %v; want it to name %s", err, addr)
			}
			srv.Restart()
			if got := query(t, l, "*IDN?"); got != "CONCERT,PSU-SIM,0,1.0" {
				t.Fatalf("after the restart: %q", got)
			}
		})
	}
}

// A server restarted while the client was idle: the first query finds the
// old connection dead and reconnects by itself.
func TestLineIdleConnectionToARestartedServer(t *testing.T) {
	srv := transporttest.PSU(t)
	l := newLine(t, srv.Addr)
	query(t, l, "*IDN?")
	srv.Restart()
	if got := query(t, l, "*IDN?"); got != "CONCERT,PSU-SIM,0,1.0" {
		t.Fatalf("got %q", got)
	}
}

func TestLineCancelAbortsAPendingQuery(t *testing.T) {
	for name, start := range lineServers(t) {
		t.Run(name, func(t *testing.T) {
			l := newLine(t, start(t), transport.Timeout(time.Minute))
			l.Write(context.Background(), "SIM:DELAY 0.5")
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := l.Query(ctx, "VOLT?")
				done <- err
			}()
			time.Sleep(50 * time.Millisecond)
			cancel()
			// Within the minute's limit: only the cancel can end it.
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			if name == "serial" { // let the late reply arrive; see above
				time.Sleep(700 * time.Millisecond)
			}
			l.Write(context.Background(), "SIM:DELAY 0")
			if got := query(t, l, "*IDN?"); got != "CONCERT,PSU-SIM,0,1.0" {
				t.Fatalf("after the cancel: %q", got)
			}
		})
	}
}

package transport_test

// The side-by-side benchmark of issue 12: Modbus register reads and writes
// and line-protocol queries per second, this package against pymodbus's
// own client (and, for the line protocol, a plain Python socket), both
// against the same local server in one run. Run it with
//
//	go test -run '^$' -bench SideBySide -benchtime 1x ./internal/transport
//
// Each b.N iteration runs both sides in turn, Go first on odd rounds and
// Python first on even ones, N operations each, and reports per side the
// operations per second (wall time of the loop) and the client's CPU time
// per operation, each the median over the rounds; the ratios are Go's
// advantage. The server is the same
// Python process for both sides, so the wall-time ratio is bounded by how
// fast the server answers; the CPU ratio is the clients' own cost.

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/testenv"
	"github.com/concert-go/concert/internal/transport"
	"github.com/concert-go/concert/internal/transport/transporttest"
)

type sideResult struct {
	Seconds float64 `json:"seconds"`
	CPU     float64 `json:"cpu"`
}

func cpuNow() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func goSide(n int, op func() error) (sideResult, error) {
	if err := op(); err != nil { // connect first, as the Python side does
		return sideResult{}, err
	}
	t0, c0 := time.Now(), cpuNow()
	for i := 0; i < n; i++ {
		if err := op(); err != nil {
			return sideResult{}, err
		}
	}
	return sideResult{time.Since(t0).Seconds(), cpuNow() - c0}, nil
}

func pySide(b *testing.B, py string, args ...string) sideResult {
	script, _ := filepath.Abs("testdata/pyclient.py")
	out, err := exec.Command(py, append([]string{script}, args...)...).Output()
	if err != nil {
		b.Fatalf("pyclient %v: %v", args, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var r sideResult
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		b.Fatalf("pyclient %v said %q", args, out)
	}
	return r
}

// sideBySide runs both sides; closeGo closes the Go client before the
// Python side runs, so that a serial line has one client at a time. Each
// figure is the median over the rounds: on a shared machine one round now
// and then loses its time to other processes, on either side.
func sideBySide(b *testing.B, n int, goOp func() error, closeGo func() error, py string, pyArgs ...string) {
	var g, p []sideResult
	for i := 0; i < b.N; i++ {
		runGo := func() {
			r, err := goSide(n, goOp)
			if err != nil {
				b.Fatal(err)
			}
			closeGo()
			g = append(g, r)
		}
		runPy := func() { p = append(p, pySide(b, py, pyArgs...)) }
		if i%2 == 0 {
			runGo()
			runPy()
		} else {
			runPy()
			runGo()
		}
	}
	gs, ps := median(g, wall), median(p, wall)
	gc, pc := median(g, cpu), median(p, cpu)
	b.ReportMetric(float64(n)/gs, "go-ops/s")
	b.ReportMetric(float64(n)/ps, "py-ops/s")
	b.ReportMetric(ps/gs, "speedup")
	b.ReportMetric(gc/float64(n)*1e6, "go-cpu-us/op")
	b.ReportMetric(pc/float64(n)*1e6, "py-cpu-us/op")
	b.ReportMetric(pc/gc, "cpu-ratio")
}

func wall(r sideResult) float64 { return r.Seconds }
func cpu(r sideResult) float64  { return r.CPU }

func median(rs []sideResult, f func(sideResult) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func hostPort(addr string) (string, string) {
	hp := strings.TrimPrefix(addr, "tcp://")
	i := strings.LastIndexByte(hp, ':')
	return hp[:i], hp[i+1:]
}

func BenchmarkSideBySide(b *testing.B) {
	const n = 2000
	py := testenv.Python(b, "pymodbus")
	// A context that can be cancelled, as a task's is: the Modbus client
	// then runs each request on a goroutine of its own.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.Run("modbus-tcp-read", func(b *testing.B) {
		srv := transporttest.ModbusTCP(b)
		m, _ := transport.NewModbus(srv.Addr)
		defer m.Close()
		host, port := hostPort(srv.Addr)
		sideBySide(b, n, func() error {
			_, err := m.ReadRegisters(ctx, transport.Holding, 0, 2)
			return err
		}, m.Close, py, "modbus-read", host, port, strconv.Itoa(n))
	})
	b.Run("modbus-tcp-write", func(b *testing.B) {
		srv := transporttest.ModbusTCP(b)
		m, _ := transport.NewModbus(srv.Addr)
		defer m.Close()
		host, port := hostPort(srv.Addr)
		sideBySide(b, n, func() error {
			return m.WriteRegisters(ctx, 0, 1, 2)
		}, m.Close, py, "modbus-write", host, port, strconv.Itoa(n))
	})
	b.Run("modbus-rtu-read", func(b *testing.B) {
		srv := transporttest.ModbusRTU(b)
		m, _ := transport.NewModbus("rtu://" + srv.Addr + "?baud=115200")
		defer m.Close()
		const n = 200
		sideBySide(b, n, func() error {
			_, err := m.ReadRegisters(ctx, transport.Holding, 0, 2)
			return err
		}, m.Close, py, "modbus-rtu", srv.Addr, "115200", strconv.Itoa(n))
	})
	b.Run("line-tcp-query", func(b *testing.B) {
		srv := transporttest.PSU(b)
		l, _ := transport.NewLine(srv.Addr)
		defer l.Close()
		host, port := hostPort(srv.Addr)
		sideBySide(b, n, func() error {
			_, err := l.Query(ctx, "VOLT?")
			return err
		}, l.Close, py, "line", host, port, strconv.Itoa(n))
	})
}

func BenchmarkModbusRead(b *testing.B) {
	srv := transporttest.ModbusTCP(b)
	m, _ := transport.NewModbus(srv.Addr)
	defer m.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.ReadRegisters(ctx, transport.Holding, 0, 2); err != nil {
			b.Fatal(err)
		}
	}
}

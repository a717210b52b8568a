// Package transporttest starts the real servers that the tests of the
// transports and of the instrument devices talk to, all on 127.0.0.1 and
// stopped in t.Cleanup: pymodbus's own Modbus server (TCP, or RTU on a
// serial line) running a small simulated PLC, a simulated SCPI power supply
// written with Python's standard library (no packaged SCPI server exists),
// and socat pty pairs as serial lines. The Python programs are in testdata;
// their headers describe the registers and commands. Missing tools skip the
// test on a developer's machine and fail it under CI (see package testenv).
package transporttest

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/testenv"
)

//go:embed testdata/psu_sim.py
var psuSim []byte

//go:embed testdata/modbus_sim.py
var modbusSim []byte

// Server is a simulator process the test started.
type Server struct {
	// Addr is where to reach it: "tcp://127.0.0.1:PORT", or for a serial
	// line the path of the pty end the client opens.
	Addr string

	t      testing.TB
	args   []string // to start it again
	python string
	mu     sync.Mutex
	cmd    *exec.Cmd
	stderr *lockedBuffer
}

// PSU starts the simulated SCPI power supply on a free TCP port.
func PSU(t testing.TB) *Server {
	t.Helper()
	py := testenv.Python(t)
	s := &Server{t: t, python: py, args: []string{script(t, "psu_sim.py", psuSim), "--port", "0"}}
	port := s.start()
	s.Addr = "tcp://127.0.0.1:" + port
	s.args[len(s.args)-1] = port // a restart comes back on the same port
	return s
}

// PSUSerial starts the simulated power supply on one end of a pty pair and
// returns it with Addr set to the other end.
func PSUSerial(t testing.TB) *Server {
	t.Helper()
	py := testenv.Python(t)
	a, b := PtyPair(t)
	s := &Server{t: t, python: py, args: []string{script(t, "psu_sim.py", psuSim), "--serial", a}}
	s.start()
	s.Addr = b
	return s
}

// ModbusTCP starts pymodbus's TCP server with the simulated PLC on a free
// port.
func ModbusTCP(t testing.TB) *Server {
	t.Helper()
	py := testenv.Python(t, "pymodbus")
	s := &Server{t: t, python: py, args: []string{script(t, "modbus_sim.py", modbusSim), "--port", "0"}}
	port := s.start()
	s.Addr = "tcp://127.0.0.1:" + port
	s.args[len(s.args)-1] = port
	return s
}

// ModbusRTU starts pymodbus's RTU server (115200 baud) with the simulated
// PLC on one end of a pty pair; Addr is the other end.
func ModbusRTU(t testing.TB) *Server {
	t.Helper()
	py := testenv.Python(t, "pymodbus", "serial", "serial_asyncio")
	a, b := PtyPair(t)
	s := &Server{t: t, python: py, args: []string{script(t, "modbus_sim.py", modbusSim), "--rtu", a}}
	s.start()
	s.Addr = b
	return s
}

// PtyPair starts socat with two linked pseudo-terminals and returns their
// paths: what is written to one is read from the other.
func PtyPair(t testing.TB) (a, b string) {
	t.Helper()
	socat := testenv.Command(t, "socat", "socat")
	dir := t.TempDir()
	a, b = filepath.Join(dir, "a"), filepath.Join(dir, "b")
	cmd := exec.Command(socat, "pty,raw,echo=0,link="+a, "pty,raw,echo=0,link="+b)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("socat: %v", err)
	}
	t.Cleanup(func() { stop(cmd) })
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, ea := os.Stat(a)
		_, eb := os.Stat(b)
		if ea == nil && eb == nil {
			return a, b
		}
		if time.Now().After(deadline) {
			t.Fatalf("socat made no pty pair in 10 s: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Echo starts socat as a TCP server on a free port that sends back every
// byte it gets: to a Modbus client, a reply that is its own request, which
// no Modbus server would send (garbage).
func Echo(t testing.TB) string {
	t.Helper()
	socat := testenv.Command(t, "socat", "socat")
	port := FreePort(t)
	cmd := exec.Command(socat, fmt.Sprintf("TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", port), "EXEC:cat")
	if err := cmd.Start(); err != nil {
		t.Fatalf("socat: %v", err)
	}
	t.Cleanup(func() { stop(cmd) })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitListening(t, addr)
	return "tcp://" + addr
}

// Kill ends the server at once (SIGKILL), as a crash or a pulled cable
// would, and waits until it is gone.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		stop(s.cmd)
		s.cmd = nil
	}
}

// Restart starts the server again where it was (the same port or pty),
// with fresh state.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	s.start()
}

// Pause stops the server process (SIGSTOP): it keeps its connections but
// answers nothing, like a hung instrument, until Resume.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Resume lets a paused server go on (SIGCONT); it answers what waited.
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		syscall.Kill(-s.cmd.Process.Pid, sig)
	}
}

// Stderr is what the server wrote to its standard error so far.
func (s *Server) Stderr() string { return s.stderr.String() }

// start runs the program and waits for its "READY x" line; it returns x.
func (s *Server) start() string {
	s.t.Helper()
	cmd := exec.Command(s.python, append([]string{"-u"}, s.args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if s.stderr == nil {
		s.stderr = &lockedBuffer{}
	}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start %s: %v", s.args[0], err)
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	s.t.Cleanup(s.Kill)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if x, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- x
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case x := <-ready:
		if _, err := fmt.Sscanf(x, "%d", new(int)); err == nil {
			waitListening(s.t, "127.0.0.1:"+x)
		}
		return x
	case <-time.After(20 * time.Second):
		s.t.Fatalf("%s did not start in 20 s: %s", filepath.Base(s.args[0]), s.stderr.String())
		return ""
	}
}

func waitListening(t testing.TB, addr string) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens at %s after 10 s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the process group and reaps it.
func stop(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	syscall.Kill(-cmd.Process.Pid, syscall.SIGCONT)
	cmd.Process.Kill()
	cmd.Wait()
}

// script writes an embedded program into the test's temporary directory.
func script(t testing.TB, name string, text []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, text, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// FreePort returns a TCP port on 127.0.0.1 that nothing listens on now,
// for tests of a refused connection.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

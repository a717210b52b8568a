// Package epicstest runs the test IOC of concert's EPICS tests: softIoc
// from EPICS base (found by internal/testenv) serving test.db on
// 127.0.0.1 only, on a free port of its own so that test packages running
// in parallel never see each other's IOCs. It also runs caget and caput
// against it, to cross-check the Go client with EPICS's own tools.
package epicstest

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/epics/ca"
	"github.com/concert-go/concert/internal/testenv"
)

//go:embed test.db
var testDB []byte

//go:embed test.acf
var testACF []byte

// IOC is a running softIoc with the test database.
type IOC struct {
	t       testing.TB
	Prefix  string // every record's name starts with it: Prefix + "m1:VAL"
	Port    int    // EPICS_CA_SERVER_PORT
	beacon  int    // EPICS_CAS_BEACON_PORT / EPICS_CA_REPEATER_PORT
	dir     string
	softIoc string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has ended
	out    *syncBuffer
}

var seq struct {
	sync.Mutex
	n int
}

// Start starts the test IOC, waits until it accepts connections and stops
// it when the test ends. It skips (fails under CI) when there is no
// softIoc.
func Start(t testing.TB) *IOC {
	t.Helper()
	softIoc := testenv.EPICSTool(t, "softIoc")
	dir := t.TempDir()
	for name, b := range map[string][]byte{"test.db": testDB, "test.acf": testACF} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The IOC runs as concert-ioc, a link to softIoc: a name of its own
	// keeps it apart from other softIocs on the machine and from tools
	// that look for those by name.
	if err := os.Symlink(softIoc, filepath.Join(dir, "concert-ioc")); err != nil {
		t.Fatal(err)
	}
	seq.Lock()
	seq.n++
	prefix := fmt.Sprintf("T%d%d:", os.Getpid()%10000, seq.n)
	seq.Unlock()
	ioc := &IOC{t: t, Prefix: prefix, Port: freePort(t), beacon: freePort(t), dir: dir, softIoc: softIoc}
	ioc.start()
	t.Cleanup(func() {
		ioc.Kill()
		if t.Failed() {
			t.Logf("softIoc printed:\n%s", ioc.Output())
		}
	})
	return ioc
}

// PV is the full name of a record or field of the test database.
func (i *IOC) PV(name string) string { return i.Prefix + name }

// Env is the environment of a CA client or tool that should find this
// IOC and nothing else.
func (i *IOC) Env() []string {
	return []string{
		"EPICS_CA_ADDR_LIST=127.0.0.1",
		"EPICS_CA_AUTO_ADDR_LIST=NO",
		"EPICS_CA_SERVER_PORT=" + strconv.Itoa(i.Port),
		"EPICS_CA_REPEATER_PORT=" + strconv.Itoa(i.beacon),
	}
}

// Config is the Go client's configuration for this IOC, read from Env
// as the shell would read it.
func (i *IOC) Config() ca.Config {
	env := map[string]string{}
	for _, kv := range i.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg, err := ca.ConfigFrom(func(k string) string { return env[k] })
	if err != nil {
		i.t.Fatal(err)
	}
	// a loaded test machine can take seconds to answer; a test that
	// wants a short timeout sets its own
	cfg.SearchTimeout = 20 * time.Second
	return cfg
}

func (i *IOC) start() {
	i.t.Helper()
	cmd := exec.Command(filepath.Join(i.dir, "concert-ioc"), "-S", "-a", "test.acf", "-m", "P="+i.Prefix, "-d", "test.db")
	cmd.Dir = i.dir
	cmd.Env = append(withoutEPICS(os.Environ()),
		"EPICS_CAS_INTF_ADDR_LIST=127.0.0.1",
		"EPICS_CAS_AUTO_BEACON_ADDR_LIST=NO",
		"EPICS_CAS_BEACON_ADDR_LIST=127.0.0.1",
		"EPICS_CAS_BEACON_PORT="+strconv.Itoa(i.beacon),
	)
	cmd.Env = append(cmd.Env, i.Env()...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		i.t.Fatalf("softIoc: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	i.mu.Lock()
	i.cmd, i.exited, i.out = cmd, exited, out
	i.mu.Unlock()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(i.Port))
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			i.t.Fatalf("softIoc exited: %v\n%s", cmd.ProcessState, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			i.Kill()
			i.t.Fatalf("softIoc did not listen on %s: %v\n%s", addr, err, out.String())
		}
	}
}

// Kill ends the IOC at once (SIGKILL), as a crash would.
func (i *IOC) Kill() {
	i.mu.Lock()
	cmd, exited := i.cmd, i.exited
	i.cmd = nil
	i.mu.Unlock()
	if cmd != nil {
		cmd.Process.Kill()
		<-exited
	}
}

// Signal sends sig to the IOC (SIGSTOP freezes it: it stops answering
// without closing its connections; SIGCONT resumes it).
func (i *IOC) Signal(sig os.Signal) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.cmd != nil {
		i.cmd.Process.Signal(sig)
	}
}

// Freeze stops the IOC (SIGSTOP) and returns once it stands: it keeps its
// connections open but answers nothing until Thaw.
func (i *IOC) Freeze() {
	i.t.Helper()
	i.mu.Lock()
	cmd := i.cmd
	i.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGSTOP)
	// Every thread stops on its own, the CA server's among them: one still
	// running could answer a request sent now, so wait for all of them.
	deadline := time.Now().Add(30 * time.Second)
	for !stopped(i.t, cmd.Process.Pid) {
		if time.Now().After(deadline) {
			i.t.Fatalf("freeze: the IOC's threads did not all stop within 30s")
		}
		time.Sleep(time.Millisecond)
	}
}

// stopped reports whether every thread of process pid is stopped (or
// has ended: softIoc -S ends its main thread a while after it started).
func stopped(t testing.TB, pid int) bool {
	stats, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(stats) == 0 {
		t.Fatalf("freeze: no threads of process %d: %v", pid, err)
	}
	for _, stat := range stats {
		b, err := os.ReadFile(stat)
		if err != nil {
			t.Fatalf("freeze: %v", err)
		}
		// the state follows the command name in parentheses
		if j := bytes.LastIndexByte(b, ')'); j < 0 || j+2 >= len(b) || (b[j+2] != 'T' && b[j+2] != 'Z') {
			return false
		}
	}
	return true
}

// Thaw lets a frozen IOC go on.
func (i *IOC) Thaw() { i.Signal(syscall.SIGCONT) }

// Restart kills the IOC and starts it again on the same port, with the
// database's initial values.
func (i *IOC) Restart() {
	i.t.Helper()
	i.Kill()
	i.start()
}

// Output is what the IOC printed.
func (i *IOC) Output() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.out == nil {
		return ""
	}
	return i.out.String()
}

// Tool runs caget, caput or camonitor against this IOC and returns its
// standard output; a failure fails the test. (The tools complain on
// standard error that they cannot start a CA repeater; tests need none.)
func (i *IOC) Tool(name string, args ...string) string {
	i.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.EPICSTool(i.t, name), args...)
	cmd.Env = append(withoutEPICS(os.Environ()), i.Env()...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		i.t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// Caget is what `caget -t` prints for one PV, trimmed: the value only.
func (i *IOC) Caget(pv string, flags ...string) string {
	i.t.Helper()
	return strings.TrimSpace(i.Tool("caget", append(append([]string{"-t", "-w", "20"}, flags...), pv)...))
}

// Caput writes with caput and waits for completion (-c).
func (i *IOC) Caput(pv string, values ...string) {
	i.t.Helper()
	i.Tool("caput", append([]string{"-c", "-w", "20", pv}, values...)...)
}

// withoutEPICS drops the caller's EPICS_ variables, so a developer's
// facility settings cannot leak into a test.
func withoutEPICS(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "EPICS_") {
			out = append(out, kv)
		}
	}
	return out
}

// freePort finds a port free for both TCP and UDP on 127.0.0.1.
func freePort(t testing.TB) int {
	t.Helper()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
		l.Close()
		if err == nil {
			u.Close()
			return port
		}
	}
	t.Fatal("no free port for the test IOC")
	return 0
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

//go:build unix

package epics_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/epics/ca"
	"github.com/concert-go/concert/internal/epics/epicstest"
	"github.com/concert-go/concert/internal/ptytest"
)

func TestMain(m *testing.M) { ptytest.Main(m) }

// e2eWait bounds each wait for the screen: generous, the machine may be
// busy and the binary race-built.
const e2eWait = 60 * time.Second

// epicsBlock is the README's EPICS session example, typed at the prompt
// against the test IOC (prefix SIM:).
var epicsBlock = regexp.MustCompile("(?s)```go epics\n(.*?)```")

// The README's EPICS examples, typed into the shell in a terminal, one
// after the other: the first moves the test IOC's motor, ctrl-k stops it
// short of the target and the emergency stop's report says so on the
// screen; the second makes a device of PVs, the third a shutter. Each line of the blocks is
// typed as it stands; "// ctrl-k" sends the key (once the motor
// moves); "// → text" waits for a screen line starting with text.
func TestREADMEShell(t *testing.T) {
	ioc := epicstest.Start(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := epicsBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) != 3 {
		t.Fatalf("the README has %d EPICS session examples; want 3, the motor, the device and the shutter", len(blocks))
	}
	example := strings.ReplaceAll(blocks[0][1]+blocks[1][1]+blocks[2][1], "SIM:", ioc.Prefix)

	s := shell(t, ioc)
	c, err := ca.NewClient(ioc.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rbv, err := c.Connect(t.Context(), ioc.PV("m1:RBV"))
	if err != nil {
		t.Fatal(err)
	}
	// seen counts the screen's lines already matched: each wait looks
	// below them only.
	seen := 0
	for _, line := range strings.Split(strings.TrimRight(example, "\n"), "\n") {
		switch {
		case line == "// ctrl-k":
			// the move runs: readback past the 1.5 mm it started from
			moving(t, s, rbv, 2)
			s.Send([]byte{0x0b})
		case strings.HasPrefix(line, "// → "):
			seen = waitLine(t, s, seen, strings.TrimPrefix(line, "// → "))
		case strings.HasPrefix(line, "//"):
		default:
			s.SendString(line + "\r")
		}
	}

	// The motor stands short of 50 mm, where the shell says it is, and
	// stays there.
	p := stands(t, ioc)
	if p <= 2 || p >= 50 {
		t.Errorf("after ctrl-k the motor stands at %v mm (caget); want between 2 and 50", p)
	}
	s.SendString("m.Position()\r")
	seen = waitLine(t, s, seen, strconv.FormatFloat(p, 'g', -1, 64)+" mm")
	time.Sleep(500 * time.Millisecond)
	if again := stands(t, ioc); again != p {
		t.Errorf("the motor moves on after ctrl-k: %v mm, then %v mm", p, again)
	}
	s.SendString("m.State()\r")
	waitLine(t, s, seen, "standby")
}

// stands returns the readback once caget says the motor stands.
func stands(t *testing.T, ioc *epicstest.IOC) float64 {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	for ioc.Caget(ioc.PV("m1:DMOV")) != "1" {
		if time.Now().After(deadline) {
			t.Fatalf("the motor still moves %v after ctrl-k", e2eWait)
		}
		time.Sleep(100 * time.Millisecond)
	}
	p, err := strconv.ParseFloat(ioc.Caget(ioc.PV("m1:RBV")), 64)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// waitLine waits for a screen line below the first seen ones that starts
// with prefix and returns how many lines are seen with it.
func waitLine(t *testing.T, s *ptytest.Screen, seen int, prefix string) int {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		lines := strings.Split(s.Text(), "\n")
		for i := seen; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], prefix) {
				return i + 1
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line %q on the screen within %v; screen:\n%s", prefix, e2eWait, s.Text())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shell starts the shell in a terminal on a session without devices,
// pointed at the IOC, with the environment env added.
func shell(t *testing.T, ioc *epicstest.IOC, env ...string) *ptytest.Screen {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "sessions"), 0o755); err != nil {
		t.Fatal(err)
	}
	session := "//go:build ignore\n\n// Beamline: no devices of its own.\npackage sessions\n"
	if err := os.WriteFile(filepath.Join(home, "sessions", "beamline.go"), []byte(session), 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(append(append(ptytest.HomeEnv(home), ioc.Env()...), "CONCERT_CA_SEARCH_TIMEOUT=20s"), env...)
	s := ptytest.StartScreen(t, ptytest.Options{Env: env, Rows: 40, Cols: 160}, ptytest.Concert(t), "start", "beamline")
	s.WaitFor("beamline >", 2*time.Minute) // the first test builds the binary
	return s
}

// ctrl-c at the await of a put with callback the IOC has not completed,
// and of a get the IOC does not answer, gives the prompt back at once,
// saying it was cancelled; the device works on.
func TestCtrlCPending(t *testing.T) {
	ioc := epicstest.Start(t)
	s := shell(t, ioc)
	s.SendString(`slow := epics.Device("slow", epics.PV("proc", "` + ioc.PV("slow.PROC") + `"), epics.PV("value", "` + ioc.PV("double") + `"))` + "\r")
	// the record takes 30 s to process: the put-callback is pending
	s.SendString(`fmt.Println("sent"); await slow.Param("proc").Set(1)` + "\r")
	seen := waitLine(t, s, 0, "sent")
	time.Sleep(300 * time.Millisecond)
	s.Send([]byte{0x03})
	seen = waitLine(t, s, seen, "Cancelled")

	ioc.Freeze() // the IOC answers nothing now
	s.SendString(`fmt.Println("sent"); await slow.Param("value").Get()` + "\r")
	seen = waitLine(t, s, seen, "sent")
	time.Sleep(300 * time.Millisecond)
	s.Send([]byte{0x03})
	seen = waitLine(t, s, seen, "Cancelled")
	ioc.Thaw()
	s.SendString(`await slow.Param("value").Get()` + "\r")
	waitLine(t, s, seen, "3.25 mm")
}

// The IOC killed mid-move, in the shell: the move fails naming the PV,
// the motor shows state error, ctrl-k reports it as failed; when the IOC
// is back the same motor moves again, without a restart of the shell.
func TestIOCKilledMidMoveShell(t *testing.T) {
	ioc := epicstest.Start(t)
	s := shell(t, ioc)
	p := ioc.PV("m1:")
	s.SendString(`m := epics.MotorFrom("sample_x", epics.MotorPVs{VAL: "` + p + `VAL", RBV: "` + p + `RBV", DMOV: "` + p + `DMOV", STOP: "` + p + `STOP", EGU: "` + p + `VAL.EGU"})` + "\r")
	s.SendString("mv := m.SetPosition(50 * q.MM)\r")
	c, err := ca.NewClient(ioc.Config())
	if err != nil {
		t.Fatal(err)
	}
	rbv, err := c.Connect(t.Context(), ioc.PV("m1:RBV"))
	if err != nil {
		t.Fatal(err)
	}
	moving(t, s, rbv, 0.5)
	c.Close()
	ioc.Kill()
	s.SendString("await mv\r")
	seen := waitLine(t, s, 0, "Sorry, sample_x")
	s.SendString("m.State()\r")
	seen = waitLine(t, s, seen, "error")
	s.Send([]byte{0x0b})
	seen = waitLine(t, s, seen, "Emergency stop: 0 tasks cancelled, 0 devices stopped, 1 failed (sample_x: ")
	if text := s.Text(); !strings.Contains(text, p+"STOP") || !strings.Contains(text, p+"DMOV") {
		t.Errorf("the failure and the report do not name the PVs:\n%s", text)
	}
	ioc.Restart()
	// The channels search again with back-off (at most 5 s apart): the
	// motor answers within seconds.
	deadline := time.Now().Add(e2eWait)
	for !reads(s, seen, " mm") {
		if time.Now().After(deadline) {
			t.Fatalf("the motor does not answer %v after the IOC came back; screen:\n%s", e2eWait, s.Text())
		}
		s.SendString("m.Position()\r")
		time.Sleep(time.Second)
	}
	s.SendString("await m.SetPosition(1 * q.MM)\r")
	s.SendString("m.State()\r")
	waitLine(t, s, seen, "standby")
}

// reads reports whether a screen line below the first seen ones ends
// with suffix.
func reads(s *ptytest.Screen, seen int, suffix string) bool {
	lines := strings.Split(s.Text(), "\n")
	for i := seen; i < len(lines); i++ {
		if strings.HasSuffix(lines[i], suffix) {
			return true
		}
	}
	return false
}

// moving waits until the readback rbv is past x mm.
func moving(t *testing.T, s *ptytest.Screen, rbv *ca.Channel, x float64) {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		v, err := rbv.Get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if v.Float64() > x {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the motor is not past %v mm after %v; screen:\n%s", x, e2eWait, s.Text())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A PV no IOC has: after the search timeout the shell says so in one
// line naming the device, the PV and where it searched, and goes on.
func TestUnknownPVShell(t *testing.T) {
	ioc := epicstest.Start(t)
	s := shell(t, ioc, "CONCERT_CA_SEARCH_TIMEOUT=1s")
	s.SendString(`g := epics.Device("gauge", epics.PV("pressure", "NO:SUCH:PV"))` + "\r")
	seen := waitLine(t, s, 0, "Sorry, panic: gauge: PV NO:SUCH:PV: connect: not found (no server answered within 1s at 127.0.0.1:"+strconv.Itoa(ioc.Port)+"; check the name and EPICS_CA_ADDR_LIST)")
	s.SendString("1 + 1\r")
	waitLine(t, s, seen, "2")
}

//go:build unix

package repl_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/concert-go/concert/internal/ptytest"
)

// readmeDevice returns the code of the README example of "Your own
// devices" that declares constructor, without its // Output: part: the
// tests run the very text the README shows.
func readmeDevice(t *testing.T, constructor string) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range goBlock.FindAllStringSubmatch(string(readme), -1) {
		if strings.Contains(b[1], "func "+constructor+"(") {
			code, _, _ := strings.Cut(b[1], "\n// Output:\n")
			// Keep the declarations; the commands after them are the
			// README's to show.
			if i := strings.Index(code, "\n// Try it:\n"); i >= 0 {
				code = code[:i+1]
			}
			return code
		}
	}
	t.Fatalf("README has no example declaring %s", constructor)
	return ""
}

// ownDeviceShell starts `concert start NAME` in a pseudo-terminal on a
// session holding code, and waits for the prompt.
func ownDeviceShell(t *testing.T, name, code string) *ptytest.Term {
	t.Helper()
	home := t.TempDir()
	sessions := filepath.Join(home, "sessions")
	if err := os.MkdirAll(sessions, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "// A device of the README's \"Your own devices\".\n\n" + code
	if err := os.WriteFile(filepath.Join(sessions, name+".go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	race, raceDir := raceEnv(t)
	t.Cleanup(func() { checkRaces(t, raceDir) })
	term := ptytest.Start(t, ptytest.Options{Env: append(ptytest.HomeEnv(home), race)}, ptytest.Concert(t), "start", name)
	term.WaitFor(name+" > ", wait)
	return term
}

// runIn types a command at the prompt of session name and waits for want
// and the prompt after it.
func runIn(term *ptytest.Term, name, cmd, want string) {
	term.SendString(cmd + "\r")
	term.WaitFor(want, wait)
	term.WaitFor(name+" > ", wait)
}

var stopped = regexp.MustCompile(`Emergency stop: .*\d+ devices? stopped`)

// TestOwnOvenCtrlK runs the README's temperature controller, starts a
// long ramp and stops it with ctrl-k: the temperature stays where the
// stop left it, the oven is in standby and no task runs.
func TestOwnOvenCtrlK(t *testing.T) {
	t.Parallel()
	term := ownDeviceShell(t, "oven", readmeDevice(t, "NewOven")+"oven := NewOven(\"oven\")\n")
	runIn(term, "oven", `oven.Param("temperature").Check(1000 * q.K)`, "oven.temperature: 1000 K > upper limit 600 K of the device")
	runIn(term, "oven", "oven.SetTemperature(5)", "Sorry, oven.SetTemperature(5): the number 5 has no unit; write 5 * q.K")
	runIn(term, "oven", `ramp := oven.SetTemperature(500 * q.K); "started"`, "started")
	runIn(term, "oven", "for oven.Temperature() < 294*q.K { sleep(context.Background(), 10*time.Millisecond) }; oven.State()", "moving")
	// ctrl-k once the await runs: the line editor has let go of the
	// terminal when the command prints.
	term.SendString("fmt.Println(\"awaiting\"); await ramp\r")
	term.WaitFor("awaiting\n", wait)
	term.Send([]byte{0x0b})
	term.WaitForRegexp(stopped, wait)
	term.WaitFor("oven > ", wait)
	runIn(term, "oven", "t1 := oven.Temperature(); oven.State()", "standby")
	runIn(term, "oven", "sleep(context.Background(), 300*time.Millisecond); oven.Temperature() == t1 && t1 > 293*q.K && t1 < 500*q.K", "true")
	runIn(term, "oven", "tasks()", "no tasks running")
	exit(t, term)
}

// TestOwnSlitCtrlK runs the README's slit over two blade motors, starts a
// long opening and stops it with ctrl-k: both blades stay where the stop
// left them, the slit and its blades are in standby, and no task runs.
func TestOwnSlitCtrlK(t *testing.T) {
	t.Parallel()
	code := readmeDevice(t, "NewSlit") + "left, right := motors.NewLinear(\"left\"), motors.NewLinear(\"right\")\nslit := NewSlit(\"slit\", left, right)\n"
	term := ownDeviceShell(t, "slit", code)
	runIn(term, "slit", "slit.SetGap(5)", "Sorry, slit.SetGap(5): the number 5 has no unit; write 5 * q.MM")
	runIn(term, "slit", "await slit.SetGap(30 * q.MM)", "Sorry, slit.gap: 30 mm > upper limit 20 mm of the device")
	runIn(term, "slit", `opening := slit.SetGap(16 * q.MM); "started"`, "started")
	runIn(term, "slit", "for right.Position() < 1*q.MM { sleep(context.Background(), 10*time.Millisecond) }; slit.State()", "moving")
	term.SendString("fmt.Println(\"awaiting\"); await opening\r")
	term.WaitFor("awaiting\n", wait)
	term.Send([]byte{0x0b})
	term.WaitForRegexp(stopped, wait)
	term.WaitFor("slit > ", wait)
	runIn(term, "slit", "l, r := left.Position(), right.Position(); slit.State() == devices.Standby && left.State() == devices.Standby && right.State() == devices.Standby", "true")
	runIn(term, "slit", "sleep(context.Background(), 300*time.Millisecond); left.Position() == l && right.Position() == r && r > 1*q.MM && r < 8*q.MM", "true")
	runIn(term, "slit", "tasks()", "no tasks running")
	exit(t, term)
}

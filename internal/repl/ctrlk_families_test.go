//go:build unix

package repl_test

import "testing"

// TestCtrlKSafeValuesAndSlit presses ctrl-k in a pty while a slit's gap
// opens: both blades stop where they are and the gap motor and blades are
// in standby, an IO device's outputs take their safe values, an open
// shutter closes, and no task runs.
func TestCtrlKSafeValuesAndSlit(t *testing.T) {
	t.Parallel()
	code := `lower, upper := motors.NewLinear("lower"), motors.NewLinear("upper")
gap := slits.New("gap", lower, upper, slits.Gap)
shutter := shutters.New("shutter")
box := signals.New("box", signals.DigitalOut("lamp").Safe(false),
	signals.AnalogOut("hv", q.KV).Limits(0*q.KV, 30*q.KV).Safe(0*q.KV))
`
	term := ownDeviceShell(t, "beamline", code)
	runIn(term, "beamline", `await box.Param("hv").Set(20 * q.KV); await box.Param("lamp").Set(true); await shutter.Open(); box.Param("hv").Must()`, "20 kV")
	runIn(term, "beamline", `opening := gap.SetPosition(16 * q.MM); "started"`, "started")
	runIn(term, "beamline", "for upper.Position() < 1*q.MM { sleep(context.Background(), 10*time.Millisecond) }; gap.State()", "moving")
	term.SendString("fmt.Println(\"awaiting\"); await opening\r")
	term.WaitFor("awaiting\n", wait)
	term.Send([]byte{0x0b})
	term.WaitForRegexp(stopped, wait)
	term.WaitFor("beamline > ", wait)
	runIn(term, "beamline", `fmt.Println(box.Param("hv").Must(), box.Param("lamp").Must(), shutter.State())`, "0 V false closed")
	runIn(term, "beamline", "l, u := lower.Position(), upper.Position(); gap.State() == devices.Standby && lower.State() == devices.Standby && upper.State() == devices.Standby", "true")
	runIn(term, "beamline", "sleep(context.Background(), 300*time.Millisecond); lower.Position() == l && upper.Position() == u && u > 1*q.MM && u < 8*q.MM", "true")
	runIn(term, "beamline", "tasks()", "no tasks running")
	exit(t, term)
}

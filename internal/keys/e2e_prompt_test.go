//go:build unix

package keys

import (
	"testing"
	"time"
)

func TestE2ECtrlKAtPrompt(t *testing.T) {
	t.Parallel()
	term := concert(t)
	do(term, "m := motor.SetPosition(10 * q.MM)")
	time.Sleep(200 * time.Millisecond)
	term.Send([]byte{CtrlK})
	term.WaitFor("Emergency stop: 1 task cancelled, 4 devices stopped\n", e2eWait)
	stopped(t, term, "motor", 10)
	quit(t, term)
}

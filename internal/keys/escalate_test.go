package keys

import (
	"testing"
	"time"
)

func TestEscalation(t *testing.T) {
	type press struct {
		at   time.Duration // since the first press
		want Action
		msg  string
	}
	tests := []struct {
		name    string
		canStop bool
		presses []press
	}{
		{"one press cancels", true, []press{{0, Cancel, ""}}},
		{"second press waits", true, []press{{0, Cancel, ""}, {100 * time.Millisecond, Wait, MsgWait}}},
		{"quick third press still waits", true, []press{
			{0, Cancel, ""},
			{100 * time.Millisecond, Wait, MsgWait},
			{200 * time.Millisecond, Wait, MsgWait},
			{StopDelay, StopInterpreter, MsgStopInterpreter},
		}},
		{"third press after the delay stops", true, []press{
			{0, Cancel, ""},
			{2 * time.Second, Wait, MsgWait},
			{3 * time.Second, StopInterpreter, MsgStopInterpreter},
			{4 * time.Second, Stopping, MsgStopping},
			{5 * time.Second, Stopping, MsgStopping},
		}},
		{"without a stop only waits", false, []press{
			{0, Cancel, ""},
			{2 * time.Second, Wait, MsgWaitNoStop},
			{3 * time.Second, Wait, MsgWaitNoStop},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Escalation{CanStop: tt.canStop}
			t0 := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
			for i, p := range tt.presses {
				got, msg := e.Press(t0.Add(p.at))
				if got != p.want || msg != p.msg {
					t.Errorf("press %d at +%v = %v, %q; want %v, %q", i+1, p.at, got, msg, p.want, p.msg)
				}
			}
		})
	}
}

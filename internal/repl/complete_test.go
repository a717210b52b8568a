package repl

import (
	"io"
	"slices"
	"testing"
)

func TestCompletions(t *testing.T) {
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(`cm := motors.NewLinear("completion motor"); func corofunc() {}; t := start(corofunc)`, ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"cm.SetPo", []string{"SetPosition"}},
		{"cm.Get", []string{"GetMotionVelocity", "GetPosition"}},
		{`cm.Param("mo`, []string{"motion_velocity"}},
		{`cm.Param("`, []string{"motion_velocity", "position"}},
		{"q.Ke", []string{"KeV"}},
		{"epics.Wa", []string{"Watch"}},
		{"coro", []string{"corofunc"}},
		{"t.Awa", []string{"Await", "Awaited"}},
		{"gath", []string{"gather"}},
		{"waitU", []string{"waitUntil"}},
		{"taskL", []string{"taskList"}},
		{"watchd", []string{"watchdog"}},
		{"strings.ToUpper", []string{"ToUpperSpecial"}},
		{"x := 1 + ", nil},
	}
	for _, tt := range tests {
		if got := s.Completions(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Completions(%q) = %q; want %q", tt.text, got, tt.want)
		}
	}
}

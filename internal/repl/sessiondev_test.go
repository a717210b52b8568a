package repl

import (
	"io"
	"slices"
	"testing"
)

// slitSource declares a device in the session, as the README's "Your own
// devices" does, with a method of its own besides the parameter's.
const slitSource = `type Slit struct {
	*devices.Base
	gap *devices.Parameter
	g   q.Length
}

func (s *Slit) SetGap(v q.Length) *Task { return s.gap.Set(v) }
func (s *Slit) Gap() q.Length          { return s.gap.Must().(q.Length) }

func NewSlit(name string) *Slit {
	s := &Slit{}
	b, ctl := devices.New(devices.Config{Name: name, Kind: "slit"})
	s.Base = b
	s.gap = ctl.Add(devices.ParamSpec{Name: "gap", Unit: q.MM, Doc: "the gap",
		Get: func(ctx context.Context) (any, error) { return s.g, nil },
		Set: func(ctx context.Context, v any) error { s.g = v.(q.Length); return nil },
	})
	return s
}

sessionSlit := NewSlit("completion slit")
`

// TestSessionDeviceCompletion completes the methods and parameters of a
// device the session declared, whose methods reflection cannot see.
func TestSessionDeviceCompletion(t *testing.T) {
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(slitSource, ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"sessionSlit.SetG", []string{"SetGap"}},
		{"sessionSlit.Ga", []string{"Gap"}},
		{"sessionSlit.Sta", []string{"Stash", "State"}},
		{"sessionSlit.Emer", []string{"EmergencyStop"}},
		{`sessionSlit.Param("`, []string{"gap"}},
	}
	for _, tt := range tests {
		if got := s.Completions(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Completions(%q) = %q; want %q", tt.text, got, tt.want)
		}
	}
}

package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestEPICSBaseFollowsTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CONCERT_EPICS_BASE", dir)
	if got := EPICSBase(); got != dir {
		t.Fatalf("EPICSBase() = %q; want %q", got, dir)
	}
	bin := filepath.Join(dir, "bin", "linux-x86_64")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "caget"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := EPICSTool(t, "caget"), filepath.Join(bin, "caget"); got != want {
		t.Fatalf("EPICSTool(caget) = %q; want %q", got, want)
	}
}

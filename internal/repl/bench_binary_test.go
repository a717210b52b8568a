//go:build unix

package repl_test

import (
	"os/exec"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
)

// BenchmarkHelp is `concert --help` (target: under 20 ms).
func BenchmarkHelp(b *testing.B) {
	bin := ptytest.Concert(b)
	for b.Loop() {
		if err := exec.Command(bin, "--help").Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPromptReady is `concert start tutorial` in a terminal until its
// prompt shows (target: under 100 ms).
func BenchmarkPromptReady(b *testing.B) {
	bin := ptytest.Concert(b)
	home := b.TempDir()
	for b.Loop() {
		term := ptytest.Start(b, ptytest.Options{Env: ptytest.HomeEnv(home)}, bin, "start", "tutorial")
		term.WaitFor("tutorial > ", 10*time.Second)
		b.StopTimer()
		term.Close()
		b.StartTimer()
	}
}

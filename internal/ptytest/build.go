//go:build unix

package ptytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

// Concert returns the path of the concert binary, built from ./cmd/concert
// the first time a test of this test binary asks, with the race detector
// when the tests run with it. Call Main from TestMain to remove the binary
// when the tests end.
func Concert(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "concert-ptytest-")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "concert")
		args := []string{"build", "-o", build.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "github.com/concert-go/concert/cmd/concert")
		cmd := exec.Command("go", args...)
		build.out, build.err = cmd.CombinedOutput()
	})
	if build.err != nil {
		t.Fatalf("ptytest: go build ./cmd/concert: %v\n%s", build.err, build.out)
	}
	return build.path
}

// Main runs the tests and removes the binary Concert built:
//
//	func TestMain(m *testing.M) { ptytest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// HomeEnv is the environment for a concert run whose sessions, data and
// state live under dir, so that parallel tests share no history, lock or
// log.
func HomeEnv(dir string) []string {
	return []string{
		"CONCERT_SESSIONS_DIR=" + filepath.Join(dir, "sessions"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
	}
}

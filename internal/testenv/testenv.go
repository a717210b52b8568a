// Package testenv finds the real servers and tools the integration tests
// run against (softIoc and the CA tools from EPICS base, pymodbus under
// Debian's Python, socat) and decides what a test does when one is
// missing: on a developer's machine it skips with one line saying how to
// get it; under CI (CI=true) it fails, because CI must run every
// integration test. scripts/testdeps.sh, which `make test` runs first,
// installs or builds them where it can.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// DebianPython is the Python whose packages (python3-pymodbus, ...) are
// Debian's; the python3 first on PATH may be another one without them.
const DebianPython = "/usr/bin/python3"

// EPICSBase is the EPICS base installation the tests use:
// $CONCERT_EPICS_BASE, else where scripts/testdeps.sh builds it.
func EPICSBase() string {
	if d := os.Getenv("CONCERT_EPICS_BASE"); d != "" {
		return d
	}
	if os.Geteuid() == 0 {
		return "/var/cache/concert/epics-base"
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = filepath.Join(os.Getenv("HOME"), ".cache")
	}
	return filepath.Join(cache, "concert", "epics-base")
}

// EPICSTool returns the path of an EPICS base program (softIoc, caget,
// caput, camonitor), or skips (fails under CI) when there is none.
func EPICSTool(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(EPICSBase(), "bin", "linux-x86_64", name)
	if _, err := os.Stat(p); err != nil {
		missing(t, name+" from EPICS base ("+p+"): run `make testdeps` as root, or set CONCERT_EPICS_BASE to an EPICS base build")
	}
	return p
}

// Python returns DebianPython after checking that it imports every module
// given (for example "pymodbus", "serial"), or skips (fails under CI).
func Python(t testing.TB, modules ...string) string {
	t.Helper()
	for _, m := range modules {
		if err := exec.Command(DebianPython, "-c", "import "+m).Run(); err != nil {
			missing(t, "python module "+m+" under "+DebianPython+": apt-get install --no-install-recommends python3-pymodbus python3-serial python3-serial-asyncio")
		}
	}
	return DebianPython
}

// Command returns the path of a program on PATH (socat, tmux), or skips
// (fails under CI) saying which Debian package has it.
func Command(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+": apt-get install "+debianPackage)
	}
	return p
}

// InCI reports whether the tests run under CI, where nothing may skip.
func InCI() bool { return os.Getenv("CI") != "" }

func missing(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("missing %s (CI must run this test)", what)
	}
	t.Skipf("missing %s", what)
}

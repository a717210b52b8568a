package keys

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// watchSupervisor makes the death of the supervisor a signal (supervisorDied) to this
// shell, at once, so that it stops every device and exits instead of
// running on as an orphan that keeps moving motors and holds the instance
// lock (issue 16). The signal handler must already be installed: the
// check after the prctl covers a supervisor that died before it.
func watchSupervisor() {
	if supervisor() == 0 {
		return
	}
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(supervisorDied), 0, 0, 0)
	if SupervisorGone() {
		_ = syscall.Kill(os.Getpid(), supervisorDied)
	}
}

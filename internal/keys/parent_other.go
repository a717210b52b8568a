//go:build unix && !linux

package keys

import (
	"os"
	"syscall"
	"time"
)

// watchSupervisor makes the death of the supervisor a signal (supervisorDied) to this
// shell, as on Linux; without PR_SET_PDEATHSIG it looks at the parent
// process id a few times a second.
func watchSupervisor() {
	if supervisor() == 0 {
		return
	}
	go func() {
		defer func() { _ = recover() }()
		for !SupervisorGone() {
			time.Sleep(200 * time.Millisecond)
		}
		_ = syscall.Kill(os.Getpid(), supervisorDied)
	}()
}

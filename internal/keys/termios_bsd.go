//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package keys

import "golang.org/x/sys/unix"

const (
	ioctlGetTermios = unix.TIOCGETA
	ioctlSetTermios = unix.TIOCSETA // TCSANOW: switching modes must not flush type-ahead
)

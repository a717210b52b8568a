package keys

import "golang.org/x/sys/unix"

const (
	ioctlGetTermios = unix.TCGETS
	ioctlSetTermios = unix.TCSETS // TCSANOW: switching modes must not flush type-ahead
)

//go:build unix

package store

import "syscall"

// openNonblock opens a pipe without waiting for its writer; regular files
// ignore it.
const openNonblock = syscall.O_NONBLOCK

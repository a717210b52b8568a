//go:build (amd64 || arm64) && gc

package repl

// stackInUse returns how many bytes of its stack the calling goroutine
// uses (stack_*.s).
func stackInUse() uintptr

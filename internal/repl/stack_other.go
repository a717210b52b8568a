//go:build !((amd64 || arm64) && gc)

package repl

// stackInUse has no cheap answer here, and says every stack is deep (see
// deepStack): every function takes the slow path, and the interpreted
// functions below are counted whenever the first of them starts. That is
// correct, only slower.
func stackInUse() uintptr { return ^uintptr(0) }

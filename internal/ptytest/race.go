//go:build race

package ptytest

const raceEnabled = true

// RaceEnabled reports whether the tests run with the race detector (the
// binary Concert builds then has it too).
const RaceEnabled = raceEnabled

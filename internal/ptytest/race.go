//go:build race

package ptytest

const raceEnabled = true

package ptytest

import (
	"regexp"
	"strings"
)

// escapes matches the ANSI/VT escape sequences a shell writes: CSI (cursor
// moves, colours, erase), OSC (window title, ended by BEL or ST), DCS and
// friends, charset selection, and two-byte escapes such as ESC 7. Lone BEL
// and NUL bytes go too.
var escapes = regexp.MustCompile(
	"\x1b\\[[0-?]*[ -/]*[@-~]" +
		"|\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)" +
		"|\x1b[PX^_][^\x1b]*\x1b\\\\" +
		"|\x1b[()*+][ -~]" +
		"|\x1b[ -Z\\\\^-~]" + // not [ or ], which start the longer forms above
		"|[\x07\x00]")

// Strip removes ANSI escape sequences from b and turns "\r\n" into "\n".
// An escape cut off at the end of b stays until the rest arrives.
func Strip(b []byte) string {
	s := escapes.ReplaceAllString(string(b), "")
	return strings.ReplaceAll(s, "\r\n", "\n")
}

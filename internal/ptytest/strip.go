package ptytest

import "regexp"

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

// lineEnds are line ends as a terminal receives them: "\r\n", or more
// carriage returns when a program writes "\r\n" through output
// processing that adds its own.
var lineEnds = regexp.MustCompile("\r+\n")

// Strip removes ANSI escape sequences from b and turns line ends into
// "\n". An escape cut off at the end of b stays until the rest arrives.
func Strip(b []byte) string {
	s := escapes.ReplaceAllString(string(b), "")
	return lineEnds.ReplaceAllString(s, "\n")
}

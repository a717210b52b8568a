// Package q gives physical quantities their own Go types, in the spirit of
// time.Duration, so the compiler (and the shell's interpreter, which
// type-checks the same way) rejects a length where a time is wanted:
//
//	2 * q.MM        // a q.Length
//	90 * q.Deg      // a q.Angle
//	10 * q.MS       // a q.Duration
//	1.5 * q.MMPerS  // a q.Velocity
//	q.MM + q.S      // compile error: mismatched types
//
// Each type is a float64 holding the value in its dimension's base unit (m,
// rad, s, Hz, m/s, rad/s, eV, A, V, K, and 1 for ratios); the constants are
// the units a scientist writes. Only energy's base unit is not SI: eV keeps
// X-ray energies free of rounding noise.
//
// Go has no operator overloading, so 1 * q.MM / q.S cannot give a velocity
// (Length / Duration is a type error). Velocities are written with their own
// constants (q.MMPerS, q.DegPerS, ...), and computed from variables with
// Length.Per and Angle.Per: (10 * q.MM).Per(2 * q.S) is 5 mm/s.
//
// Like time.Duration, an untyped constant converts silently: a function
// taking a q.Length accepts a bare 5, meaning 5 m. The shell therefore
// rejects bare numbers passed where a Quantity is expected before it
// evaluates a line, and names the unit to write with Dim.Hint. Go code
// converts a float64 variable explicitly: q.Length(x) * q.MM.
//
// Values print for people: the unit is picked so the number is at least 1
// ("500 µm", "1.5 mm/s"), with six significant digits so float noise never
// shows (1.0049999 mm prints as 1.005 mm). In converts to a number in a
// given unit, Parse and the ParseX functions read "2 mm" from files and
// flags, and every type is a flag.Value and an encoding.TextUnmarshaler.
//
// BUG(q): the shell's interpreter, yaegi v0.16.1, does not type-check the
// division of two typed constants: q.MM / q.S (and 1 * q.MM / q.S) gives
// 1 mm there instead of the compile error Go gives. Every other mix of
// dimensions, and any division involving a variable, is refused as in Go.
package q

//go:generate go run gen.go

// Package scans runs what a scientist runs all day: move something in
// steps, measure at each step, see the result as it comes, and find it on
// disk afterwards (package data). Scans and acquisitions are tasks (see
// package tasks for cancellation).
//
// A scan moves one or more axes (writable quantity parameters, such as a
// motor's position) through a list of points and takes every measure at
// each point: a parameter read, a counter counted for a time (Count), a
// camera frame reduced to a number (its mean), or a function of the
// session. The forms:
//
//	Scan(param, start, stop, n, ...)        n points from start to stop
//	Ascan(motor, start, stop, intervals, ...)  SPEC's ascan: intervals+1 points
//	Dscan(motor, from, to, intervals, ...)  relative to where the motor is,
//	                                        and back there at the end
//	Mesh(Grid(m1, ...), Grid(m2, ...), ...) every combination, first axis slowest
//	ListScan(param, points, ...)            the points given
//	Focus(motor, start, stop, n, measure)   where the measure peaks
//
// Before the first move every point is checked against the axes' limits,
// the user's and the device's own, units and locks: a scan that would
// leave its limits never starts. Each
// scan writes a numbered run (package data) as the points arrive.
// Cancelled (ctrl-c), a scan stops its motors where they are, keeps and
// saves what it measured, goes back to the start if it was asked to (a
// dscan always is), and its task ends cancelled. An emergency stop
// (ctrl-k) stops it the same way but never moves anything back.
//
// While a scan runs, a live view shows a table with a row per point and,
// below it on a terminal, a plot of the first measure redrawn as each
// point arrives and a progress bar with its ETA; it is plain text (the
// table) when the output is no terminal and silent
// when the session runs with --non-interactive (Configure).
package scans

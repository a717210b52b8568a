// Package data keeps what scans and acquisitions measure on disk, so that
// nothing measured is lost: a data directory per session, and in it one
// numbered run per scan or acquisition.
//
// A run is a directory run_NNNN holding
//
//	meta.json    who, when, the session, the command, the status, and the
//	             baseline: every device's state and parameters at the start
//	points.csv   one row per point, written and flushed as the point arrives
//	plot.png     the points plotted, written when the run ends
//	frames/NAME/frame_NNNNNN.tif   camera frames, 16-bit TIFF, one
//	             directory per acquisition (Concert's DirectoryWalker layout)
//
// Everything is written as it comes, so a crash loses at most the point in
// flight. A write error (disk full, directory not writable) ends the run:
// the run's methods return it, every later write fails with it, and what
// was written stays. meta.json is rewritten whole (a temporary file renamed
// into place) at the start and at the end.
package data

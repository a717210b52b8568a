package repl

import (
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/scans"
)

// scanNames are the prelude's names for scans, data and acquisitions
// (package scans): SPEC's and Concert's words, lower case as typed at a
// beamline. Functions that can fail before any task starts (linspace,
// datadir) end the command with their error, as a failed await does.
func (s *Session) scanNames() map[string]reflect.Value {
	return map[string]reflect.Value{
		"scan":        reflect.ValueOf(scans.Scan),
		"ascan":       reflect.ValueOf(scans.Ascan),
		"dscan":       reflect.ValueOf(scans.Dscan),
		"mesh":        reflect.ValueOf(scans.Mesh),
		"grid":        reflect.ValueOf(scans.Grid),
		"lscan":       reflect.ValueOf(scans.ListScan),
		"focus":       reflect.ValueOf(scans.Focus),
		"measure":     reflect.ValueOf(scans.Func),
		"count":       reflect.ValueOf(scans.Count),
		"frameMean":   reflect.ValueOf(scans.FrameMean),
		"goBack":      reflect.ValueOf(scans.GoBack),
		"includeLast": reflect.ValueOf(scans.IncludeLast),
		"linspace":    reflect.ValueOf(mustPoints(scans.Linspace)),
		"arange": reflect.ValueOf(func(start, stop, step any) scans.Points {
			p, err := scans.Arange(start, stop, step)
			if err != nil {
				panic(abort{err})
			}
			return p
		}),
		"datadir":     reflect.ValueOf(datadir),
		"acquire":     reflect.ValueOf(scans.Acquire),
		"acquisition": reflect.ValueOf(scans.Frames),
		"darks":       reflect.ValueOf(scans.Darks),
		"flats":       reflect.ValueOf(scans.Flats),
		"projections": reflect.ValueOf(scans.Projections),
	}
}

// scanHelp is help(x)'s line for each scan name: how it is called and
// what it does, as the README's table of scans says (the Go signature
// only says any).
var scanHelp = map[string]string{
	"scan":        "scan(param, start, stop, n, measures...): n points from start to stop, both included",
	"ascan":       "ascan(motor, start, stop, intervals, measures...): SPEC's ascan, intervals+1 points",
	"dscan":       "dscan(motor, from, to, intervals, measures...): relative to where the motor is, back there at the end",
	"mesh":        "mesh(grid(m1, start, stop, n), grid(m2, ...), measures...): every combination, the first axis slowest",
	"grid":        "grid(motor, start, stop, n): an axis of a mesh",
	"lscan":       "lscan(param, points, measures...): the points given (linspace, arange or a list)",
	"focus":       "focus(motor, start, stop, n, measure): where the measure peaks; moves there",
	"measure":     "measure(\"name\", f): a measure of a scan from a function of the session returning a number",
	"count":       "count(counter, t): a measure that counts the counter for t (10 * q.MS) at each point",
	"frameMean":   "frameMean(camera): a measure: each frame written as a TIFF, its mean in the table",
	"goBack":      "goBack(true): among a scan's measures, move the axes back at the end",
	"includeLast": "includeLast(false): among a scan's measures, leave out the stop point",
	"linspace":    "linspace(start, stop, n): n points from start to stop, both included",
	"arange":      "arange(start, stop, step): points from start in steps of step, stop excluded",
	"datadir":     "datadir() is where runs go; datadir(\"DIR\") sends the next runs there",
	"acquire":     "acquire(\"name\", darks(...), flats(...), projections(...)): acquisitions in order, in one run",
	"acquisition": "acquisition(camera, \"name\", n): n frames",
	"darks":       "darks(camera, shutter, n): n frames with the shutter closed",
	"flats":       "flats(camera, shutter, motor, out, n): n frames with the sample moved out to out, then back",
	"projections": "projections(camera, shutter, rotation, n, span): n frames turning through span",
}

func mustPoints(f func(a, b any, n int) (scans.Points, error)) func(a, b any, n int) scans.Points {
	return func(a, b any, n int) scans.Points {
		p, err := f(a, b, n)
		if err != nil {
			panic(abort{err})
		}
		return p
	}
}

// datadir() is where runs go; datadir("DIR") sends the next runs there.
func datadir(dir ...string) string {
	if len(dir) > 0 {
		if err := data.SetDir(dir[0]); err != nil {
			panic(abort{err})
		}
	}
	return data.Dir()
}

// commandText is what a run records as its command: what was typed, or
// the file it came from.
func commandText(src, file string) string {
	if file != "" {
		return "file " + file
	}
	return strings.TrimSpace(src)
}

// currentCommand is the command running now, for scans.Config.
func (s *Session) currentCommand() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmdSrc
}

// configureScans tells packages data and scans where this session's runs
// go and how they show: silent with --non-interactive, plain lines
// without a terminal, a live view on one.
func configureScans(c Config, s *Session, out io.Writer, tty *os.File, interactive, color bool) error {
	if err := data.Configure(c.Name, c.DataDir); err != nil {
		return err
	}
	sc := scans.Config{Out: out, Mode: scans.Plain, Color: color, Command: s.currentCommand}
	switch {
	case c.NonInteractive:
		sc.Mode = scans.Quiet
	case interactive:
		sc.Mode, sc.TermFd = scans.Live, int(tty.Fd())
	}
	scans.Configure(sc)
	return nil
}

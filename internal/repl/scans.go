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

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/store"
)

// followPoll is how often log --follow looks for new records; a variable
// for tests.
var followPoll = 200 * time.Millisecond

type logOptions struct {
	*env
	session string
	file    string
	follow  bool
	lines   int
}

func newLogCmd(e *env) *cobra.Command {
	o := &logOptions{env: e}
	cmd := &cobra.Command{
		Use:   "log [NAME]",
		Short: "Print the session log",
		Long: `Print the session log, oldest first: every command typed, task start, end
and cancel, parameter set and emergency stop, with time and session. With
NAME, only that session's records. With --follow, keep printing records as
they are written, like tail -f, until interrupted.

The log is <data>/concert/log/concert.log, rotated at 10 MiB with 5 older
files kept (concert.log.1 is the newest of those); concert start --logfile
writes elsewhere, and --logfile here reads it.`,
		Example: `  concert log tutorial
  concert log --follow
  concert log -n 20 tutorial`,
		Args:              args(0, 1, "[NAME]"),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.session = args[0]
				if err := store.ValidName(o.session); err != nil {
					return err
				}
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&o.follow, "follow", "f", false, "keep printing new records until interrupted")
	cmd.Flags().StringVar(&o.file, "logfile", "", "read this log file instead of the default one")
	cmd.Flags().IntVarP(&o.lines, "lines", "n", 0, "print only the last `N` records (0: all)")
	return cmd
}

func (o *logOptions) run(ctx context.Context) error {
	if o.lines < 0 {
		return usageErrorf("--lines %d: give a number of records, 0 for all", o.lines)
	}
	path := o.file
	if path == "" {
		st, err := o.store()
		if err != nil {
			return err
		}
		path = st.LogPath()
	}
	files := store.LogFiles(path, store.LogKeep)
	if len(files) == 0 && !o.follow {
		if err := o.known(); err != nil {
			return err
		}
		o.note("No log yet at %s; concert start writes it", path)
		return nil
	}
	p := &logPrinter{o: o}
	for _, f := range files {
		if f != path {
			if err := forEachLine(f, p.add); err != nil {
				return err
			}
		}
	}
	if err := o.read(ctx, path, p); err != nil {
		return err
	}
	if o.session != "" && p.matched == 0 && !o.follow {
		if err := o.known(); err != nil {
			return err
		}
		o.note("No records of session %s in %s yet", o.session, path)
	}
	return nil
}

// known says, for a session with no records, whether there is such a
// session at all (issue 16: log of a misspelt name printed nothing, status
// 0).
func (o *logOptions) known() error {
	if o.session == "" {
		return nil
	}
	st, err := o.store()
	if err != nil {
		return err
	}
	_, _, err = st.Load(o.session)
	var nf *store.NotFoundError
	if errors.As(err, &nf) {
		return fmt.Errorf("no session %q, and no records of one in the log (concert show lists the sessions)", o.session)
	}
	return err
}

// logPrinter prints rendered records, holding back all but the last
// --lines of them until the reader has caught up with the log.
type logPrinter struct {
	o       *logOptions
	held    []string
	caught  bool
	matched int // records printed or held
}

func (p *logPrinter) add(line string) {
	out, ok := p.o.render(line)
	if ok {
		p.matched++
	}
	switch {
	case !ok:
	case p.caught || p.o.lines == 0:
		fmt.Fprintln(p.o.Out, out)
	default:
		p.held = append(p.held, out)
		if len(p.held) > p.o.lines {
			p.held = p.held[1:]
		}
	}
}

// addLines adds the whole lines of b and returns the rest, a line still
// being written.
func (p *logPrinter) addLines(b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return b
		}
		p.add(string(b[:i]))
		b = b[i+1:]
	}
}

// caughtUp prints what was held back; from now on records print at once.
func (p *logPrinter) caughtUp() {
	for _, l := range p.held {
		fmt.Fprintln(p.o.Out, l)
	}
	p.held, p.caught = nil, true
}

func forEachLine(path string, fn func(string)) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // rotated away meanwhile
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		fn(sc.Text())
	}
	return sc.Err()
}

// read prints the records of the log file at path to its end; with
// --follow it goes on printing them as they are written, in the new file
// when the log rotates, until ctx ends.
func (o *logOptions) read(ctx context.Context, path string, p *logPrinter) error {
	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	var pending []byte
	buf := make([]byte, 64<<10)
	for {
		if f == nil {
			var err error
			if f, err = os.Open(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if f != nil {
			n, err := f.Read(buf)
			if n > 0 {
				pending = p.addLines(append(pending, buf[:n]...))
				continue
			}
			if err != nil && err != io.EOF {
				return err
			}
		}
		if !p.caught {
			p.caughtUp()
		}
		if !o.follow {
			return nil
		}
		if f != nil {
			// At the end: if the log was rotated, the records go on in
			// a new file at path.
			held, err1 := f.Stat()
			now, err2 := os.Stat(path)
			if err1 == nil && (err2 != nil || !os.SameFile(held, now)) {
				// Records written between our last read and the
				// rotation are still in it, and come first.
				if rest, err := io.ReadAll(f); err == nil {
					p.addLines(append(pending, rest...))
				}
				f.Close()
				f, pending = nil, nil
				// Rotated more than once since we looked: the files
				// between ours and the new one come first.
				for _, r := range rotatedAfter(path, held) {
					if err := forEachLine(r, p.add); err != nil {
						return err
					}
				}
				continue
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(followPoll):
		}
	}
}

// rotatedAfter returns the rotated files of the log at path that are newer
// than the file held, oldest first.
func rotatedAfter(path string, held os.FileInfo) []string {
	for k := 1; k <= store.LogKeep; k++ {
		fi, err := os.Stat(fmt.Sprintf("%s.%d", path, k))
		if err == nil && os.SameFile(fi, held) {
			var out []string
			for i := k - 1; i >= 1; i-- {
				out = append(out, fmt.Sprintf("%s.%d", path, i))
			}
			return out
		}
	}
	return nil
}

// render turns one JSON record of the log into a line to read, or reports
// that it is filtered out.
func (o *logOptions) render(line string) (string, bool) {
	fields, ok := parseRecord(line)
	if !ok {
		// Not a record of ours: show it unless filtering by session.
		return line, o.session == "" && strings.TrimSpace(line) != ""
	}
	get := func(k string) string {
		for _, f := range fields {
			if f.key == k {
				var s string
				if json.Unmarshal(f.raw, &s) == nil {
					return s
				}
				return string(f.raw)
			}
		}
		return ""
	}
	session := get("session")
	if o.session != "" && session != o.session {
		return "", false
	}
	var b strings.Builder
	if t, err := time.Parse(time.RFC3339Nano, get("time")); err == nil {
		b.WriteString(t.Local().Format("2006-01-02 15:04:05.000"))
	} else {
		b.WriteString(get("time"))
	}
	fmt.Fprintf(&b, " %-5s %s: %s", get("level"), session, get("msg"))
	for _, f := range fields {
		switch f.key {
		case "time", "level", "msg", "session":
			continue
		}
		fmt.Fprintf(&b, " %s=%s", f.key, value(f.raw))
	}
	return b.String(), true
}

// field is one key and raw JSON value of a record, in the record's order.
type field struct {
	key string
	raw json.RawMessage
}

func parseRecord(line string) ([]field, bool) {
	dec := json.NewDecoder(strings.NewReader(line))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var out []field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		k, ok := t.(string)
		if !ok {
			return nil, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		out = append(out, field{key: k, raw: raw})
	}
	return out, true
}

// value prints a JSON value as slog's text handler would: strings bare
// unless they need quotes.
func value(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	if s == "" || strings.ContainsAny(s, " \t\n\"=") {
		return strconv.Quote(s)
	}
	return s
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/store"
)

type dataOptions struct {
	*env
	session string
	run     int
	dir     string
}

func newDataCmd(e *env) *cobra.Command {
	o := &dataOptions{env: e}
	cmd := &cobra.Command{
		Use:   "data [SESSION [RUN]]",
		Short: "List the runs of scans and acquisitions, or show one run",
		Long: `Without SESSION, list the sessions that have data. With SESSION, list its
runs (number, start, kind, status, points, command), oldest first. With
SESSION and RUN, show that run's metadata and files. --datadir reads a data
directory given to concert start --datadir or datadir("DIR") instead.`,
		Args:              args(0, 2, "[SESSION [RUN]]"),
		ValidArgsFunction: completeSessions(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				if err := store.ValidName(args[0]); err != nil {
					return usageErrorf("%v", err)
				}
				o.session = args[0]
			}
			if len(args) > 1 {
				n, err := strconv.Atoi(strings.TrimPrefix(args[1], "run_"))
				if err != nil || n < 1 {
					return usageErrorf("RUN is a run's number, such as 3; got %q", args[1])
				}
				o.run = n
			}
			return o.run1()
		},
	}
	cmd.Flags().StringVar(&o.dir, "datadir", "", "read the runs in `DIR` instead of the session's data directory")
	return cmd
}

func (o *dataOptions) run1() error {
	dir := o.dir
	if dir == "" {
		if o.session == "" {
			return o.sessions()
		}
		d, err := data.DefaultDir(o.session)
		if err != nil {
			return err
		}
		dir = d
	}
	if o.run > 0 {
		return o.show(dir)
	}
	return o.list(dir)
}

// sessions lists the sessions with data and how many runs each has.
func (o *dataOptions) sessions() error {
	d, err := data.DefaultDir("x")
	if err != nil {
		return err
	}
	root := filepath.Dir(d)
	entries, _ := os.ReadDir(root)
	w := tabwriter.NewWriter(o.Out, 0, 4, 2, ' ', 0)
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		runs, _ := data.List(filepath.Join(root, e.Name()))
		fmt.Fprintf(w, "%s\t%s\n", e.Name(), plural(len(runs), "run"))
		n++
	}
	if n == 0 {
		o.note("No data yet in %s; scans write their runs there", root)
		return nil
	}
	return w.Flush()
}

// list prints one line per run.
func (o *dataOptions) list(dir string) error {
	runs, err := data.List(dir)
	if err != nil {
		return fmt.Errorf("%v; the session has no runs yet", err)
	}
	if len(runs) == 0 {
		o.note("No runs in %s", dir)
		return nil
	}
	w := tabwriter.NewWriter(o.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RUN\tSTARTED\tKIND\tSTATUS\tPOINTS\tCOMMAND")
	for _, m := range runs {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", m.Run, when(m.Started), m.Kind, m.Status, points(m), oneLine(m.Command))
	}
	return w.Flush()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func when(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func points(m data.Meta) string {
	if m.Planned > 0 && m.Planned != m.Points {
		return fmt.Sprintf("%d/%d", m.Points, m.Planned)
	}
	return strconv.Itoa(m.Points)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// show prints one run's metadata.
func (o *dataOptions) show(dir string) error {
	if _, err := os.Stat(data.RunDir(dir, o.run)); os.IsNotExist(err) {
		runs, _ := data.List(dir)
		return fmt.Errorf("no run %d in %s; it has %s (concert data %s lists them)", o.run, dir, plural(len(runs), "run"), o.session)
	}
	m, err := data.ReadMeta(dir, o.run)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(o.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "run\t%d (%s)\n", m.Run, data.RunDir(dir, m.Run))
	fmt.Fprintf(w, "kind\t%s\n", m.Kind)
	status := string(m.Status)
	if m.Error != "" {
		status += ": " + m.Error
	}
	fmt.Fprintf(w, "status\t%s\n", status)
	fmt.Fprintf(w, "session\t%s\n", m.Session)
	fmt.Fprintf(w, "who\t%s on %s\n", m.User, m.Host)
	fmt.Fprintf(w, "started\t%s\n", when(m.Started))
	if m.Ended != nil {
		fmt.Fprintf(w, "ended\t%s (%s)\n", when(*m.Ended), m.Ended.Sub(m.Started).Round(time.Millisecond))
	}
	// The whole command, as typed: the list shortens it, this view is
	// where to read it.
	fmt.Fprintf(w, "command\t%s\n", strings.ReplaceAll(strings.TrimSpace(m.Command), "\n", "\n\t"))
	fmt.Fprintf(w, "points\t%s\n", points(m))
	if files := runFiles(data.RunDir(dir, m.Run)); files != "" {
		fmt.Fprintf(w, "files\t%s\n", files)
	}
	var cols []string
	for _, c := range m.Columns {
		cols = append(cols, c.Header())
	}
	if len(cols) > 0 {
		fmt.Fprintf(w, "columns\t%s\n", strings.Join(cols, ", "))
	}
	for _, acq := range sortedKeys(m.Frames) {
		fmt.Fprintf(w, "frames\t%s: %d\n", acq, m.Frames[acq])
	}
	for _, k := range sortedKeys(m.Scan) {
		fmt.Fprintf(w, "scan.%s\t%v\n", k, m.Scan[k])
	}
	for _, name := range sortedKeys(m.Baseline) {
		d := m.Baseline[name]
		var ps []string
		for _, p := range sortedKeys(d.Params) {
			v := d.Params[p]
			text := v.Text
			if v.Error != "" {
				text = "? (" + v.Error + ")"
			}
			ps = append(ps, p+"="+text)
		}
		fmt.Fprintf(w, "baseline\t%s (%s, %s): %s\n", name, d.Kind, d.State, strings.Join(ps, " "))
	}
	return w.Flush()
}

// runFiles names what a run's directory holds, a directory with a slash.
func runFiles(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			name += "/"
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package repl

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/prelude"
	"github.com/concert-go/concert/internal/store"
	"github.com/concert-go/concert/internal/tasks"
)

// preludePath is the import path of the prelude, dot-imported so that its
// names are in scope without a package name.
const preludePath = "github.com/concert-go/concert/prelude"

// preludeSource runs once in every session: it imports every package of
// package prelude's list and the names below. Importing these packages
// again is harmless.
var preludeSource = func() string {
	var b strings.Builder
	b.WriteString("import (\n")
	for _, p := range prelude.Packages {
		fmt.Fprintf(&b, "\t%q\n", p.Path)
	}
	fmt.Fprintf(&b, "\t. %q\n)", preludePath)
	return b.String()
}()

// prelude is the table of the names every session has in scope. Each name
// is documented in help() and the README.
func (s *Session) prelude() interp.Exports {
	names := map[string]reflect.Value{
		"Task":       reflect.ValueOf((*tasks.Task)(nil)),
		"start":      reflect.ValueOf(s.start),
		"background": reflect.ValueOf(s.background),
		"gather":     reflect.ValueOf(s.gather),
		"sleep":      reflect.ValueOf(s.sleep),
		"waitUntil":  reflect.ValueOf(s.waitUntil),
		"exclusive":  reflect.ValueOf(s.exclusive),
		"dstate":     reflect.ValueOf(s.dstate),
		"ddoc":       reflect.ValueOf(s.ddoc),
		"tasks":      reflect.ValueOf(s.printTasks),
		"taskList":   reflect.ValueOf(taskList),
		"pdoc":       reflect.ValueOf(s.pdoc),
		"help":       reflect.ValueOf(s.help),
		"load":       reflect.ValueOf(loadStub),
		"watchdog":   reflect.ValueOf(s.watchdog),

		// Called by the await rewrite and the printer; see rewrite.go.
		"_aw_":   reflect.ValueOf(s.awaitTop),
		"_awc":   reflect.ValueOf(s.awaitIn),
		"_show_": reflect.ValueOf(s.show),
		"_call_": reflect.ValueOf(s.showCall),
		"_all_":  reflect.ValueOf(anySlice),
		"_rel_":  reflect.ValueOf(s.startCode),
		"_strt":  reflect.ValueOf(s.startNamed),
		"_fe_":   reflect.ValueOf(s.enterFunc),
		"_fx_":   reflect.ValueOf(s.exitFunc),
		"_mk_":   reflect.ValueOf(makeSize),
		"_fl_":   reflect.ValueOf(s.leaveFunc),
		"_acq_":  reflect.ValueOf(s.acquire),
		"_last_": reflect.ValueOf(s.lastValue),
		"_hlp":   reflect.ValueOf(s.helpNamed),
		"_hold_": reflect.ValueOf(s.holdStop),
		"_pz_":   reflect.ValueOf(s.pauseShare), // see chanPauser
		"_rs_":   reflect.ValueOf(s.resumeShare),
	}
	maps.Copy(names, s.scanNames())
	return interp.Exports{preludePath + "/prelude": names}
}

// start runs f as a background task, named name if given; see tasks.Start.
// A task is already running: start gives it back, as Concert's
// start(future) does; so does an operation without its parentheses
// (start(motor.Home)).
func (s *Session) start(f any, name ...string) *tasks.Task {
	switch x := f.(type) {
	case *tasks.Task:
		if x != nil {
			return s.watch(x)
		}
	case func(context.Context) error, func(context.Context), func(context.Context) (any, error):
		// The shapes a session's tasks take most, none an operation: a
		// loop of start(f) does not pay for callOperation's reflection.
	default:
		if t := callOperation(f); t != nil {
			return s.watch(t)
		}
	}
	return s.watch(tasks.Start(s.gate.task(f), named(name)...))
}

// startNamed is start(f) as the rewrite writes it, with the name of the
// variable f as written ("" for another expression). It takes exactly two
// arguments: yaegi calls compiled functions through reflect, which builds
// a slice for a variadic argument on every call, and a loop of start(f)
// would pay for that each time.
func (s *Session) startNamed(f any, name string) *tasks.Task { return s.start(f, name) }

// background makes f start a task on every call, like Concert's
// @background; see tasks.Background.
func (s *Session) background(f any, name ...string) func(args ...any) *tasks.Task {
	run := tasks.Background(s.gate.wrap(f), named(name)...)
	return func(args ...any) *tasks.Task { return s.watch(run(args...)) }
}

// watch makes a failure of t show when nobody awaits t at that moment: a
// move started and not awaited must not fail unseen. It watches through
// Task.AfterEndOf, not a goroutine per task, with one function for every
// task (Session.afterEnd): a loop that starts a hundred thousand tasks
// must not pay for two goroutines each, nor a closure.
func (s *Session) watch(t *tasks.Task) *tasks.Task {
	if s.notify == nil || t == nil || t.Foreground() {
		return t
	}
	t.AfterEndOf(s.afterEnd)
	return t
}

// ended is watch's check when t ends. It waits a moment after the end:
// `await start(f)` with an f that fails at once ends before the command
// reaches its await, and that failure is the await's to print, not the
// watcher's.
func (s *Session) ended(t *tasks.Task) {
	if t.State() == tasks.Failed {
		time.AfterFunc(unawaitedGrace, func() { s.reportUnawaited(t) })
	}
}

// unawaitedGrace is how long after a failure an await may still claim it.
const unawaitedGrace = 100 * time.Millisecond

// reportUnawaited reports t's failure unless an await has it to report or
// it was reported already (a task started and then printed at the prompt
// is watched twice).
func (s *Session) reportUnawaited(t *tasks.Task) {
	if t.State() == tasks.Failed && !t.Awaited() && t.ClaimReport() {
		s.notify(fmt.Errorf("task %d %s failed: %w", t.ID(), t.Name(), t.Err()))
	}
}

// named gives the options of a task the user starts: logged, and named
// if a name was given.
func named(name []string) []tasks.Option {
	if len(name) > 0 && name[0] != "" {
		return []tasks.Option{tasks.Logged(), tasks.Named(name[0])}
	}
	return userTask
}

// userTask is named's options for an unnamed task, made once: a loop of
// start(f) must not allocate them each time.
var userTask = []tasks.Option{tasks.Logged()}

// waitUntil is Concert's wait_until as a task: it calls cond every
// interval until it returns true, failing after timeout (none if 0).
// interval and timeout are time.Duration or q.Duration.
func (s *Session) waitUntil(cond func() bool, interval, timeout any) *tasks.Task {
	check := s.gate.wrap(cond).(func() bool)
	every, within := duration("waitUntil", interval), duration("waitUntil", timeout)
	return s.watch(tasks.Start(func(ctx context.Context) error {
		return tasks.WaitUntil(ctx, check, every, within)
	}, tasks.Named("waitUntil"), tasks.Logged()))
}

// duration is a time.Duration or a q.Duration as a time.Duration: the
// prelude takes either (issue 15). A plain integer counts nanoseconds, as
// in Go.
func duration(what string, d any) time.Duration {
	switch d := d.(type) {
	case time.Duration:
		return d
	case q.Duration:
		return d.Std()
	case int:
		return time.Duration(d)
	case int64:
		return time.Duration(d)
	}
	panic(abort{fmt.Errorf("%s: want a duration such as 100 * q.MS or 100 * time.Millisecond, not a %T", what, d)})
}

// exclusive is devices.ExclusiveOf for interpreted f.
func (s *Session) exclusive(f any, targets ...any) *tasks.Task {
	return devices.ExclusiveOf(s.gate.wrap(f), targets...)
}

// watchdog is devices.Watchdog for an interpreted check, checked every
// interval, a time.Duration or a q.Duration.
func (s *Session) watchdog(check func() bool, interval any) *tasks.Task {
	return devices.Watchdog(s.gate.wrap(check).(func() bool), duration("watchdog", interval))
}

// sleep waits for d, or until ctx is cancelled: asyncio.sleep for tasks.
// d is a time.Duration or a q.Duration.
func (s *Session) sleep(ctx context.Context, d any) error {
	defer s.gate.pause()()
	t := time.NewTimer(duration("sleep", d))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func loadStub(name string) error {
	return fmt.Errorf("load(%q) works only as a statement of its own at the top level", name)
}

// asTask is what await waits for: a task, or a function started as one.
func asTask(x any) (*tasks.Task, error) {
	switch x := x.(type) {
	case *tasks.Task:
		if x == nil {
			return nil, fmt.Errorf("await: the task is nil")
		}
		return x, nil
	case nil:
		return nil, fmt.Errorf("await: nothing to wait for (nil)")
	}
	if t := callOperation(x); t != nil {
		return t, nil
	}
	if reflect.TypeOf(x).Kind() == reflect.Func {
		return tasks.Start(x), nil
	}
	return nil, fmt.Errorf("cannot await a %T: await a task, such as motor.Home() or start(f)", x)
}

// gather is tasks.GatherTask with operations without parentheses
// (gather(motor.Home, shutter.Open)) called, as await calls them.
func (s *Session) gather(items ...any) *tasks.Task {
	// items may be the caller's own slice (gather(ts...), see anySlice):
	// it is copied before anything in it is replaced.
	own := false
	for i, it := range items {
		if t, ok := it.(*tasks.Task); ok {
			if t == nil {
				panic(abort{fmt.Errorf("gather: item %d is a nil *Task, not a started task (a slice made with make([]*Task, n) holds n of them: append started tasks instead)", i+1)})
			}
			continue
		}
		var v any
		if t := callOperation(it); t != nil {
			v = t
		} else {
			v = s.gate.wrap(it)
		}
		if !own {
			items, own = slices.Clone(items), true
		}
		items[i] = v
	}
	return tasks.GatherTask(items...)
}

// anySlice is a slice of any element type as a []any: gather(ts...) with
// ts a []*Task, as the README offers. A []any is passed as it is, not
// copied element by element through reflect: gather copies it before it
// changes it.
func anySlice(x any) []any {
	switch x := x.(type) {
	case []any:
		return x
	case []*tasks.Task:
		out := make([]any, len(x))
		for i, t := range x {
			out[i] = t
		}
		return out
	}
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		panic(abort{fmt.Errorf("gather(x...) needs a slice, not a %T", x)})
	}
	out := make([]any, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface()
	}
	return out
}

var taskType = reflect.TypeFor[*tasks.Task]()

// callOperation calls x if it is an operation without its parentheses
// (motor.Home: a func() *Task) and returns the task that starts. Started
// as a function of its own, its result would be the operation's task,
// still running, and await would return at once with the motor not homed.
func callOperation(x any) *tasks.Task {
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Func || v.IsNil() {
		return nil
	}
	if ft := v.Type(); ft.NumIn() != 0 || ft.NumOut() != 1 || ft.Out(0) != taskType {
		return nil
	}
	t, _ := v.Call(nil)[0].Interface().(*tasks.Task)
	return t
}

// awaitTop is await at the top level of a command: it waits with the
// command's context, so ctrl-c cancels the awaited task too. A cancelled
// command or a failed task ends the rest of the command (see abort).
func (s *Session) awaitTop(x any) any {
	t, err := asTask(x)
	if err != nil {
		panic(abort{err})
	}
	s.mu.Lock()
	ctx := s.cmdCtx
	s.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	v, err := t.Await(ctx)
	if ctx.Err() != nil {
		panic(abort{ctx.Err()})
	}
	if err != nil {
		panic(abort{err})
	}
	s.mu.Lock()
	s.last = v
	s.mu.Unlock()
	return v
}

// awaitIn is await inside a function that has a ctx: a failed or
// cancelled task ends the function's task with that error.
func (s *Session) awaitIn(ctx context.Context, x any) any {
	t, err := asTask(x)
	if err != nil {
		panic(abort{err})
	}
	resume := s.gate.pause()
	v, err := t.Await(ctx)
	resume()
	if err != nil {
		panic(abort{err})
	}
	return v
}

func (s *Session) lastValue() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// show prints the values of an expression typed as a command. A trailing
// error that is not nil is the command's error; a trailing nil after a
// value is taken for the error of a (T, error) call and not printed.
func (s *Session) show(vals ...any) {
	if n := len(vals); n >= 2 {
		if err, ok := vals[n-1].(error); ok && err != nil {
			panic(abort{err})
		}
		if vals[n-1] == nil {
			vals = vals[:n-1]
		}
	}
	for _, v := range vals {
		if t, ok := v.(*tasks.Task); ok {
			s.watch(t) // an operation typed at the prompt, not awaited
		}
		if text := Format(v); text != "" {
			fmt.Fprintln(s.out, text)
		}
	}
}

// showCall is show for a call typed as a command: an error it returns
// (SetLimits with the limits the wrong way round) is the command's error,
// so that a session file with it fails to load instead of running
// without what the call should have done.
func (s *Session) showCall(vals ...any) {
	if n := len(vals); n > 0 {
		if err, ok := vals[n-1].(error); ok && err != nil {
			panic(abort{err})
		}
	}
	s.show(vals...)
}

// printTasks is tasks(): the running tasks, oldest first.
func (s *Session) printTasks() {
	self := tasks.Current()
	w := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tSTATE\tAGE")
	n := 0
	for _, t := range tasks.List() {
		if t == self {
			continue
		}
		n++
		age := time.Since(t.Started()).Round(100 * time.Millisecond)
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", t.ID(), t.Name(), t.State(), age)
	}
	if n == 0 {
		fmt.Fprintln(s.out, "no tasks running")
		return
	}
	w.Flush()
}

// taskList is the running tasks, oldest first, without the command
// asking: what tasks() prints, as a value.
func taskList() []*tasks.Task {
	self := tasks.Current()
	var list []*tasks.Task
	for _, t := range tasks.List() {
		if t != self {
			list = append(list, t)
		}
	}
	return list
}

// pdoc prints the functions the session declared, with their doc comments.
func (s *Session) pdoc() {
	s.mu.Lock()
	funcs := append([]funcDoc(nil), s.funcs...)
	s.mu.Unlock()
	if len(funcs) == 0 {
		fmt.Fprintln(s.out, "no functions declared in this session")
		return
	}
	for _, f := range funcs {
		fmt.Fprintln(s.out, f.Signature)
		for _, line := range strings.Split(f.Doc, "\n") {
			if line != "" {
				fmt.Fprintln(s.out, "    "+line)
			}
		}
	}
}

// dstate prints the state of every device.
func (s *Session) dstate() { fmt.Fprintln(s.out, devices.StateTable()) }

// ddoc prints the documentation of every device's parameters.
func (s *Session) ddoc() { fmt.Fprintln(s.out, devices.DocTable()) }

// packagesHelp is help()'s line for each package of the prelude that has
// a doc: the units and the device families.
func packagesHelp() string {
	var b strings.Builder
	for _, p := range prelude.Packages {
		if p.Doc != "" {
			fmt.Fprintf(&b, "  %-20s %s\n", p.Name, wrapHelp(p.Doc, 23, 80))
		}
	}
	return b.String()
}

// wrapHelp breaks text at spaces into lines that end by column width,
// the lines after the first indented by indent columns, so that help()
// reads on an 80-column terminal instead of breaking words at its edge.
func wrapHelp(text string, indent, width int) string {
	var b strings.Builder
	col := indent
	for i, word := range strings.Fields(text) {
		if i > 0 && col+1+len(word) > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = indent
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

var helpText = `Type Go. Results of expressions are printed; declarations and statements print nothing.
  await t              wait for the task t and give its result (ctrl-c cancels it)
  start(f)             run f as a background task, return the *Task at once
  background(f)        a function that starts f as a new task on every call
  gather(a, b, ...)    a task that waits for all and gives their results in order
  sleep(ctx, d)        wait for d (q.Duration or time.Duration) inside a task, cancellable
  waitUntil(cond, every, timeout)  a task that ends when cond() is true (Concert's wait_until)
  exclusive(f, devs)   run f as a task with exclusive access to devices/parameters
  tasks()              print the running tasks; taskList() returns them
  dstate(), ddoc()     the devices' state and documentation
  pdoc()               the functions this session declared, with their doc
  help(x)              what x is and offers: a device's methods and parameters, a function's signature
  load("name")         run another session once
  watchdog(check, d)   emergency stop (as ctrl-k) when check() turns true; checked every d
` + packagesHelp() + `Keys: ctrl-c cancels the command you wait for; ctrl-k cancels every task and
stops every device; ctrl-d on an empty line exits.
`

// sessionBody is the code of a session file as the shell runs it; see
// store.Body.
func sessionBody(src []byte) []byte {
	body, _ := store.Body(src)
	return body
}

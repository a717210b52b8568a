package repl

import (
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/petermattis/goid"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/repl/symbols"
	"github.com/concert-go/concert/internal/tasks"
)

// Loader finds a session by name for load("name"): its source and the
// path to show in error messages.
type Loader func(name string) (src []byte, path string, err error)

// Session is one interpreter with the prelude in scope and the state the
// user built up: variables, functions, loaded sessions. Commands run one at
// a time, each as the foreground task; see package tasks for how ctrl-c
// reaches them.
type Session struct {
	in     *interp.Interpreter
	out    io.Writer
	loader Loader
	notify func(error)
	// afterEnd is ended, for watch.
	afterEnd func(*tasks.Task)
	decls    declIndex // what the session declared, for the unit guard and completion (unitguard.go)
	// gate keeps evaluations and interpreted code on other goroutines
	// apart; held is true while an evaluation holds it alone.
	gate gate
	held atomic.Bool
	// stopped is set by StopInterpreter: the evaluation it ended goes on
	// for a moment on yaegi's goroutine (see settle).
	stopped atomic.Bool
	// stops counts StopInterpreter's calls (see slowFrameList.since).
	stops atomic.Uint64
	// evalGID is the goroutine yaegi runs the current command's code on.
	evalGID atomic.Int64
	// stopProg is what StopInterpreter runs to stop the interpreter at
	// the prompt: _hold_(), which waits for hold to close.
	stopProg *interp.Program
	hold     chan struct{}

	mu sync.Mutex
	// evalCtx is not what ctrl-c cancels: yaegi's stop is global and would
	// kill every background task too (see STYLE.md pattern 6). Commands
	// stop cooperatively through the foreground task's context; only
	// StopInterpreter, the last resort, cancels evalCtx.
	evalCtx    context.Context
	evalCancel context.CancelFunc
	evaluating int             // evaluations running; see StopInterpreter
	cmdCtx     context.Context // the running command's context, for top-level await
	cmdSrc     string          // the running command's text, for the runs it makes
	last       any             // the value of the last top-level await
	panicPos   string          // where yaegi saw the last panic
	loaded     map[string]bool
	loading    []string
	funcs      []funcDoc
	names      map[string]bool
	types      map[string]string // declared types with their source
	imported   map[string]string // import path -> name, the prelude's and the session's
	learned    map[string]string // operation -> the type its await gave (awaitType)
	lastMenu   *completion       // what the prompt's completer offered last (complete.go)
}

// abort carries an error out of interpreted code: a top-level await whose
// command was cancelled or whose task failed panics with it, and Eval, which
// recovers interpreter panics, hands it back.
type abort struct{ err error }

func (a abort) Error() string { return a.err.Error() }
func (a abort) Unwrap() error { return a.err }

// Options configure a Session.
type Options struct {
	Stdout, Stderr io.Writer // for the session's code and for printed values
	Loader         Loader    // serves load("name"); nil for none
	// Notify reports a task the user started that failed while nobody
	// awaited it; nil for no reports.
	Notify func(error)
}

// NewSession makes an interpreter with the prelude in scope.
func NewSession(o Options) (*Session, error) {
	s := &Session{
		out:      o.Stdout,
		loader:   o.Loader,
		notify:   o.Notify,
		loaded:   map[string]bool{},
		names:    map[string]bool{},
		types:    map[string]string{},
		imported: map[string]string{},
		learned:  map[string]string{},
	}
	s.afterEnd = s.ended // made once: a method value is a closure each time
	if p, err := prepare(item{text: preludeSource, line: 1, col: 1, decl: true}, "", nil); err == nil {
		for _, is := range p.imports {
			s.imported[is.path] = is.name
		}
	}
	s.evalCtx, s.evalCancel = context.WithCancel(context.Background())
	s.in = interp.New(interp.Options{
		Stdin:  strings.NewReader(""),
		Stdout: o.Stdout,
		// Sessions read data paths and facility settings from the real
		// environment; yaegi gives an empty one unless told (issue 15).
		Env:    os.Environ(),
		Stderr: &panicFilter{s: s, w: o.Stderr},
	})
	for _, syms := range []interp.Exports{stdlib.Symbols, symbols.Symbols, s.guardedStdlib(), s.prelude()} {
		if err := s.in.Use(syms); err != nil {
			return nil, fmt.Errorf("loading symbols: %w", err)
		}
	}
	if _, err := s.in.EvalWithContext(s.evalCtx, preludeSource); err != nil {
		return nil, fmt.Errorf("loading the prelude: %w", err)
	}
	// Compiled now, run by StopInterpreter: compiling then would grow the
	// interpreter's global frame under the goroutines it is about to stop.
	prog, err := s.in.Compile(holdFunc)
	if err != nil {
		return nil, fmt.Errorf("compiling the stop: %w", err)
	}
	s.stopProg = prog
	return s, nil
}

// guardedStdlib replaces the functions that call interpreted code on a
// goroutine of their own: the standard ones, where a panic would end the
// process (the callback recovers and reports the panic instead), and
// devices.New, whose emergency stop must hold its share of the gate.
func (s *Session) guardedStdlib() interp.Exports {
	timeSyms := maps.Clone(stdlib.Symbols["time/time"])
	timeSyms["AfterFunc"] = reflect.ValueOf(func(d time.Duration, f func()) *time.Timer {
		return time.AfterFunc(d, s.guarded("time.AfterFunc", f))
	})
	timeSyms["Sleep"] = reflect.ValueOf(func(d any) {
		defer s.gate.pause()()
		time.Sleep(duration("time.Sleep", d)) // a q.Duration too
	})
	contextSyms := maps.Clone(stdlib.Symbols["context/context"])
	contextSyms["AfterFunc"] = reflect.ValueOf(func(ctx context.Context, f func()) (stop func() bool) {
		return context.AfterFunc(ctx, s.guarded("context.AfterFunc", f))
	})
	// A session's device: its operations, parameters and emergency stop
	// run on goroutines of the devices package, also while a command
	// declares names. yaegi reads the global frame as it enters the
	// function, before the function's _fe_ could take a share: the
	// device takes it for them, before the call.
	const devicesKey = "github.com/concert-go/concert/internal/devices/devices"
	devicesSyms := maps.Clone(symbols.Symbols[devicesKey])
	devicesSyms["New"] = reflect.ValueOf(func(c devices.Config) (*devices.Base, *devices.Control) {
		c.Wrap = func(f any) any { return wrapCalls(f, s.share) }
		return devices.New(c)
	})
	return interp.Exports{"time/time": timeSyms, "context/context": contextSyms, devicesKey: devicesSyms}
}

// guarded wraps a callback that runs on a goroutine of its own.
func (s *Session) guarded(what string, f func()) func() {
	f = s.gate.wrap(f).(func())
	return func() {
		defer func() {
			if v := recover(); v != nil {
				logs.L().Error("panic in a callback", "of", what, "panic", v)
				if s.notify != nil {
					s.notify(fmt.Errorf("%s callback: panic: %v", what, v))
				}
			}
		}()
		f()
	}
}

// StopInterpreter stops every interpreted goroutine at once, the running
// command's and the background tasks'. It is what repeated ctrl-c presses
// come to when a command ignores its context (package keys); the caller
// cancels the tasks first, so that none of them reads as a success.
//
// yaegi stops its goroutines only through an evaluation that runs while
// its context is cancelled. At the prompt none runs (ctrl-k twice, see
// package keys, ends an emergency stop that never returned): then a
// short evaluation of its own is started and stopped at once.
func (s *Session) StopInterpreter() {
	s.stops.Add(1)
	s.mu.Lock()
	cancel, ctx := s.evalCancel, s.evalCtx
	idle := s.evaluating == 0
	s.evalCtx, s.evalCancel = context.WithCancel(context.Background())
	s.mu.Unlock()
	s.stopped.Store(true)
	cancel()
	if idle {
		// _hold_ keeps the program running until the stop is done, so
		// that ExecuteWithContext finds its context cancelled while the
		// program runs, and stops every interpreted goroutine; then the
		// program may end. It was compiled beforehand: nothing grows the
		// global frame that the goroutines being stopped still read.
		hold := make(chan struct{})
		s.mu.Lock()
		s.hold = hold
		s.mu.Unlock()
		_, _ = s.in.ExecuteWithContext(ctx, s.stopProg)
		close(hold)
	}
}

// holdStop is _hold_: it waits until StopInterpreter has stopped the
// interpreter.
func (s *Session) holdStop() {
	s.mu.Lock()
	hold := s.hold
	s.mu.Unlock()
	if hold != nil {
		<-hold
	}
}

// Run evaluates src as one command, as the foreground task, and waits for
// it. file names src in error messages ("" for the prompt). A cancelled
// command returns an error that matches context.Canceled.
func (s *Session) Run(src, file string) error {
	return s.Wait(s.Start(src, file), src, file)
}

// Start starts src as one command: the foreground task. The session log
// records every command typed (file "") and every file run.
func (s *Session) Start(src, file string) *tasks.Task {
	if file == "" {
		logs.L().Info("command", "input", src)
	} else {
		logs.L().Info("run", "file", file)
	}
	return tasks.Start(func(ctx context.Context) error {
		return s.eval(ctx, src, file)
	}, tasks.AsForeground(), tasks.Named(commandName(src)), tasks.Logged())
}

// Wait waits for a command Start started and returns its error.
func (s *Session) Wait(t *tasks.Task, src, file string) error {
	_, err := t.Await(context.Background())
	var e *Error
	if file == "" && errors.As(err, &e) && !strings.Contains(strings.TrimSpace(src), "\n") {
		// One line typed at the prompt: the position says nothing new.
		e.Line, e.Col = 0, 0
	}
	return err
}

// commandName names a command's task after its first line.
func commandName(src string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(src), "\n")
	if len(line) > 40 {
		line = line[:37] + "..."
	}
	return line
}

// eval runs the items of src one after the other, stopping at the first
// error or when ctx is cancelled.
func (s *Session) eval(ctx context.Context, src, file string) error {
	s.mu.Lock()
	prev, prevSrc := s.cmdCtx, s.cmdSrc
	s.cmdCtx, s.cmdSrc = ctx, commandText(src, file)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cmdCtx, s.cmdSrc = prev, prevSrc
		s.mu.Unlock()
	}()
	defer s.tellNotes(ctx)
	for _, it := range splitItems(src) {
		if err := context.Cause(ctx); err != nil {
			return err
		}
		p, err := prepare(it, file, &hooks{check: s.checkCall, units: s.checkUnits, awaitType: s.awaitType, void: s.void, private: s.privateSelector,
			pkg: func(name string) bool { _, ok := s.packagePath(name); return ok }, shadowed: s.declared,
			chanExpr: s.chanExpr, global: s.globalKind})
		if err != nil {
			return explainIPython(it.text, err)
		}
		if err := s.evalItem(ctx, p, file); err != nil {
			return atItem(err, it, file)
		}
		s.remember(p)
	}
	return nil
}

// atItem gives an error of a file's statement the statement's place, as
// the interpreter's own errors have it: a session that fails to load
// says at which line it stopped.
func atItem(err error, it item, file string) error {
	var e *Error
	if file == "" || errors.Is(err, context.Canceled) || (errors.As(err, &e) && e.Line > 0) {
		return err
	}
	return &placedError{fmt.Sprintf("%s:%d:%d", file, it.line, it.col), err}
}

// placedError is a runtime error with the place of the statement that
// failed.
type placedError struct {
	at  string
	err error
}

func (e *placedError) Error() string { return e.at + ": " + e.err.Error() }
func (e *placedError) Unwrap() error { return e.err }

func (s *Session) evalItem(ctx context.Context, p *prepared, file string) error {
	if err := s.checkTypes(p, file); err != nil {
		return err
	}
	err := s.evalKind(ctx, p, file)
	if err != nil {
		if pkg, path := s.unimported(p); pkg != "" {
			at := p.pkgAt[pkg]
			return &Error{File: file, Line: at[0], Col: at[1], Msg: fmt.Sprintf("undefined: %s (import %s first)", pkg, path)}
		}
		var e *Error
		if errors.As(err, &e) {
			s.explainAny(p, e)
			explainCtx(p, e)
			explainExit(e)
		}
	}
	return err
}

// checkTypes refuses a type declared again with another definition: yaegi
// would keep the first one without a word, and the new fields would be
// "too many values" later. The same definition again (a file run twice) is
// fine.
func (s *Session) checkTypes(p *prepared, file string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range p.types {
		if old, ok := s.types[t.name]; ok && old != t.text {
			return &Error{File: file, Line: t.line, Col: t.col,
				Msg: fmt.Sprintf("type %s is already declared, and the interpreter cannot change a type: declare it under a new name", t.name)}
		}
	}
	return nil
}

// unimported finds a package (standard or concert's own) that a failed
// item uses without importing it; yaegi says "undefined" for some uses and
// panics on others (var wg sync.WaitGroup, a struct field devices.Base).
// It gives the name and the import path(s).
func (s *Session) unimported(p *prepared) (name, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range p.pkgs {
		if _, ok := preludePackages[n]; ok || s.names[n] {
			continue
		}
		if paths := packagePaths[n]; len(paths) > 0 {
			return n, `"` + strings.Join(paths, `" or "`) + `"`
		}
	}
	return "", ""
}

// packagePaths maps the name of a package the shell can import to its
// import paths (rand: crypto/rand, math/rand).
var packagePaths = func() map[string][]string {
	m := map[string][]string{}
	add := func(syms interp.Exports, internal bool) {
		for key := range syms {
			// Keys are "import/path/name".
			i := strings.LastIndex(key, "/")
			if i < 0 {
				continue
			}
			path, name := key[:i], key[i+1:]
			if (!internal && strings.Contains(path, "internal")) || strings.HasPrefix(name, "_") {
				continue
			}
			m[name] = append(m[name], path)
		}
	}
	add(stdlib.Symbols, false)
	add(symbols.Symbols, true) // concert's own packages live under internal/
	for _, paths := range m {
		slices.Sort(paths)
	}
	return m
}()

func (s *Session) evalKind(ctx context.Context, p *prepared, file string) error {
	switch p.kind {
	case kindLoad:
		return s.load(ctx, p.load)
	case kindExpr:
		_, err := s.evalRun(p.text, file)
		if err != nil && strings.HasSuffix(err.Error(), "as type ()") {
			// A call without results: nothing to print.
			_, err = s.evalRun(p.plain, file)
		}
		return err
	case kindDecl:
		if len(p.imports) > 0 {
			return s.importNew(p, file)
		}
	case kindAwaitAssign:
		if _, err := s.evalRun(p.text, file); err != nil {
			return err
		}
		s.mu.Lock()
		v := s.last
		s.mu.Unlock()
		return s.bind(p, v, file)
	}
	run := s.evalRun
	if p.kind == kindDecl {
		run = s.evalText // declarations only: no statement can mark anything
	}
	_, err := run(p.text, file)
	var e *Error
	if errors.As(err, &e) && e.Msg == "variable definition loop" && p.varSplit != nil {
		if _, err = s.evalText(p.varSplit[0], file); err == nil {
			_, err = s.evalRun(p.varSplit[1], file)
		}
	}
	if errors.As(err, &e) && e.Msg == "constant definition loop" {
		// yaegi's word for an undefined name on the right of :=; the
		// right-hand side alone gives the real message.
		for _, r := range p.rhs {
			if _, rerr := s.evalText("_ = "+r, file); rerr != nil {
				// The first failure can leave the name half declared, so
				// the retry may fail as an incomplete type, with a position.
				if m := incomplete.FindStringSubmatch(rerr.Error()); m != nil {
					return positioned(file, m[1], m[2], "undefined: "+m[3])
				}
				return rerr
			}
		}
	}
	return err
}

// importNew imports the packages of an import declaration that the
// session has not imported yet. yaegi refuses a second import of a path
// ("context/_.go redeclared in this block"), but pasted Go code always
// starts with its imports, and Go's own rule is per file: an import the
// session already has is harmless.
func (s *Session) importNew(p *prepared, file string) error {
	var specs []importSpec
	s.mu.Lock()
	for _, is := range p.imports {
		if name, ok := s.imported[is.path]; ok && name == is.name {
			continue
		}
		specs = append(specs, is)
	}
	s.mu.Unlock()
	if len(specs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("import (")
	for _, is := range specs {
		b.WriteString(is.text + "\n")
	}
	b.WriteString(")")
	if _, err := s.evalText(b.String(), file); err != nil {
		return err
	}
	s.mu.Lock()
	for _, is := range specs {
		s.imported[is.path] = is.name
	}
	s.mu.Unlock()
	return nil
}

// bind gives x := await t the awaited value with its dynamic type, so that
// x is an int or a q.Length rather than an any the user must assert.
func (s *Session) bind(p *prepared, v any, file string) error {
	op := "="
	if p.define {
		op = ":="
	}
	if v != nil {
		typ, ok := typeExpr(reflect.TypeOf(v))
		if !ok {
			typ, ok = s.sessionType(reflect.TypeOf(v))
		}
		if ok {
			_, err := s.evalText(fmt.Sprintf("%s %s %s.(%s)", p.lhs, op, lastFunc, typ), file)
			if err == nil {
				if p.awaitKey != "" {
					s.mu.Lock()
					s.learned[p.awaitKey] = typ
					s.mu.Unlock()
				}
				return nil
			}
			logs.L().Debug("await: binding with the dynamic type failed", "type", typ, "err", err)
		}
	}
	_, err := s.evalText(fmt.Sprintf("%s %s %s", p.lhs, op, lastFunc), file)
	return err
}

// sessionType finds the name of a type declared in the session whose
// values have type t: yaegi's types have no name that reflect shows. Only
// types with composite literals (structs, slices, maps, arrays) are found,
// by comparing with the type of T{}, which has no side effects.
func (s *Session) sessionType(t reflect.Type) (string, bool) {
	switch t.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Map, reflect.Array:
	default:
		return "", false
	}
	s.mu.Lock()
	names := slices.Sorted(maps.Keys(s.types))
	s.mu.Unlock()
	for _, n := range names {
		if z, err := s.evalText(n+"{}", ""); err == nil && z.IsValid() && z.Type() == t {
			return n, true
		}
	}
	return "", false
}

// evalRun evaluates statements: the gate is held alone while yaegi
// compiles them and sets its global frame up, and open while they run
// (see gate): _rel_ and _acq_ around them mark the two moments.
func (s *Session) evalRun(text, file string) (reflect.Value, error) {
	return s.evalText(releaseFunc+text+"\n"+acquireFunc, file)
}

// startCode is _rel_: the command's own code starts to run, on this
// goroutine.
func (s *Session) startCode() {
	s.evalGID.Store(goid.Get())
	s.release()
}

// release lets interpreted code elsewhere run again.
func (s *Session) release() {
	if s.held.Swap(false) {
		s.gate.mu.Unlock()
	}
}

// acquire is _acq_: the command's code has run; yaegi writes the global
// frame again before the evaluation ends.
func (s *Session) acquire() {
	if s.gate.lock() {
		s.held.Store(true)
	}
}

// evalText is the one place the interpreter runs code. It holds the gate
// alone (see gate) unless the code releases it.
func (s *Session) evalText(text, file string) (reflect.Value, error) {
	s.mu.Lock()
	s.panicPos = ""
	ctx := s.evalCtx
	s.evaluating++
	s.mu.Unlock()
	if s.stopped.Swap(false) {
		settle()
	}
	s.held.Store(s.gate.lock())
	defer s.release()
	v, err := s.in.EvalWithContext(ctx, text)
	s.mu.Lock()
	s.evaluating--
	s.mu.Unlock()
	if err != nil {
		return v, s.userError(err, file)
	}
	return v, nil
}

// internalPanic matches what yaegi panics with on input it fails to
// compile rather than refuses: its compiler's own nil dereferences, and
// a reflect.Set of a value into a function slot (x := f() for an f
// without results).
var internalPanic = regexp.MustCompile(`CFG (?:post|pre)-order panic|reflect\.Set: value of type .+ is not assignable to type func\(`)

// reflectPanics are the panics of package reflect that interpreted code
// ends in where compiled Go would panic with a runtime error: yaegi runs
// it through reflect. Each maps to the runtime error's words.
var reflectPanics = []struct {
	re  *regexp.Regexp
	msg string
}{
	{regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value`), "invalid memory address or nil pointer dereference (a nil pointer or interface was used)"},
	{regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on (?:ptr|pointer|interface) Value`), "invalid memory address or nil pointer dereference (a nil pointer or interface was used)"},
	{regexp.MustCompile(`^reflect\.Value\.Call: call of nil function`), "call of a nil function"},
	{regexp.MustCompile(`^reflect: (?:slice|array|string) index out of range`), "index out of range"},
	{regexp.MustCompile(`^reflect: slice (?:bounds|capacity) out of range|^reflect\.Value\.Slice3?: slice index out of bounds`), "slice bounds out of range"},
	{regexp.MustCompile(`^reflect: Call using zero Value argument`), "invalid memory address or nil pointer dereference (a nil pointer or interface was used)"},
}

// reflectPanic gives the runtime error a reflect panic stands for.
func reflectPanic(msg string) (string, bool) {
	for _, p := range reflectPanics {
		if p.re.MatchString(msg) {
			return p.msg, true
		}
	}
	return "", false
}

// missingMethod is yaegi's panic where Go refuses to compile: a value
// passed or assigned as an interface it does not implement, such as a
// number for a driver.
var missingMethod = regexp.MustCompile(`^(?:\d+:\d+: )?method not found: (\w+)$`)

var importPath = regexp.MustCompile(`import ("[^"]*")`)

var incomplete = regexp.MustCompile(`(\d+):(\d+): incomplete type (\w+)`)

var errPos = regexp.MustCompile(`^(?:(.+?):)?(\d+):(\d+): (?s:(.*))$`)

// userError turns what yaegi returns into an error for people: positions
// in the user's file, an abort's own error, a panic's value.
func (s *Session) userError(err error, file string) error {
	var p interp.Panic
	if errors.As(err, &p) {
		if a, ok := p.Value.(abort); ok {
			return a.err
		}
		logs.L().Debug("panic in interpreted code", "value", p.Value, "stack", string(p.Stack))
		msg := fmt.Sprint(p.Value)
		if e, ok := p.Value.(error); ok {
			msg = e.Error()
		}
		if gap := explainGap(msg); gap != msg {
			msg = gap // the interpreter's gap, not the user's panic
		} else if go_, ok := reflectPanic(msg); ok {
			msg = "panic: runtime error: " + go_ // Go's words, not the interpreter's reflect calls
		} else if m := missingMethod.FindStringSubmatch(msg); m != nil {
			msg = "a value does not implement the interface it is used as (missing method " + m[1] + ")"
		} else if internalPanic.MatchString(msg) {
			logs.L().Info("the interpreter's internal error", "err", msg)
			msg = "the interpreter cannot run this (an internal error of yaegi's, in the log): is a call without results used as a value, or a value where Go wants a statement?"
		} else {
			msg = "panic: " + msg
		}
		s.mu.Lock()
		pos := s.panicPos
		s.mu.Unlock()
		if m := errPos.FindStringSubmatch(pos + ": "); pos != "" && m != nil {
			return positioned(file, m[2], m[3], msg)
		}
		return &Error{File: file, Msg: msg}
	}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return &Error{File: file, Line: list[0].Pos.Line, Col: list[0].Pos.Column, Msg: list[0].Msg}
	}
	if m := errPos.FindStringSubmatch(err.Error()); m != nil {
		return positioned(file, m[2], m[3], explainGap(m[4]))
	}
	return err
}

func positioned(file, line, col, msg string) *Error {
	l, _ := strconv.Atoi(line)
	c, _ := strconv.Atoi(col)
	return &Error{File: file, Line: l, Col: c, Msg: msg}
}

// explainGap replaces yaegi's messages for the parts of Go it lacks with
// ones that say what to write instead.
func explainGap(msg string) string {
	switch {
	case msg == "nil type" || strings.Contains(msg, "cannot range over"):
		return "this interpreter cannot range over an integer or a function: write for i := 0; i < n; i++"
	case msg == "undefined: min" || msg == "undefined: max":
		return msg + " (the interpreter predates Go 1.21's min and max: use math.Min/math.Max or an if)"
	case strings.Contains(msg, "unable to find source related to"):
		if m := importPath.FindStringSubmatch(msg); m != nil {
			return "cannot import " + m[1] + ": the shell has the standard library and concert's own packages only"
		}
	case strings.Contains(msg, "type time.Duration as type q.Duration"):
		return msg + " (a time.Duration d converts with q.FromStd(d))"
	case strings.Contains(msg, "type q.Duration as type time.Duration"):
		return msg + " (a q.Duration d converts with d.Std())"
	case strings.HasPrefix(msg, "invalid operation: mismatched types") && strings.Contains(msg, "q.Duration") && strings.Contains(msg, "time.Duration"):
		return msg + " (convert the q.Duration with d.Std(), or the time.Duration with q.FromStd(d))"
	case msg == "undefined: clear":
		return msg + " (the interpreter predates Go 1.21's clear: assign a new map or slice)"
	}
	return msg
}

// remember records what an item declared, for completion and pdoc().
func (s *Session) remember(p *prepared) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range p.names {
		s.names[n] = true
	}
	for _, t := range p.types {
		s.types[t.name] = t.text
	}
	for _, f := range p.funcs {
		s.funcs = slices.DeleteFunc(s.funcs, func(g funcDoc) bool { return g.Name == f.Name })
		s.funcs = append(s.funcs, f)
	}
}

// load runs another session once, by name, inside the running command.
func (s *Session) load(ctx context.Context, name string) error {
	s.mu.Lock()
	done := s.loaded[name] || slices.Contains(s.loading, name)
	if !done {
		s.loading = append(s.loading, name)
	}
	s.mu.Unlock()
	if done {
		return nil
	}
	defer func() {
		s.mu.Lock()
		s.loading = slices.DeleteFunc(s.loading, func(n string) bool { return n == name })
		s.loaded[name] = true
		s.mu.Unlock()
	}()
	if s.loader == nil {
		return fmt.Errorf("load(%q): this shell has no sessions to load from", name)
	}
	src, path, err := s.loader(name)
	if err != nil {
		return fmt.Errorf("load(%q): %w", name, err)
	}
	return s.eval(ctx, string(sessionBody(src)), path)
}

// MarkLoaded records that the session name is loaded, so that a load of it
// from another session does nothing.
func (s *Session) MarkLoaded(name string) {
	s.mu.Lock()
	s.loaded[name] = true
	s.mu.Unlock()
}

// panicFilter is the interpreter's stderr. yaegi prints "file:line:col:
// panic" there before it hands the panic to Eval; the filter keeps that
// position for the error message and lets everything else through.
type panicFilter struct {
	s *Session
	w io.Writer
}

var panicLine = regexp.MustCompile(`^((?:\S+:)?\d+:\d+): panic`)

func (f *panicFilter) Write(b []byte) (int, error) {
	if m := panicLine.FindSubmatch(b); m != nil {
		f.s.mu.Lock()
		if f.s.panicPos == "" {
			f.s.panicPos = string(m[1])
		}
		f.s.mu.Unlock()
		return len(b), nil
	}
	return f.w.Write(b)
}

// Check parses a session file the way the shell runs it (the header
// blanked, top-level statements, await) without running it. Its error
// lists every item that does not parse, one file:line:col: message a line.
func Check(filename string, src []byte) error {
	var msgs []string
	for _, it := range splitItems(string(sessionBody(src))) {
		if _, err := prepare(it, filename, nil); err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// declared reports a name the session declared at the top level.
func (s *Session) declared(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[name]
}

// global is the value of the session's variable name. yaegi's Globals
// panics (index out of range) once an input that failed to compile left a
// name declared without a slot; then the name is evaluated instead.
func (s *Session) global(name string) (reflect.Value, bool) {
	if v, ok, panicked := s.globals(name); !panicked {
		return v, ok
	}
	s.mu.Lock()
	known := s.names[name]
	s.mu.Unlock()
	if !known || !token.IsIdentifier(name) {
		return reflect.Value{}, false
	}
	v, err := s.evalText(name, "")
	return v, err == nil && v.IsValid()
}

func (s *Session) globals(name string) (v reflect.Value, ok, panicked bool) {
	defer func() {
		if recover() != nil {
			v, ok, panicked = reflect.Value{}, false, true
		}
	}()
	v, ok = s.in.Globals()[name]
	return v, ok, false
}

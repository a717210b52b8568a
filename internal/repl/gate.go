package repl

import (
	"context"
	"log/slog"
	"maps"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/petermattis/goid"

	"github.com/concert-go/concert/internal/tasks"
)

// gate keeps yaegi's global frame safe (issue 15 item 18). Every
// evaluation starts and ends by rewriting the interpreter's global frame:
// it grows the frame when a name is declared (resizeFrame) and stores the
// evaluation's cancel channel in it (Interpreter.run writes frame.done).
// Interpreted code reads both without a lock: every global variable read,
// every call (newFrame copies done). yaegi v0.16.1 offers no lock for it,
// so the shell keeps the two apart itself: interpreted code running on a
// goroutine of its own (a task, a callback) holds a read share of the
// gate, and gives it up while it blocks in the prelude (await, sleep,
// waitUntil, time.Sleep) or in a channel operation of a function of the
// session; an evaluation holds the gate alone while yaegi compiles and
// rewrites the frame, and lets go while the command's own code runs (see
// Session.evalText). A command thus waits, before it starts, for
// background tasks to reach a point where they block; a task that
// computes without one holds the prompt until it pauses, or for
// patience at most.
//
// The channel operations that pause are those the rewrite finds in
// statements of a function (see chanPauser): <-c; v := <-c, v, ok = <-c
// and other assignments of a receive; c <- v (v a local, a literal
// constant or a typed value such as a call); select without default;
// for v := range c over a c known to be a channel (made or declared as
// one, a global holding one, a global's channel field such as ticker.C,
// time.Tick(d)); a receive that comes first in its statement, before
// any call (f(<-c), return <-c * 2, nil, if v, ok := <-c; ok, switch
// <-c). A receive after a call or && / || of its statement
// (f(g(), <-c)), range over a channel the rewrite cannot tell from a
// slice (a field of a local, a method of a session type), a send of an
// untyped expression of named constants, and a select with default (it
// does not block) keep the share, as does compiled code that blocks (a
// device call, sync.WaitGroup.Wait).
type gate struct {
	mu sync.RWMutex
	// readers counts the read shares each goroutine holds (nesting), and
	// whether it has given them up for a while (see pause).
	readers shares
	// leave and resume are what enter and pause return: made once, since
	// every task started from a session enters the gate (see leaveShare).
	leave, resume func()
	once          sync.Once
	// unguarded counts the evaluations that went on without the gate
	// (see lock): none, as long as every interpreted goroutine pauses
	// where it blocks.
	unguarded atomic.Int64
}

func (g *gate) init() { g.leave, g.resume = g.leaveShare, g.resumeShare }

// enter takes a read share for interpreted code that is about to run on
// this goroutine; leave gives it back, on the same goroutine.
func (g *gate) enter() (leave func()) {
	// Only this goroutine reads its count, so it may count the share a
	// moment before it has it.
	id := goid.Get()
	switch n := g.readers.add(id, 1); {
	case n == 1:
		g.mu.RLock()
	case n&paused != 0:
		// A pause that never saw its resume (see pause): interpreted
		// code is about to run, so the share is taken back first.
		g.resumeShare()
	}
	g.once.Do(g.init)
	return g.leave
}

// leaveShare gives back the calling goroutine's latest share. A
// goroutine's shares nest (enter inside enter), so the one to give back
// is known without a closure per share.
func (g *gate) leaveShare() {
	id := goid.Get()
	switch n := g.readers.add(id, -1); {
	case n == 0:
		g.mu.RUnlock()
	case n == paused:
		// Its last share, given up already by a pause without a resume:
		// nothing left to unlock (a second RUnlock is a fatal error).
	case n&paused != 0:
		// Outer interpreted code goes on: take the share back.
		g.resumeShare()
	}
}

// holds reports whether the goroutine id holds a share, paused or not.
func (g *gate) holds(id int64) bool { return g.readers.held(id) }

// guards reports whether the goroutine id holds a share, taking it back
// first if a pause left it given up: it is about to run interpreted code.
// A pause ends where its blocking call returns; one that did not (the
// blocked operation panicked, or yaegi stopped the goroutine there) ends
// here, at the next interpreted function to start, at the latest when the
// goroutine leaves the gate.
func (g *gate) guards(id int64) bool {
	held, wasPaused := g.readers.unpause(id)
	if wasPaused {
		g.mu.RLock()
	}
	return held
}

// pause gives up this goroutine's read share, if it has one, while it
// blocks; resume takes it again. The goroutine must run no interpreted
// code in between. A pause is recorded with the goroutine's shares, so
// one that is never resumed is ended by the next enter, guards or
// leaveShare of the goroutine, and never unlocks twice.
func (g *gate) pause() (resume func()) {
	if !g.pauseShare() {
		return func() {}
	}
	g.once.Do(g.init)
	return g.resume
}

// pauseShare is pause without the resume to call: _pz_, before a channel
// operation of session code that may block; _rs_ (resumeShare) follows it.
// It reports whether the goroutine holds a share.
func (g *gate) pauseShare() bool {
	n := g.readers.pause(goid.Get())
	if n&^paused == 0 {
		return false
	}
	if n&paused == 0 {
		g.mu.RUnlock()
	}
	return true
}

// resumeShare takes back the share a pause gave up, if one did.
func (g *gate) resumeShare() {
	if _, wasPaused := g.readers.unpause(goid.Get()); wasPaused {
		g.mu.RLock()
	}
}

// paused marks, in a goroutine's count of shares, shares given up by a
// pause and not yet taken back.
const paused = 1 << 30

// shares counts the read shares of each goroutine that holds one. It is
// goroutines.Map with counts instead of pointers in its maps: no allocation
// for every task started from a session.
type shares struct {
	shards [64]struct {
		sync.Mutex
		m    map[int64]int32
		peak int      // most entries since m was made
		_    [40]byte // keep shards on separate cache lines
	}
}

func (s *shares) held(id int64) bool {
	sh := &s.shards[uint64(id)%uint64(len(s.shards))]
	sh.Lock()
	n := sh.m[id]
	sh.Unlock()
	return n&^paused > 0
}

// add changes id's count by delta and returns the new count, with the
// paused mark. An entry whose count comes to 0 is deleted, marked or not.
func (s *shares) add(id int64, delta int32) int32 {
	sh := &s.shards[uint64(id)%uint64(len(s.shards))]
	sh.Lock()
	if sh.m == nil {
		sh.m = make(map[int64]int32)
	}
	n := sh.m[id] + delta
	if n&^paused > 0 {
		sh.m[id] = n
		sh.peak = max(sh.peak, len(sh.m))
	} else if delete(sh.m, id); len(sh.m) == 0 && sh.peak > 8 {
		// See goroutines.Map.Delete.
		sh.m, sh.peak = nil, 0
	}
	sh.Unlock()
	return n
}

// pause marks id's shares given up, if it holds any, and returns its
// count as it was, with the mark.
func (s *shares) pause(id int64) int32 {
	sh := &s.shards[uint64(id)%uint64(len(s.shards))]
	sh.Lock()
	n := sh.m[id]
	if n&^paused > 0 {
		sh.m[id] = n | paused
	}
	sh.Unlock()
	return n
}

// unpause clears id's mark; it reports whether id holds shares and
// whether they were marked.
func (s *shares) unpause(id int64) (held, wasPaused bool) {
	sh := &s.shards[uint64(id)%uint64(len(s.shards))]
	sh.Lock()
	n := sh.m[id]
	if n&paused != 0 {
		sh.m[id] = n &^ paused
	}
	sh.Unlock()
	return n&^paused > 0, n&paused != 0
}

// patience is how long an evaluation waits for interpreted code elsewhere
// to pause. A task that computes without an await or sleep (for {}) must
// not hold the prompt for good: after this the evaluation goes on without
// the gate, as every evaluation did before it, and the task's reads may
// race with it.
const patience = 200 * time.Millisecond

// lock takes the gate alone, waiting up to patience for interpreted code
// elsewhere to pause. It polls rather than waits in Lock: a waiting Lock
// would stop every other task at its next resume for as long as the one
// that never pauses runs. It reports whether it has the gate. A ctrl-c
// meanwhile is left to the command: its code, once started, sees it.
func (g *gate) lock() bool {
	deadline := time.Now().Add(patience)
	for wait := 20 * time.Microsecond; ; wait = min(2*wait, 2*time.Millisecond) {
		if g.mu.TryLock() {
			return true
		}
		if time.Now().After(deadline) {
			g.unguarded.Add(1)
			slog.Debug("the interpreter's gate: interpreted code on another goroutine did not pause; evaluating without the gate")
			return false
		}
		time.Sleep(wait)
	}
}

// wrap makes an interpreted function that compiled code will call on a
// goroutine of its own hold a read share while it runs. Compiled functions
// are left alone: they never touch the interpreter's frames, and holding a
// share while a compiled move runs would hold up every command.
func (g *gate) wrap(f any) any { return wrapCalls(f, g.enter) }

// wrapCalls makes an interpreted function call enter before it runs and
// what enter returned after; see gate.wrap. The share must come before
// the call: yaegi's own wrapper of the function reads the global frame
// (newFrame copies its done channel) before the function's first
// statement, so the function's _fe_ is too late for it.
func wrapCalls(f any, enter func() (leave func())) any {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() || !interpreted(v) {
		return f
	}
	if w := wrapShape(f, enter); w != nil {
		return w
	}
	return reflect.MakeFunc(v.Type(), func(in []reflect.Value) []reflect.Value {
		defer enter()()
		if v.Type().IsVariadic() {
			return v.CallSlice(in)
		}
		return v.Call(in)
	}).Interface()
}

// wrapShape wraps the shapes tasks and checks take most often without a
// reflect.MakeFunc of its own: each reflect layer on a task's stack is
// over a kilobyte, and a waiting interpreted task keeps its stack (issue
// 17: its goroutine's stack doubles once the stack in use passes 4 KB).
// It returns nil for other shapes.
func wrapShape(f any, enter func() (leave func())) any {
	switch f := f.(type) {
	case func(context.Context) error:
		return func(ctx context.Context) error { defer enter()(); return f(ctx) }
	case func(context.Context):
		return func(ctx context.Context) { defer enter()(); f(ctx) }
	case func(context.Context) (any, error):
		return func(ctx context.Context) (any, error) { defer enter()(); return f(ctx) }
	case func() error:
		return func() error { defer enter()(); return f() }
	case func():
		return func() { defer enter()(); f() }
	case func() bool:
		return func() bool { defer enter()(); return f() }
	}
	return nil
}

// task is wrap for a function start runs as a task: the common shapes
// come back as a tasks.Func, so that one closure stands between the task
// and the interpreted function instead of two (wrap's and tasks.Start's
// adapter), one allocation less per start(f) and one frame less on every
// waiting task's stack. Other shapes are wrap's.
func (g *gate) task(f any) any {
	switch fn := f.(type) {
	case func(context.Context) error:
		if interpreted(reflect.ValueOf(fn)) {
			return tasks.Func(func(ctx context.Context) (any, error) { defer g.enter()(); return nil, fn(ctx) })
		}
	case func(context.Context):
		if interpreted(reflect.ValueOf(fn)) {
			return tasks.Func(func(ctx context.Context) (any, error) { defer g.enter()(); fn(ctx); return nil, nil })
		}
	case func(context.Context) (any, error):
		if interpreted(reflect.ValueOf(fn)) {
			return tasks.Func(func(ctx context.Context) (any, error) { defer g.enter()(); return fn(ctx) })
		}
	}
	return g.wrap(f)
}

// interpreted reports a function the interpreter made: yaegi hands
// interpreted functions to compiled code as reflect.MakeFunc closures.
// The answer is kept by code address: runtime.FuncForPC searches the
// whole function table, and a loop of start(f) asks about the same
// address each time (every MakeFunc closure shares reflect's stub).
func interpreted(v reflect.Value) bool {
	pc := v.Pointer()
	known := *interpretedPCs.Load()
	if is, ok := known[pc]; ok {
		return is
	}
	fn := runtime.FuncForPC(pc)
	is := fn != nil && strings.HasPrefix(fn.Name(), "reflect.")
	// Copied on write: a program has few distinct functions that it
	// hands to compiled code, and reads take no lock.
	interpretedMu.Lock()
	defer interpretedMu.Unlock()
	next := maps.Clone(*interpretedPCs.Load())
	next[pc] = is
	interpretedPCs.Store(&next)
	return is
}

var (
	interpretedPCs = func() *atomic.Pointer[map[uintptr]bool] {
		var p atomic.Pointer[map[uintptr]bool]
		p.Store(&map[uintptr]bool{})
		return &p
	}()
	interpretedMu sync.Mutex
)

// settle waits, a second at most, until no evaluation that StopInterpreter
// ended still runs. yaegi's EvalWithContext (ExecuteWithContext) returns at once when its
// context ends, while the evaluation goes on on a goroutine of its own:
// the stopped code returns, and yaegi then writes and reads the global
// frame once more, with nothing to wait for. The stack of every goroutine
// says when that is over.
func settle() {
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		n := runtime.Stack(buf, true)
		stacks := string(buf[:n])
		if !strings.Contains(stacks, "yaegi/interp.(*Interpreter).EvalWithContext.func") &&
			!strings.Contains(stacks, "yaegi/interp.(*Interpreter).ExecuteWithContext.func") {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

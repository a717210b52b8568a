package repl

import (
	"context"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/petermattis/goid"
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
// waitUntil, time.Sleep); an evaluation holds the gate alone while yaegi
// compiles and rewrites the frame, and lets go while the command's own
// code runs (see Session.evalText). A command thus waits, before it
// starts, for background tasks to reach an await or sleep; a task that
// computes without one holds the prompt until it pauses or ends.
type gate struct {
	mu sync.RWMutex
	// readers counts the read shares each goroutine holds (nesting).
	readers sync.Map // goroutine id -> *int
}

// enter takes a read share for interpreted code that is about to run on
// this goroutine; leave gives it back.
func (g *gate) enter() (leave func()) {
	id := goid.Get()
	if n, ok := g.readers.Load(id); ok {
		*n.(*int)++
		return func() { *n.(*int)-- }
	}
	g.mu.RLock()
	n := 1
	g.readers.Store(id, &n)
	return func() {
		if n--; n == 0 {
			g.readers.Delete(id)
			g.mu.RUnlock()
		}
	}
}

// pause gives up this goroutine's read share, if it has one, while it
// blocks; resume takes it again.
func (g *gate) pause() (resume func()) {
	if _, ok := g.readers.Load(goid.Get()); !ok {
		return func() {}
	}
	g.mu.RUnlock()
	return g.mu.RLock
}

// lock takes the gate alone, waiting for interpreted code elsewhere to
// pause, or until ctx is done.
func (g *gate) lock(ctx context.Context) error {
	if g.mu.TryLock() {
		return nil
	}
	got := make(chan struct{})
	go func() {
		g.mu.Lock()
		close(got)
	}()
	select {
	case <-got:
		return nil
	case <-ctx.Done():
		go func() {
			<-got
			g.mu.Unlock()
		}()
		return context.Cause(ctx)
	}
}

// wrap makes an interpreted function that compiled code will call on a
// goroutine of its own hold a read share while it runs. Compiled functions
// are left alone: they never touch the interpreter's frames, and holding a
// share while a compiled move runs would hold up every command.
func (g *gate) wrap(f any) any {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() || !interpreted(v) {
		return f
	}
	return reflect.MakeFunc(v.Type(), func(in []reflect.Value) []reflect.Value {
		defer g.enter()()
		if v.Type().IsVariadic() {
			return v.CallSlice(in)
		}
		return v.Call(in)
	}).Interface()
}

// interpreted reports a function the interpreter made: yaegi hands
// interpreted functions to compiled code as reflect.MakeFunc closures.
func interpreted(v reflect.Value) bool {
	fn := runtime.FuncForPC(v.Pointer())
	return fn != nil && strings.HasPrefix(fn.Name(), "reflect.")
}

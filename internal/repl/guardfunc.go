package repl

import (
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	"github.com/petermattis/goid"

	"github.com/concert-go/concert/internal/tasks"
)

// maxDepth is how deep interpreted functions may call each other on one
// goroutine (deeper, yaegi takes seconds to unwind the panic). Go cannot recover from a stack overflow: it ends the process
// (after 7 s at the default 1 GB stack, with thousands of lines). The
// interpreter needs some kilobytes of stack for each call; maxDepth calls
// stay well within maxStack, so the depth check fails first, as a panic
// the task or command reports.
const (
	maxDepth = 1000
	maxStack = 512 << 20
)

func init() {
	// A backstop for recursion in compiled code the depth check does not
	// see: fail sooner than at 1 GB.
	debug.SetMaxStack(maxStack)
}

// callDepth is, per goroutine, how many interpreted functions of the
// session run on it, and what gives back the share of the gate the
// outermost one took.
type callDepth struct {
	n     int
	leave func()
}

// depths holds the goroutines' call depths.
var depths perGoroutine[callDepth]

// enterFunc is _fe_, the first statement of every function the session
// declares: it refuses to go deeper than maxDepth, and reports whether the
// function must recover a panic itself (see leaveFunc). Called from
// compiled code on a goroutine of its own (a library's callback), the
// outermost function takes a share of the gate (see gate) for as long as
// it runs. That is a step late: yaegi read the global frame entering the
// function. Where the shell hands the function to compiled code itself
// (a session device's, see devices.Config.Wrap; start; time.AfterFunc)
// it wraps the function to take the share before the call.
func (s *Session) enterFunc() bool {
	id := goid.Get()
	d, ok := depths.load(id)
	if !ok {
		d = &callDepth{}
		depths.store(id, d)
	}
	if d.n >= maxDepth {
		panic(fmt.Errorf("functions called %d deep: a function that calls itself without end?", maxDepth))
	}
	mustRecover := !s.recovers()
	if d.n == 0 && s.foreign(id) {
		d.leave = s.gate.enter()
	}
	d.n++
	return mustRecover
}

// share takes a read share of the gate for interpreted code a session's
// device is about to call, unless the calling goroutine has the gate
// already (see foreign); leave gives it back.
func (s *Session) share() (leave func()) {
	if !s.foreign(goid.Get()) {
		return func() {}
	}
	return s.gate.enter()
}

// foreign reports a goroutine that runs interpreted code without a share
// of the gate and outside any evaluation: one that compiled code started.
func (s *Session) foreign(id int64) bool {
	if id == s.evalGID.Load() {
		return false
	}
	if _, held := s.gate.readers.load(id); held {
		return false
	}
	// An evaluation's own goroutine, as when a declaration runs init():
	// it holds the gate already.
	buf := make([]byte, 16<<10)
	return !strings.Contains(string(buf[:runtime.Stack(buf, false)]), "yaegi/interp.(*Interpreter).Eval")
}

// exitFunc is _fx_, deferred by every function of the session that runs
// where a panic is recovered anyway.
func exitFunc() {
	id := goid.Get()
	if d, ok := depths.load(id); ok {
		if d.n--; d.n <= 0 {
			depths.delete(id)
			if d.leave != nil {
				d.leave()
			}
		}
	}
}

// leaveFunc is _fl_, deferred with what recover() gave by a function of
// the session that runs on a goroutine nobody else watches: a library's
// own (net/http's dialer, a callback), where a panic would end the
// process. The panic is reported, and the function returns zero values.
func (s *Session) leaveFunc(r any) {
	exitFunc()
	if r == nil {
		return
	}
	slog.Error("panic in an interpreted function called by a library on its own goroutine", "panic", r)
	if s.notify != nil {
		s.notify(fmt.Errorf("panic in a function a library called on its own goroutine: %v", r))
	}
}

// recovers reports whether the calling goroutine recovers panics: an
// evaluation's, or one whose interpreted code entered through the gate (a
// task started by start or background, a guarded callback), or a task's.
func (s *Session) recovers() bool {
	id := goid.Get()
	if id == s.evalGID.Load() {
		return true
	}
	if _, ok := s.gate.readers.load(id); ok {
		return true
	}
	t := tasks.Current() // the foreground task on a goroutine of no task
	return t != nil && t != tasks.Default.Foreground()
}

// makeSize is _mk_: the length or capacity n of make(T, n) for a T of the
// type of zero, refused when the memory it takes is more than the machine
// has, which Go cannot recover from.
func makeSize(zero any, n any) int {
	v := reflect.ValueOf(n)
	var count uint64
	switch {
	case v.CanInt():
		if v.Int() < 0 {
			return int(v.Int()) // Go's own panic says what is wrong
		}
		count = uint64(v.Int())
	case v.CanUint():
		count = v.Uint()
	default:
		return int(v.Convert(reflect.TypeFor[int]()).Int())
	}
	size := uint64(1)
	if t := reflect.TypeOf(zero); t != nil {
		switch t.Kind() {
		case reflect.Slice, reflect.Chan:
			size = max(uint64(t.Elem().Size()), 1)
		case reflect.Map:
			size = max(uint64(t.Key().Size()+t.Elem().Size()), 1)
		}
	}
	if mem := totalMemory(); mem > 0 && (count > mem || count*size > mem) {
		panic(fmt.Errorf("make of %d elements of %d bytes each: more memory than this machine has", count, size))
	}
	return int(count)
}

// totalMemory is the machine's memory in bytes, or 0 if unknown.
var totalMemory = sync.OnceValue(func() uint64 {
	var info syscall.Sysinfo_t
	if syscall.Sysinfo(&info) != nil {
		return 0
	}
	return uint64(info.Totalram) * uint64(info.Unit)
})

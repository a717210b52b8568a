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

	"github.com/concert-go/concert/internal/goroutines"
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

// enterFunc is _fe_, the first statement of every function the session
// declares: it refuses to go deeper than maxDepth, and reports whether
// the function takes the slow path, deferring exitFunc. On an
// evaluation's goroutine, or one that holds a share of the gate (a task
// started by start, a callback the shell wraps), shallower than
// deepStack, a function takes the fast path: the prologue is this one
// call from interpreted to compiled code, which is what a trivial
// function costs most. The slow path is for the rest:
//
//   - Called from compiled code on a goroutine of its own (a library's
//     callback), the outermost function takes a share of the gate (see
//     gate) for as long as it runs. That is a step late: yaegi read the
//     global frame entering the function. Where the shell hands the
//     function to compiled code itself (a session device's, see
//     devices.Config.Wrap; start; time.AfterFunc) it wraps the function
//     to take the share before the call.
//   - Where nothing else recovers a panic, the function recovers it (see
//     exitFunc and leaveFunc).
//   - Past deepStack, functions are counted (see deepStack).
func (s *Session) enterFunc() bool {
	deep := stackInUse() >= deepStack
	id := goid.Get()
	// guards, not holds: a pause left unresumed ends here (see gate.guards).
	if guarded := id == s.evalGID.Load() || s.gate.guards(id); !deep && guarded {
		return false
	}
	r := slowFrames(id)
	r.since(s)
	if deep {
		if r.deep == 0 {
			// Functions below the deep ones return after them, so they
			// are counted once, when the first deep one starts: not this
			// one (r.deep counts it), nor an evaluation's top level.
			r.below = interpretedDepth() - 1
			if id == s.evalGID.Load() {
				r.below--
			}
		}
		if r.below+r.deep+1 > maxDepth {
			forgetIfIdle(id, r)
			panic(fmt.Errorf("functions called %d deep: a function that calls itself without end?", maxDepth))
		}
		r.deep++
	}
	var f slowFrame
	f.deep = deep
	if s.foreign(id) {
		s.gate.enter()
		f.share = true
	}
	r.frames = append(r.frames, f)
	return true
}

// exitFunc is _fx_, deferred by a function that took the slow path. It
// gives back what enterFunc took, and reports whether the function must
// recover a panic itself: one that runs where nothing recovers it (see
// leaveFunc). Recovering and panicking again at each level of a deep
// recursion takes time quadratic in the depth, so a function where a
// panic is recovered anyway lets it pass.
func (s *Session) exitFunc() (mustRecover bool) {
	id := goid.Get()
	r := slowFrames(id)
	if len(r.frames) == 0 {
		// Its frame was forgotten as stopped (see since): the stop came
		// while the function ran on.
		forgetIfIdle(id, r)
		return !s.recovers()
	}
	f := r.frames[len(r.frames)-1]
	r.frames = r.frames[:len(r.frames)-1]
	if f.deep {
		r.deep--
	}
	forgetIfIdle(id, r)
	if f.share {
		s.gate.leaveShare()
	}
	return !s.recovers()
}

// slowFrame is what a function on the slow path took, for exitFunc.
type slowFrame struct {
	share bool // a share of the gate
	deep  bool // counted in slowFrames.deep
}

// slowFrameList is, for one goroutine, the functions running on it that
// took the slow path, innermost last, and the count of functions that
// the depth check needs.
type slowFrameList struct {
	frames []slowFrame
	deep   int // of frames, those that started past deepStack
	below  int // the interpreted functions running below the first deep one
	// session and stops say when the frames were taken: a stop of the
	// interpreter (Session.StopInterpreter) ends the functions that ran
	// then without their _fx_, and a task pool's goroutine runs later
	// tasks.
	session *Session
	stops   uint64
}

// since forgets the frames of functions that a stop of the interpreter
// ended, or another session's: counted, they made a later task's
// recursion on the same goroutine too deep from its start.
func (r *slowFrameList) since(s *Session) {
	if stops := s.stops.Load(); r.session != s || r.stops != stops {
		*r = slowFrameList{frames: r.frames[:0], session: s, stops: stops}
	}
}

// slow holds the goroutines that run functions on the slow path. Only the
// goroutine itself reads and writes its list.
var slow goroutines.Map[slowFrameList]

func slowFrames(id int64) *slowFrameList {
	if r, ok := slow.Load(id); ok {
		return r
	}
	r := &slowFrameList{}
	slow.Store(id, r)
	return r
}

func forgetIfIdle(id int64, r *slowFrameList) {
	if len(r.frames) == 0 {
		slow.Delete(id)
	}
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
	if id == s.evalGID.Load() || s.gate.holds(id) {
		return false
	}
	// An evaluation's own goroutine, as when a declaration runs init():
	// it holds the gate already.
	buf := make([]byte, 16<<10)
	return !strings.Contains(string(buf[:runtime.Stack(buf, false)]), "yaegi/interp.(*Interpreter).Eval")
}

// leaveFunc is _fl_, called with what recover() gave by a function of
// the session that runs on a goroutine nobody else watches: a library's
// own (net/http's dialer, a callback), where a panic would end the
// process. The panic is reported, and the function returns zero values.
func (s *Session) leaveFunc(r any) {
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
	if id == s.evalGID.Load() || s.gate.holds(id) {
		return true
	}
	t := tasks.Current() // the foreground task on a goroutine of no task
	return t != nil && t != tasks.Default.Foreground()
}

// deepStack is how much stack a goroutine uses before enterFunc counts
// the interpreted functions on it: less than maxDepth of them take,
// however they call each other. Measured with yaegi v0.16.1 on amd64, an
// interpreted function calling another directly, the thinnest way, takes
// stackPerCall bytes a call; through a function value or a method, 3.8
// KB; through sort.Slice, 4.6 KB. A way thinner still would only be
// caught a little deeper than maxDepth, when the stack reaches deepStack.
const (
	stackPerCall = 600
	deepStack    = maxDepth * stackPerCall * 3 / 4
)

// interpretedDepth counts the interpreted functions running on the
// calling goroutine: yaegi runs the body of each call of an interpreted
// function in a runCfg of its own (and an evaluation's top level in one
// more). A runCfg whose deferred function (runCfg.func1) is on the stack
// above it is not counted: its function is over, and what runs there is
// its defers. A panic leaves the stack as deep as where it started while
// yaegi runs each level's defers on top of it, a recover() among them:
// counting every runCfg, a deferred closure under a recursion that was
// caught was refused as too deep itself, and its cleanup never ran.
func interpretedDepth() int {
	buf := callersPool.Get().(*[1024]uintptr)
	defer callersPool.Put(buf)
	n := 0
	for skip := 2; ; {
		got := runtime.Callers(skip, buf[:])
		for _, pc := range buf[:got] {
			n += runCfgFrame(pc)
		}
		if got < len(buf) {
			return n
		}
		skip += got
	}
}

var callersPool = sync.Pool{New: func() any { return new([1024]uintptr) }}

// runCfgPCs caches runCfgFrame's answer for each return address seen: a
// few addresses recur.
var runCfgPCs sync.Map // uintptr -> int

// runCfgFrame is 1 for a return address in yaegi's runCfg, -1 for one in
// its deferred function, 0 for any other.
func runCfgFrame(pc uintptr) int {
	if v, ok := runCfgPCs.Load(pc); ok {
		return v.(int)
	}
	n := 0
	if fn := runtime.FuncForPC(pc - 1); fn != nil {
		switch fn.Name() {
		case "github.com/traefik/yaegi/interp.runCfg":
			n = 1
		case "github.com/traefik/yaegi/interp.runCfg.func1":
			n = -1
		}
	}
	runCfgPCs.Store(pc, n)
	return n
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

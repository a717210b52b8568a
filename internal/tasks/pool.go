package tasks

import (
	"sync"
	"sync/atomic"

	"github.com/petermattis/goid"

	"github.com/concert-go/concert/internal/goroutines"
)

// Every task runs on a goroutine of its own, from the call of its function
// until it returns: one goroutine per task. But the goroutine need not be a
// new one. A function from the interpreter runs several kilobytes deep, so
// on a fresh goroutine each task grows and copies its stack, and creating
// and destroying the goroutine costs as much again: measured from session
// code (BenchmarkStartFromSession in package repl), the goroutine's life
// was half of a trivial task's cost. Here a goroutine whose task has ended
// takes the next task that waits to start, and a few stay parked for
// later ones.
//
// A task never waits behind another task: whenever tasks wait to start, a
// goroutine is on its way to take the first (pending): a parked one woken,
// or a new one. A goroutine that takes a task makes sure of that for the
// rest before it runs its own, so a task that blocks for ever delays
// nobody.
type pool struct {
	mu      sync.Mutex
	cond    sync.Cond // parked goroutines wait here for a task
	jobs    []job     // waiting to start, oldest at head
	head    int
	pending bool // a goroutine is on its way to take jobs[head]
	parked  int
}

// maxParked bounds the goroutines kept parked for later tasks.
const maxParked = 64

type job struct {
	t  *Task
	fn Func
}

var workers = func() *pool {
	p := &pool{}
	p.cond.L = &p.mu
	return p
}()

// launch runs fn as t's function on a goroutine of the pool.
func (p *pool) launch(t *Task, fn Func) {
	p.mu.Lock()
	p.jobs = append(p.jobs, job{t, fn})
	spawn := p.ensure()
	p.mu.Unlock()
	if spawn {
		go p.work()
	}
}

// ensure, under mu, makes sure a goroutine is on its way to the first
// waiting task; it reports whether the caller must start a new one.
func (p *pool) ensure() bool {
	if p.pending || p.head == len(p.jobs) {
		return false
	}
	p.pending = true
	if p.parked > 0 {
		p.cond.Signal()
		return false
	}
	return true
}

// worker is a pool goroutine's record of the task it runs, for
// Scheduler.Current. The goroutine is listed once for its life, not once
// per task: adding and removing a map entry was a tenth of the
// bookkeeping of a trivial task.
type worker struct {
	task atomic.Pointer[Task]
}

// onGoroutine maps the ids of the pool's goroutines to their workers.
var onGoroutine goroutines.Map[worker]

// work is a pool goroutine: it comes as the pending one, runs tasks while
// some wait, then parks or, with enough parked already, exits.
func (p *pool) work() {
	w := &worker{}
	gid := goid.Get()
	onGoroutine.Store(gid, w)
	// Deferred: a task that calls runtime.Goexit ends its goroutine.
	defer onGoroutine.Delete(gid)
	p.mu.Lock()
	pending := true
	for {
		if pending {
			p.pending, pending = false, false
		}
		if p.head < len(p.jobs) {
			j := p.jobs[p.head]
			p.jobs[p.head] = job{}
			p.head++
			if p.head == len(p.jobs) {
				p.jobs, p.head = p.jobs[:0], 0
			}
			spawn := p.ensure()
			p.mu.Unlock()
			if spawn {
				go p.work()
			}
			j.t.run(j.fn, w)
			p.mu.Lock()
			continue
		}
		if p.parked >= maxParked {
			p.mu.Unlock()
			return
		}
		p.parked++
		p.cond.Wait() // only ensure signals, and it set pending for us
		p.parked--
		pending = true
	}
}

// parkedNow says how many goroutines are parked, for tests.
func (p *pool) parkedNow() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.parked
}

package devices

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/concert-go/concert/internal/tasks"
)

// Lockable is a device or a parameter, which Exclusive can hold: every
// device (through its *Base) and every *Parameter is one.
type Lockable interface {
	lockTarget() (*Base, *Parameter)
}

// Exclusive starts a task that takes exclusive access to the given devices
// and parameters, runs f as a task inside it, and releases the access when
// f's task has ended, whatever way it ends (error, panic, cancel). It is
// the Go form of Concert's `async with shutter, motor['position']:`:
//
//	await exclusive(func(ctx context.Context) error {
//		await motor.SetPosition(2 * q.MM)
//		await shutter.Open()
//		return nil
//	}, shutter, motor.Param("position"))
//
// f has one of the shapes tasks.Start takes; the task's result is f's.
//
// Unlike Concert's, the access is enforced: while the task holds it, sets
// and operations of any other task on those devices and parameters wait
// (cancellably) until it is released; the holder's own operations, and
// those of tasks started inside it with tasks.ChildOf, proceed. Holding a
// device covers all its parameters. The targets are taken all at once:
// a task waiting for some of them holds none meanwhile, so neither the
// order they are named in nor a holder that goes on to use a device it
// did not name can make two tasks wait for each other; waiting can be
// cancelled. A task inside the holder may take the same targets again
// (re-entrance): it then excludes even its siblings until it releases
// them. Emergency stop ignores exclusive access.
//
// A holder may use devices it did not name: its operations on them wait
// like anyone's. If that wait would close a circle (two holders each using
// a device the other holds), the operation that would close it fails at
// once with a *DeadlockError instead, so its holder's f can return and
// release.
//
// A nested Exclusive may not add targets the enclosing ones do not hold:
// the enclosing ones would keep theirs while it waits for those, and could
// wait for ever on a task holding those, as nested mutexes do. It fails at
// once with a *NestingError instead; name every target in the outermost
// call.
func Exclusive(f any, targets ...Lockable) *tasks.Task {
	caller := tasks.Current()
	holds := gather(targets)
	names := holdNames(holds)
	return tasks.Start(func(ctx context.Context) (any, error) {
		self := tasks.FromContext(ctx)
		if err := nestingError(self, names, holds); err != nil {
			return nil, err
		}
		for {
			wait := tryTake(self, holds)
			if wait == nil {
				break
			}
			select {
			case <-wait:
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
		}
		defer func() {
			exclusives.Delete(self)
			for _, h := range holds {
				h.b.release(self)
			}
		}()
		exclusives.Store(self, names)
		return tasks.Start(f, tasks.ChildOf(self)).Await(ctx)
	}, tasks.Named("exclusive("+names+")"), tasks.ChildOf(caller))
}

// exclusives maps each Exclusive task holding its targets to their names,
// so that a nested one can tell it is nested.
var exclusives sync.Map // *tasks.Task -> string

// nestingError returns a *NestingError if the Exclusive task self runs
// inside another and would take targets that no enclosing one holds.
func nestingError(self *tasks.Task, names string, holds []hold) error {
	var outer string
	for t := self.Parent(); t != nil && outer == ""; t = t.Parent() {
		if v, ok := exclusives.Load(t); ok {
			outer = v.(string)
		}
	}
	if outer == "" {
		return nil
	}
	var adds []string
	for _, h := range holds {
		adds = append(adds, h.b.notHeld(self, h)...)
	}
	if len(adds) == 0 {
		return nil
	}
	return &NestingError{Targets: names, Outer: outer, Adds: adds}
}

// notHeld names the targets of h that no task t runs within holds.
func (b *Base) notHeld(t *tasks.Task, h hold) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	heldBy := func(holders []*tasks.Task) bool {
		return slices.ContainsFunc(holders, t.Within)
	}
	if heldBy(b.holders) {
		return nil
	}
	if h.whole {
		return []string{b.name}
	}
	var names []string
	for _, p := range h.ps {
		if !heldBy(p.holders) {
			names = append(names, p.where())
		}
	}
	return names
}

// hold is what Exclusive takes of one device: all of it, or some of its
// parameters.
type hold struct {
	b     *Base
	whole bool
	ps    []*Parameter
}

// gather groups the targets per device, devices in the order they were
// created, so that the task's name is the same whatever order they are
// named in.
func gather(targets []Lockable) []hold {
	byDev := map[*Base]*hold{}
	var list []*hold
	for _, t := range targets {
		if t == nil {
			continue
		}
		b, p := t.lockTarget()
		h := byDev[b]
		if h == nil {
			h = &hold{b: b}
			byDev[b] = h
			list = append(list, h)
		}
		switch {
		case p == nil:
			h.whole = true
		case !slices.Contains(h.ps, p):
			h.ps = append(h.ps, p)
		}
	}
	slices.SortFunc(list, func(a, b *hold) int { return cmp.Compare(a.b.id, b.b.id) })
	out := make([]hold, len(list))
	for i, h := range list {
		if h.whole {
			h.ps = nil
		}
		out[i] = *h
	}
	return out
}

func holdNames(holds []hold) string {
	var names []string
	for _, h := range holds {
		if h.whole {
			names = append(names, h.b.name)
			continue
		}
		for _, p := range h.ps {
			names = append(names, p.where())
		}
	}
	return strings.Join(names, ", ")
}

// tryTake takes all of holds for t, or none: if one is not free, it gives
// back those it took and returns a channel closed when that one's device
// changes. A task waiting for a target must keep none, or a holder of that
// target that goes on to use one it kept waits for it for ever.
func tryTake(t *tasks.Task, holds []hold) (wait <-chan struct{}) {
	for i, h := range holds {
		if wait := h.b.tryAcquire(t, h); wait != nil {
			for _, g := range holds[:i] {
				g.b.release(t)
			}
			return wait
		}
	}
	return nil
}

// tryAcquire takes h for t if t may, or else returns a channel closed when
// the device's holders change.
func (b *Base) tryAcquire(t *tasks.Task, h hold) (wait <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ps := h.ps
	if h.whole {
		ps = b.params
	}
	if b.blocker(t, ps) != nil {
		return b.changed
	}
	if h.whole {
		b.holders = append(b.holders, t)
	} else {
		for _, p := range h.ps {
			p.holders = append(p.holders, t)
		}
	}
	return nil
}

// waiting maps each operation that waits for exclusive access to the
// holder it waits for, so that a wait that would close a circle is refused.
var waiting = struct {
	sync.Mutex
	m map[*tasks.Task]*tasks.Task
}{m: map[*tasks.Task]*tasks.Task{}}

// waitFor records that operation t waits for holder. It fails with a
// *DeadlockError instead if holder, through an operation inside it (and
// so on), waits for a holder that t runs inside: two tasks that each hold
// a device and then use the other's would otherwise wait for each other
// for ever. An entry left for a moment after its wait ended cannot make
// this fail wrongly: the holder it names has ended its body, so no task
// runs inside it any more.
func waitFor(t, holder *tasks.Task) error {
	waiting.Lock()
	defer waiting.Unlock()
	seen := map[*tasks.Task]bool{holder: true}
	for todo := []*tasks.Task{holder}; len(todo) > 0; {
		h := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for w, next := range waiting.m {
			if !w.Within(h) {
				continue
			}
			if t.Within(next) {
				return &DeadlockError{Op: t.Name(), Holder: holder.Name(), Waits: next.Name()}
			}
			if !seen[next] {
				seen[next] = true
				todo = append(todo, next)
			}
		}
	}
	waiting.m[t] = holder
	return nil
}

// doneWaiting removes what waitFor recorded for t.
func doneWaiting(t *tasks.Task) {
	waiting.Lock()
	delete(waiting.m, t)
	waiting.Unlock()
}

// release drops every hold of t on the device and wakes the waiters.
func (b *Base) release(t *tasks.Task) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.holders = remove(b.holders, t)
	for _, p := range b.params {
		p.holders = remove(p.holders, t)
	}
	close(b.changed)
	b.changed = make(chan struct{})
}

func remove(list []*tasks.Task, t *tasks.Task) []*tasks.Task {
	for i := len(list) - 1; i >= 0; i-- {
		if list[i] == t {
			return slices.Delete(list, i, i+1)
		}
	}
	return list
}

// Holder returns the task holding exclusive access to the device as a
// whole, innermost first, or nil.
func (b *Base) Holder() *tasks.Task {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n := len(b.holders); n > 0 {
		return b.holders[n-1]
	}
	return nil
}

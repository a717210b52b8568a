package tasks

import "sync"

// The registry is sharded because every task start and end writes to it
// from its own goroutine; one lock (or sync.Map, which boxes every key)
// costs a fifth of a trivial task's life.
const shards = 64

// registry lists the running tasks. Each shard keeps its tasks in a slice
// and each task its place in it, so adding and removing a task hashes
// nothing, and listing copies pointers instead of visiting every task
// (100,000 tasks do not fit in the caches).
type registry struct {
	shards [shards]struct {
		sync.Mutex
		tasks []*Task
		_     [32]byte // keep shards on separate cache lines
	}
}

func (r *registry) add(t *Task) {
	s := &r.shards[t.id%shards]
	s.Lock()
	t.slot = int32(len(s.tasks))
	s.tasks = append(s.tasks, t)
	s.Unlock()
}

func (r *registry) remove(t *Task) {
	s := &r.shards[t.id%shards]
	s.Lock()
	last := len(s.tasks) - 1
	moved := s.tasks[last]
	s.tasks[t.slot] = moved
	moved.slot = t.slot
	s.tasks[last] = nil
	s.tasks = s.tasks[:last]
	s.Unlock()
}

func (r *registry) len() int {
	n := 0
	for i := range r.shards {
		s := &r.shards[i]
		s.Lock()
		n += len(s.tasks)
		s.Unlock()
	}
	return n
}

// appendAll appends every task to list, in no particular order.
func (r *registry) appendAll(list []*Task) []*Task {
	for i := range r.shards {
		s := &r.shards[i]
		s.Lock()
		list = append(list, s.tasks...)
		s.Unlock()
	}
	return list
}

package tasks

import "sync"

// Both registries are sharded because every task start and end writes to
// them from its own goroutine; one lock (or sync.Map, which boxes every key)
// costs a fifth of a trivial task's life.
const shards = 64

// registry lists the running tasks. Each shard is a list threaded through
// the tasks themselves, so adding and removing a task allocates nothing
// and hashes nothing.
type registry struct {
	shards [shards]struct {
		sync.Mutex
		head *Task
		n    int
		_    [40]byte // keep shards on separate cache lines
	}
}

func (r *registry) add(t *Task) {
	s := &r.shards[t.id%shards]
	s.Lock()
	t.next = s.head
	if s.head != nil {
		s.head.prev = t
	}
	s.head = t
	s.n++
	s.Unlock()
}

func (r *registry) remove(t *Task) {
	s := &r.shards[t.id%shards]
	s.Lock()
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		s.head = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	}
	t.prev, t.next = nil, nil
	s.n--
	s.Unlock()
}

func (r *registry) len() int {
	n := 0
	for i := range r.shards {
		s := &r.shards[i]
		s.Lock()
		n += s.n
		s.Unlock()
	}
	return n
}

// appendAll appends every task to list, in no particular order.
func (r *registry) appendAll(list []*Task) []*Task {
	for i := range r.shards {
		s := &r.shards[i]
		s.Lock()
		for t := s.head; t != nil; t = t.next {
			list = append(list, t)
		}
		s.Unlock()
	}
	return list
}

// gidMap maps goroutine ids to the tasks running on them.
type gidMap struct {
	shards [shards]struct {
		sync.Mutex
		m map[uint64]*Task
		_ [40]byte // keep shards on separate cache lines
	}
}

func (g *gidMap) store(gid uint64, t *Task) {
	s := &g.shards[gid%shards]
	s.Lock()
	if s.m == nil {
		s.m = make(map[uint64]*Task)
	}
	s.m[gid] = t
	s.Unlock()
}

func (g *gidMap) delete(gid uint64) {
	s := &g.shards[gid%shards]
	s.Lock()
	delete(s.m, gid)
	s.Unlock()
}

func (g *gidMap) load(gid uint64) *Task {
	s := &g.shards[gid%shards]
	s.Lock()
	t := s.m[gid]
	s.Unlock()
	return t
}

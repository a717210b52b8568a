package tasks

import "sync"

// registry maps ids to tasks. It is sharded because every task start and
// end writes to it from its own goroutine; one lock (or sync.Map, which
// boxes every key) costs a fifth of a trivial task's life.
type registry struct {
	shards [64]struct {
		sync.Mutex
		m map[uint64]*Task
		_ [40]byte // keep shards on separate cache lines
	}
}

func (r *registry) shard(key uint64) *struct {
	sync.Mutex
	m map[uint64]*Task
	_ [40]byte
} {
	return &r.shards[key%uint64(len(r.shards))]
}

func (r *registry) store(key uint64, t *Task) {
	s := r.shard(key)
	s.Lock()
	if s.m == nil {
		s.m = make(map[uint64]*Task)
	}
	s.m[key] = t
	s.Unlock()
}

func (r *registry) delete(key uint64) {
	s := r.shard(key)
	s.Lock()
	delete(s.m, key)
	s.Unlock()
}

func (r *registry) load(key uint64) *Task {
	s := r.shard(key)
	s.Lock()
	t := s.m[key]
	s.Unlock()
	return t
}

// appendAll appends every task to list, in no particular order.
func (r *registry) appendAll(list []*Task) []*Task {
	for i := range r.shards {
		s := &r.shards[i]
		s.Lock()
		for _, t := range s.m {
			list = append(list, t)
		}
		s.Unlock()
	}
	return list
}

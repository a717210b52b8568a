package repl

import "sync"

// perGoroutine maps the id of a goroutine that runs interpreted code to a
// value of its own: its read shares of the gate (gate.readers), its call
// depth (depths). Every task written in the session stores into both as
// it starts and deletes as it ends, and a waiting task keeps its entries:
// a sync.Map took about 200 bytes of entry and trie nodes per waiting
// task (issue 17: 100,000 waiting tasks), a plain map in one of 64 shards
// takes a few tens.
type perGoroutine[V any] struct {
	shards [64]struct {
		sync.Mutex
		m    map[int64]*V
		peak int      // most entries since m was made
		_    [40]byte // keep shards on separate cache lines
	}
}

func (p *perGoroutine[V]) load(id int64) (*V, bool) {
	s := &p.shards[uint64(id)%uint64(len(p.shards))]
	s.Lock()
	v, ok := s.m[id]
	s.Unlock()
	return v, ok
}

func (p *perGoroutine[V]) store(id int64, v *V) {
	s := &p.shards[uint64(id)%uint64(len(p.shards))]
	s.Lock()
	if s.m == nil {
		s.m = make(map[int64]*V)
	}
	s.m[id] = v
	s.peak = max(s.peak, len(s.m))
	s.Unlock()
}

// delete forgets id. A Go map keeps the room it once had: a shard that
// held many goroutines (a burst of tasks) and is empty again is dropped,
// so that a session holds no room for the tasks of a burst long over.
func (p *perGoroutine[V]) delete(id int64) {
	s := &p.shards[uint64(id)%uint64(len(p.shards))]
	s.Lock()
	delete(s.m, id)
	if len(s.m) == 0 && s.peak > 8 {
		s.m, s.peak = nil, 0
	}
	s.Unlock()
}

// Package goroutines keeps a value per goroutine, for the few places that
// must know which goroutine calls them: the scheduler's pool workers
// (tasks.Current for a device operation that takes no context) and the
// shell's guard of interpreted functions (package repl). Go hides
// goroutine identity on purpose; ids come from github.com/petermattis/goid.
package goroutines

import "sync"

// Map maps goroutine ids to values of their own. The zero Map is ready to
// use; all methods are safe for concurrent use.
//
// A hundred thousand goroutines may hold entries at once (issue 17:
// waiting tasks): a sync.Map took about 200 bytes of entry and trie nodes
// each, a plain map in one of 64 shards takes a few tens, and goroutines
// on different shards do not contend.
type Map[V any] struct {
	shards [64]struct {
		sync.Mutex
		m    map[int64]*V
		peak int      // most entries since m was made
		_    [40]byte // keep shards on separate cache lines
	}
}

// Load returns id's value, if it has one.
func (p *Map[V]) Load(id int64) (*V, bool) {
	s := &p.shards[uint64(id)%uint64(len(p.shards))]
	s.Lock()
	v, ok := s.m[id]
	s.Unlock()
	return v, ok
}

// Store sets id's value.
func (p *Map[V]) Store(id int64, v *V) {
	s := &p.shards[uint64(id)%uint64(len(p.shards))]
	s.Lock()
	if s.m == nil {
		s.m = make(map[int64]*V)
	}
	s.m[id] = v
	s.peak = max(s.peak, len(s.m))
	s.Unlock()
}

// Delete forgets id. A Go map keeps the room it once had: a shard that
// held many goroutines (a burst of tasks) and is empty again is dropped,
// so that a session holds no room for the tasks of a burst long over.
func (p *Map[V]) Delete(id int64) {
	s := &p.shards[uint64(id)%uint64(len(p.shards))]
	s.Lock()
	delete(s.m, id)
	if len(s.m) == 0 && s.peak > 8 {
		s.m, s.peak = nil, 0
	}
	s.Unlock()
}

package devices

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"weak"
)

// The registry holds every device made by New, weakly: a device nobody
// references any more is collected and leaves it, so a long session that
// makes devices in a loop does not grow.
var registry = struct {
	sync.Mutex
	m map[uint64]weak.Pointer[Base]
}{m: map[uint64]weak.Pointer[Base]{}}

func register(b *Base) {
	registry.Lock()
	registry.m[b.id] = weak.Make(b)
	registry.Unlock()
	runtime.AddCleanup(b, unregister, b.id)
}

func unregister(id uint64) {
	registry.Lock()
	delete(registry.m, id)
	registry.Unlock()
}

// Devices returns the live devices in the order they were made.
func Devices() []*Base {
	registry.Lock()
	list := make([]*Base, 0, len(registry.m))
	for _, w := range registry.m {
		if b := w.Value(); b != nil {
			list = append(list, b)
		}
	}
	registry.Unlock()
	slices.SortFunc(list, func(a, b *Base) int { return cmp.Compare(a.id, b.id) })
	return list
}

package goroutines

import (
	"sync"
	"testing"
)

// Entries of many goroutines at once are kept apart and forgotten; a
// shard emptied after a burst drops its map.
func TestMapKeepsEachGoroutinesValue(t *testing.T) {
	var m Map[int]
	var wg sync.WaitGroup
	for id := range int64(1000) {
		wg.Go(func() {
			v := int(id)
			m.Store(id, &v)
			if got, ok := m.Load(id); !ok || *got != int(id) {
				t.Errorf("Load(%d) = %v, %v", id, got, ok)
			}
		})
	}
	wg.Wait()
	for id := range int64(1000) {
		m.Delete(id)
		if _, ok := m.Load(id); ok {
			t.Fatalf("Load(%d) after Delete found a value", id)
		}
	}
	for i := range m.shards {
		if m.shards[i].m != nil {
			t.Fatalf("shard %d kept its map after a burst of %d entries", i, m.shards[i].peak)
		}
	}
}

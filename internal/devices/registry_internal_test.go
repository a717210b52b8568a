package devices

import (
	"runtime"
	"testing"
	"time"
)

// registered counts how many of ids the registry still holds.
func registered(ids []uint64) int {
	registry.Lock()
	defer registry.Unlock()
	n := 0
	for _, id := range ids {
		if _, ok := registry.m[id]; ok {
			n++
		}
	}
	return n
}

// TestRegistryDoesNotLeak makes devices the session then drops, as a loop
// in a long session would, and checks that they leave the registry.
func TestRegistryDoesNotLeak(t *testing.T) {
	kept, _ := New(Config{Name: "kept"})
	made := make([]*Base, 1000)
	ids := make([]uint64, len(made))
	for i := range made {
		made[i], _ = New(Config{Name: "dropped"})
		ids[i] = made[i].id
	}
	if got := registered(ids); got != len(ids) {
		t.Fatalf("registry holds %d of the %d devices made", got, len(ids))
	}
	made = nil
	deadline := time.Now().Add(5 * time.Second)
	for registered(ids) > 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := registered(ids); got > 0 {
		t.Errorf("registry still holds %d dropped devices", got)
	}
	if registered([]uint64{kept.id}) != 1 {
		t.Errorf("the device still referenced left the registry")
	}
	runtime.KeepAlive(kept)
	runtime.KeepAlive(made)
}

package devices

import (
	"runtime"
	"testing"
	"time"
)

func registrySize() int {
	registry.Lock()
	defer registry.Unlock()
	return len(registry.m)
}

// TestRegistryDoesNotLeak makes devices the session drops, as a loop in a
// long session would, and checks that they leave the registry.
func TestRegistryDoesNotLeak(t *testing.T) {
	before := registrySize()
	kept, _ := New(Config{Name: "kept"})
	for range 1000 {
		New(Config{Name: "dropped"})
	}
	if got := registrySize(); got < before+1001 {
		t.Fatalf("registry has %d devices after making 1001; want at least %d", got, before+1001)
	}
	deadline := time.Now().Add(5 * time.Second)
	for registrySize() > before+1 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := registrySize(); got > before+1 {
		t.Errorf("registry still has %d devices; want at most %d", got, before+1)
	}
	found := false
	for _, b := range Devices() {
		found = found || b == kept
	}
	if !found {
		t.Errorf("the device still referenced left the registry")
	}
	runtime.KeepAlive(kept)
}

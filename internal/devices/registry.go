package devices

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"weak"

	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// The registry holds every device made by New, weakly: a device nobody
// references any more is collected and leaves it, so a long session that
// makes devices in a loop does not grow.
//
// Names are unique among the devices it lists: a device made with the
// name of a live one replaces it (issue 11). The earlier one leaves the
// tables (dstate, ddoc, concert docs) but not the emergency stop, since
// whoever still holds it may still move it; the replacement is logged and
// told to the shell (see TakeNotes). Failing instead would break the
// common case of running a session's setup again, where the earlier
// device is garbage that has not been collected yet.
var registry = struct {
	sync.Mutex
	m        map[uint64]weak.Pointer[Base]
	replaced map[uint64]bool
	notes    []note
}{m: map[uint64]weak.Pointer[Base]{}, replaced: map[uint64]bool{}}

func register(b *Base) {
	registry.Lock()
	defer registry.Unlock()
	for id, w := range registry.m {
		if old := w.Value(); old != nil && old.name == b.name && !registry.replaced[id] {
			registry.replaced[id] = true
			text := fmt.Sprintf("%s: replaces the earlier device of that name in dstate() and ddoc(); ctrl-k still stops both", b.name)
			if len(registry.notes) >= 100 {
				registry.notes = registry.notes[1:]
			}
			registry.notes = append(registry.notes, note{text, tasks.Current()})
			logs.L().Warn("device replaced", "device", b.name, "kind", b.kind)
		}
	}
	registry.m[b.id] = weak.Make(b)
	runtime.AddCleanup(b, unregister, b.id)
}

// note is something to tell the user, and the task whose call caused it.
type note struct {
	text string
	task *tasks.Task
}

// TakeNotes returns what the registry has to tell about what task t (or
// the tasks inside it) did, such as making a device that replaced one of
// the same name, and forgets it; with t nil, everything. The shell prints
// them after each command.
func TakeNotes(t *tasks.Task) []string {
	registry.Lock()
	defer registry.Unlock()
	var out []string
	keep := registry.notes[:0]
	for _, n := range registry.notes {
		if t == nil || (n.task != nil && n.task.Within(t)) {
			out = append(out, n.text)
		} else {
			keep = append(keep, n)
		}
	}
	registry.notes = keep
	return out
}

func unregister(id uint64) {
	registry.Lock()
	delete(registry.m, id)
	delete(registry.replaced, id)
	registry.Unlock()
}

// Devices returns the live devices in the order they were made, except
// those replaced by a device of the same name.
func Devices() []*Base { return live(false) }

// live returns the live devices in the order they were made; the replaced
// ones too if all.
func live(all bool) []*Base {
	registry.Lock()
	list := make([]*Base, 0, len(registry.m))
	for id, w := range registry.m {
		if b := w.Value(); b != nil && (all || !registry.replaced[id]) {
			list = append(list, b)
		}
	}
	registry.Unlock()
	slices.SortFunc(list, func(a, b *Base) int { return cmp.Compare(a.id, b.id) })
	return list
}

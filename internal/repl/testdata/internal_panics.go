// The interpreter's internal panics become errors that say what to do.
len(tasks())
x := dstate()
len(taskList())
type Temp struct { devices.Base }
type Lock struct { sync.Mutex }
"still alive"
// Output:
// Sorry, tasks() prints the running tasks and returns nothing: taskList() returns them as a []*Task
// Sorry, dstate() returns nothing: it has no value to use
// 0
// Sorry, undefined: sync (import "sync" first)
// still alive

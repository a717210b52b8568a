// A nil task given to gather (a slice made with a length, not filled) is
// refused with a line that says what to do, not a nil-pointer panic.
ts := make([]*Task, 2)
await gather(ts...)
var t *Task
await gather(t, start(func() {}))
ts = nil
ts = append(ts, start(func() {}))
await gather(ts...)
// Output:
// Sorry, gather: item 1 is a nil *Task, not a started task (a slice made with make([]*Task, n) holds n of them: append started tasks instead)
// Sorry, gather: item 1 is a nil *Task, not a started task (a slice made with make([]*Task, n) holds n of them: append started tasks instead)
// [<nil>]

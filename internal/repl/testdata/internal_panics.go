// The interpreter's internal panics become errors that say what to do.
len(tasks())
x := dstate()
len(taskList())
type Temp struct { devices.Base }
type Lock struct { sync.Mutex }
// A call of a function without results used as a value, wherever it is.
func nothing() {}
z := nothing()
fmt.Println(nothing())
[]any{nothing()}
if nothing() {}
tasks()[0]
for _, t := range tasks() {}
l := motor.Lock(true)
motor.Lock(false) + 1
len(motor.SetHardLimits(1*q.MM, 2*q.MM))
r := time.Sleep(time.Millisecond)
type S struct{}
func (S) Do() {}
s := S{}
v := s.Do()
y := (func() {})()
// What the shell cannot tell before it runs: yaegi's own error, explained.
fs := []func(){func() {}}
fs[0]() + 1
n := fs[0]()
// Calls as statements, and a local name that hides a prelude one, are fine.
nothing()
s.Do()
func g(tasks func() int) int { return tasks() }
g(func() int { return 4 })
"still alive"
// Output:
// Sorry, tasks() prints the running tasks and returns nothing: taskList() returns them as a []*Task
// Sorry, dstate() returns nothing: it has no value to use
// 0
// Sorry, undefined: sync (import "sync" first)
// Sorry, nothing() returns nothing: it has no value to use
// Sorry, nothing() returns nothing: it has no value to use
// Sorry, nothing() returns nothing: it has no value to use
// Sorry, nothing() returns nothing: it has no value to use
// Sorry, tasks() prints the running tasks and returns nothing: taskList() returns them as a []*Task
// Sorry, tasks() prints the running tasks and returns nothing: taskList() returns them as a []*Task
// Sorry, motor.Lock() returns nothing: it has no value to use
// Sorry, motor.Lock() returns nothing: it has no value to use
// Sorry, motor.SetHardLimits() returns nothing: it has no value to use
// Sorry, time.Sleep() returns nothing: it has no value to use
// Sorry, s.Do() returns nothing: it has no value to use
// Sorry, (func() {})() returns nothing: it has no value to use
// Sorry, the interpreter cannot run this (an internal error of yaegi's, in the log): is a call without results used as a value, or a value where Go wants a statement?
// Sorry, the interpreter cannot run this (an internal error of yaegi's, in the log): is a call without results used as a value, or a value where Go wants a statement?
// 4
// still alive

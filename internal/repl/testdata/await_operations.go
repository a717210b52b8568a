// An operation without its parentheses is awaited like the call.
await motor.SetPosition(2 * q.MM)
await motor.Home
motor.Position()
// start of a running task gives the task back, like Concert's start(future).
t := motor.SetPosition(1 * q.MM)
start(t) == t
await start(t)
motor.Position()
await start(motor.Home)
motor.Position()
// gather takes a []*Task, operations and functions.
var ts []*Task
ts = append(ts, motor.SetPosition(3*q.MM), shutter.Open())
r := await gather(ts...)
len(r)
motor.Position()
await gather(motor.Home, shutter.Close)
motor.Position()
fs := []any{corofunc, corofunc}
await gather(fs...)
// Output:
// 0 mm
// true
// 1 mm
// 0 mm
// 2
// 3 mm
// [<nil> <nil>]
// 0 mm
// [1 1]

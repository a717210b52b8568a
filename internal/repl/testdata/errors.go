// Errors print one line and the shell goes on.
motor := motors.NewLinear("m1")
motor.SetPosition(5)
motor.SetPosition(-0.5)
f := func(m *motors.Linear) { m.SetPosition(3) }
go fmt.Println("raw goroutine")
var a []int
a[3]
panic("on purpose")
for i := range 3 { fmt.Println(i) }
min(1, 2)
undefinedName
y := undefinedName
f := func() { await motor.Home() }
await 5
await nil
import "github.com/nowhere/pkg"
_ = time.AfterFunc(10*time.Millisecond, func() { panic("in a timer") })
sleep(context.Background(), 300*time.Millisecond)
"still alive"
// Output:
// Sorry, motor.SetPosition(5): the number 5 has no unit (it would mean 5 m); write 5 * q.MM
// Sorry, motor.SetPosition(-0.5): the number -0.5 has no unit (it would mean -0.5 m); write -0.5 * q.MM
// Sorry, m.SetPosition(3): the number 3 has no unit; write 3 * q.MM or 3 * q.Deg
// Sorry, a go statement cannot run in the shell: use start(f) to run f as a task
// Sorry, panic: runtime error: index out of range
// Sorry, panic: on purpose
// Sorry, this interpreter cannot range over an integer or a function: write for i := 0; i < n; i++
// Sorry, undefined: min (the interpreter predates Go 1.21's min and max: use math.Min/math.Max or an if)
// Sorry, undefined: undefinedName
// Sorry, undefined: undefinedName
// Sorry, await inside a function needs its context: declare the function as func(ctx context.Context) ...
// Sorry, cannot await a int: await a task, such as motor.Home() or start(f)
// Sorry, await: nothing to wait for (nil)
// Sorry, cannot import "github.com/nowhere/pkg": the shell has the standard library and concert's own packages only
// Sorry, time.AfterFunc callback: panic: in a timer
// still alive

// Statements that mean something else at the top level of the shell than
// in a function: refused with a message that says what to write, and the
// state stays as it was.
defer fmt.Println("deferred")
"a defer at the top level ran neither now nor after this command"
a, b := await gather(motor.GetPosition(), motor.GetPosition())
results := await gather(motor.GetPosition(), motor.GetPosition())
len(results)
type point struct{ X int }
type point struct{ X, Y int }
type point struct{ X int }
point{1}
var wg sync.WaitGroup
import "sync"
var wg sync.WaitGroup
wg.Add(1)
wg.Done()
type named interface{ Name() string }
var nd named = motor
nd.Name()
var x any = 3
switch v := x.(type) { case int: fmt.Println("int", v + 1) }
n := 0
func() { n++ }()
n++
n
f := func() { defer fmt.Println("inside a function, defer is fine") }
f()
// Output:
// Sorry, defer at the top level has no function to end (it would run after every later command): put it inside a function
// a defer at the top level ran neither now nor after this command
// Sorry, await gives one value: write results := await gather(...), then use results[0], results[1], ...
// 2
// Sorry, type point is already declared, and the interpreter cannot change a type: declare it under a new name
// {1}
// Sorry, undefined: sync (import "sync" first)
// motor
// int 4
// 2
// inside a function, defer is fine

// Python and IPython habits get a one-line hint in Go's terms.
exit
quit()
exit()
motor.position
motor.position = 2 * q.MM
motor.home()
motor.get_position()
motor.xyz
q.mm
strings.toUpper("a")
motor?
help(corofunc)
help(motor.Home)
help(tasks)
x := 3 * q.MM
help(x.In)
type T struct{ n int }
t := T{n: 2}
t.n
"still alive"
// Output:
// Sorry, exit is Python's: to leave the shell, press ctrl-d on an empty line
// Sorry, quit is Python's: to leave the shell, press ctrl-d on an empty line
// Sorry, exit is Python's: to leave the shell, press ctrl-d on an empty line
// Sorry, motor has no position (Go's names are case-sensitive, lowercase ones private): use motor.GetPosition(), motor.Position() or motor.SetPosition(x)
// Sorry, motor has no position (Go's names are case-sensitive, lowercase ones private): use motor.GetPosition(), motor.Position() or motor.SetPosition(x)
// Sorry, motor has no home (Go's names are case-sensitive, lowercase ones private): use motor.Home()
// Sorry, motor has no get_position (Go's names are case-sensitive, lowercase ones private): use motor.GetPosition()
// Sorry, motor has no xyz (lowercase names are private in Go; type motor. and Tab to see what it has)
// Sorry, q has no mm (Go's names are case-sensitive): write q.MM
// Sorry, strings has no toUpper (Go's names are case-sensitive): write strings.ToUpper
// Sorry, motor? is IPython's: in Go write help(motor)
// func corofunc(ctx context.Context) (int, error)
//   corofunc waits 0.1 s and returns 1: Concert's corofunc.
// motor.Home: func() *tasks.Task
// tasks: func()
//   tasks()              print the running tasks; taskList() returns them
// x.In: func(q.Length) float64
// 2
// still alive

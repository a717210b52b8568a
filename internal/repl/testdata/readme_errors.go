motor.SetPosition(5)
go motor.Home()
undefinedThing
var a []int
a[3]
"the shell goes on"
// Output:
// Sorry, motor.SetPosition(5): the number 5 has no unit (it would mean 5 m); write 5 * q.MM
// Sorry, a go statement cannot run in the shell: use start(f) to run f as a task
// Sorry, undefined: undefinedThing
// Sorry, panic: runtime error: index out of range
// the shell goes on

x := 2 * q.MM // declarations and statements print nothing
x             // an expression prints its value
x + 500*q.UM
motor.SetPosition(1 * q.MM) // an operation gives its task, running
type point struct{ X, Y int }
point{1, 2}
fmt.Println("hello")
// Output:
// 2 mm
// 2.5 mm
// <task 6 motor.SetPosition: running>
// {1 2}
// hello

// Concert's device example: an operation returns a running task at once;
// await blocks until it ends.
motor := motors.NewLinear("m1")
task := motor.SetPosition(1 * q.MM) // does not block: 1 mm at 1 mm/s
task
motor.Position() < 1*q.MM
await task // blocks
task
motor.Position()
task = motor.Home()
await task
await motor.Home() // blocks too
motor.Position()
await motor.SetPosition(2 * q.MM)
pos := await motor.GetPosition()
pos + 1*q.MM
strings.Split(fmt.Sprint(motor), "\n")[0] // a device prints as a table
// Output:
// <task 6 m1.SetPosition: running>
// true
// <task 6 m1.SetPosition: done>
// 1 mm
// 0 mm
// 3 mm
// m1 (linear motor): standby

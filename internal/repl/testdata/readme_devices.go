m := motors.NewLinear("m") // a dummy linear motor: 0 mm, 1 mm/s
task := m.SetPosition(1 * q.MM) // this doesn't block
task
await task // this blocks
await m.Home() // this blocks too
m.Position()
pos := await m.GetPosition() // pos is a q.Length
pos + 2*q.MM
// Output:
// <task 4 m.SetPosition: running>
// 0 mm
// 2 mm

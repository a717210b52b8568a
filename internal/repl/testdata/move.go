// Move moves a motor by a delta from where it stands; the target is
// checked against the limits before anything moves.
m := motors.NewLinear("mv")
await m.SetMotionVelocity(100 * q.MMPerS)
await m.SetPosition(2 * q.MM)
await m.Move(-1 * q.MM)
m.Position()
m.Param("position").SetLimits(-10*q.MM, 10*q.MM)
await m.Move(20 * q.MM)
m.Position()
m.Move(5)
// Output:
// 1 mm
// Sorry, mv.position: 21 mm > upper limit 10 mm
// 1 mm
// Sorry, m.Move(5): the number 5 has no unit (it would mean 5 m); write 5 * q.MM

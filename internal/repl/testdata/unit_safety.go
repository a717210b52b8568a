// Every refusal of issue 11, each one line naming device, parameter,
// value and unit and saying what to write; nothing moves in any of them.
nan := q.Length(math.NaN()) * q.MM
await motor.SetPosition(nan)
motor.Param("position").Check(q.Length(math.Inf(1)) * q.MM)
await motor.Param("position").Wait(nan, 1*q.UM, 0*q.S)
await motor.Move(-nan)
motor.Param("position").SetLimits(-nan, 10*q.MM)
lo, n := 0*q.MM, 1
step := (10*q.MM - lo) / q.Length(n-1)
step
var hi q.Quantity = 10 * q.MM
motor.Param("position").SetLimits(nil, hi)
motor.Param("position").SetLimits(q.NoLimit, hi)
motor.Param("position").Check(50 * q.MM)
await motor.SetPosition(50 * q.MM)
x := 2.0
await motor.SetPosition(q.Length(x))
await motor.SetPosition(q.Length(x) * q.MM)
motor.Position()
ring := storagerings.New("ring")
await ring.Param("current").Stash()
motor2 := motors.NewLinear("motor")
motor2.Position()
await motor.SetPosition(0 * q.MM)
motor.Position()
// Output:
// Sorry, motor.position: NaN mm is not a finite length (a division by zero?); compute a finite value
// Sorry, motor.position: +Inf mm is not a finite length (a division by zero?); compute a finite value
// Sorry, motor.position: NaN mm is not a finite length (a division by zero?); compute a finite value
// Sorry, motor.position: NaN mm is not a finite length (a division by zero?); compute a finite value
// Sorry, motor.position: lower limit NaN mm is not a finite length; write q.NoLimit for no limit
// +Inf mm
// Sorry, motor.position: the lower limit is nil; write q.NoLimit for no limit, or a value such as 10 * q.MM
// Sorry, motor.position: 50 mm > upper limit 10 mm
// Sorry, motor.position: 50 mm > upper limit 10 mm
// Sorry, q.Length(x) has no unit: x counts in m; write q.Length(x) * q.MM
// 2 mm
// Sorry, ring.current: read-only, cannot be stashed (Restore could not set it back)
// note: motor: replaces the earlier device of that name in dstate() and ddoc(); ctrl-k still stops both
// 0 mm
// 0 mm

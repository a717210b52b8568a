// A call's result cannot be assigned to (Go refuses it; yaegi did nothing).
motor.Position() = 3 * q.MM
motor.Param("position") = 3 * q.MM
f := func() { motor.Position() += 1 * q.MM }
motor.Position()
// Output:
// Sorry, cannot assign to motor.Position() (the value a call returns): write await motor.SetPosition(3 * q.MM)
// Sorry, cannot assign to motor.Param("position") (the value a call returns): write await motor.Param("position").Set(3 * q.MM)
// Sorry, cannot assign to motor.Position() (the value a call returns): write await motor.SetPosition(v)
// 0 mm

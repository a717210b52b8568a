// A parameter's limits take a quantity of any unit (q.Quantity): a bare
// number there is refused with a line, not the interpreter's "panic:
// method not found: Base".
m := motors.NewLinear("qm")
m.Param("position").SetLimits(-1, 1)
p := m.Param("position")
p.SetLimits(-1*q.MM, 1)
m.Param("position").SetUpper(5)
p.SetLimits(-1*q.MM, 1*q.MM)
p.Limits()
// Output:
// Sorry, m.Param("position").SetLimits(-1, 1): the number -1 has no unit; write it with the parameter's unit, such as -1 * q.MM
// Sorry, p.SetLimits(-1*q.MM, 1): the number 1 has no unit; write it with the parameter's unit, such as 1 * q.MM
// Sorry, m.Param("position").SetUpper(5): the number 5 has no unit; write it with the parameter's unit, such as 5 * q.MM
// -1 mm
// 1 mm

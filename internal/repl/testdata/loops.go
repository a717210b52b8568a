// Loops and conditions at the prompt: the semicolons of a for, if or
// switch header belong to the statement, and await works in their bodies.
m := motors.NewLinear("m")
for i := 1; i <= 2; i++ {
	await m.SetPosition(q.Length(i) * q.UM)
	p := await m.GetPosition()
	fmt.Println(i, p)
}
for i := 0; i < 3; i++ { fmt.Print(i, " ") }; fmt.Println()
if p := m.Position(); p > 1*q.UM { fmt.Println("beyond 1 µm:", p) } else if p > 0 { fmt.Println("short") }
switch s := m.State(); s { case "standby": fmt.Println("standing by") }
// Output:
// 1 1 µm
// 2 2 µm
// 0 1 2 
// beyond 1 µm: 2 µm
// standing by

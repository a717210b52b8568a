// What await gives has its type inside loops and functions where the
// session knows it: a parameter's unit, an operation awaited before.
f := func(ctx context.Context) error {
	p := await motor.GetPosition()
	fmt.Println(p + 1*q.MM)
	return nil
}
await f
// Not yet known: the error says how to convert.
for i := 0; i < 1; i++ {
	fr := await camera.Grab()
	fmt.Println(fr.Number)
}
fr := await camera.Grab()
fr.Number
for i := 0; i < 2; i++ {
	fr := await camera.Grab()
	fmt.Println(fr.Number)
}
r := await gather(camera.Grab(), motor.GetPosition())
r[1] + 1*q.MM
r[1].(q.Length) + 1*q.MM
// Output:
// 1 mm
// Sorry, line 3:14: undefined method: Number (fr is an any, as what await gives inside a function or loop and gather's results are: convert it, fr.(T) with T the type it holds)
// 1
// 2
// 3
// Sorry, invalid operation: operator + not defined on any (r[1] is an any, as what await gives inside a function or loop and gather's results are: convert it, r[1].(q.Length))
// 1 mm

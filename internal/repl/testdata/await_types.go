// x := await t binds x with the result's own type, also for a type the
// session declared, so that its fields and elements can be used at once.
type point struct{ X, Y int }
func f(ctx context.Context) (point, error) { return point{3, 4}, nil }
p := await start(f)
p.X + p.Y
type path []point
func g(ctx context.Context) (path, error) { return path{{1, 2}, {5, 6}}, nil }
ps := await start(g)
ps[1].Y
pos := await motor.GetPosition()
pos + 1*q.MM
// Output:
// 7
// 6
// 1 mm

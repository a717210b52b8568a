// start takes each shape a task function has, names the task after the
// variable it was given, and fails a task that panics; gather(fs...) runs
// the functions and operations of a slice without changing the slice. A
// start the session declares is its own.
f := func(ctx context.Context) error { return nil }
g := func(ctx context.Context) { <-ctx.Done() }
h := func(ctx context.Context) (any, error) { return 42, nil }
p := func(ctx context.Context) error { panic("no") }
await start(f)
tg := start(g)
tg.Name()
tg.Cancel()
await start(h)
await start(p)
fs := []any{func(ctx context.Context) (int, error) { return 1, nil }, h}
await gather(fs...)
ops := []any{motor.Home}
await gather(ops...)
fmt.Sprintf("%T", ops[0])
func start(x any) int { return 7 }
start(f)
// Output:
// g
// 42
// Sorry, panic: no
// [1 42]
// [<nil>]
// func() *tasks.Task
// 7

// Arguments to a function of a ctx: background(f)(args...) starts it with
// them; at the prompt there is no ctx, and the error says so.
func tomo(ctx context.Context, n int) (int, error) { return n * 2, nil }
await tomo(ctx, 5)
await background(tomo)(5)
// Output:
// Sorry, undefined: ctx (the prompt has no ctx: a task gets its own, so start the function with its other arguments: await background(tomo)(5))
// 10

// await is rewritten only where it is the keyword: never in strings or
// comments; inside a function only with a ctx in scope.
"await start(f)" // await in a comment
`await`
func corofunc(ctx context.Context) (int, error) { return 1, nil }
plusOne := func(ctx context.Context) (int, error) {
	v := await start(corofunc) // a function's await uses its ctx
	return v.(int) + 1, nil
}
await start(plusOne)
v := await start(plusOne)
v * 10
var w int
w = await start(corofunc)
w
// Output:
// await start(f)
// await
// 2
// 20
// 1

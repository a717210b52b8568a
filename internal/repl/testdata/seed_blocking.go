// Concert's first example: a function started as a task does not block;
// await blocks and gives its result.
func corofunc(ctx context.Context) (int, error) {
	if err := sleep(ctx, 100*time.Millisecond); err != nil {
		return 0, err
	}
	return 1, nil
}

task := start(corofunc) // starts it, does not block
result := await task    // blocks; result is an int
result + 1
await start(corofunc) // blocks too

run := background(corofunc) // Concert's @background
task = run()                // runs at once, does not block
result = await task
result
await run()
// Output:
// 2
// 1
// 1
// 1

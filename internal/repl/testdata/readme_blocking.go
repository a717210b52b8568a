// A function that takes a context and returns (T, error) can run as a task.
func corofunc(ctx context.Context) (int, error) {
	if err := sleep(ctx, 500*time.Millisecond); err != nil {
		return 0, err
	}
	return 1, nil
}

task := start(corofunc) // starts it, does not block
task
result := await task // blocks; result is an int
result
await start(corofunc) // blocks too

runNow := background(corofunc) // Concert's @background
task = runNow()                // runs at once, does not block
result = await task            // blocks, result is 1
await runNow()                 // blocks too
// Output:
// <task 5 corofunc: running>
// 1
// 1
// 1

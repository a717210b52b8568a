// Concert's gather: run functions and tasks concurrently, get all results.
func corofunc(ctx context.Context) (int, error) {
	if err := sleep(ctx, 100*time.Millisecond); err != nil {
		return 0, err
	}
	return 1, nil
}
await gather(corofunc, corofunc)
results := await gather(corofunc, start(corofunc))
len(results)
results[0].(int) + results[1].(int)
// Output:
// [1 1]
// 2
// 2

func corofunc(ctx context.Context) (int, error) {
	if err := sleep(ctx, 100*time.Millisecond); err != nil {
		return 0, err
	}
	return 1, nil
}
await gather(corofunc, corofunc) // both run at once: 0.1 s, not 0.2 s
results := await gather(start(corofunc), motor.SetPosition(1*q.MM))
results[0]
// Output:
// [1 1]
// 1

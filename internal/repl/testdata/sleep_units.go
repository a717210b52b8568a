// sleep, waitUntil and watchdog take a q.Duration or a time.Duration: a
// bare number would be nanoseconds, as in Go, where a user typing Python's
// sleep(5) means seconds. It is refused with both spellings.
f := func(ctx context.Context) error { return sleep(ctx, 5) }
waitUntil(func() bool { return true }, 1, 1*q.S)
await start(func(ctx context.Context) error { return sleep(ctx, 10*q.MS) })
await waitUntil(func() bool { return true }, 10*time.Millisecond, 1*q.S)
// Output:
// Sorry, sleep(ctx, 5): the number 5 has no unit (it would mean 5 ns); write 5 * q.S or 5 * time.Second
// Sorry, waitUntil(func() bool { return true }, 1, 1*q.S): the number 1 has no unit (it would mean 1 ns); write 1 * q.S or 1 * time.Second

// Durations: q.Duration and time.Duration both, wherever the prelude takes one.
n := 0
await waitUntil(func() bool { n++; return n >= 3 }, 10*q.MS, 5*q.S)
n
await waitUntil(func() bool { return true }, 10*time.Millisecond, time.Second)
await start(func(ctx context.Context) error { return sleep(ctx, 10*q.MS) })
await start(func(ctx context.Context) error { return sleep(ctx, 10*time.Millisecond) })
time.Sleep(10 * q.MS)
time.Sleep(10 * time.Millisecond)
await waitUntil(func() bool { return false }, 10*q.MS, 50*q.MS)
// Output:
// 3
// Sorry, timed out after 50ms waiting for condition

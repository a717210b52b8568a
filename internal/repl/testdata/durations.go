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
w := watchdog(func() bool { return false }, 50*q.MS)
w.Cancel()
// Where one kind is wanted, the error names the conversion.
t := motor.Param("position").Wait(0*q.MM, 0.01*q.MM, 1*time.Second)
ch := time.After(1 * q.S)
time.Since(time.Now()) > 1*q.S
// A conversion between them is wrong by 10⁹ and refused.
x := 2 * q.S
time.Duration(x)
time.Duration(2 * q.S)
q.Duration(time.Second)
var d q.Duration = 3 * time.Second
var e time.Duration = x
var f time.Duration = x.Std()
f
q.FromStd(1500 * time.Millisecond)
// Output:
// 3
// Sorry, timed out after 50ms waiting for condition
// Sorry, cannot use type time.Duration as type q.Duration (a time.Duration d converts with q.FromStd(d))
// Sorry, cannot use type q.Duration as type time.Duration (a q.Duration d converts with d.Std())
// Sorry, invalid operation: mismatched types time.Duration and q.Duration (convert the q.Duration with d.Std(), or the time.Duration with q.FromStd(d))
// Sorry, time.Duration(x) of a q.Duration counts nanoseconds, not seconds: write x.Std()
// Sorry, time.Duration(2 * q.S) of a q.Duration counts nanoseconds, not seconds: write (2 * q.S).Std()
// Sorry, q.Duration(time.Second) of a time.Duration counts nanoseconds as seconds: write q.FromStd(time.Second)
// Sorry, 3 * time.Second is a time.Duration, not a q.Duration: write q.FromStd(3 * time.Second)
// Sorry, x is a q.Duration, not a time.Duration: write x.Std()
// 2s
// 1.5 s

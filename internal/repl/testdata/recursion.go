// Recursion without end is caught however a function calls itself, also
// in a task, and deep recursion that ends is no error, also after one
// that was caught.
func down(n int) int { if n == 0 { return 0 }; return down(n-1) + 1 }
down(900)
down(999)
var g func(n int) int
g = func(n int) int { return g(n+1) + 1 }
await start(func() error { g(0); return nil })
await start(func() (int, error) { return down(900), nil })
down(900)
// Output:
// 900
// 999
// Sorry, panic: functions called 1000 deep: a function that calls itself without end?
// 900
// 900

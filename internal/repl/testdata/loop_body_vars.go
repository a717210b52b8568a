// A variable declared in a loop's body is the iteration's own, as in Go:
// tasks started in the loop that use it see their iteration's value, not
// the last one, at the top level and in a function.
ts := []*Task{}
for _, v := range []int{1, 2, 3} { w := v * 10; ts = append(ts, start(func() (int, error) { time.Sleep(20 * time.Millisecond); return w, nil })) }
await gather(ts...)
func launch() []*Task {
	var ts []*Task
	for i := 0; i < 3; i++ {
		var p = fmt.Sprint("p", i)
		ts = append(ts, start(func(ctx context.Context) (string, error) { time.Sleep(20 * time.Millisecond); return p, nil }))
	}
	return ts
}
await gather(launch()...)
total := 0
for _, v := range []int{1, 2, 3} { d := v; f := func() { total += d }; d *= 100; f() }
total
// A deferred call still runs when the function ends, not the iteration.
func deferred() (out []int) { for _, v := range []int{1, 2, 3} { w := v; defer func() { out = append(out, w) }() }; out = append(out, 0); return }
deferred()[0]
// Output:
// [10 20 30]
// [p0 p1 p2]
// 600
// 0

// A loop whose body declares a variable of the loop variable's name, as
// Go code from before 1.22 does (i := i), ends and sees each iteration's
// value at the top level too.
n := 0
for i := 0; i < 3; i++ { i := i; n++; if n > 10 { break } }
n
for _, v := range []int{1, 2, 3} { v := v; fmt.Print(v) }
fmt.Println()
ts := []*Task{}
for i := 0; i < 3; i++ { i := i; ts = append(ts, start(func() (int, error) { return i, nil })) }
await gather(ts...)
// Output:
// 3
// 123
// [0 1 2]
